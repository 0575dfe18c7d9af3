import Datasets
import Foundation
import NeuralNetworks
import TensorEngine

/// What one training epoch did.
public struct EpochStatistics: Codable, Equatable, Sendable {
    /// The epoch, 1-based.
    public var epoch: Int
    /// The mean loss of the epoch's batches (without any penalty).
    public var trainingLoss: Double
    /// The mean penalty of the epoch's batches (0 without one).
    public var penalty: Double
    /// Wall time of the epoch's training, in seconds (evaluation excluded).
    public var seconds: Double
    /// Training throughput.
    public var imagesPerSecond: Double
    /// Test accuracy after the epoch, when measured.
    public var testAccuracy: Double?

    /// Creates the record of an epoch (a loop of one's own reports its epochs the way the trainer does).
    public init(epoch: Int, trainingLoss: Double, penalty: Double, seconds: Double, imagesPerSecond: Double,
                testAccuracy: Double? = nil) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.penalty = penalty
        self.seconds = seconds
        self.imagesPerSecond = imagesPerSecond
        self.testAccuracy = testAccuracy
    }
}

/// Hooks the trainer calls around each optimizer step.
public struct TrainingHooks {
    /// A term added to each batch's loss.
    public var penalty: (() -> Variable?)?
    /// Called after backward, before the optimizer step (e.g. to mask gradients).
    public var beforeStep: (() -> Void)?
    /// Called after the optimizer step with the progress so far (e.g. to re-apply masks or update a method's state).
    public var afterStep: ((TrainingProgress) throws -> Void)?

    /// Creates hooks; every one is optional.
    public init(penalty: (() -> Variable?)? = nil, beforeStep: (() -> Void)? = nil, afterStep: ((TrainingProgress) throws -> Void)? = nil) {
        self.penalty = penalty
        self.beforeStep = beforeStep
        self.afterStep = afterStep
    }
}

/// Runs training epochs with seeded data order: the order of epoch e depends only on (seed, e), so a resumed
/// run sees the same batches as an uninterrupted one.
public struct Trainer {
    /// The mini-batch size.
    public var batchSize: Int
    /// Seeds the data order.
    public var seed: UInt64
    /// Random crop and flip (CIFAR) or none.
    public var augmentation: Augmentation
    /// Receives live progress.
    public var reporter: any ProgressReporter
    /// The loss each batch minimises (before any penalty a hook adds).
    public var loss: Loss

    /// Creates a trainer.
    /// - Parameter loss: the loss each batch minimises; cross-entropy unless given.
    public init(batchSize: Int, seed: UInt64, augmentation: Augmentation = .none,
                reporter: any ProgressReporter = SilentProgress(), loss: Loss = .crossEntropy) {
        self.batchSize = batchSize
        self.seed = seed
        self.augmentation = augmentation
        self.reporter = reporter
        self.loss = loss
    }

    /// The number of optimizer steps in one epoch over `data`.
    public func stepsPerEpoch(_ data: LabeledImages) -> Int { (data.count + batchSize - 1) / batchSize }

    /// Computes the batch's loss (plus penalty) and back-propagates it. The graph dies when this returns, before
    /// the optimizer step, so the step updates parameter storage in place instead of copying it.
    private func forwardAndBackward(model: Model, batch: Batch, optimizer: any Optimizer, hooks: TrainingHooks,
                                    phase: String, epoch: Int, index: Int) throws -> (loss: Double, penalty: Double) {
        let logits = model(Variable(batch.images), training: true)
        let loss = self.loss.compute(logits, batch.labels)
        let lossValue = Double(loss.value.scalar)
        guard lossValue.isFinite else {
            throw TrainingError.diverged("\(phase) epoch \(epoch + 1) batch \(index + 1): the loss is \(lossValue); lower the learning rate")
        }
        var objective = loss
        var penaltyValue = 0.0
        if let penalty = hooks.penalty?() {
            penaltyValue = Double(penalty.value.scalar)
            objective = loss + penalty
        }
        optimizer.zeroGradients()
        objective.backward()
        return (lossValue, penaltyValue)
    }

    /// Trains one epoch.
    /// - Parameters:
    ///   - model: The network, trained in place.
    ///   - data: The training set.
    ///   - optimizer: Steps the parameters.
    ///   - epoch: The 0-based epoch index within the phase (it seeds the data order).
    ///   - epochs: The number of epochs of the phase (for the progress line and the learning-rate schedule).
    ///   - phase: A label for the progress line.
    ///   - settings: The optimizer settings (the learning rate per step comes from them).
    ///   - progress: The phase's step counter, advanced per step.
    ///   - hooks: Penalty and step hooks.
    /// - Throws: ``TrainingError/diverged(_:)`` when the loss is not finite, or what a hook throws.
    public func trainEpoch(model: Model, data: LabeledImages, optimizer: any Optimizer, epoch: Int, epochs: Int,
                           phase: String, settings: OptimizerSettings, progress: inout TrainingProgress,
                           hooks: TrainingHooks = TrainingHooks()) throws -> EpochStatistics {
        let batches = try data.batches(size: batchSize, shuffleSeed: seed, epoch: epoch, augmentation: augmentation)
        let start = Date()
        var lossSum = 0.0, penaltySum = 0.0, seen = 0
        progress.epoch = epoch
        for (index, batch) in batches.enumerated() {
            optimizer.learningRate = settings.learningRate(at: progress, epochs: epochs)
            let (lossValue, penaltyValue) = try forwardAndBackward(model: model, batch: batch, optimizer: optimizer,
                                                                  hooks: hooks, phase: phase, epoch: epoch, index: index)
            penaltySum += penaltyValue * Double(batch.count)
            hooks.beforeStep?()
            optimizer.step()
            progress.step += 1
            try hooks.afterStep?(progress)

            lossSum += lossValue * Double(batch.count)
            seen += batch.count
            let elapsed = Date().timeIntervalSince(start)
            let rate = Double(seen) / max(elapsed, 1e-9)
            let batchesLeft = Double(batches.count - index - 1) + Double(epochs - epoch - 1) * Double(batches.count)
            reporter.batchFinished(BatchProgress(
                phase: phase, epoch: epoch + 1, epochs: epochs, batch: index + 1, batches: batches.count,
                loss: lossSum / Double(seen), imagesPerSecond: rate,
                secondsLeft: batchesLeft * Double(batchSize) / max(rate, 1e-9)))
        }
        let seconds = Date().timeIntervalSince(start)
        return EpochStatistics(epoch: epoch + 1, trainingLoss: lossSum / Double(max(seen, 1)),
                               penalty: penaltySum / Double(max(seen, 1)), seconds: seconds,
                               imagesPerSecond: Double(seen) / max(seconds, 1e-9), testAccuracy: nil)
    }
}
