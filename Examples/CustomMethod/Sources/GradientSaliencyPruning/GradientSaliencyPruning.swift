import Foundation
import NeuralNetworks
import PruningCore
import TensorEngine

/// Gradient × weight saliency (as in SNIP, Lee et al. 2019): a one-shot method that scores each weight by
/// |∂L/∂w · w|, the first-order change of the loss if the weight were removed, and keeps the highest scores
/// under the constraint (its per-layer, global, N:M or block rules apply to the scores as to magnitudes).
///
/// The gradient is averaged over the first `batches` batches of the session's loss data, with the model in
/// training mode, so the scores see the same loss the Lagrangian methods optimise.
public final class GradientSaliencyPruning: PruningMethod {
    public let name = "grad-saliency"
    /// How many batches of the loss data the gradient is averaged over.
    public let batches: Int
    /// Images per batch.
    public let batchSize: Int

    /// Creates the method; throws an error naming the option when a value is out of range.
    public init(batches: Int = 4, batchSize: Int = 256) throws {
        guard batches >= 1 else { throw PruningError.invalidOption("grad-saliency option batches must be ≥ 1, got \(batches)") }
        guard batchSize >= 1 else {
            throw PruningError.invalidOption("grad-saliency option batch-size must be ≥ 1, got \(batchSize)")
        }
        self.batches = batches
        self.batchSize = batchSize
    }

    public var settingsSummary: [String: String] { ["batches": String(batches), "batch-size": String(batchSize)] }

    /// One-shot: no method phase; the pipeline goes straight to ``finalize(_:)`` and retraining.
    public var trainsDuringMethodPhase: Bool { false }

    public func finalize(_ session: PruningSession) throws -> [NamedTensor] {
        let weights = session.currentWeights()
        let gradients = try meanGradients(session)
        // Scores |g ⊙ w|; the constraint's projection of the scores keeps the largest ones, and its masks say which.
        let scores = zip(weights, gradients).map { weight, gradient in
            NamedTensor(name: weight.name, tensor: Tensor(shape: weight.tensor.shape,
                                                          scalars: zip(weight.tensor.scalars, gradient).map { abs($0 * $1) }))
        }
        let masks = try session.constraint.keepMasks(scores)
        return zip(weights, masks).map { weight, mask in
            NamedTensor(name: weight.name, tensor: Tensor(shape: weight.tensor.shape,
                                                          scalars: zip(weight.tensor.scalars, mask.tensor.scalars).map { $0 * $1 }))
        }
    }

    /// ∂L/∂w of the selected parameters, averaged over the first ``batches`` batches of the loss data.
    private func meanGradients(_ session: PruningSession) throws -> [[Float]] {
        var sums = session.parameters.map { [Float](repeating: 0, count: $0.variable.value.scalars.count) }
        var used = 0
        for batch in try session.lossData.batches(size: batchSize).prefix(batches) {
            session.model.zeroGradients()
            let logits = session.model(Variable(batch.images), training: true)
            crossEntropy(logits: logits, labels: batch.labels).backward()
            for (index, entry) in session.parameters.enumerated() {
                guard let gradient = entry.variable.gradient else { continue }
                for (position, value) in gradient.scalars.enumerated() { sums[index][position] += value }
            }
            used += 1
        }
        session.model.zeroGradients()
        guard used > 0 else { throw PruningError.invalidState("grad-saliency: the loss data hold no image") }
        return sums.map { sum in sum.map { $0 / Float(used) } }
    }
}

extension GradientSaliencyPruning {
    /// The catalog entry: `grad-saliency`.
    public static let registration = MethodRegistration(
        name: "grad-saliency",
        summary: "Keep the weights of largest gradient × weight saliency |∂L/∂w · w| (one-shot, SNIP-style).",
        options: [
            MethodOption("batches", "batches of the loss data the gradient is averaged over", default: "4"),
            MethodOption("batch-size", "images per batch", default: "256"),
        ],
        make: { options in
            try GradientSaliencyPruning(batches: try options.int("batches", default: 4),
                                        batchSize: try options.int("batch-size", default: 256))
        })
}
