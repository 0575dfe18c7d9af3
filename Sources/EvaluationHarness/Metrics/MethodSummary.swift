import Foundation
import PruningCore

/// The mean sparsity of one layer over the seeds of a method.
public struct LayerSparsitySummary: Codable, Equatable, Sendable {
    /// The parameter's name.
    public var name: String
    /// The number of weights.
    public var count: Int
    /// The achieved sparsity over the seeds.
    public var sparsity: Spread
}

/// One method's metrics over the seeds of an experiment.
///
/// Every ``Spread`` summarises one value per seed. The target figures (epochs and seconds to come within X points
/// of dense) are summarised over the seeds that reached the target; ``seedsReachingTarget`` says how many did,
/// and the spreads are nil when none did.
public struct MethodSummary: Codable, Equatable, Sendable {
    /// The label in the reports.
    public var label: String
    /// The registry name.
    public var method: String
    /// The seeds of the runs summarised.
    public var seeds: [UInt64]
    /// Dense accuracy.
    public var denseAccuracy: Spread?
    /// Accuracy of W at the end of the method phase.
    public var accuracyAtEndOfMethodPhase: Spread?
    /// Accuracy right after hard pruning (no retraining).
    public var retrainFreeAccuracy: Spread?
    /// Accuracy after each retraining epoch (element e − 1 is epoch e).
    public var retrainingAccuracies: [Spread]
    /// Accuracy at the end of the run.
    public var finalAccuracy: Spread?
    /// Retraining epochs to come within X points of dense, over the seeds that did.
    public var retrainingEpochsToTarget: Spread?
    /// How many seeds came within X points of dense.
    public var seedsReachingTarget: Int
    /// Wall time to the target (method phase + hard prune + retraining), over the seeds that reached it.
    public var secondsToTarget: Spread?
    /// Retraining wall time to the target, over the seeds that reached it.
    public var retrainingSecondsToTarget: Spread?
    /// The normalised area under the retraining curve.
    public var retrainingCurveArea: Spread?
    /// The achieved overall sparsity.
    public var achievedSparsity: Spread?
    /// Wall time of the method phase, hard prune and retraining together.
    public var totalSeconds: Spread?
    /// The achieved sparsity per layer.
    public var layers: [LayerSparsitySummary]

    /// Summarises one method's runs.
    /// - Parameters:
    ///   - label: The label in the reports.
    ///   - method: The registry name.
    ///   - runs: The runs, one per seed, with their seeds.
    public init(label: String, method: String, runs: [(seed: UInt64, run: MethodResult)]) {
        self.label = label
        self.method = method
        seeds = runs.map(\.seed)
        let metrics = runs.map(\.run.metrics)
        denseAccuracy = Spread(metrics.map(\.denseAccuracy))
        accuracyAtEndOfMethodPhase = Spread(metrics.map(\.accuracyAtEndOfMethodPhase))
        retrainFreeAccuracy = Spread(metrics.map(\.retrainFreeAccuracy))
        let epochs = metrics.map(\.retrainingAccuracies.count).min() ?? 0
        retrainingAccuracies = (0..<epochs).compactMap { epoch in Spread(metrics.map { $0.retrainingAccuracies[epoch] }) }
        finalAccuracy = Spread(metrics.map(\.finalAccuracy))
        retrainingEpochsToTarget = Spread(metrics.compactMap { $0.retrainingEpochsToTarget.map(Double.init) })
        seedsReachingTarget = metrics.filter { $0.retrainingEpochsToTarget != nil }.count
        secondsToTarget = Spread(metrics.compactMap(\.secondsToTarget))
        retrainingSecondsToTarget = Spread(metrics.compactMap(\.retrainingSecondsToTarget))
        retrainingCurveArea = Spread(metrics.map(\.retrainingCurveArea))
        achievedSparsity = Spread(metrics.map(\.achievedSparsity))
        totalSeconds = Spread(metrics.map(\.totalSeconds))
        let firstLayers = runs.first?.run.result.sparsity.layers ?? []
        layers = firstLayers.compactMap { layer in
            Spread(runs.compactMap { $0.run.result.sparsity[layer.name]?.sparsity }).map {
                LayerSparsitySummary(name: layer.name, count: layer.count, sparsity: $0)
            }
        }
    }

    /// Whether every seed came within X points of dense.
    public var reachedTargetOnEverySeed: Bool { !seeds.isEmpty && seedsReachingTarget == seeds.count }
}
