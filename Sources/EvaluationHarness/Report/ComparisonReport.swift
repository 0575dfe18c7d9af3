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

/// A run of a comparison that did not finish: a method on one seed that threw, or one seed's dense pretraining.
public struct RunFailure: Codable, Equatable, Sendable {
    /// Always `failed` (the finished runs are in ``SeedResult/runs``); there so that a reader of report.json
    /// sees the status next to the error.
    public var status: String
    /// The seed of the run.
    public var seed: UInt64
    /// The method's label, or nil when the seed's dense pretraining failed (and none of its methods ran).
    public var label: String?
    /// The method's registry name (nil for dense pretraining).
    public var method: String?
    /// What went wrong, as the error said it.
    public var error: String

    /// Creates a record.
    /// - Parameters:
    ///   - seed: The seed.
    ///   - label: The method's label (nil: dense pretraining).
    ///   - method: The registry name (nil: dense pretraining).
    ///   - error: The error's message.
    public init(seed: UInt64, label: String?, method: String?, error: String) {
        status = "failed"
        self.seed = seed
        self.label = label
        self.method = method
        self.error = error
    }

    /// "slr on seed 0" or "dense pretraining of seed 1".
    public var what: String { label.map { "\($0) on seed \(seed)" } ?? "dense pretraining of seed \(seed)" }
}

/// The whole comparison: what was asked, every run, the metrics summarised over seeds and the verdict.
/// `report.json` is this value; its schema is documented in docs/report-schema.md.
public struct ComparisonReport: Codable, Equatable, Sendable {
    /// The version of the report's layout (bumped when fields change meaning or disappear).
    public static let currentSchemaVersion = 2

    /// The layout version of this report.
    public var schemaVersion: Int
    /// When the report was made (ISO 8601, UTC).
    public var createdAt: String
    /// The experiment as run.
    public var experiment: Experiment
    /// One entry per seed.
    public var seeds: [SeedResult]
    /// The runs that failed, with their errors (schema 2; empty when every run finished).
    public var failures: [RunFailure]
    /// One entry per method with at least one finished run: its metrics over the seeds that finished.
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
    ///   - failures: The runs that failed (the verdict compares only the methods that finished).
    ///   - createdAt: The time stamp (default: now).
    public init(experiment: Experiment, seeds: [SeedResult], totalSeconds: Double, failures: [RunFailure] = [],
                createdAt: Date = Date()) {
        schemaVersion = Self.currentSchemaVersion
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        self.createdAt = formatter.string(from: createdAt)
        self.experiment = experiment
        self.seeds = seeds
        self.totalSeconds = totalSeconds
        self.failures = failures
        summaries = experiment.methods.compactMap { spec in
            let runs = seeds.compactMap { seed -> (seed: UInt64, run: MethodResult)? in
                guard let run = seed.runs.first(where: { $0.label == spec.displayName }) else { return nil }
                return (seed: seed.seed, run: run)
            }
            return runs.isEmpty ? nil : MethodSummary(label: spec.displayName, method: spec.name, runs: runs)
        }
        conclusion = ConvergenceVerdict.sentences(summaries: summaries, withinPoints: experiment.withinPoints,
                                                  retrainEpochs: experiment.pipeline.retrainEpochs)
        if !failures.isEmpty {
            conclusion += (summaries.isEmpty ? " " : " Only finished runs are compared; ")
                + "\(failures.count) run\(failures.count == 1 ? "" : "s") failed: "
                + failures.map(\.what).joined(separator: ", ") + "."
        }
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, createdAt, experiment, seeds, failures, summaries, conclusion, totalSeconds
    }

    /// Decodes a report; a schema-1 report (before failures were recorded) has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        experiment = try container.decode(Experiment.self, forKey: .experiment)
        seeds = try container.decode([SeedResult].self, forKey: .seeds)
        failures = try container.decodeIfPresent([RunFailure].self, forKey: .failures) ?? []
        summaries = try container.decode([MethodSummary].self, forKey: .summaries)
        conclusion = try container.decode(String.self, forKey: .conclusion)
        totalSeconds = try container.decode(Double.self, forKey: .totalSeconds)
    }

    /// The runs of the method labelled `label`, one per seed.
    public func runs(of label: String) -> [MethodResult] {
        seeds.compactMap { seed in seed.runs.first { $0.label == label } }
    }
}
