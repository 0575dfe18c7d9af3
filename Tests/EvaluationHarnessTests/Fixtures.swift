import Foundation
@testable import EvaluationHarness
@testable import PruningCore
import SparsityConstraints
import Training

/// Hand-made pipeline results and reports, so metrics and renderers are checked against known numbers.
enum Fixtures {
    /// A run result with the given curve and times.
    static func result(method: String = "slr", dense: Double = 0.90, endOfMethodPhase: Double = 0.91,
                       hardPrune: Double, retraining: [Double], retrainingSeconds: [Double]? = nil,
                       methodEpochs: Int = 2, methodSeconds: Double = 10, hardPruneSeconds: Double = 1,
                       distances: [Double] = []) -> PruningRunResult {
        let seconds = retrainingSeconds ?? retraining.map { _ in 2.0 }
        let retrainingEpochs = zip(retraining, seconds).enumerated().map { index, pair in
            EpochStatistics(epoch: index + 1, trainingLoss: 0.5 - 0.1 * Double(index), penalty: 0, seconds: pair.1,
                            imagesPerSecond: 1000, testAccuracy: pair.0)
        }
        let methodPhase = (0..<methodEpochs).map { index in
            EpochStatistics(epoch: index + 1, trainingLoss: 0.7, penalty: 0.01, seconds: methodSeconds / Double(methodEpochs),
                            imagesPerSecond: 900, testAccuracy: endOfMethodPhase)
        }
        let diagnostics = distances.enumerated().map { index, distance -> IterationDiagnostics in
            var record = IterationDiagnostics(iteration: index + 1, epoch: index + 1)
            record.distanceToConstraint = distance
            return record
        }
        let sparsity = SparsityReport(layers: [LayerSparsity(name: "fc1.weight", count: 1000, nonZero: 100),
                                               LayerSparsity(name: "fc2.weight", count: 100, nonZero: 10)])
        return PruningRunResult(
            method: method, settings: [:], constraint: "unstructured 0.9", configuration: PipelineConfiguration(),
            lossData: "the whole training set", denseTestAccuracy: dense, methodPhase: methodPhase,
            diagnostics: diagnostics, accuracyAtEndOfMethodPhase: methodEpochs > 0 ? endOfMethodPhase : dense,
            accuracyAfterHardPrune: hardPrune, retraining: retrainingEpochs, sparsity: sparsity,
            methodPhaseSeconds: methodEpochs > 0 ? methodSeconds : 0, hardPruneSeconds: hardPruneSeconds,
            retrainingSeconds: seconds.reduce(0, +))
    }

    /// A two-method, one-seed report: `fast` reaches dense − 1 point after one epoch, `slow` never does.
    static func report(fastLabel: String = "fast", slowLabel: String = "slow") -> ComparisonReport {
        let experiment = Experiment(model: "mlp", dataset: "synthetic", constraint: Experiment.defaultConstraint,
                                    methods: [MethodSpec(name: "slr", label: fastLabel), MethodSpec(name: "magnitude", label: slowLabel)],
                                    pipeline: PipelineConfiguration(methodEpochs: 2, retrainEpochs: 3))
        let fast = result(method: "slr", hardPrune: 0.85, retraining: [0.895, 0.90, 0.905], distances: [1.0, 0.1, 0.01])
        let slow = result(method: "magnitude", hardPrune: 0.30, retraining: [0.70, 0.80, 0.85], methodEpochs: 0)
        let seed = SeedResult(seed: 0, dense: DenseResult(accuracy: 0.90, source: .trained, path: nil, trainingSeconds: 5),
                              runs: [MethodResult(label: fastLabel, method: "slr", result: fast, withinPoints: 1),
                                     MethodResult(label: slowLabel, method: "magnitude", result: slow, withinPoints: 1)])
        return ComparisonReport(experiment: experiment, seeds: [seed], totalSeconds: 42)
    }
}
