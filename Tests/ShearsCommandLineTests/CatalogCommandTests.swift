import ArgumentParser
import Foundation
import Shears
import SparsityConstraints
import Testing
@testable import ShearsCommandLine

@Suite("The command line runs with the catalog it is given", .serialized)
struct CatalogCommandTests {
    /// The built-in catalog plus a method named `keep-all` (made by magnitude pruning: only its name matters here).
    static func catalog() throws -> ShearsCatalog {
        try ShearsCatalog.builtIn.adding(methods: [
            MethodRegistration(name: "keep-all", summary: "a method of another package", options: [],
                               make: { _ in try BuiltInMethods.registry.make("magnitude") }),
        ])
    }

    @Test("methods lists a method of the catalog beside the built-ins")
    func methodsListsCatalogEntries() throws {
        let output = try ShearsCommand.$catalog.withValue(try Self.catalog()) { try CLI.output(["methods", "--json"]) }
        let listings = try CLI.json([MethodsCommand.Listing].self, from: output)
        #expect(listings.map(\.name) == BuiltInMethods.registry.names + ["keep-all"])
        #expect(try !CLI.json([MethodsCommand.Listing].self, from: CLI.output(["methods", "--json"])).map(\.name).contains("keep-all"))
    }

    @Test("compare accepts the catalog's method and the help lists the catalog's models")
    func compareSeesCatalog() throws {
        try ShearsCommand.$catalog.withValue(try Self.catalog()) {
            let command = try CompareCommand.parse(["--methods", "slr,keep-all", "--dataset", "synthetic", "--model", "mlp"])
            #expect(try command.makeExperiment().methods.map(\.name) == ["slr", "keep-all"])
        }
        #expect(throws: (any Error).self) {
            try CompareCommand.parse(["--methods", "slr,keep-all", "--dataset", "synthetic", "--model", "mlp"]).makeExperiment()
        }
    }

    @Test("--constraint and an experiment file may name a constraint of the catalog")
    func constraintOfTheCatalog() throws {
        let half = ConstraintRegistration(name: "half", summary: "unstructured 50 %") { _ in
            try SparsityConstraint.unstructured(sparsity: 0.5)
        }
        let catalog = try Self.catalog().adding(constraints: [half])
        try ShearsCommand.$catalog.withValue(catalog) {
            let command = try CompareCommand.parse(["--methods", "magnitude", "--dataset", "synthetic", "--model", "mlp",
                                                    "--constraint", "half"])
            let experiment = try command.makeExperiment()
            #expect(experiment.constraint.pattern == .registered(name: "half", arguments: []))
            try experiment.validate(catalog: catalog)
        }
        let refused = CLI.failure(["compare", "--methods", "magnitude", "--dataset", "synthetic", "--model", "mlp",
                                   "--constraint", "half", "--out", "unused"])
        #expect(refused.code == 2 && refused.message.contains("unknown constraint 'half'"), "\(refused)")
        let yaml = "model: mlp\ndataset: synthetic\nconstraint: {pattern: half}\nmethods: [magnitude]\n"
        let decoded = try ExperimentFile.decode(Data(yaml.utf8), format: .yaml, constraints: catalog.constraints)
        #expect(decoded.constraint.pattern == .registered(name: "half", arguments: []))
        #expect(throws: ExperimentFileError.self) { try ExperimentFile.decode(Data(yaml.utf8), format: .yaml) }
    }

    @Test("a file dataset without --data-dir is reported with the command line's flags")
    func missingDirectoryNamesFlags() {
        let message = CLI.message(for: CatalogError.missingDataDirectory(dataset: "mnist", contents: "the MNIST IDX files"))
        #expect(message == "--dataset mnist needs --data-dir with the MNIST IDX files")
        #expect(ShearsCommand.exitCode(for: CatalogError.duplicateName(kind: "model", name: "mlp")) == 2)
    }
}
