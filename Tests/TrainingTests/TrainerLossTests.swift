import Datasets
import NeuralNetworks
import TensorEngine
import Testing
import Training

/// The loss is a parameter of the trainer and of evaluation; cross-entropy, the default, keeps results bit-identical.
@Suite("Trainer: the loss as a parameter")
struct TrainerLossTests {
    /// A 3-class synthetic task of 6×6 images and a seeded perceptron 36 → 8 → 3.
    func fixture(seed: UInt64 = 5) throws -> (data: DatasetSplits, model: Model) {
        let data = try DatasetSplits.synthetic(seed: seed, trainCount: 64, testCount: 32, channels: 1, height: 6,
                                               width: 6, classes: 3, noise: 0.3, maxShift: 1).standardized().splits
        var generator = SeededGenerator(seed: seed)
        let root = Sequential(named: [
            ("flatten", Flatten()),
            ("fc1", Linear(inFeatures: 36, outFeatures: 8, generator: &generator)),
            ("relu", ReLU()),
            ("fc2", Linear(inFeatures: 8, outFeatures: 3, generator: &generator)),
        ])
        return (data, Model(name: "tiny-mlp", root: root, inputShape: [1, 6, 6], classes: 3, seed: seed))
    }

    /// Trains one epoch with `trainer` and returns the statistics and the weights afterwards.
    func trainOneEpoch(_ trainer: Trainer, settings: OptimizerSettings) throws -> (EpochStatistics, [Tensor]) {
        let (data, model) = try fixture()
        let optimizer = try settings.makeOptimizer(for: model.namedParameters())
        var progress = TrainingProgress(step: 0, epoch: 0, stepsPerEpoch: trainer.stepsPerEpoch(data.train))
        let statistics = try trainer.trainEpoch(model: model, data: data.train, optimizer: optimizer, epoch: 0,
                                                epochs: 1, phase: "test", settings: settings, progress: &progress)
        return (statistics, model.stateDict().map(\.tensor))
    }

    @Test("the default loss is cross-entropy, bit for bit")
    func defaultIsCrossEntropy() throws {
        let settings = OptimizerSettings(learningRate: 0.05, momentum: 0.9)
        let (defaultStatistics, defaultWeights) = try trainOneEpoch(Trainer(batchSize: 16, seed: 1), settings: settings)
        let (explicitStatistics, explicitWeights) = try trainOneEpoch(
            Trainer(batchSize: 16, seed: 1, loss: .crossEntropy), settings: settings)
        #expect(defaultWeights == explicitWeights)
        #expect(defaultStatistics.trainingLoss == explicitStatistics.trainingLoss)
    }

    @Test("the trainer minimises the loss it is given")
    func customLossDrivesTraining() throws {
        // A loss with zero gradient: plain SGD (no momentum, no decay) must leave every weight as it was.
        let flat = Loss(name: "zero") { logits, labels in crossEntropy(logits: logits, labels: labels) * 0 }
        let settings = OptimizerSettings(learningRate: 0.05, momentum: 0)
        let (statistics, weights) = try trainOneEpoch(Trainer(batchSize: 16, seed: 1, loss: flat), settings: settings)
        #expect(weights == (try fixture()).model.stateDict().map(\.tensor))
        #expect(statistics.trainingLoss == 0)
    }

    @Test("evaluation reports the loss it is given")
    func evaluationTakesTheLoss() throws {
        let (data, model) = try fixture()
        let doubled = Loss(name: "doubled") { logits, labels in crossEntropy(logits: logits, labels: labels) * 2 }
        let plain = try Evaluation.meanLoss(model: model, data: data.test)
        let twice = try Evaluation.meanLoss(model: model, data: data.test, loss: doubled)
        #expect(abs(twice - 2 * plain) <= 1e-5 * max(1, plain))
    }
}
