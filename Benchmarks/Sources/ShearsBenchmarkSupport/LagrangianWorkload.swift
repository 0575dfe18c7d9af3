import PruningCore
import TensorEngine

/// The per-iteration bookkeeping of ADMM and SLR on fixed weights: everything an iteration does except the loss
/// evaluation (a forward pass over the loss data, measured by the training benchmarks instead).
public final class LagrangianWorkload {
    private let weights: [Tensor]
    private let constraint: any Constraint
    private let split: SplitVariables

    /// Starts like the methods do: Z = Π(W), Λ = 0; then one ADMM update so that Λ is not zero.
    /// - Parameters:
    ///   - weights: The weights W (e.g. ResNet-18's).
    ///   - constraint: The set Z lives in.
    ///   - rho: The penalty ρ.
    public init(weights: [NamedTensor], constraint: any Constraint, rho: Double = 1e-3) throws {
        self.weights = weights.map(\.tensor)
        self.constraint = constraint
        split = SplitVariables(names: weights.map(\.name), z: try constraint.project(weights).map(\.tensor), rho: rho)
        // Perturb W a little so that W ≠ Z for the kept weights too, as after a W-step.
        try admmIteration()
    }

    /// One ADMM iteration: Z ← Π(W + Λ/ρ), Λ ← Λ + ρ(W − Z), the distance diagnostics, and the new penalty centres.
    /// - Returns: ‖W − Z‖, to keep the work observable.
    @discardableResult
    public func admmIteration() throws -> Double {
        let z = try constraint.project(split.shiftedWeights(weights, lambda: split.lambda)).map(\.tensor)
        let lambda = split.steppedMultipliers(from: split.lambda, step: split.rho, weights: weights, z: z)
        let distance = SplitVariables.distances(weights, z).total
        split.update(z: z, lambda: lambda)
        _ = split.multiplierNorm
        return distance
    }

    /// One SLR iteration with both surrogate conditions evaluated and both multiplier updates taken: the two
    /// Lagrangian comparisons (four penalty terms), three distances, two multiplier steps, the Z-step and the update.
    /// The previous weights are the current ones (the loss terms cancel; only the bookkeeping is timed).
    /// - Returns: The left side of condition 2, to keep the work observable.
    @discardableResult
    public func slrIteration(stepSize: Double = 0.01) throws -> Double {
        let (zBefore, lambdaBefore) = (split.z, split.lambda)
        let left1 = split.penaltyTerms(weights: weights, z: zBefore, lambda: lambdaBefore)
        let right1 = split.penaltyTerms(weights: weights, z: zBefore, lambda: lambdaBefore)
        let distanceToOldZ = SplitVariables.distances(weights, zBefore).total
        _ = SplitVariables.distances(weights, zBefore).total
        let lambdaPrime = split.steppedMultipliers(from: lambdaBefore, step: stepSize, weights: weights, z: zBefore)

        let z = try constraint.project(split.shiftedWeights(weights, lambda: lambdaPrime)).map(\.tensor)
        let left2 = split.penaltyTerms(weights: weights, z: z, lambda: lambdaPrime)
        let right2 = split.penaltyTerms(weights: weights, z: zBefore, lambda: lambdaPrime)
        let distanceToNewZ = SplitVariables.distances(weights, z).total
        let lambdaNext = split.steppedMultipliers(from: lambdaPrime, step: stepSize, weights: weights, z: z)
        split.update(z: z, lambda: lambdaNext)
        _ = split.multiplierNorm
        return left2 + (left1 < right1 ? 0 : 1) + (left2 < right2 ? 0 : 1) + distanceToOldZ - distanceToNewZ
    }
}
