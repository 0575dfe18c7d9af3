import TensorEngine

/// Batch normalisation over (N, H, W) per channel, with PyTorch's parameters and buffers
/// (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`).
public final class BatchNorm2d: Layer {
    /// The per-channel scale γ, initialised to 1.
    public let weight: Variable
    /// The per-channel shift β, initialised to 0.
    public let bias: Variable
    /// Running mean and variance, updated in training passes.
    public let statistics: BatchNormStatistics
    /// The running-average factor (PyTorch's default 0.1).
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// The number of channels.
    public var channels: Int { weight.value.count }

    /// Creates a layer with γ = 1, β = 0, running mean 0 and running variance 1.
    /// - Parameters:
    ///   - channels: Feature channels.
    ///   - momentum: Running-average factor.
    ///   - epsilon: Variance offset.
    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        precondition(channels > 0, "BatchNorm2d needs a positive channel count, got \(channels)")
        weight = Variable(Tensor(repeating: 1, shape: [channels]), requiresGradient: true)
        bias = Variable(Tensor.zeros([channels]), requiresGradient: true)
        statistics = BatchNormStatistics(channels: channels)
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Normalises an [N, channels, H, W] batch: batch statistics in training, running ones otherwise.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        batchNorm2d(input, weight: weight, bias: bias, statistics: statistics, training: context.training,
                    momentum: momentum, epsilon: epsilon)
    }

    /// `relu(self(input))` in one pass when nobody observes the rectifier's input; through both layers otherwise,
    /// so that an observer (layer-wise calibration) still sees every layer.
    ///
    /// - Parameters:
    ///   - input: The input batch.
    ///   - relu: The rectifier layer that follows this one.
    ///   - context: The forward context.
    public func followed(by relu: ReLU, _ input: Variable, context: inout ForwardContext) -> Variable {
        guard context.inputObserver == nil else { return relu(self(input, context: &context), context: &context) }
        return batchNorm2d(input, weight: weight, bias: bias, statistics: statistics, training: context.training,
                           momentum: momentum, epsilon: epsilon, relu: true)
    }

    public var localParameters: [(name: String, variable: Variable)] { [("weight", weight), ("bias", bias)] }

    /// `num_batches_tracked` is reported as a Float tensor of shape []; PyTorch stores it as int64.
    public var localBuffers: [(name: String, value: Tensor)] {
        [("running_mean", statistics.runningMean),
         ("running_var", statistics.runningVariance),
         ("num_batches_tracked", Tensor(scalar: Float(statistics.batchesTracked)))]
    }

    public func setBuffer(named name: String, to value: Tensor) {
        switch name {
        case "running_mean": statistics.runningMean = value
        case "running_var": statistics.runningVariance = value
        case "num_batches_tracked":
            // Only a counter: clamp values a float cannot turn into an Int rather than trap.
            let count = value.scalars[0]
            statistics.batchesTracked = count.isFinite ? Int(min(max(count.rounded(), 0), 9.0e15)) : 0
        default: preconditionFailure("BatchNorm2d has no buffer named \(name)")
        }
    }
}
