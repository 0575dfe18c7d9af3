import NeuralNetworks
import TensorEngine

/// The fused penalty (ρ/2) Σₙ ‖Wₙ − Cₙ‖² over several weights, as one autograd node whose gradient is ρ(Wₙ − Cₙ).
///
/// ADMM and SLR add it to the loss of every batch with Cₙ = Zₙ − Λₙ/ρ; fusing it avoids building
/// three elementwise nodes per layer per batch.
/// - Parameters:
///   - weights: The pruned weights.
///   - centers: One tensor per weight, same shapes.
///   - rho: The penalty ρ.
public func quadraticPenalty(_ weights: [Variable], centers: [Tensor], rho: Float) -> Variable {
    precondition(weights.count == centers.count, "quadraticPenalty: \(weights.count) weights, \(centers.count) centers")
    var total = 0.0
    for (weight, center) in zip(weights, centers) {
        precondition(weight.value.shape == center.shape, "quadraticPenalty: \(describeShape(weight.value.shape)) vs \(describeShape(center.shape))")
        total += weight.value.scalars.withUnsafeBufferPointer { w in
            center.scalars.withUnsafeBufferPointer { c in
                var sum = 0.0
                for index in 0..<w.count {
                    let difference = Double(w[index] - c[index])
                    sum += difference * difference
                }
                return sum
            }
        }
    }
    let values = weights.map(\.value)
    return Variable(value: Tensor(scalar: Float(0.5 * Double(rho) * total)), operands: weights) { gradient in
        let scale = rho * gradient.scalar
        return zip(values, centers).map { value, center in value.zipMap(center) { w, c in scale * (w - c) } }
    }
}
