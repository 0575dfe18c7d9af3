import Datasets
import Foundation
import NeuralNetworks
import TensorEngine

/// Trains a network without pruning: the dense starting point of every pruning run.
public enum DenseTraining {
    /// Trains `model` for `epochs` epochs and measures the test accuracy after each.
    /// - Parameters:
    ///   - model: The network, trained in place.
    ///   - data: Training and test data (already standardised).
    ///   - epochs: The number of epochs.
    ///   - batchSize: The mini-batch size.
    ///   - optimizer: SGD settings.
    ///   - seed: Seeds the data order.
    ///   - augmentation: Crop and flip, or none.
    ///   - reporter: Live progress.
    /// - Returns: One entry per epoch.
    public static func train(model: Model, data: DatasetSplits, epochs: Int, batchSize: Int,
                             optimizer settings: OptimizerSettings, seed: UInt64, augmentation: Augmentation = .none,
                             reporter: any ProgressReporter = SilentProgress()) throws -> [EpochStatistics] {
        guard epochs >= 0 else { throw TrainingError.invalidSettings("epochs must be ≥ 0, got \(epochs)") }
        guard batchSize >= 1 else { throw TrainingError.invalidSettings("batch size must be ≥ 1, got \(batchSize)") }
        try settings.validate(phase: "training")
        let trainer = Trainer(batchSize: batchSize, seed: seed, augmentation: augmentation, reporter: reporter)
        let optimizer = try settings.makeOptimizer(for: model.namedParameters())
        var progress = TrainingProgress(step: 0, epoch: 0, stepsPerEpoch: trainer.stepsPerEpoch(data.train))
        var history: [EpochStatistics] = []
        for epoch in 0..<epochs {
            var statistics = try trainer.trainEpoch(model: model, data: data.train, optimizer: optimizer, epoch: epoch,
                                                    epochs: epochs, phase: "training", settings: settings,
                                                    progress: &progress)
            statistics.testAccuracy = try Evaluation.accuracy(model: model, data: data.test)
            reporter.note(String(format: "epoch %d/%d: loss %.4f, test accuracy %.2f %%, %.1f s, %.0f images/s",
                                 epoch + 1, epochs, statistics.trainingLoss, 100 * (statistics.testAccuracy ?? 0),
                                 statistics.seconds, statistics.imagesPerSecond))
            history.append(statistics)
        }
        return history
    }
}
