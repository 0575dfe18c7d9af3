import Shears
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

    @Test("a file dataset without --data-dir is reported with the command line's flags")
    func missingDirectoryNamesFlags() {
        let message = CLI.message(for: CatalogError.missingDataDirectory(dataset: "mnist", contents: "the MNIST IDX files"))
        #expect(message == "--dataset mnist needs --data-dir with the MNIST IDX files")
        #expect(ShearsCommand.exitCode(for: CatalogError.duplicateName(kind: "model", name: "mlp")) == 2)
    }
}
