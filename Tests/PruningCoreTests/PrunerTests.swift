import Datasets
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Testing
import PruningCore
import Training

@Suite("Pruner: the hooks of one's own loop")
struct PrunerTests {
    static func pruner(_ method: any PruningMethod = CountingMethod()) throws -> Pruner {
        let data = try PipelineFixtures.data()
        let model = PipelineFixtures.mlp()
        let session = PipelineFixtures.session(model: model, constraint: try SparsityConstraint.unstructured(sparsity: 0.7),
                                               data: data, methodEpochs: 2, stepsPerEpoch: 3)
        return try Pruner(method: method, session: session)
    }

    @Test("the hooks advance the clock the methods read: steps, then the finished epoch's index, then the next epoch")
    func progress() throws {
        let method = CountingMethod()
        let pruner = try Self.pruner(method)
        for _ in 0..<3 { try pruner.stepFinished() }
        #expect(pruner.session.progress == TrainingProgress(step: 3, epoch: 0, stepsPerEpoch: 3))
        let diagnostics = try pruner.epochFinished()
        #expect(diagnostics.map(\.epoch) == [1])
        #expect(pruner.progress == TrainingProgress(step: 3, epoch: 1, stepsPerEpoch: 3))
        try pruner.stepFinished()
        #expect(pruner.session.progress == TrainingProgress(step: 4, epoch: 1, stepsPerEpoch: 3))
        #expect(method.steps == 4)
    }

    @Test("hard prune gives masks in the constraint; hooks called in the wrong phase throw errors naming the call")
    func phases() throws {
        let pruner = try Self.pruner()
        #expect(!pruner.isHardPruned)
        #expect(throws: PruningError.self) { try pruner.maskGradients() }
        #expect(throws: PruningError.self) { try pruner.applyMasks() }
        let masks = try pruner.hardPrune()
        #expect(pruner.isHardPruned && pruner.masks == masks)
        #expect(masks.masks.map(\.name) == ["fc1.weight", "fc2.weight"])
        #expect(abs((pruner.sparsity?.overallSparsity ?? 0) - 0.7) < 0.01)
        #expect(pruner.penalty() == nil)
        do {
            try pruner.stepFinished()
            Issue.record("stepFinished after hardPrune was accepted")
        } catch let error as PruningError {
            #expect("\(error)".contains("stepFinished()") && "\(error)".contains("after hardPrune()"))
        }
        #expect(throws: PruningError.self) { try pruner.epochFinished() }
        #expect(throws: PruningError.self) { try pruner.hardPrune() }
        try pruner.applyMasks()
        try pruner.verify(when: "after the masks")
    }

    @Test("a method whose hard-pruned weights do not fit the session is refused with a thrown error naming it")
    func misfit() throws {
        final class DropsALayer: PruningMethod {
            let name = "drops-a-layer"
            func finalize(_ session: PruningSession) throws -> [NamedTensor] { Array(try session.projectedWeights().dropLast()) }
        }
        let pruner = try Self.pruner(DropsALayer())
        do {
            try pruner.hardPrune()
            Issue.record("a misfit hard prune was accepted")
        } catch let error as PruningError {
            #expect("\(error)".contains("drops-a-layer") && "\(error)".contains("1 tensors"))
        }
    }

    @Test("the pipeline's typed phases keep the raw values of checkpoint.json and of the epochFinished hook")
    func phaseRawValues() {
        #expect(PipelinePhase.allCases.map(\.rawValue) == ["method", "retraining"])
    }
}
