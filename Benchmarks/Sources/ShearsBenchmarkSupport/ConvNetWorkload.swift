import Foundation
import NeuralNetworks
import TensorEngine

/// A network of the `convnets` figure: a model-zoo network at a fixed input shape, named as
/// `Scripts/pytorch_convnets_benchmark.py` names its PyTorch twin.
public struct ConvNetCase: Equatable, CustomStringConvertible {
    /// The zoo name, also the script's `--models` name.
    public let name: String
    /// The shape of one input image, [channels, height, width].
    public let inputShape: [Int]
    /// The ResNet stem (the zoo ignores it for the other models).
    let stem: ResNetStem

    /// He et al.'s CIFAR ResNet-20 (zero-padding shortcuts) on 3×32×32.
    public static let resnet20 = ConvNetCase(name: "resnet20", inputShape: [3, 32, 32], stem: .cifar)
    /// VGG-16 with batch norm, CIFAR layout, on 3×32×32.
    public static let vgg16 = ConvNetCase(name: "vgg16", inputShape: [3, 32, 32], stem: .cifar)
    /// ResNet-18 with the CIFAR stem on 3×32×32.
    public static let resnet18 = ConvNetCase(name: "resnet18", inputShape: [3, 32, 32], stem: .cifar)
    /// ResNet-50 with the ImageNet stem on 3×64×64: at ImageNet's 224×224 one training step at batch 128 is some
    /// 1.6 TFLOP (tens of seconds on two cores); 64×64 costs a twelfth of that and still leaves the last stage 2×2.
    public static let resnet50 = ConvNetCase(name: "resnet50", inputShape: [3, 64, 64], stem: .imageNet)
    /// LeNet-5 on 1×28×28.
    public static let lenet5 = ConvNetCase(name: "lenet5", inputShape: [1, 28, 28], stem: .cifar)

    /// Every case, in the order the figure lists them.
    public static let all: [ConvNetCase] = [resnet20, vgg16, resnet18, resnet50, lenet5]
    /// The cases the figure measures unless told otherwise.
    public static let defaults: [ConvNetCase] = [resnet20, vgg16, resnet18, resnet50]

    /// The case called `name` (case-insensitive), or nil.
    /// - Parameter name: A zoo name, e.g. `resnet18`.
    public static func named(_ name: String) -> ConvNetCase? {
        all.first { $0.name == name.lowercased() }
    }

    /// E.g. `resnet50 3×64×64`.
    public var description: String {
        name + " " + inputShape.map(String.init).joined(separator: "×")
    }
}

/// A zoo network, its optimizer and one fixed seeded batch, for timing training steps and evaluation passes the
/// way `Trainer` and `Evaluation` run them.
public final class ConvNetWorkload {
    /// Images per step.
    public let batchSize: Int
    /// The network.
    public let model: Model
    private let optimizer: SGD
    private let images: Tensor
    private let labels: [Int32]

    /// Builds the model (seeded PyTorch-default initialisation), SGD with momentum 0.9, and the batch.
    /// - Parameters:
    ///   - network: Which model, at which input shape.
    ///   - batchSize: Images per step.
    ///   - seed: Seeds the weights, images and labels.
    /// - Throws: What ``ModelZoo`` or ``SGD`` throw for invalid sizes.
    public init(_ network: ConvNetCase, batchSize: Int = 128, seed: UInt64 = 3) throws {
        self.batchSize = batchSize
        let model = try ModelZoo.make(name: network.name, inputChannels: network.inputShape[0],
                                      inputSize: network.inputShape[1], seed: seed, stem: network.stem)
        self.model = model
        optimizer = try SGD(parameters: model.namedParameters(), learningRate: 0.01, momentum: 0.9)
        var generator = SeededGenerator(seed: seed).derived(stream: 1)
        images = Tensor.uniform([batchSize] + network.inputShape, low: 0, high: 1, generator: &generator)
        labels = (0..<batchSize).map { _ in Int32.random(in: 0..<Int32(model.classes), using: &generator) }
    }

    /// The model's parameter count.
    public var parameterCount: Int { model.parameterCount }

    /// One training step as `Trainer` takes it: forward in training mode, cross-entropy, zero gradients, backward,
    /// SGD step.
    public func trainStep() {
        do {
            // The graph dies at the end of this scope, before the step, so the step updates the parameters in
            // place instead of copying storage the graph still shares (as in Trainer).
            let logits = model(Variable(images), training: true)
            let loss = crossEntropy(logits: logits, labels: labels)
            optimizer.zeroGradients()
            loss.backward()
        }
        optimizer.step()
    }

    /// One evaluation pass as `Evaluation` runs it: inference mode (running batch-norm statistics), no graph.
    public func evaluate() {
        GradientTape.withoutRecording {
            _ = model(Variable(images), training: false)
        }
    }

    /// Training throughput: `warmup` untimed steps, then images/s over `steps` timed ones.
    public func trainingImagesPerSecond(warmup: Int, steps: Int) -> Double {
        Self.imagesPerSecond(batchSize: batchSize, warmup: warmup, steps: steps) { trainStep() }
    }

    /// Evaluation throughput: `warmup` untimed passes, then images/s over `steps` timed ones.
    public func evaluationImagesPerSecond(warmup: Int, steps: Int) -> Double {
        Self.imagesPerSecond(batchSize: batchSize, warmup: warmup, steps: steps) { evaluate() }
    }

    /// Runs `body` `warmup` times untimed, then `steps` times timed, and returns images per timed second. Total
    /// time rather than a median: the PyTorch script measures the same way, and with a handful of multi-second
    /// steps a median says little more.
    private static func imagesPerSecond(batchSize: Int, warmup: Int, steps: Int, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { body() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Double(steps * batchSize) / max(seconds, 1e-9)
    }
}
