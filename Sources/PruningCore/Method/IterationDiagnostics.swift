/// What a method reports about one of its iterations (usually one epoch of the method phase).
///
/// Fields a method does not compute stay nil; a method with figures of its own puts them in ``extra``.
/// Every field is kept in the run's metrics and in the comparison reports.
public struct IterationDiagnostics: Codable, Equatable, Sendable {
    /// The iteration counter of the method (SLR's k, ADMM's iteration), starting at 1.
    public var iteration: Int
    /// The method-phase epoch this iteration ended (1-based).
    public var epoch: Int
    /// The mean training loss f(W) over the epoch's batches (without penalty).
    public var trainingLoss: Double?
    /// SLR condition 1: L(Wᵏ, Zᵏ⁻¹, Λᵏ) (left) and L(Wᵏ⁻¹, Zᵏ⁻¹, Λᵏ) (right).
    public var condition1Values: [Double]?
    /// Whether condition 1 held (the multiplier update after the W-step was taken).
    public var condition1Held: Bool?
    /// SLR condition 2: L(Wᵏ, Zᵏ, Λ') (left) and L(Wᵏ, Zᵏ⁻¹, Λ') (right).
    public var condition2Values: [Double]?
    /// Whether condition 2 held (the multiplier update after the Z-step was taken).
    public var condition2Held: Bool?
    /// SLR's αₖ.
    public var alpha: Double?
    /// SLR's step size sᵏ (after the iteration), or ADMM's dual step ρ.
    public var stepSize: Double?
    /// The penalty ρ used in the iteration.
    public var rho: Double?
    /// ‖W − Z‖_F over all pruned layers, after the iteration.
    public var distanceToConstraint: Double?
    /// ‖W − Z‖_F per pruned layer.
    public var layerDistances: [String: Double]?
    /// ‖Λ‖_F over all pruned layers.
    public var multiplierNorm: Double?
    /// The sparsity target in force (gradual methods).
    public var sparsityTarget: Double?
    /// Test accuracy of W at the end of the iteration (filled by the pipeline).
    public var testAccuracy: Double?
    /// Test accuracy of Π(W), "if we hard-pruned now" (filled by the pipeline on request).
    public var hardPrunedTestAccuracy: Double?
    /// Method-specific figures.
    public var extra: [String: Double]

    /// Creates an empty record for one iteration.
    public init(iteration: Int, epoch: Int) {
        self.iteration = iteration
        self.epoch = epoch
        self.extra = [:]
    }
}
