import SparsityConstraints
import Training

/// Everything one pruning run measured; written as metrics.json and used by the comparison reports.
public struct PruningRunResult: Codable, Equatable, Sendable {
    /// The method's registry name.
    public var method: String
    /// The method's settings, as text.
    public var settings: [String: String]
    /// The constraint, as text.
    public var constraint: String
    /// The run's budgets and optimizer settings.
    public var configuration: PipelineConfiguration
    /// What the f(W) of Lagrangians was averaged over.
    public var lossData: String
    /// Test accuracy of the dense weights the run started from.
    public var denseTestAccuracy: Double
    /// One entry per method-phase epoch (test accuracy of W included).
    public var methodPhase: [EpochStatistics]
    /// The method's per-iteration diagnostics.
    public var diagnostics: [IterationDiagnostics]
    /// Test accuracy of W at the end of the method phase (dense accuracy for one-shot methods).
    public var accuracyAtEndOfMethodPhase: Double
    /// Test accuracy right after hard pruning, before any retraining.
    public var accuracyAfterHardPrune: Double
    /// One entry per retraining epoch.
    public var retraining: [EpochStatistics]
    /// The achieved sparsity per layer, verified against the constraint.
    public var sparsity: SparsityReport
    /// Wall time of the method phase, hard pruning and retraining, in seconds.
    public var methodPhaseSeconds: Double
    public var hardPruneSeconds: Double
    public var retrainingSeconds: Double

    /// The test accuracy after the last retraining epoch (or right after hard pruning without retraining).
    public var finalAccuracy: Double { retraining.last?.testAccuracy ?? accuracyAfterHardPrune }

    /// Accuracy right after hard pruning followed by the accuracy after each retraining epoch.
    public var retrainingCurve: [Double] { [accuracyAfterHardPrune] + retraining.compactMap(\.testAccuracy) }

    /// The retraining epochs needed to come within `points` percentage points of the dense accuracy
    /// (0 if hard pruning alone does), or nil if the budget never does.
    public func retrainingEpochsToReach(withinPoints points: Double) -> Int? {
        let target = denseTestAccuracy - points / 100
        return retrainingCurve.firstIndex { $0 >= target }
    }
}
