import TensorEngine

/// A 2-D convolution layer with PyTorch's semantics and layout (`weight` [out, in / groups, kh, kw]).
public final class Conv2d: Layer {
    /// The filters, [outChannels, inChannels / groups, kh, kw].
    public let weight: Variable
    /// The bias, [outChannels], or nil.
    public let bias: Variable?
    /// Step between windows (vertical, horizontal).
    public let stride: (Int, Int)
    /// Zero padding on each side (vertical, horizontal).
    public let padding: (Int, Int)
    /// Spacing between kernel taps (vertical, horizontal).
    public let dilation: (Int, Int)
    /// Number of channel groups; input and output channels must both divide by it.
    public let groups: Int

    /// The number of input channels.
    public var inChannels: Int { weight.value.shape[1] * groups }
    /// The number of output channels.
    public var outChannels: Int { weight.value.shape[0] }
    /// The kernel's height and width.
    public var kernelSize: (Int, Int) { (weight.value.shape[2], weight.value.shape[3]) }

    /// Creates a layer with PyTorch's default initialisation, U(−1/√fan_in, 1/√fan_in), fan_in = in/groups·kh·kw.
    /// - Parameters:
    ///   - inChannels: Input channels.
    ///   - outChannels: Output channels (filters).
    ///   - kernelSize: Kernel height and width.
    ///   - stride: Window step.
    ///   - padding: Zero padding per side.
    ///   - dilation: Kernel tap spacing.
    ///   - groups: Channel groups.
    ///   - bias: Whether to add a bias.
    ///   - generator: The seeded random stream; weight drawn first, then bias.
    public init(inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1,
                bias: Bool = true, generator: inout SeededGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && groups > 0
                     && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d(\(inChannels), \(outChannels), groups: \(groups)): channels must be positive multiples of groups")
        precondition(kernelSize.0 > 0 && kernelSize.1 > 0 && stride.0 > 0 && stride.1 > 0
                     && dilation.0 > 0 && dilation.1 > 0 && padding.0 >= 0 && padding.1 >= 0,
                     "Conv2d: kernel, stride and dilation must be positive and padding non-negative")
        let fanIn = inChannels / groups * kernelSize.0 * kernelSize.1
        weight = Variable(DefaultInitialization.uniform([outChannels, inChannels / groups, kernelSize.0, kernelSize.1],
                                                        fanIn: fanIn, generator: &generator),
                          requiresGradient: true)
        self.bias = bias
            ? Variable(DefaultInitialization.uniform([outChannels], fanIn: fanIn, generator: &generator), requiresGradient: true)
            : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// Creates a square-kernel layer: `Conv2d(3, 64, kernelSize: 3, stride: 1, padding: 1, ...)`.
    /// - Parameters:
    ///   - inChannels: Input channels.
    ///   - outChannels: Output channels.
    ///   - kernelSize: Kernel side.
    ///   - stride: Window step in both directions.
    ///   - padding: Zero padding on every side.
    ///   - dilation: Tap spacing in both directions.
    ///   - groups: Channel groups.
    ///   - bias: Whether to add a bias.
    ///   - generator: The seeded random stream.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: inout SeededGenerator) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: (kernelSize, kernelSize),
                  stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation),
                  groups: groups, bias: bias, generator: &generator)
    }

    /// Applies the convolution to an [N, inChannels, H, W] batch.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    public var localParameters: [(name: String, variable: Variable)] {
        bias.map { [("weight", weight), ("bias", $0)] } ?? [("weight", weight)]
    }
}
