import Datasets
import Training

/// The budgets and settings of one pruning run: method phase → hard prune → masked retraining.
public struct PipelineConfiguration: Codable, Equatable, Sendable {
    /// Epochs of the method phase (ignored by one-shot methods).
    public var methodEpochs: Int
    /// Epochs of masked retraining after hard pruning.
    public var retrainEpochs: Int
    /// The mini-batch size of both phases.
    public var batchSize: Int
    /// Seeds the data order and every random choice of the run.
    public var seed: UInt64
    /// SGD settings of the method phase.
    public var methodOptimizer: OptimizerSettings
    /// SGD settings of retraining.
    public var retrainOptimizer: OptimizerSettings
    /// The number of training images whose mean loss is f(W) in Lagrangians (nil: the whole training set).
    public var lossSubsetSize: Int?
    /// Also measure the test accuracy of Π(W) after every method-phase epoch ("if we hard-pruned now").
    public var evaluateHardPrunedEachEpoch: Bool
    /// Random crop and flip during training (CIFAR).
    public var cropAndFlip: Bool

    /// Creates a configuration with the reference protocol's defaults.
    public init(methodEpochs: Int = 10, retrainEpochs: Int = 6, batchSize: Int = 128, seed: UInt64 = 0,
                methodOptimizer: OptimizerSettings = .methodPhase, retrainOptimizer: OptimizerSettings = .retraining,
                lossSubsetSize: Int? = nil, evaluateHardPrunedEachEpoch: Bool = false, cropAndFlip: Bool = false) {
        self.methodEpochs = methodEpochs
        self.retrainEpochs = retrainEpochs
        self.batchSize = batchSize
        self.seed = seed
        self.methodOptimizer = methodOptimizer
        self.retrainOptimizer = retrainOptimizer
        self.lossSubsetSize = lossSubsetSize
        self.evaluateHardPrunedEachEpoch = evaluateHardPrunedEachEpoch
        self.cropAndFlip = cropAndFlip
    }

    /// Throws on budgets or settings that make no sense.
    public func validate() throws {
        guard methodEpochs >= 0 else { throw PruningError.invalidOption("method epochs must be ≥ 0, got \(methodEpochs)") }
        guard retrainEpochs >= 0 else { throw PruningError.invalidOption("retraining epochs must be ≥ 0, got \(retrainEpochs)") }
        guard batchSize >= 1 else { throw PruningError.invalidOption("batch size must be ≥ 1, got \(batchSize)") }
        if let lossSubsetSize, lossSubsetSize < 1 {
            throw PruningError.invalidOption("the Lagrangian loss subset must hold at least 1 image, got \(lossSubsetSize)")
        }
        // The configuration's errors are the pipeline's: a bad optimizer setting is an invalid option of the run.
        do {
            try methodOptimizer.validate(phase: "method-phase")
            try retrainOptimizer.validate(phase: "retraining")
        } catch TrainingError.invalidSettings(let text) {
            throw PruningError.invalidOption(text)
        }
    }

    /// The augmentation the trainer applies.
    public var augmentation: Augmentation { cropAndFlip ? .cifar : .none }
}
