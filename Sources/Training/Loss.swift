import NeuralNetworks
import TensorEngine

/// The loss a ``Trainer`` minimises and ``Evaluation/meanLoss(model:data:batchSize:loss:)`` reports: a scalar
/// `Variable` from a batch's logits and labels, differentiable through the logits.
///
/// ```swift
/// let meanSquaredMargin = Loss(name: "squared-margin") { logits, labels in … }
/// let trainer = Trainer(batchSize: 64, seed: 0, loss: meanSquaredMargin)
/// ```
public struct Loss {
    /// A short name for logs and messages.
    public var name: String
    /// Computes the batch's mean loss from its logits `[batch, classes]` and its class labels.
    public var compute: (_ logits: Variable, _ labels: [Int32]) -> Variable

    /// Creates a loss from its name and its computation.
    public init(name: String, compute: @escaping (_ logits: Variable, _ labels: [Int32]) -> Variable) {
        self.name = name
        self.compute = compute
    }

    /// Softmax cross-entropy averaged over the batch (PyTorch's `CrossEntropyLoss`): the default everywhere.
    public static let crossEntropy = Loss(name: "cross-entropy") { logits, labels in
        NeuralNetworks.crossEntropy(logits: logits, labels: labels)
    }
}
