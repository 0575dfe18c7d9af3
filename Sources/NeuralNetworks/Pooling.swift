import TensorEngine

/// Max pooling over windows of an NCHW batch (PyTorch's `nn.MaxPool2d`).
public final class MaxPool2d: Layer {
    /// Window height and width.
    public let kernelSize: (Int, Int)
    /// Window step.
    public let stride: (Int, Int)
    /// Implicit −∞ padding per side.
    public let padding: (Int, Int)

    /// Creates the layer; the stride defaults to the kernel size, as in PyTorch.
    /// - Parameters:
    ///   - kernelSize: Window side.
    ///   - stride: Window step (nil: the kernel size).
    ///   - padding: Padding per side.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0 && padding >= 0 && padding * 2 <= kernelSize,
                     "MaxPool2d(kernel: \(kernelSize), stride: \(stride ?? kernelSize), padding: \(padding)) is invalid")
        self.kernelSize = (kernelSize, kernelSize)
        let step = stride ?? kernelSize
        self.stride = (step, step)
        self.padding = (padding, padding)
    }

    /// Takes the maximum of each window.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        maxPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// Average pooling over windows of an NCHW batch (PyTorch's `nn.AvgPool2d`, padding counted).
public final class AvgPool2d: Layer {
    /// Window height and width.
    public let kernelSize: (Int, Int)
    /// Window step.
    public let stride: (Int, Int)
    /// Implicit zero padding per side.
    public let padding: (Int, Int)

    /// Creates the layer; the stride defaults to the kernel size, as in PyTorch.
    /// - Parameters:
    ///   - kernelSize: Window side.
    ///   - stride: Window step (nil: the kernel size).
    ///   - padding: Padding per side.
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0 && padding >= 0 && padding * 2 <= kernelSize,
                     "AvgPool2d(kernel: \(kernelSize), stride: \(stride ?? kernelSize), padding: \(padding)) is invalid")
        self.kernelSize = (kernelSize, kernelSize)
        let step = stride ?? kernelSize
        self.stride = (step, step)
        self.padding = (padding, padding)
    }

    /// Averages each window.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        avgPool2d(input, kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// Averages each channel over its whole plane, [N, C, H, W] → [N, C, 1, 1] (PyTorch's `nn.AdaptiveAvgPool2d(1)`).
public final class GlobalAvgPool2d: Layer {
    /// Creates the layer.
    public init() {}

    /// Averages over H and W.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable { globalAvgPool2d(input) }
}
