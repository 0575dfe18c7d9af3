import Foundation
import PruningCore

/// Where one seed's dense weights came from and how good they are.
public struct DenseResult: Codable, Equatable, Sendable {
    /// How the weights were obtained.
    public enum Source: String, Codable, Sendable {
        /// From the experiment's ``Experiment/denseWeights`` file.
        case file
        /// From the cache file in the output folder, written by an earlier run.
        case cache
        /// Trained by this run (and written to the cache file).
        case trained
    }

    /// The test accuracy of the dense weights.
    public var accuracy: Double
    /// Where they came from.
    public var source: Source
    /// The weights file (the experiment's file, or the cache file), if any.
    public var path: String?
    /// Wall time of dense training in this run (0 when loaded).
    public var trainingSeconds: Double

    /// Creates a record.
    public init(accuracy: Double, source: Source, path: String?, trainingSeconds: Double) {
        self.accuracy = accuracy
        self.source = source
        self.path = path
        self.trainingSeconds = trainingSeconds
    }
}

/// One method's run on one seed, with its metrics.
public struct MethodResult: Codable, Equatable, Sendable {
    /// The label of the method in the reports.
    public var label: String
    /// The registry name.
    public var method: String
    /// Everything the pipeline measured (per-epoch statistics, per-iteration diagnostics, sparsity, times).
    public var result: PruningRunResult
    /// The convergence metrics computed from ``result``.
    public var metrics: ConvergenceMetrics
    /// The masks file written for the run, relative to the output folder, if any.
    public var masksFile: String?

    /// Creates a record and computes its metrics.
    /// - Parameters:
    ///   - label: The label in the reports.
    ///   - method: The registry name.
    ///   - result: The pipeline's measurements.
    ///   - withinPoints: The X of "within X points of dense".
    ///   - masksFile: The masks file, relative to the output folder.
    public init(label: String, method: String, result: PruningRunResult, withinPoints: Double, masksFile: String? = nil) {
        self.label = label
        self.method = method
        self.result = result
        self.metrics = ConvergenceMetrics(result: result, withinPoints: withinPoints)
        self.masksFile = masksFile
    }
}

/// Everything one seed produced: the dense starting point and every method's run from it.
public struct SeedResult: Codable, Equatable, Sendable {
    /// The seed (data order, initial weights, every random choice).
    public var seed: UInt64
    /// The dense weights all methods started from.
    public var dense: DenseResult
    /// One run per method, in the experiment's order.
    public var runs: [MethodResult]

    /// Creates a record.
    public init(seed: UInt64, dense: DenseResult, runs: [MethodResult]) {
        self.seed = seed
        self.dense = dense
        self.runs = runs
    }
}

/// The whole comparison: what was asked, every run, the metrics summarised over seeds and the verdict.
/// `report.json` is this value; its schema is documented in docs/report-schema.md.
public struct ComparisonReport: Codable, Equatable, Sendable {
    /// The version of the report's layout (bumped when fields change meaning or disappear).
    public static let currentSchemaVersion = 1

    /// The layout version of this report.
    public var schemaVersion: Int
    /// When the report was made (ISO 8601, UTC).
    public var createdAt: String
    /// The experiment as run.
    public var experiment: Experiment
    /// One entry per seed.
    public var seeds: [SeedResult]
    /// One entry per method: its metrics over the seeds.
    public var summaries: [MethodSummary]
    /// The "which converges faster" sentences, computed from ``summaries``.
    public var conclusion: String
    /// Wall time of the whole comparison, dense training included.
    public var totalSeconds: Double

    /// Assembles a report and computes the summaries and the conclusion.
    /// - Parameters:
    ///   - experiment: The experiment as run.
    ///   - seeds: Every seed's results.
    ///   - totalSeconds: Wall time of the whole comparison.
    ///   - createdAt: The time stamp (default: now).
    public init(experiment: Experiment, seeds: [SeedResult], totalSeconds: Double, createdAt: Date = Date()) {
        schemaVersion = Self.currentSchemaVersion
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        self.createdAt = formatter.string(from: createdAt)
        self.experiment = experiment
        self.seeds = seeds
        self.totalSeconds = totalSeconds
        summaries = experiment.methods.map { spec in
            let runs = seeds.compactMap { seed -> (seed: UInt64, run: MethodResult)? in
                guard let run = seed.runs.first(where: { $0.label == spec.displayName }) else { return nil }
                return (seed: seed.seed, run: run)
            }
            return MethodSummary(label: spec.displayName, method: spec.name, runs: runs)
        }
        conclusion = ConvergenceVerdict.sentences(summaries: summaries, withinPoints: experiment.withinPoints,
                                                  retrainEpochs: experiment.pipeline.retrainEpochs)
    }

    /// The runs of the method labelled `label`, one per seed.
    public func runs(of label: String) -> [MethodResult] {
        seeds.compactMap { seed in seed.runs.first { $0.label == label } }
    }
}
