import TensorEngine

/// How a residual block matches its shortcut to a changed shape.
public enum ShortcutKind: Sendable {
    /// A 1×1 strided convolution and batch norm, named `downsample.0` / `downsample.1` (torchvision, "option B").
    case projection
    /// Subsampling and zero channels, no parameters (He et al.'s CIFAR ResNets, "option A").
    case zeroPadding
}

/// The two-convolution residual block of ResNet-18/34 (torchvision's `BasicBlock`).
///
/// Children: `conv1`, `bn1`, `relu`, `conv2`, `bn2`, and `downsample` when the shape changes.
public final class BasicBlock: Layer {
    /// Output channels = planes · expansion.
    public static let expansion = 1

    /// The first convolution (`conv1`).
    public let conv1: Conv2d
    /// Batch norm after `conv1`.
    public let bn1: BatchNorm2d
    /// The rectifier, shared by every activation of this layer (no parameters).
    public let relu = ReLU()
    /// The second convolution (`conv2`).
    public let conv2: Conv2d
    /// Batch norm after `conv2`.
    public let bn2: BatchNorm2d
    /// The shortcut's transformation, or nil for the identity.
    public let downsample: (any Layer)?

    /// Creates a block with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inPlanes: Input channels.
    ///   - planes: Channels of both convolutions (and of the output).
    ///   - stride: Stride of the first convolution (and the shortcut).
    ///   - shortcut: How to match shapes when `stride != 1` or the channel count changes.
    ///   - generator: The seeded random stream, used in registration order.
    public init(inPlanes: Int, planes: Int, stride: Int = 1, shortcut: ShortcutKind = .projection,
                generator: inout SeededGenerator) {
        conv1 = Conv2d(inPlanes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false, generator: &generator)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(planes, planes, kernelSize: 3, stride: 1, padding: 1, bias: false, generator: &generator)
        bn2 = BatchNorm2d(channels: planes)
        downsample = makeShortcut(inPlanes: inPlanes, outPlanes: planes * Self.expansion, stride: stride,
                                  kind: shortcut, generator: &generator)
    }

    /// relu(bn2(conv2(relu(bn1(conv1 x)))) + shortcut(x)).
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        var out = conv1.followed(by: bn1, relu, input, context: &context)
        out = conv2.followed(by: bn2, nil, out, context: &context)
        let identity = downsample.map { $0(input, context: &context) } ?? input
        return addThenReLU(out, identity, relu: relu, context: &context)
    }

    public var children: [(name: String, layer: any Layer)] {
        var list: [(name: String, layer: any Layer)] = [("conv1", conv1), ("bn1", bn1), ("relu", relu),
                                                        ("conv2", conv2), ("bn2", bn2)]
        if let downsample { list.append(("downsample", downsample)) }
        return list
    }
}

/// The 1×1 → 3×3 → 1×1 residual block of ResNet-50/101/152 (torchvision's `Bottleneck`, stride on the 3×3).
///
/// Children: `conv1`, `bn1`, `conv2`, `bn2`, `conv3`, `bn3`, `relu`, and `downsample` when the shape changes.
public final class Bottleneck: Layer {
    /// Output channels = planes · expansion.
    public static let expansion = 4

    /// The first convolution (`conv1`).
    public let conv1: Conv2d
    /// Batch norm after `conv1`.
    public let bn1: BatchNorm2d
    /// The second convolution (`conv2`).
    public let conv2: Conv2d
    /// Batch norm after `conv2`.
    public let bn2: BatchNorm2d
    /// The third convolution (`conv3`), 1×1, widening to `planes · 4`.
    public let conv3: Conv2d
    /// Batch norm after `conv3`.
    public let bn3: BatchNorm2d
    /// The rectifier, shared by every activation of this layer (no parameters).
    public let relu = ReLU()
    /// The shortcut's transformation, or nil for the identity.
    public let downsample: (any Layer)?

    /// Creates a block with PyTorch's default initialisation.
    /// - Parameters:
    ///   - inPlanes: Input channels.
    ///   - planes: Width of the inner convolutions; the output has `planes · 4` channels.
    ///   - stride: Stride of the 3×3 convolution (and the shortcut).
    ///   - shortcut: How to match shapes when they change.
    ///   - generator: The seeded random stream, used in registration order.
    public init(inPlanes: Int, planes: Int, stride: Int = 1, shortcut: ShortcutKind = .projection,
                generator: inout SeededGenerator) {
        let outPlanes = planes * Self.expansion
        conv1 = Conv2d(inPlanes, planes, kernelSize: 1, bias: false, generator: &generator)
        bn1 = BatchNorm2d(channels: planes)
        conv2 = Conv2d(planes, planes, kernelSize: 3, stride: stride, padding: 1, bias: false, generator: &generator)
        bn2 = BatchNorm2d(channels: planes)
        conv3 = Conv2d(planes, outPlanes, kernelSize: 1, bias: false, generator: &generator)
        bn3 = BatchNorm2d(channels: outPlanes)
        downsample = makeShortcut(inPlanes: inPlanes, outPlanes: outPlanes, stride: stride, kind: shortcut,
                                  generator: &generator)
    }

    /// relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1 x))))))) + shortcut(x)).
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        var out = conv1.followed(by: bn1, relu, input, context: &context)
        out = conv2.followed(by: bn2, relu, out, context: &context)
        out = conv3.followed(by: bn3, nil, out, context: &context)
        let identity = downsample.map { $0(input, context: &context) } ?? input
        return addThenReLU(out, identity, relu: relu, context: &context)
    }

    public var children: [(name: String, layer: any Layer)] {
        var list: [(name: String, layer: any Layer)] = [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2),
                                                        ("conv3", conv3), ("bn3", bn3), ("relu", relu)]
        if let downsample { list.append(("downsample", downsample)) }
        return list
    }
}

/// The shortcut a block needs, or nil when input and output shapes agree.
private func makeShortcut(inPlanes: Int, outPlanes: Int, stride: Int, kind: ShortcutKind,
                          generator: inout SeededGenerator) -> (any Layer)? {
    guard stride != 1 || inPlanes != outPlanes else { return nil }
    switch kind {
    case .projection:
        return Sequential([Conv2d(inPlanes, outPlanes, kernelSize: 1, stride: stride, bias: false, generator: &generator),
                           BatchNorm2d(channels: outPlanes)])
    case .zeroPadding:
        precondition(outPlanes >= inPlanes, "zero-padding shortcut cannot reduce channels (\(inPlanes) → \(outPlanes))")
        let extra = outPlanes - inPlanes
        return ZeroPaddingShortcut(stride: stride, channelsBefore: extra / 2, channelsAfter: extra - extra / 2)
    }
}

/// relu(residual + identity): one fused pass unless an observer must see the rectifier's input.
func addThenReLU(_ residual: Variable, _ identity: Variable, relu: ReLU, context: inout ForwardContext) -> Variable {
    guard context.inputObserver == nil else { return relu(residual + identity, context: &context) }
    return residual.addingReLU(identity)
}
