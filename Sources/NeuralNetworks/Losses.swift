import TensorEngine

/// The mean cross-entropy of logits [N, classes] against class indices (PyTorch's `F.cross_entropy`), rank 0.
/// - Parameters:
///   - logits: Unnormalised scores, [N, classes].
///   - labels: N class indices in `0..<classes`.
public func crossEntropy(logits: Variable, labels: [Int32]) -> Variable {
    precondition(logits.value.rank == 2, "crossEntropy: logits must be [N, classes], got \(describeShape(logits.value.shape))")
    precondition(labels.count == logits.value.shape[0],
                 "crossEntropy: \(labels.count) labels for \(logits.value.shape[0]) rows of logits")
    return softmaxCrossEntropy(logits: logits, labels: labels)
}

/// How many rows of logits [N, classes] have their largest score at the label.
/// - Parameters:
///   - logits: Scores, [N, classes].
///   - labels: N class indices.
public func correctPredictions(logits: Tensor, labels: [Int32]) -> Int {
    precondition(logits.rank == 2 && labels.count == logits.shape[0],
                 "correctPredictions: \(labels.count) labels for logits \(describeShape(logits.shape))")
    var correct = 0
    for (prediction, label) in zip(logits.argmaxRows(), labels) where prediction == Int(label) { correct += 1 }
    return correct
}

/// The fraction of rows of logits [N, classes] whose largest score is at the label (0 for an empty batch).
/// - Parameters:
///   - logits: Scores, [N, classes].
///   - labels: N class indices.
public func accuracy(logits: Tensor, labels: [Int32]) -> Float {
    labels.isEmpty ? 0 : Float(correctPredictions(logits: logits, labels: labels)) / Float(labels.count)
}
