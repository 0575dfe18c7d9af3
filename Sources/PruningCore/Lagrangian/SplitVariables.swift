import SparsityConstraints
import TensorEngine

/// The auxiliary variables of ADMM and SLR: copies Z of the pruned weights that live in the constraint set,
/// multipliers Λ, and the penalty ρ, with the terms of the augmented Lagrangian
/// L_ρ(W, Z, Λ) = f(W) + Σₙ [tr(Λₙᵀ(Wₙ − Zₙ)) + (ρ/2)‖Wₙ − Zₙ‖²].
public final class SplitVariables {
    /// The names of the pruned weights, in order.
    public let names: [String]
    /// Z: one tensor per pruned weight, in the constraint set.
    public private(set) var z: [Tensor]
    /// Λ: one tensor per pruned weight.
    public private(set) var lambda: [Tensor]
    /// The penalty ρ.
    public private(set) var rho: Double
    /// Z − Λ/ρ, the centre of the W-step's quadratic penalty, kept up to date.
    private var centers: [Tensor] = []

    /// Starts from Z⁰ (the projection of the dense weights, or a warm start) and Λ⁰ = 0.
    public init(names: [String], z: [Tensor], rho: Double) {
        precondition(names.count == z.count, "SplitVariables: \(names.count) names for \(z.count) tensors")
        self.names = names
        self.z = z
        self.lambda = z.map { Tensor.zeros($0.shape) }
        self.rho = rho
        refreshCenters()
    }

    /// The W-step's penalty (ρ/2) Σ ‖W − Z + Λ/ρ‖², equal to the Lagrangian's Z- and Λ-terms up to a constant.
    public func penalty(_ weights: [Variable]) -> Variable {
        quadraticPenalty(weights, centers: centers, rho: Float(rho))
    }

    /// Σₙ tr(Λₙᵀ(Wₙ − Zₙ)) + (ρ/2)‖Wₙ − Zₙ‖²: the Lagrangian without f, for given W, Z and Λ.
    public func penaltyTerms(weights: [Tensor], z: [Tensor], lambda: [Tensor]) -> Double {
        var total = 0.0
        for index in weights.indices {
            weights[index].scalars.withUnsafeBufferPointer { w in
                z[index].scalars.withUnsafeBufferPointer { zz in
                    lambda[index].scalars.withUnsafeBufferPointer { l in
                        var linear = 0.0, quadratic = 0.0
                        for i in 0..<w.count {
                            let difference = Double(w[i]) - Double(zz[i])
                            linear += Double(l[i]) * difference
                            quadratic += difference * difference
                        }
                        total += linear + 0.5 * rho * quadratic
                    }
                }
            }
        }
        return total
    }

    /// ‖Wₙ − Zₙ‖ per layer and over all layers together (Frobenius norms).
    public static func distances(_ weights: [Tensor], _ z: [Tensor]) -> (total: Double, perLayer: [Double]) {
        let perLayer = zip(weights, z).map { w, zz in (w - zz).squaredNorm.squareRoot() }
        return ((perLayer.reduce(0) { $0 + $1 * $1 }).squareRoot(), perLayer)
    }

    /// ‖Λ‖ over all layers.
    public var multiplierNorm: Double { (lambda.reduce(0) { $0 + $1.squaredNorm }).squareRoot() }

    /// Λ + step · (W − Z), without changing the stored Λ.
    public func steppedMultipliers(from lambda: [Tensor], step: Double, weights: [Tensor], z: [Tensor]) -> [Tensor] {
        let scale = Float(step)
        return lambda.indices.map { index in
            var updated = lambda[index]
            weights[index].scalars.withUnsafeBufferPointer { w in
                z[index].scalars.withUnsafeBufferPointer { zz in
                    updated.scalars.withUnsafeMutableBufferPointer { l in
                        for i in 0..<l.count { l[i] += scale * (w[i] - zz[i]) }
                    }
                }
            }
            return updated
        }
    }

    /// W + Λ/ρ, the point the Z-step projects.
    public func shiftedWeights(_ weights: [Tensor], lambda: [Tensor]) -> [NamedTensor] {
        let inverse = Float(1 / rho)
        return weights.indices.map { index in
            NamedTensor(name: names[index], tensor: weights[index].zipMap(lambda[index]) { w, l in w + inverse * l })
        }
    }

    /// Replaces Z, Λ and ρ (after an update, or to restore saved state).
    public func update(z newZ: [Tensor]? = nil, lambda newLambda: [Tensor]? = nil, rho newRho: Double? = nil) {
        if let newZ { z = newZ }
        if let newLambda { lambda = newLambda }
        if let newRho { rho = newRho }
        refreshCenters()
    }

    private func refreshCenters() {
        let inverse = Float(1 / rho)
        centers = z.indices.map { index in z[index].zipMap(lambda[index]) { zz, l in zz - inverse * l } }
    }

    /// Z and Λ as named tensors for a checkpoint (`Z.<name>`, `Lambda.<name>`).
    public var stateTensors: [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (index, name) in names.enumerated() {
            tensors["Z." + name] = z[index]
            tensors["Lambda." + name] = lambda[index]
        }
        return tensors
    }

    /// Restores Z, Λ and ρ from a saved state, checking names and shapes.
    public func restore(from state: MethodState) throws {
        let shapes = z.map(\.shape)
        let restoredZ = try names.indices.map { try state.tensor("Z." + names[$0], shape: shapes[$0]) }
        let restoredLambda = try names.indices.map { try state.tensor("Lambda." + names[$0], shape: shapes[$0]) }
        update(z: restoredZ, lambda: restoredLambda, rho: try state.value("rho"))
    }
}
