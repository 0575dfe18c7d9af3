import TensorEngine

/// A seeded input, weight and output gradient for one convolution shape, run through the engine's `conv2d`.
///
/// No bias: the figures compare the convolution with its GEMMs, and a bias is not part of them. The input requires
/// a gradient, so the backward pass computes both the weight and the input gradient.
public final class ConvolutionWorkload {
    /// The layer.
    public let shape: ConvolutionShape
    private let input: Variable
    private let weight: Variable
    private let outputGradient: Tensor

    /// Draws the tensors.
    /// - Parameters:
    ///   - shape: The layer and batch size.
    ///   - seed: Seeds every tensor.
    public init(_ shape: ConvolutionShape, seed: UInt64 = 2) {
        self.shape = shape
        var generator = SeededGenerator(seed: seed)
        input = Variable(Tensor.uniform(shape.inputShape, low: -1, high: 1, generator: &generator), requiresGradient: true)
        weight = Variable(Tensor.uniform(shape.weightShape, low: -0.1, high: 0.1, generator: &generator), requiresGradient: true)
        outputGradient = Tensor.uniform(shape.outputShape, low: -1, high: 1, generator: &generator)
    }

    private func forwardNode() -> Variable {
        conv2d(input, weight: weight, bias: nil, stride: (shape.stride, shape.stride),
               padding: (shape.padding, shape.padding))
    }

    /// The forward pass; returns one output value to keep the work observable.
    @discardableResult
    public func forward() -> Float {
        forwardNode().value.scalars[0]
    }

    /// The forward and backward passes (weight and input gradients); returns one gradient value.
    @discardableResult
    public func forwardBackward() -> Float {
        input.zeroGradient()
        weight.zeroGradient()
        forwardNode().backward(seed: outputGradient)
        return weight.gradient!.scalars[0]
    }
}
