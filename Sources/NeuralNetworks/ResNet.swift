import TensorEngine

/// The first layers of a ResNet.
public enum ResNetStem: String, Sendable, CaseIterable {
    /// 3×3 convolution, stride 1, no max-pool: the usual choice for 32×32 CIFAR images.
    case cifar
    /// 7×7 convolution, stride 2, then a 3×3 stride-2 max-pool: torchvision's ImageNet ResNets.
    case imageNet
}

/// The residual block a ResNet stacks.
public enum ResidualBlockKind: Sendable {
    /// ``BasicBlock`` (expansion 1): ResNet-18/34 and the CIFAR ResNet-20/32/56.
    case basic
    /// ``Bottleneck`` (expansion 4): ResNet-50/101/152.
    case bottleneck

    /// Output channels per unit of `planes`.
    public var expansion: Int { self == .basic ? BasicBlock.expansion : Bottleneck.expansion }
}

/// A residual network with torchvision's names: `conv1`, `bn1`, `relu`, [`maxpool`], `layer1` … `layerK`,
/// `avgpool`, `fc`; blocks are `layer1.0`, `layer1.1`, ….
public final class ResNet: Layer {
    /// The stem convolution (`conv1`): 3×3 stride 1 (CIFAR) or 7×7 stride 2 (ImageNet).
    public let conv1: Conv2d
    /// Batch norm after the stem convolution.
    public let bn1: BatchNorm2d
    /// The rectifier, shared by every activation of this layer (no parameters).
    public let relu = ReLU()
    /// The stem's max-pool (ImageNet stem only).
    public let maxpool: MaxPool2d?
    /// The stages, each a ``Sequential`` of blocks.
    public let stages: [Sequential]
    /// Global average pooling before `fc`.
    public let avgpool = GlobalAvgPool2d()
    /// The classifier (`fc`).
    public let fc: Linear

    /// Creates a ResNet with PyTorch's default initialisation (parameters drawn in registration order).
    /// - Parameters:
    ///   - block: The block type.
    ///   - blockCounts: Blocks per stage, e.g. [2, 2, 2, 2] for ResNet-18.
    ///   - widths: `planes` per stage, e.g. [64, 128, 256, 512]; the stem has `widths[0]` channels.
    ///   - stem: CIFAR or ImageNet stem.
    ///   - classes: Outputs of `fc`.
    ///   - inputChannels: Channels of the input images.
    ///   - shortcut: Projection (torchvision) or zero-padding shortcuts.
    ///   - generator: The seeded random stream.
    public init(block: ResidualBlockKind, blockCounts: [Int], widths: [Int], stem: ResNetStem, classes: Int,
                inputChannels: Int, shortcut: ShortcutKind = .projection, generator: inout SeededGenerator) {
        precondition(!blockCounts.isEmpty && blockCounts.count == widths.count && blockCounts.allSatisfy { $0 > 0 },
                     "ResNet: one positive block count per stage width")
        let stemWidth = widths[0]
        switch stem {
        case .cifar:
            conv1 = Conv2d(inputChannels, stemWidth, kernelSize: 3, stride: 1, padding: 1, bias: false, generator: &generator)
            maxpool = nil
        case .imageNet:
            conv1 = Conv2d(inputChannels, stemWidth, kernelSize: 7, stride: 2, padding: 3, bias: false, generator: &generator)
            maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
        }
        bn1 = BatchNorm2d(channels: stemWidth)
        var inPlanes = stemWidth
        var stages: [Sequential] = []
        for (index, (count, planes)) in zip(blockCounts, widths).enumerated() {
            var blocks: [any Layer] = []
            for blockIndex in 0..<count {
                let stride = index > 0 && blockIndex == 0 ? 2 : 1
                switch block {
                case .basic:
                    blocks.append(BasicBlock(inPlanes: inPlanes, planes: planes, stride: stride, shortcut: shortcut,
                                             generator: &generator))
                case .bottleneck:
                    blocks.append(Bottleneck(inPlanes: inPlanes, planes: planes, stride: stride, shortcut: shortcut,
                                             generator: &generator))
                }
                inPlanes = planes * block.expansion
            }
            stages.append(Sequential(blocks))
        }
        self.stages = stages
        fc = Linear(inFeatures: inPlanes, outFeatures: classes, generator: &generator)
    }

    /// Stem, stages, global average pool, flatten, `fc`.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        var x = conv1.followed(by: bn1, relu, input, context: &context)
        if let maxpool { x = maxpool(x, context: &context) }
        for stage in stages { x = stage(x, context: &context) }
        x = avgpool(x, context: &context).flattened()
        return fc(x, context: &context)
    }

    public var children: [(name: String, layer: any Layer)] {
        var list: [(name: String, layer: any Layer)] = [("conv1", conv1), ("bn1", bn1), ("relu", relu)]
        if let maxpool { list.append(("maxpool", maxpool)) }
        for (index, stage) in stages.enumerated() { list.append(("layer\(index + 1)", stage)) }
        list.append(("avgpool", avgpool))
        list.append(("fc", fc))
        return list
    }
}
