import Datasets
import NeuralNetworks
import PruningCore
import SLRPruning
import SparsityConstraints
import TensorEngine
import Testing
import Training
import _PruningTestSupport

/// The checkpoint recipe of the README: a loop of one's own that saves the pruner's state with the model and the
/// optimizer, and continues in fresh objects, ends where an uninterrupted loop does.
@Suite("Own training loop: save and restore")
struct OwnLoopResumeTests {
    /// What the user saves at an epoch boundary.
    struct Saved {
        var model: [String: Tensor]
        var optimizer: [String: Tensor]
        var method: MethodState
        var progress: TrainingProgress
        var generator: SeededGenerator
    }

    /// A fresh model, session, pruner and optimizer, as a new process would make them.
    static func start(dense: [String: Tensor], data: DatasetSplits) throws -> (Model, Pruner, SGD) {
        let model = PruningFixtures.mlp(seed: 40)
        try model.loadStateDict(dense)
        let method = try SLRPruning.registration.make(MethodOptions(["rho": "0.05", "update-every": "2b", "rho-schedule": "geometric:1.2"]))
        let session = PruningSession(model: model, parameters: PruningFixtures.weights(of: model),
                                     constraint: try SparsityConstraint.unstructured(sparsity: 0.75), trainingData: data.train,
                                     lossData: data.train, lossDataDescription: "the training set", methodEpochs: 3,
                                     stepsPerEpoch: 3, seed: 11)
        let pruner = try Pruner(method: method, session: session)
        let optimizer = try SGD(parameters: model.namedParameters(), learningRate: 0.05, momentum: 0.5, nesterov: true)
        return (model, pruner, optimizer)
    }

    /// Method-phase epochs `epochs` of the loop.
    static func train(_ model: Model, _ pruner: Pruner, _ optimizer: SGD, epochs: Range<Int>, data: DatasetSplits) throws {
        for epoch in epochs {
            for batch in try data.train.batches(size: 32, shuffleSeed: 11, epoch: epoch) {
                var loss = crossEntropy(logits: model(Variable(batch.images), training: true), labels: batch.labels)
                if let penalty = pruner.penalty() { loss = loss + penalty }
                optimizer.zeroGradients()
                loss.backward()
                optimizer.step()
                try pruner.stepFinished()
            }
            try pruner.epochFinished()
        }
    }

    @Test("stopped after method epoch 1 and continued from saved state, SLR hard-prunes to the same bits")
    func resumeMatches() throws {
        let data = try PruningFixtures.data()
        let dense = PruningFixtures.state(of: PruningFixtures.mlp())

        let (model, pruner, optimizer) = try Self.start(dense: dense, data: data)
        try Self.train(model, pruner, optimizer, epochs: 0..<3, data: data)
        let masks = try pruner.hardPrune()

        let (first, firstPruner, firstOptimizer) = try Self.start(dense: dense, data: data)
        try Self.train(first, firstPruner, firstOptimizer, epochs: 0..<1, data: data)
        let saved = Saved(model: PruningFixtures.state(of: first), optimizer: firstOptimizer.stateTensors(),
                          method: firstPruner.saveState(), progress: firstPruner.progress,
                          generator: firstPruner.session.generator)

        let (second, secondPruner, secondOptimizer) = try Self.start(dense: dense, data: data)
        try second.loadStateDict(saved.model)
        try secondOptimizer.loadState(saved.optimizer)
        secondPruner.session.generator = saved.generator
        try secondPruner.restore(saved.method, progress: saved.progress, masks: nil)
        try Self.train(second, secondPruner, secondOptimizer, epochs: saved.progress.epoch..<3, data: data)
        let resumedMasks = try secondPruner.hardPrune()

        #expect(saved.progress == TrainingProgress(step: 3, epoch: 1, stepsPerEpoch: 3))
        #expect(PruningFixtures.state(of: second) == PruningFixtures.state(of: model))
        #expect(resumedMasks == masks)
        #expect(secondPruner.saveState() == pruner.saveState())
    }
}
