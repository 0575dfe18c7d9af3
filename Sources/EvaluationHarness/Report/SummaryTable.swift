import Foundation
import PruningCore

/// The tables the Markdown and HTML reports share, as plain text cells.
struct SummaryTable {
    var header: [String]
    var rows: [[String]]

    /// One row per method: dense, end of method phase, right after hard prune, each retraining epoch,
    /// epochs and time to within X points, area under the retraining curve, sparsity, total time.
    static func methods(_ report: ComparisonReport) -> SummaryTable {
        let epochs = report.summaries.map(\.retrainingAccuracies.count).max() ?? 0
        let within = ConvergenceVerdict.points(report.experiment.withinPoints)
        var header = ["Method", "Dense", "End of method phase", "Hard-pruned, no retraining"]
        header += (0..<epochs).map { "Retrain ep. \($0 + 1)" }
        header += ["Retrain epochs to within \(within)", "Seconds to within \(within) (all / retraining)",
                   "Curve area", "Sparsity", "Seconds in all"]
        let rows = report.summaries.map { summary -> [String] in
            var row = [summary.label, accuracy(summary.denseAccuracy), accuracy(summary.accuracyAtEndOfMethodPhase),
                       accuracy(summary.retrainFreeAccuracy)]
            row += (0..<epochs).map { $0 < summary.retrainingAccuracies.count ? accuracy(summary.retrainingAccuracies[$0]) : "–" }
            row.append(epochsToTarget(summary, budget: report.experiment.pipeline.retrainEpochs))
            if let all = summary.secondsToTarget, let retraining = summary.retrainingSecondsToTarget {
                row.append("\(seconds(all.mean)) / \(seconds(retraining.mean))")
            } else {
                row.append("–")
            }
            row += [accuracy(summary.retrainingCurveArea), ratio(summary.achievedSparsity), spread(summary.totalSeconds, seconds)]
            return row
        }
        return SummaryTable(header: header, rows: rows)
    }

    /// One line per failed run: "slr on seed 0 failed: training diverged: …".
    static func failures(_ report: ComparisonReport) -> [String] {
        report.failures.map { failure in
            "\(failure.what) failed: \(failure.error)" + (failure.label == nil ? " (none of its methods ran)" : "")
        }
    }

    /// One row per pruned layer: its size and each method's achieved sparsity.
    static func layers(_ report: ComparisonReport) -> SummaryTable {
        let names = report.summaries.first?.layers.map(\.name) ?? []
        let rows = names.map { name -> [String] in
            let count = report.summaries.first?.layers.first { $0.name == name }?.count ?? 0
            return [name, String(count)] + report.summaries.map { summary in
                ratio(summary.layers.first { $0.name == name }?.sparsity)
            }
        }
        return SummaryTable(header: ["Layer", "Weights"] + report.summaries.map(\.label), rows: rows)
    }

    /// A percentage with two decimals, with "± std" when there are several seeds.
    static func accuracy(_ value: Spread?) -> String { spread(value) { String(format: "%.2f", 100 * $0) } }

    /// A ratio with four decimals, with "± std" when there are several seeds.
    static func ratio(_ value: Spread?) -> String { spread(value) { String(format: "%.4f", $0) } }

    static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }

    static func spread(_ value: Spread?, _ format: (Double) -> String) -> String {
        guard let value else { return "–" }
        return value.count > 1 ? "\(format(value.mean)) ± \(format(value.standardDeviation))" : format(value.mean)
    }

    /// "2", "never (> 3)", "1.5 ± 0.7 (2 of 3 seeds)".
    static func epochsToTarget(_ summary: MethodSummary, budget: Int) -> String {
        guard let epochs = summary.retrainingEpochsToTarget else { return "never (> \(budget))" }
        let text = epochs.count > 1 ? String(format: "%.1f ± %.1f", epochs.mean, epochs.standardDeviation)
                                    : String(Int(epochs.mean))
        return summary.reachedTargetOnEverySeed ? text : "\(text) (\(summary.seedsReachingTarget) of \(summary.seeds.count) seeds)"
    }

    /// The experiment in one line: model, data, constraint, methods, seeds and budgets.
    static func setting(_ report: ComparisonReport) -> String {
        let experiment = report.experiment
        let pipeline = experiment.pipeline
        let seeds = experiment.seeds.map(String.init).joined(separator: ", ")
        let dense = experiment.denseWeights.map { "dense weights from \($0)" } ?? "dense pretraining \(count(experiment.pretrainEpochs, "epoch"))"
        let lossData = report.seeds.first?.runs.first?.result.lossData
        return "\(experiment.model) on \(experiment.dataset); constraint \(experiment.constraint); "
            + "methods \(experiment.methods.map(\.displayName).joined(separator: ", ")); seed\(experiment.seeds.count == 1 ? "" : "s") \(seeds); "
            + "\(dense); method phase \(count(pipeline.methodEpochs, "epoch")), retraining \(count(pipeline.retrainEpochs, "epoch")), "
            + "batch \(pipeline.batchSize)"
            + (lossData.map { "; the loss f(W) of the Lagrangians is over \($0)" } ?? "")
    }

    /// "1 epoch", "3 epochs".
    static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

    /// What the columns mean.
    static func definitions(_ report: ComparisonReport) -> [String] {
        let within = ConvergenceVerdict.points(report.experiment.withinPoints)
        let seeds = report.experiment.seeds.count > 1
            ? "Values are the mean ± sample standard deviation over \(report.experiment.seeds.count) seeds (min and max are in report.json)."
            : "One seed; run with several seeds for mean ± standard deviation."
        return [
            "Accuracies are test accuracies in %. Every method starts from the same dense weights, with the same data order and budgets.",
            seeds,
            "Hard-pruned, no retraining: the accuracy right after the method's weights are projected onto the constraint (the retrain-free accuracy).",
            "Retrain epochs to within \(within): the masked-retraining epochs until the accuracy is at least dense − \(within) (0: hard pruning alone is); seconds count the method phase, hard pruning and those retraining epochs (evaluation excluded).",
            "Curve area: the trapezoidal area under accuracy vs retraining epoch over epochs 0…R (0 = right after hard pruning), divided by R; the mean accuracy over the retraining budget.",
            "Sparsity: the achieved fraction of zeros in the pruned weights, verified against the constraint after hard pruning and after every retraining epoch.",
        ]
    }
}
