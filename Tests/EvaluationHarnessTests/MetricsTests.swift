import Foundation
import Testing
@testable import EvaluationHarness
import PruningCore

@Suite("Convergence metrics")
struct MetricsTests {
    @Test("epochs and seconds to within X points of dense, split into all and retraining-only")
    func epochsAndSecondsToTarget() throws {
        let result = Fixtures.result(dense: 0.90, hardPrune: 0.80, retraining: [0.85, 0.895, 0.91],
                                     retrainingSeconds: [2, 3, 4], methodSeconds: 10, hardPruneSeconds: 1)
        let metrics = ConvergenceMetrics(result: result, withinPoints: 1)
        // Target 0.89: epoch 1 gives 0.85 (no), epoch 2 gives 0.895 (yes).
        #expect(metrics.retrainingEpochsToTarget == 2)
        #expect(metrics.secondsToTarget == 16.0)  // 10 s method phase + 1 s hard prune + 2 + 3 s retraining
        #expect(metrics.retrainingSecondsToTarget == 5)
        #expect(metrics.retrainFreeAccuracy == 0.80)
        #expect(metrics.retrainingAccuracies == [0.85, 0.895, 0.91])
        #expect(metrics.finalAccuracy == 0.91)
        #expect(metrics.totalSeconds == 10 + 1 + 9)
        #expect(abs(metrics.achievedSparsity - 0.9) < 1e-12)

        // Within 5 points: hard pruning alone gets there (0.80 < 0.85, so no), epoch 1 (0.85 ≥ 0.85) does.
        #expect(ConvergenceMetrics(result: result, withinPoints: 5).retrainingEpochsToTarget == 1)
        // Within 10 points: hard pruning alone (0.80 ≥ 0.80) is enough; only the method phase and the prune count.
        let immediate = ConvergenceMetrics(result: result, withinPoints: 10)
        #expect(immediate.retrainingEpochsToTarget == 0)
        #expect(immediate.secondsToTarget == 11)
        #expect(immediate.retrainingSecondsToTarget == 0)
    }

    @Test("a target never reached gives nil epochs and seconds")
    func neverReached() {
        let result = Fixtures.result(dense: 0.90, hardPrune: 0.2, retraining: [0.5, 0.6])
        let metrics = ConvergenceMetrics(result: result, withinPoints: 1)
        #expect(metrics.retrainingEpochsToTarget == nil)
        #expect(metrics.secondsToTarget == nil)
        #expect(metrics.retrainingSecondsToTarget == nil)
    }

    @Test("the normalised area is the trapezoidal mean accuracy over the retraining epochs")
    func area() {
        let curve = [0.8, 0.85, 0.895, 0.91]
        let expected = ((0.8 + 0.85) / 2 + (0.85 + 0.895) / 2 + (0.895 + 0.91) / 2) / 3
        #expect(abs(ConvergenceMetrics.normalizedArea(curve) - expected) < 1e-12)
        #expect(ConvergenceMetrics.normalizedArea([0.5]) == 0.5)
        #expect(ConvergenceMetrics.normalizedArea([]) == 0)
        #expect(ConvergenceMetrics.normalizedArea([0.7, 0.7, 0.7]) == 0.7)
        let metrics = ConvergenceMetrics(result: Fixtures.result(dense: 0.9, hardPrune: 0.8, retraining: [0.85, 0.895, 0.91]),
                                         withinPoints: 1)
        #expect(abs(metrics.retrainingCurveArea - expected) < 1e-12)
        #expect(abs(metrics.retrainingCurveAreaRelativeToDense - expected / 0.9) < 1e-12)
    }

    @Test("mean, sample standard deviation, min and max over seeds")
    func spread() throws {
        let spread = try #require(Spread([1, 2, 3]))
        #expect(spread.mean == 2)
        #expect(abs(spread.standardDeviation - 1) < 1e-12)
        #expect(spread.min == 1 && spread.max == 3 && spread.count == 3)
        let single = try #require(Spread([0.5]))
        #expect(single.standardDeviation == 0 && single.mean == 0.5)
        #expect(Spread([]) == nil)
    }

    @Test("a method summary averages over seeds and counts the seeds that reached the target")
    func summaryOverSeeds() throws {
        let reached = MethodResult(label: "slr", method: "slr",
                                   result: Fixtures.result(dense: 0.90, hardPrune: 0.80, retraining: [0.85, 0.90]), withinPoints: 1)
        let missed = MethodResult(label: "slr", method: "slr",
                                  result: Fixtures.result(dense: 0.92, hardPrune: 0.70, retraining: [0.75, 0.80]), withinPoints: 1)
        let summary = MethodSummary(label: "slr", method: "slr", runs: [(seed: 0, run: reached), (seed: 1, run: missed)])
        #expect(summary.seeds == [0, 1])
        #expect(summary.seedsReachingTarget == 1)
        #expect(!summary.reachedTargetOnEverySeed)
        #expect(summary.retrainingEpochsToTarget?.mean == 2)
        #expect(summary.retrainingEpochsToTarget?.count == 1)
        let dense = try #require(summary.denseAccuracy)
        #expect(abs(dense.mean - 0.91) < 1e-12 && dense.min == 0.90 && dense.max == 0.92)
        #expect(abs(dense.standardDeviation - (0.02 / 2.0.squareRoot())) < 1e-12)
        #expect(summary.retrainingAccuracies.count == 2)
        #expect(abs(summary.retrainingAccuracies[1].mean - 0.85) < 1e-12)
        #expect(summary.layers.map(\.name) == ["fc1.weight", "fc2.weight"])
        #expect(abs((summary.layers.first?.sparsity.mean ?? 0) - 0.9) < 1e-12)
    }

    @Test("the verdict names the method that converges fastest, from the numbers")
    func verdict() {
        let report = Fixtures.report(fastLabel: "alpha", slowLabel: "beta")
        #expect(ConvergenceVerdict.ranking(report.summaries).map(\.label) == ["alpha", "beta"])
        #expect(report.conclusion.hasPrefix("alpha converges fastest"))
        #expect(report.conclusion.contains("1 retraining epoch"))
        #expect(report.conclusion.contains("beta does not within 3 retraining epochs"))
        #expect(report.conclusion.contains("alpha keeps the most accuracy: 85.00 %"))

        // Swap which method is fast: the sentence follows the numbers, not the order.
        let swapped = Fixtures.report(fastLabel: "beta", slowLabel: "alpha")
        #expect(swapped.conclusion.hasPrefix("beta converges fastest"))
    }

    @Test("when no method reaches the target the verdict falls back to the area under the curve")
    func verdictWithoutTarget() {
        let slow = MethodResult(label: "a", method: "slr",
                                result: Fixtures.result(dense: 0.9, hardPrune: 0.5, retraining: [0.6]), withinPoints: 1)
        let slower = MethodResult(label: "b", method: "admm",
                                  result: Fixtures.result(dense: 0.9, hardPrune: 0.6, retraining: [0.7]), withinPoints: 1)
        let summaries = [MethodSummary(label: "a", method: "slr", runs: [(seed: 0, run: slow)]),
                         MethodSummary(label: "b", method: "admm", runs: [(seed: 0, run: slower)])]
        let text = ConvergenceVerdict.sentences(summaries: summaries, withinPoints: 1, retrainEpochs: 1)
        #expect(text.hasPrefix("No method comes within 1 point of dense (90.00 %) within 1 retraining epoch"))
        #expect(text.contains("b recovers best"))
        #expect(text.contains("b keeps the most accuracy: 60.00 % vs a 50.00 %"))
    }
}
