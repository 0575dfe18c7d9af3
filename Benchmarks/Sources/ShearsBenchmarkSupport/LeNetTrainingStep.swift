import NeuralNetworks
import TensorEngine

/// One LeNet-5 training step as `Trainer` does it — forward, cross-entropy, zero gradients, backward, SGD step with
/// momentum 0.9 — on a fixed synthetic batch of Fashion-MNIST-shaped images (1×28×28, 10 classes).
public final class LeNetTrainingStep {
    /// Images per step.
    public let batchSize: Int
    private let model: Model
    private let optimizer: SGD
    private let images: Tensor
    private let labels: [Int32]

    /// Builds the model, the optimizer and the batch.
    /// - Parameters:
    ///   - batchSize: Images per step.
    ///   - seed: Seeds the weights, images and labels.
    public init(batchSize: Int = 128, seed: UInt64 = 3) throws {
        self.batchSize = batchSize
        model = try ModelZoo.make(name: "lenet5", seed: seed)
        optimizer = try SGD(parameters: model.namedParameters(), learningRate: 0.01, momentum: 0.9)
        var generator = SeededGenerator(seed: seed).derived(stream: 1)
        images = Tensor.uniform([batchSize, 1, 28, 28], low: 0, high: 1, generator: &generator)
        labels = (0..<batchSize).map { _ in Int32.random(in: 0..<10, using: &generator) }
    }

    /// One step; returns the batch's loss.
    @discardableResult
    public func step() -> Float {
        let lossValue: Float
        do {
            // The graph dies at the end of this scope, before the step, as in Trainer.
            let logits = model(Variable(images), training: true)
            let loss = crossEntropy(logits: logits, labels: labels)
            lossValue = loss.value.scalar
            optimizer.zeroGradients()
            loss.backward()
        }
        optimizer.step()
        return lossValue
    }
}
