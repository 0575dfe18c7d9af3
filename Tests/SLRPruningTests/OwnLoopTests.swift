import ADMMPruning
import Datasets
import NeuralNetworks
import PruningCore
import SLRPruning
import SparsityConstraints
import TensorEngine
import Testing
import _PruningTestSupport

/// A user's own training loop driving a method through `Pruner` ends exactly where the pipeline does.
@Suite("Own training loop: SLR and ADMM")
struct SLROwnLoopTests {
    /// Runs `makeMethod()` through the pipeline and through ``HandWrittenLoop`` from the same dense weights and
    /// checks that the final weights (every tensor of the model), the masks and the method's diagnostics agree bit for bit.
    static func expectSameAsPipeline(_ makeMethod: () throws -> any PruningMethod, sparsity: Double) throws {
        let data = try PruningFixtures.data()
        let dense = PruningFixtures.state(of: PruningFixtures.mlp())
        let constraint = try SparsityConstraint.unstructured(sparsity: sparsity)
        let configuration = PruningFixtures.configuration(methodEpochs: 3, retrainEpochs: 2, seed: 5)

        let piped = PruningFixtures.mlp(seed: 77)
        try piped.loadStateDict(dense)
        let (result, pipelineMasks) = try PruningPipeline(configuration: configuration).run(
            method: try makeMethod(), model: piped, parameters: PruningFixtures.weights(of: piped), constraint: constraint, data: data)

        let own = PruningFixtures.mlp(seed: 78)
        try own.loadStateDict(dense)
        let (ownMasks, ownDiagnostics) = try HandWrittenLoop.run(try makeMethod(), model: own, constraint: constraint, data: data,
                                                                 methodEpochs: 3, retrainEpochs: 2, seed: 5)

        #expect(PruningFixtures.state(of: own) == PruningFixtures.state(of: piped))
        #expect(ownMasks == pipelineMasks)
        #expect(!ownDiagnostics.isEmpty)
        // The pipeline adds only what it measures itself (test accuracies, and the loss where a method gives none).
        #expect(ownDiagnostics.map(\.iteration) == result.diagnostics.map(\.iteration))
        #expect(ownDiagnostics.map(\.distanceToConstraint) == result.diagnostics.map(\.distanceToConstraint))
        #expect(ownDiagnostics.map(\.multiplierNorm) == result.diagnostics.map(\.multiplierNorm))
        #expect(ownDiagnostics.map(\.stepSize) == result.diagnostics.map(\.stepSize))
    }

    @Test("SLR (Z and Λ every epoch, growing ρ): the hand-written loop gives the pipeline's weights, bit for bit")
    func slr() throws {
        try Self.expectSameAsPipeline({
            try SLRPruning.registration.make(MethodOptions(["rho": "0.1", "rho-schedule": "geometric:1.3"]))
        }, sparsity: 0.8)
    }

    @Test("SLR updating every 2 batches (the step hook drives the iterations)")
    func slrEveryTwoBatches() throws {
        try Self.expectSameAsPipeline({
            try SLRPruning.registration.make(MethodOptions(["rho": "0.05", "update-every": "2b", "on-failure": "strict"]))
        }, sparsity: 0.7)
    }

    @Test("ADMM: the hand-written loop gives the pipeline's weights, bit for bit")
    func admm() throws {
        try Self.expectSameAsPipeline({
            try ADMMPruning.registration.make(MethodOptions(["rho": "0.1", "update-every": "2b"]))
        }, sparsity: 0.75)
    }
}
