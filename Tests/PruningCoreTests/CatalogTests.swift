import Foundation
import Datasets
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Testing
@testable import PruningCore

@Suite("Catalog: registries of methods, models and datasets")
struct CatalogTests {
    static let method = MethodRegistration(name: "project", summary: "projection at the end", options: [],
                                           make: { _ in ProjectAtEnd() })

    @Test("a method name registered twice throws, naming it, and leaves the registry as it was")
    func duplicateMethod() throws {
        var catalog = ShearsCatalog()
        try catalog.register(Self.method)
        #expect(throws: CatalogError.duplicateName(kind: "pruning method", name: "project")) {
            try catalog.register(Self.method)
        }
        #expect(catalog.methods.names == ["project"])
        #expect(throws: CatalogError.self) { try MethodRegistry([Self.method, Self.method]) }
        #expect("\(CatalogError.duplicateName(kind: "model", name: "mlp"))".contains("'mlp' is already registered"))
    }

    @Test("models are found without case; a taken name throws; an unknown one lists the known names")
    func models() throws {
        var models = ModelRegistry.zoo
        #expect(models.names == ModelZoo.names)
        let request = ModelRequest(classes: 10, inputChannels: 1, inputSize: 28, seed: 3)
        let fromCatalog = try models.make("MLP", request)
        let fromZoo = try ModelZoo.make(name: "mlp", classes: 10, inputChannels: 1, inputSize: 28, seed: 3)
        // The catalog builds exactly the zoo's network: same names, same initial weights.
        #expect(fromCatalog.stateDict().map(\.name) == fromZoo.stateDict().map(\.name))
        #expect(zip(fromCatalog.stateDict(), fromZoo.stateDict()).allSatisfy { $0.tensor.scalars == $1.tensor.scalars })
        let clash = ModelRegistration(name: "Lenet5", summary: "another") { _ in fromZoo }
        #expect(throws: CatalogError.duplicateName(kind: "model", name: "Lenet5")) { try models.register(clash) }
        #expect(throws: NeuralNetworkError.unknownModel(name: "alexnet", known: ModelZoo.names)) {
            _ = try models.make("alexnet", request)
        }
    }

    @Test("datasets are found by name or alias; an alias that is taken throws")
    func datasets() throws {
        var datasets = DatasetCatalog.registry
        #expect(try datasets.registration(named: "FMNIST").name == "fashion-mnist")
        #expect(try datasets.registration(named: "cifar-10").name == "cifar10")
        #expect(try datasets.registration(named: "synthetic").dependsOnSeed)
        let clash = DatasetRegistration(name: "mine", aliases: ["fmnist"], summary: "x") { _ in
            try DatasetSplits.synthetic(seed: 0, trainCount: 8, testCount: 4)
        }
        #expect(throws: CatalogError.duplicateName(kind: "dataset", name: "fmnist")) { try datasets.register(clash) }
        #expect(throws: PruningError.self) { try datasets.registration(named: "imagenet") }
    }

    @Test("a file dataset without a folder names the option, not a command-line flag")
    func missingDirectory() {
        #expect(throws: CatalogError.missingDataDirectory(dataset: "mnist", contents: "the MNIST IDX files")) {
            _ = try DatasetCatalog.load("mnist", directory: nil)
        }
        let text = "\(CatalogError.missingDataDirectory(dataset: "mnist", contents: "the MNIST IDX files"))"
        #expect(text.contains("dataDirectory") && !text.contains("--"))
    }

    @Test("a registered dataset loads through the registry, standardised, like a built-in one")
    func customDataset() throws {
        var catalog = ShearsCatalog(datasets: DatasetCatalog.registry)
        try catalog.register(DatasetRegistration(name: "tiny", summary: "a tiny synthetic task") { request in
            try DatasetSplits.synthetic(seed: request.seed, trainCount: 32, testCount: 16)
        })
        let (splits, _) = try catalog.datasets.load("tiny", directory: nil, seed: 1)
        #expect(splits.train.count == 32 && splits.test.count == 16)
    }
}

@Suite("Catalog: constraints of another package")
struct CatalogConstraintTests {
    /// `quarter[:FRACTION]`: unstructured at FRACTION (default 0.25) whatever sparsity is asked for.
    static let quarter = ConstraintRegistration(name: "quarter", summary: "unstructured at a fixed sparsity") { spec in
        guard case .registered(_, let arguments) = spec.pattern, arguments.count <= 1 else {
            throw ConstraintError.malformedSpec("quarter takes at most one argument")
        }
        let sparsity = try arguments.first.map { text -> Double in
            guard let value = Double(text) else { throw ConstraintError.malformedSpec("quarter: '\(text)' is not a number") }
            return value
        } ?? 0.25
        return try SparsityConstraint.unstructured(sparsity: sparsity)
    }

    @Test("constraint text names a registered constraint, with arguments; without the registry it is unknown")
    func parsesRegisteredNames() throws {
        let registry = try ConstraintRegistry([Self.quarter])
        let spec = try ConstraintSpec.parse("Quarter:0.5", sparsity: 0.9, registry: registry)
        #expect(spec.pattern == .registered(name: "quarter", arguments: ["0.5"]))
        #expect(spec.description == "quarter:0.5 sparsity 0.9 scope layer")
        let constraint = try spec.makeConstraint(registry: registry)
        #expect(constraint.summary.contains("50"))
        #expect(throws: ConstraintError.self) { try ConstraintSpec.parse("quarter", sparsity: 0.9) }
        #expect(throws: ConstraintError.self) { try ConstraintSpec.parse("quarter:x", sparsity: 0.9, registry: registry) }
        #expect(throws: ConstraintError.self) { try spec.makeConstraint() }
    }

    @Test("a registered constraint round-trips through JSON when the decoder has the registry")
    func codable() throws {
        let registry = try ConstraintRegistry([Self.quarter])
        let spec = try ConstraintSpec.parse("quarter", sparsity: 0.9, registry: registry)
        let data = try JSONEncoder().encode(spec)
        let decoder = JSONDecoder()
        decoder.userInfo = [.shearsConstraints: registry]
        #expect(try decoder.decode(ConstraintSpec.self, from: data) == spec)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ConstraintSpec.self, from: data) }
    }

    @Test("a built-in pattern's name or a taken one cannot be registered")
    func takenNames() throws {
        var registry = try ConstraintRegistry([Self.quarter])
        #expect(throws: CatalogError.duplicateName(kind: "constraint", name: "quarter")) { try registry.register(Self.quarter) }
        let nm = ConstraintRegistration(name: "NM", summary: "clash") { _ in try SparsityConstraint.unstructured(sparsity: 0.5) }
        #expect(throws: CatalogError.duplicateName(kind: "constraint", name: "NM")) { try registry.register(nm) }
        let colon = ConstraintRegistration(name: "a:b", summary: "bad") { _ in try SparsityConstraint.unstructured(sparsity: 0.5) }
        #expect(throws: ConstraintError.self) { try registry.register(colon) }
    }
}
