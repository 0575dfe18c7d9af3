import TensorEngine

/// The engine's conv-net kernels on their own: a convolution under a chosen algorithm, and batch norm with a fused
/// rectifier, each on a chosen number of workers.
public enum KernelWorkloads {
    /// CIFAR ResNet-20 3×3 layers at batch 128 (the thin layers where overheads, not GEMMs, dominate) and the
    /// ResNet-18 ones at batch 32.
    public static let convolutionShapes: [ConvolutionShape] = [
        ConvolutionShape(name: "resnet20.stage1", batch: 128, inChannels: 16, outChannels: 16, size: 32, kernel: 3, padding: 1),
        ConvolutionShape(name: "resnet20.stage2", batch: 128, inChannels: 32, outChannels: 32, size: 16, kernel: 3, padding: 1),
        ConvolutionShape(name: "resnet20.stage3", batch: 128, inChannels: 64, outChannels: 64, size: 8, kernel: 3, padding: 1),
    ] + ConvolutionShape.resnet18

    /// Runs `body` with Winograd convolutions where they apply (or im2col everywhere) on `workers` workers,
    /// restoring the process-wide algorithm afterwards.
    public static func with<Result>(winograd: Bool, workers: Int, _ body: () -> Result) -> Result {
        let previous = ConvolutionAlgorithm.preferred
        ConvolutionAlgorithm.preferred = winograd ? .automatic : .im2col
        defer { ConvolutionAlgorithm.preferred = previous }
        return Parallelism.withWorkers(workers, body)
    }
}

/// Batch norm (training mode) followed by a fused ReLU, forward and backward, on a seeded activation tensor.
public final class BatchNormWorkload {
    private let input: Variable
    private let weight: Variable
    private let bias: Variable
    private let statistics: BatchNormStatistics
    private let outputGradient: Tensor

    /// Draws an [N, C, H, W] activation and its gradient.
    /// - Parameter shape: [N, C, H, W].
    public init(shape: [Int], seed: UInt64 = 3) {
        var generator = SeededGenerator(seed: seed)
        input = Variable(Tensor.normal(shape, generator: &generator), requiresGradient: true)
        weight = Variable(Tensor(repeating: 1, shape: [shape[1]]), requiresGradient: true)
        bias = Variable(Tensor.zeros([shape[1]]), requiresGradient: true)
        statistics = BatchNormStatistics(channels: shape[1])
        outputGradient = Tensor.normal(shape, generator: &generator)
    }

    /// One forward and backward pass; returns one gradient value to keep the work observable.
    @discardableResult
    public func forwardBackward() -> Float {
        input.zeroGradient()
        weight.zeroGradient()
        bias.zeroGradient()
        batchNorm2d(input, weight: weight, bias: bias, statistics: statistics, training: true, relu: true)
            .backward(seed: outputGradient)
        return input.gradient!.scalars[0]
    }
}
