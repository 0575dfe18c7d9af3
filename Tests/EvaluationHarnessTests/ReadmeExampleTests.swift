import Shears
import SparsityConstraints
import Testing
import Training

/// The README's "In Swift" example, on the synthetic task with tiny budgets, so that the documented API keeps compiling
/// and working.
@Suite("README example")
struct ReadmeExampleTests {
    @Test("the library example runs: train, prune with SLR through the catalog, read the convergence figures")
    func libraryExample() throws {
        let catalog = ShearsCatalog.builtIn
        let (data, _) = try catalog.datasets.load("synthetic", directory: nil)
        let small = try DatasetSplits(train: data.train.prefix(256), test: data.test.prefix(128))
        let model = try catalog.models.make("mlp", ModelRequest(classes: 10, inputChannels: 1, inputSize: 28, seed: 0))
        _ = try DenseTraining.train(model: model, data: small, epochs: 1, batchSize: 64,
                                    optimizer: .denseTraining, seed: 0)

        let method = try catalog.methods.make("slr", options: MethodOptions(["rho": "0.1"]))
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.9)
        let parameters = try ParameterSelector.default.select(from: model)
        let pipeline = PruningPipeline(configuration: PipelineConfiguration(methodEpochs: 1, retrainEpochs: 1, batchSize: 64))
        let (result, masks) = try pipeline.run(method: method, model: model, parameters: parameters,
                                               constraint: constraint, data: small)
        #expect(result.retrainingCurve.count == 2)
        #expect(abs(result.sparsity.overallSparsity - 0.9) < 0.001)
        #expect(masks.masks.map(\.name) == parameters.map(\.name))
        _ = result.retrainingEpochsToReach(withinPoints: 1)
    }
}
