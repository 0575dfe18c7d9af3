import TensorEngine

/// Builds the standard networks by name with seeded PyTorch-default initialisation.
///
/// ```swift
/// let model = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 42)
/// ```
public enum ModelZoo {
    /// The names ``make(name:classes:inputChannels:inputSize:seed:stem:)`` accepts.
    public static let names = ["mlp", "lenet5", "vgg16", "resnet18", "resnet20", "resnet50"]

    /// Builds a model.
    ///
    /// - `mlp`: LeNet-300-100 on flattened input (266,610 parameters for 1×28×28, 10 classes).
    /// - `lenet5`: LeNet-5 (61,706 parameters for 1×28×28, 10 classes).
    /// - `vgg16`: VGG-16 with batch norm, CIFAR layout, one Linear(512, classes) (14,728,266 for 3×32×32, 10 classes).
    /// - `resnet18`, `resnet50`: torchvision ResNets with the chosen stem (CIFAR ResNet-18, 10 classes: 11,173,962;
    ///   ImageNet stem, 1000 classes: 11,689,512 and 25,557,032).
    /// - `resnet20`: He et al.'s CIFAR ResNet-20 with zero-padding shortcuts (269,722 for 10 classes).
    ///
    /// - Parameters:
    ///   - name: One of ``names``.
    ///   - classes: Output classes.
    ///   - inputChannels: Image channels; nil takes 1 for `mlp`/`lenet5` and 3 otherwise.
    ///   - inputSize: Side of square images; nil takes 28 for `mlp`/`lenet5` and 32 otherwise.
    ///   - seed: Seeds the initial weights (and the model's dropout stream).
    ///   - stem: The ResNet stem (ignored by the other models); `resnet20` supports only `.cifar`.
    /// - Throws: ``NeuralNetworkError/unknownModel(name:known:)`` for an unknown name,
    ///   ``NeuralNetworkError/invalidArgument(_:)`` for sizes the model cannot take.
    public static func make(name: String, classes: Int = 10, inputChannels: Int? = nil, inputSize: Int? = nil,
                            seed: UInt64 = 0, stem: ResNetStem = .cifar) throws -> Model {
        let key = name.lowercased()
        guard names.contains(key) else { throw NeuralNetworkError.unknownModel(name: name, known: names) }
        let small = key == "mlp" || key == "lenet5"
        let channels = inputChannels ?? (small ? 1 : 3)
        let side = inputSize ?? (small ? 28 : 32)
        guard classes >= 1 else { throw NeuralNetworkError.invalidArgument("\(name): classes must be at least 1, got \(classes)") }
        guard channels >= 1 else {
            throw NeuralNetworkError.invalidArgument("\(name): input channels must be at least 1, got \(channels)")
        }
        let minimumSide = ["lenet5": 12, "vgg16": 32][key] ?? 1
        guard side >= minimumSide else {
            throw NeuralNetworkError.invalidArgument("\(name): input size must be at least \(minimumSide), got \(side)")
        }
        var generator = SeededGenerator(seed: seed)
        let root: any Layer
        switch key {
        case "mlp":
            root = MultilayerPerceptron(inputFeatures: channels * side * side, classes: classes, generator: &generator)
        case "lenet5":
            root = LeNet5(inputChannels: channels, inputSize: side, classes: classes, generator: &generator)
        case "vgg16":
            root = VGG(configuration: VGG.vgg16Configuration, classes: classes, inputChannels: channels, inputSize: side,
                       generator: &generator)
        case "resnet18":
            root = ResNet(block: .basic, blockCounts: [2, 2, 2, 2], widths: [64, 128, 256, 512], stem: stem,
                          classes: classes, inputChannels: channels, generator: &generator)
        case "resnet50":
            root = ResNet(block: .bottleneck, blockCounts: [3, 4, 6, 3], widths: [64, 128, 256, 512], stem: stem,
                          classes: classes, inputChannels: channels, generator: &generator)
        case "resnet20":
            guard stem == .cifar else {
                throw NeuralNetworkError.invalidArgument("resnet20 is a CIFAR network; it has no ImageNet stem")
            }
            root = ResNet(block: .basic, blockCounts: [3, 3, 3], widths: [16, 32, 64], stem: .cifar, classes: classes,
                          inputChannels: channels, shortcut: .zeroPadding, generator: &generator)
        default:
            throw NeuralNetworkError.unknownModel(name: name, known: names)
        }
        return Model(name: key, root: root, inputShape: [channels, side, side], classes: classes, seed: seed)
    }
}
