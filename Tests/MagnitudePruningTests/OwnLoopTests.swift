import Datasets
import NeuralNetworks
import PruningCore
import MagnitudePruning
import SparsityConstraints
import TensorEngine
import Testing
import _PruningTestSupport

/// A user's own training loop driving gradual magnitude pruning through `Pruner` ends exactly where the pipeline does.
@Suite("Own training loop: magnitude")
struct MagnitudeOwnLoopTests {
    @Test("gradual, iterative and one-shot magnitude: the hand-written loop gives the pipeline's weights and masks, bit for bit",
          arguments: ["gradual", "iterative", "one-shot"])
    func sameAsPipeline(schedule: String) throws {
        let options: [String: String]
        switch schedule {
        case "gradual": options = ["schedule": "gradual", "update-every": "2", "ramp": "0.6"]
        case "iterative": options = ["schedule": "iterative", "rounds": "2"]
        default: options = ["schedule": schedule]
        }
        func method() throws -> any PruningMethod { try MagnitudePruning.registration.make(MethodOptions(options)) }
        let data = try Fixtures.data()
        let dense = Fixtures.state(of: Fixtures.mlp())
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.8)

        let piped = Fixtures.mlp(seed: 77)
        try piped.loadStateDict(dense)
        let (result, pipelineMasks) = try PruningPipeline(configuration: Fixtures.configuration(methodEpochs: 3, retrainEpochs: 2, seed: 5))
            .run(method: try method(), model: piped, parameters: Fixtures.weights(of: piped), constraint: constraint, data: data)

        let own = Fixtures.mlp(seed: 78)
        try own.loadStateDict(dense)
        let (ownMasks, diagnostics) = try HandWrittenLoop.run(try method(), model: own, constraint: constraint, data: data,
                                                              methodEpochs: 3, retrainEpochs: 2, seed: 5)

        #expect(Fixtures.state(of: own) == Fixtures.state(of: piped))
        #expect(ownMasks == pipelineMasks)
        #expect(diagnostics.map(\.sparsityTarget) == result.diagnostics.map(\.sparsityTarget))
        #expect(diagnostics.count == (schedule == "one-shot" ? 0 : 3))
    }
}
