import Datasets
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Training

/// What a method sees during the method phase: the model, the weights it prunes, the constraint, the data and
/// ways to evaluate. Whoever runs the training loop creates it (``PruningPipeline``, or you with a ``Pruner``);
/// methods read and change the selected weights through it.
public final class PruningSession {
    /// The network being pruned.
    public let model: Model
    /// The selected prunable weights, in the model's parameter order.
    public let parameters: [ParameterEntry]
    /// The set the pruned weights must end in.
    public let constraint: any Constraint
    /// The training data of the method phase.
    public let trainingData: LabeledImages
    /// The data whose mean loss is the f(W) term of Lagrangians (the training set or a fixed subset of it).
    public let lossData: LabeledImages
    /// Says what ``lossData`` is, for the report (e.g. "training set (60000 images)").
    public let lossDataDescription: String
    /// The epochs of the method phase (the budget gradual schedules spread over).
    public let methodEpochs: Int
    /// Batch size for evaluation passes.
    public let evaluationBatchSize: Int
    /// Training progress in the method phase, advanced by ``Pruner/stepFinished()`` and
    /// ``Pruner/epochFinished()``: the steps taken and, during an epoch and in its `afterEpoch`, that epoch's 0-based index.
    public internal(set) var progress: TrainingProgress
    /// Weights a method may start from instead of Π(W) (e.g. ADMM's and SLR's first Z from a layer-wise result).
    public var warmStart: [NamedTensor]?
    /// A generator for methods that draw random numbers; saved with the checkpoint.
    public var generator: SeededGenerator

    /// Creates a session, for a ``Pruner`` (the pipeline makes its own).
    /// - Parameters:
    ///   - model: The network, with its dense weights.
    ///   - parameters: The weights to prune (as `ParameterSelector.select(from:)` picks them).
    ///   - constraint: The set the pruned weights must end in.
    ///   - trainingData: The training data of the method phase.
    ///   - lossData: The data whose mean loss is f(W) in the methods' Lagrangians (the training set or a subset).
    ///   - lossDataDescription: What `lossData` is, in words.
    ///   - methodEpochs: The epochs the method phase will take (0 for one-shot methods).
    ///   - evaluationBatchSize: Batch size of evaluation passes.
    ///   - stepsPerEpoch: Optimizer steps per epoch (batches per pass over the training data).
    ///   - seed: Seeds ``generator``.
    public init(model: Model, parameters: [ParameterEntry], constraint: any Constraint, trainingData: LabeledImages,
                lossData: LabeledImages, lossDataDescription: String, methodEpochs: Int,
                evaluationBatchSize: Int = 1000, stepsPerEpoch: Int, seed: UInt64) {
        self.model = model
        self.parameters = parameters
        self.constraint = constraint
        self.trainingData = trainingData
        self.lossData = lossData
        self.lossDataDescription = lossDataDescription
        self.methodEpochs = methodEpochs
        self.evaluationBatchSize = evaluationBatchSize
        self.progress = TrainingProgress(step: 0, epoch: 0, stepsPerEpoch: stepsPerEpoch)
        self.generator = SeededGenerator(seed: seed).derived(stream: 0x5E55)
    }

    /// The names of the pruned weights.
    public var parameterNames: [String] { parameters.map(\.name) }

    /// A copy of the current pruned weights.
    public func currentWeights() -> [NamedTensor] {
        parameters.map { NamedTensor(name: $0.name, tensor: $0.variable.value) }
    }

    /// Overwrites the pruned weights (same names and shapes, in the same order).
    public func setWeights(_ weights: [NamedTensor]) {
        precondition(weights.count == parameters.count, "setWeights: \(weights.count) tensors for \(parameters.count) parameters")
        for (entry, weight) in zip(parameters, weights) {
            precondition(entry.name == weight.name && entry.variable.value.shape == weight.tensor.shape,
                         "setWeights: \(weight) does not fit \(entry.name)")
            entry.variable.value = weight.tensor
        }
    }

    /// Multiplies the pruned weights by masks (in the order of ``parameters``).
    public func applyMasks(_ masks: [NamedTensor]) {
        precondition(masks.count == parameters.count, "applyMasks: \(masks.count) masks for \(parameters.count) parameters")
        for (entry, mask) in zip(parameters, masks) { MaskSet.multiply(&entry.variable.value, by: mask.tensor) }
    }

    /// The Euclidean projection of the current weights onto the constraint.
    public func projectedWeights() throws -> [NamedTensor] { try constraint.project(currentWeights()) }

    /// The mean training loss f(W) over ``lossData``, in evaluation mode.
    public func lossOnLossData() throws -> Double {
        try Evaluation.meanLoss(model: model, data: lossData, batchSize: evaluationBatchSize)
    }
}
