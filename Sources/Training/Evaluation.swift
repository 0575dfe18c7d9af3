import Datasets
import NeuralNetworks
import TensorEngine

/// Evaluation passes in inference mode (running batch-norm statistics, no dropout, no autograd graph).
public enum Evaluation {
    /// The fraction of `data` the model classifies correctly, in [0, 1].
    public static func accuracy(model: Model, data: LabeledImages, batchSize: Int = 1000) throws -> Double {
        var correct = 0
        try GradientTape.withoutRecording {
            for batch in try data.batches(size: batchSize) {
                correct += correctPredictions(logits: model.predict(batch.images), labels: batch.labels)
            }
        }
        return Double(correct) / Double(max(data.count, 1))
    }

    /// The mean loss over `data`; cross-entropy unless `loss` is given.
    public static func meanLoss(model: Model, data: LabeledImages, batchSize: Int = 1000,
                                loss: Loss = .crossEntropy) throws -> Double {
        var total = 0.0
        try GradientTape.withoutRecording {
            for batch in try data.batches(size: batchSize) {
                let value = loss.compute(Variable(model.predict(batch.images)), batch.labels)
                total += Double(value.value.scalar) * Double(batch.count)
            }
        }
        return total / Double(max(data.count, 1))
    }
}
