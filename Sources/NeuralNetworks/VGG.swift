import TensorEngine

/// VGG with batch norm as the common CIFAR code writes it: `features` (conv 3×3 pad 1 → BatchNorm → ReLU per
/// entry, 2×2 max-pools, a final 1×1 average pool) and one `classifier` Linear.
public final class VGG: Layer {
    /// The layer configuration of VGG-16: channel counts, with nil for a max-pool.
    public static let vgg16Configuration: [Int?] = [64, 64, nil, 128, 128, nil, 256, 256, 256, nil,
                                                    512, 512, 512, nil, 512, 512, 512, nil]

    /// The convolutional part, children "0", "1", … as in `nn.Sequential`.
    public let features: Sequential
    /// The final Linear layer.
    public let classifier: Linear

    /// Creates the network with PyTorch's default initialisation.
    /// - Parameters:
    ///   - configuration: Channel counts, nil for a 2×2 max-pool.
    ///   - classes: Outputs of the classifier.
    ///   - inputChannels: Channels of the input images.
    ///   - inputSize: Side of the (square) input; the classifier takes channels · (side after the pools)².
    ///   - generator: The seeded random stream.
    public init(configuration: [Int?], classes: Int, inputChannels: Int, inputSize: Int,
                generator: inout SeededGenerator) {
        var layers: [any Layer] = []
        var channels = inputChannels
        var side = inputSize
        for entry in configuration {
            if let width = entry {
                layers.append(Conv2d(channels, width, kernelSize: 3, padding: 1, generator: &generator))
                layers.append(BatchNorm2d(channels: width))
                layers.append(ReLU())
                channels = width
            } else {
                layers.append(MaxPool2d(kernelSize: 2, stride: 2))
                side /= 2
            }
        }
        precondition(side >= 1, "VGG: input side \(inputSize) vanishes after the max-pools")
        layers.append(AvgPool2d(kernelSize: 1, stride: 1))
        features = Sequential(layers)
        classifier = Linear(inFeatures: channels * side * side, outFeatures: classes, generator: &generator)
    }

    /// Features, flatten, classifier.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        classifier(features(input, context: &context).flattened(), context: &context)
    }

    public var children: [(name: String, layer: any Layer)] { [("features", features), ("classifier", classifier)] }
}
