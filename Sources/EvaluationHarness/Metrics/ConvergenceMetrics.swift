import Foundation
import PruningCore
import Training

/// How fast one pruning run recovers: the figures the comparison reports put side by side.
///
/// Accuracies are fractions in [0, 1]; "within X points" means a test accuracy ≥ dense − X/100.
public struct ConvergenceMetrics: Codable, Equatable, Sendable {
    /// The X of "within X points of dense".
    public var withinPoints: Double
    /// Test accuracy of the dense weights the run started from.
    public var denseAccuracy: Double
    /// Test accuracy of W when the method phase ends (the dense accuracy for one-shot methods).
    public var accuracyAtEndOfMethodPhase: Double
    /// Test accuracy right after hard pruning, before any retraining.
    public var retrainFreeAccuracy: Double
    /// Test accuracy after each retraining epoch.
    public var retrainingAccuracies: [Double]
    /// Test accuracy at the end of the run.
    public var finalAccuracy: Double
    /// Retraining epochs until the accuracy is within ``withinPoints`` of dense (0: hard pruning alone is),
    /// or nil when the budget never gets there.
    public var retrainingEpochsToTarget: Int?
    /// Wall time to the target: method phase + hard prune + retraining epochs up to and including the one that
    /// reaches it (nil when never reached). Evaluation passes are not counted.
    public var secondsToTarget: Double?
    /// The retraining part of ``secondsToTarget`` alone (0 when hard pruning alone reaches the target).
    public var retrainingSecondsToTarget: Double?
    /// The normalised area under the retraining curve (see ``normalizedArea(_:)``), in [0, 1].
    public var retrainingCurveArea: Double
    /// ``retrainingCurveArea`` divided by the dense accuracy (1: as good as dense for the whole retraining).
    public var retrainingCurveAreaRelativeToDense: Double
    /// The achieved overall sparsity of the pruned weights, as verified by the pipeline.
    public var achievedSparsity: Double
    /// Wall time of the method phase, hard pruning and retraining, and their sum.
    public var methodPhaseSeconds: Double
    public var hardPruneSeconds: Double
    public var retrainingSeconds: Double
    public var totalSeconds: Double

    /// Computes the metrics of one run.
    /// - Parameters:
    ///   - result: What the pipeline measured.
    ///   - withinPoints: The X of "within X points of dense", in percentage points.
    public init(result: PruningRunResult, withinPoints: Double) {
        self.withinPoints = withinPoints
        denseAccuracy = result.denseTestAccuracy
        accuracyAtEndOfMethodPhase = result.accuracyAtEndOfMethodPhase
        retrainFreeAccuracy = result.accuracyAfterHardPrune
        retrainingAccuracies = result.retraining.compactMap(\.testAccuracy)
        finalAccuracy = result.finalAccuracy
        methodPhaseSeconds = result.methodPhaseSeconds
        hardPruneSeconds = result.hardPruneSeconds
        retrainingSeconds = result.retrainingSeconds
        totalSeconds = result.methodPhaseSeconds + result.hardPruneSeconds + result.retrainingSeconds
        achievedSparsity = result.sparsity.overallSparsity

        let epochs = result.retrainingEpochsToReach(withinPoints: withinPoints)
        retrainingEpochsToTarget = epochs
        if let epochs {
            let retraining = result.retraining.prefix(epochs).reduce(0) { $0 + $1.seconds }
            retrainingSecondsToTarget = retraining
            secondsToTarget = result.methodPhaseSeconds + result.hardPruneSeconds + retraining
        }
        retrainingCurveArea = Self.normalizedArea(result.retrainingCurve)
        retrainingCurveAreaRelativeToDense = denseAccuracy > 0 ? retrainingCurveArea / denseAccuracy : 0
    }

    /// The normalised area under a retraining curve.
    ///
    /// The curve holds the accuracy right after hard pruning (epoch 0) and after each of R retraining epochs.
    /// The area is the trapezoidal integral of accuracy over epochs 0…R divided by R, i.e. the mean accuracy over
    /// the retraining budget, in [0, 1]: a method that recovers sooner has a larger area. With R = 0 it is the
    /// accuracy right after hard pruning; an empty curve gives 0.
    /// - Parameter curve: Accuracies at epochs 0, 1, …, R.
    public static func normalizedArea(_ curve: [Double]) -> Double {
        guard let first = curve.first else { return 0 }
        guard curve.count > 1 else { return first }
        var area = 0.0
        for index in 1..<curve.count { area += (curve[index - 1] + curve[index]) / 2 }
        return area / Double(curve.count - 1)
    }
}
