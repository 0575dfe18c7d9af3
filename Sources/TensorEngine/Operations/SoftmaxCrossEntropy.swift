import Foundation

/// Softmax, cross-entropy and argmax over the rows of [N, classes] tensors.

extension Tensor {
    /// Row-wise softmax of a [N, classes] tensor, computed after subtracting each row's maximum.
    public func softmaxRows() -> Tensor {
        precondition(rank == 2, "softmaxRows needs a [N, classes] tensor, got \(describeShape(shape))")
        let rows = shape[0], classes = shape[1]
        return scalars.withUnsafeBufferPointer { source in
            Tensor(shape: shape) { target in
                for row in 0..<rows {
                    let base = row * classes
                    var largest = -Float.infinity
                    for index in base..<(base + classes) { largest = max(largest, source[index]) }
                    var total: Float = 0
                    for index in base..<(base + classes) {
                        let value = exp(source[index] - largest)
                        target[index] = value
                        total += value
                    }
                    let scale = 1 / total
                    for index in base..<(base + classes) { target[index] *= scale }
                }
            }
        }
    }

    /// The index of the largest element of each row of a [N, classes] tensor (the first one on ties).
    public func argmaxRows() -> [Int] {
        precondition(rank == 2, "argmaxRows needs a [N, classes] tensor, got \(describeShape(shape))")
        let rows = shape[0], classes = shape[1]
        precondition(classes > 0 || rows == 0, "argmaxRows of a tensor without columns: \(describeShape(shape))")
        return scalars.withUnsafeBufferPointer { source in
            (0..<rows).map { row in
                let base = row * classes
                var best = 0
                for column in 1..<max(classes, 1) where source[base + column] > source[base + best] { best = column }
                return best
            }
        }
    }
}

/// Fused log-softmax and negative log-likelihood: the mean over the batch of −log softmax(logits)[label], rank 0.
///
/// Stable for any logits (each row's maximum is subtracted before exponentiating). The gradient with respect to
/// the logits is (softmax − one-hot(label)) / N.
///
/// - Parameters:
///   - logits: [N, classes] unnormalised scores.
///   - labels: N class indices, each in 0 ..< classes (anything else is a programmer error).
public func softmaxCrossEntropy(logits: Variable, labels: [Int32]) -> Variable {
    let scores = logits.value
    precondition(scores.rank == 2, "softmaxCrossEntropy: logits must be [N, classes], got \(describeShape(scores.shape))")
    let rows = scores.shape[0], classes = scores.shape[1]
    precondition(labels.count == rows, "softmaxCrossEntropy: \(labels.count) labels for \(rows) rows of logits")
    for (row, label) in labels.enumerated() {
        precondition(label >= 0 && Int(label) < classes,
                     "softmaxCrossEntropy: label \(label) of row \(row) is outside 0..<\(classes)")
    }
    let probabilities = scores.softmaxRows()
    // −log p[label] = log Σ exp(z − max) − (z[label] − max), accumulated over the batch in Double.
    var total = 0.0
    scores.scalars.withUnsafeBufferPointer { z in
        for row in 0..<rows {
            let base = row * classes
            var largest = -Float.infinity
            for index in base..<(base + classes) { largest = max(largest, z[index]) }
            var sum = 0.0
            for index in base..<(base + classes) { sum += Double(exp(z[index] - largest)) }
            total += log(sum) - Double(z[base + Int(labels[row])] - largest)
        }
    }
    let loss = rows == 0 ? 0 : Float(total / Double(rows))
    return Variable(value: Tensor(scalar: loss), operands: [logits]) { gradient in
        let scale = rows == 0 ? 0 : gradient.scalar / Float(rows)
        var result = probabilities
        result.scalars.withUnsafeMutableBufferPointer { target in
            for row in 0..<rows { target[row * classes + Int(labels[row])] -= 1 }
            for index in target.indices { target[index] *= scale }
        }
        return [result]
    }
}
