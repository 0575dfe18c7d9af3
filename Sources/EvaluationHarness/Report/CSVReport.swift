import Foundation
import PruningCore
import Training

/// `report.csv`: one row per method, seed and epoch, for plotting elsewhere.
///
/// Rows of a run, in order: one `method` row per method-phase epoch (none for one-shot methods), one `hard-prune`
/// row (epoch 0: the accuracy right after hard pruning, the hard prune's wall time), and one `retrain` row per
/// retraining epoch. `elapsed_seconds` is the run's wall time up to the end of the row (method phase, hard prune,
/// retraining; evaluation excluded). Accuracies are fractions in [0, 1]; empty cells mean "not measured".
/// A run that failed has one `failed` row whose `error` cell holds the error (the column is empty elsewhere); a
/// seed whose dense pretraining failed has one with the label `dense`.
public enum CSVReport {
    /// The header columns.
    public static let columns = ["label", "method", "seed", "phase", "epoch", "train_loss", "penalty", "test_accuracy",
                                 "dense_test_accuracy", "seconds", "elapsed_seconds", "images_per_second", "error"]

    /// The CSV text (RFC 4180 quoting, `\n` line ends, a header row).
    /// - Parameter report: The comparison.
    public static func render(_ report: ComparisonReport) -> String {
        var lines = [columns.joined(separator: ",")]
        for seed in report.seeds {
            for run in seed.runs {
                let result = run.result
                var elapsed = 0.0
                func row(_ phase: String, _ epoch: Int, loss: Double?, penalty: Double?, accuracy: Double?,
                         seconds: Double, rate: Double?) -> String {
                    elapsed += seconds
                    let cells: [String] = [
                        quote(run.label), quote(run.method), String(seed.seed), phase, String(epoch),
                        number(loss), number(penalty), number(accuracy), number(result.denseTestAccuracy),
                        number(seconds), number(elapsed), number(rate), "",
                    ]
                    return cells.joined(separator: ",")
                }
                for epoch in result.methodPhase {
                    lines.append(row("method", epoch.epoch, loss: epoch.trainingLoss, penalty: epoch.penalty,
                                     accuracy: epoch.testAccuracy, seconds: epoch.seconds, rate: epoch.imagesPerSecond))
                }
                lines.append(row("hard-prune", 0, loss: nil, penalty: nil, accuracy: result.accuracyAfterHardPrune,
                                 seconds: result.hardPruneSeconds, rate: nil))
                for epoch in result.retraining {
                    lines.append(row("retrain", epoch.epoch, loss: epoch.trainingLoss, penalty: epoch.penalty,
                                     accuracy: epoch.testAccuracy, seconds: epoch.seconds, rate: epoch.imagesPerSecond))
                }
            }
        }
        for failure in report.failures {
            let cells = [quote(failure.label ?? "dense"), quote(failure.method ?? ""), String(failure.seed), "failed"]
                + [String](repeating: "", count: columns.count - 5) + [quote(failure.error)]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number in its shortest exact form, or an empty cell.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return String(value)
    }
}
