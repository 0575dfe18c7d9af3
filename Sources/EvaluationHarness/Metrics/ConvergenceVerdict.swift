import Foundation

/// Words for the comparison's outcome, computed from the numbers (never written in advance).
public enum ConvergenceVerdict {
    /// The methods ranked by how fast they converge: those within X points of dense on every seed first (fewest
    /// mean retraining epochs, then least mean wall time to the target), then those that got there on some
    /// seeds, then the rest; ties go to the larger area under the retraining curve.
    /// - Parameter summaries: One summary per method.
    public static func ranking(_ summaries: [MethodSummary]) -> [MethodSummary] {
        func key(_ summary: MethodSummary) -> (Int, Double, Double, Double) {
            let tier = summary.reachedTargetOnEverySeed ? 0 : (summary.seedsReachingTarget > 0 ? 1 : 2)
            return (tier, summary.retrainingEpochsToTarget?.mean ?? .infinity, summary.secondsToTarget?.mean ?? .infinity,
                    -(summary.retrainingCurveArea?.mean ?? 0))
        }
        return summaries.enumerated().sorted { left, right in
            let a = key(left.element), b = key(right.element)
            if a != b { return a < b }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// One or two sentences: which method converges fastest (or, if none reaches the target, which recovers
    /// best), and which keeps the most accuracy right after hard pruning.
    /// - Parameters:
    ///   - summaries: One summary per method.
    ///   - withinPoints: The X of "within X points of dense".
    ///   - retrainEpochs: The retraining budget, in epochs.
    public static func sentences(summaries: [MethodSummary], withinPoints: Double, retrainEpochs: Int) -> String {
        guard !summaries.isEmpty else { return "No method finished." }
        let ranked = ranking(summaries)
        let dense = summaries.first?.denseAccuracy?.mean ?? 0
        let target = "within \(points(withinPoints)) of dense (\(percent(dense)))"
        let budget = "\(retrainEpochs) retraining epoch\(retrainEpochs == 1 ? "" : "s")"
        var text: String

        let best = ranked[0]
        if best.reachedTargetOnEverySeed {
            let reach = "\(epochs(best.retrainingEpochsToTarget?.mean ?? 0)) (\(seconds(best.secondsToTarget?.mean)) in all)"
            if ranked.count == 1 {
                text = "\(best.label) comes \(target) after \(reach)."
            } else {
                text = "\(best.label) converges fastest: it comes \(target) after \(reach); "
                    + ranked.dropFirst().map { describeReach($0, budget: budget) }.joined(separator: ", ") + "."
            }
        } else {
            let byArea = summaries.sorted { ($0.retrainingCurveArea?.mean ?? 0) > ($1.retrainingCurveArea?.mean ?? 0) }
            let partial = ranked.filter { $0.seedsReachingTarget > 0 }
            text = summaries.count == 1 ? "\(best.label) does not come \(target) within \(budget)"
                                        : "No method comes \(target) within \(budget) on every seed"
            if !partial.isEmpty {
                text += " (" + partial.map { "\($0.label) does on \($0.seedsReachingTarget) of \($0.seeds.count)" }
                    .joined(separator: ", ") + ")"
            }
            let leader = byArea[0]
            text += "; \(leader.label) recovers best, with the largest area under the retraining curve (mean accuracy "
                + "\(percent(leader.retrainingCurveArea?.mean ?? 0))"
            let others = byArea.dropFirst().map { "\($0.label) \(percent($0.retrainingCurveArea?.mean ?? 0))" }
            text += others.isEmpty ? ")" : " vs " + others.joined(separator: ", ") + ")"
            text += " and a final accuracy of \(percent(leader.finalAccuracy?.mean ?? 0))."
        }

        if summaries.count > 1 {
            let byRetrainFree = summaries.sorted { ($0.retrainFreeAccuracy?.mean ?? 0) > ($1.retrainFreeAccuracy?.mean ?? 0) }
            let keeper = byRetrainFree[0]
            text += " Right after hard pruning, before any retraining, \(keeper.label) keeps the most accuracy: "
                + "\(percent(keeper.retrainFreeAccuracy?.mean ?? 0)) vs "
                + byRetrainFree.dropFirst().map { "\($0.label) \(percent($0.retrainFreeAccuracy?.mean ?? 0))" }
                    .joined(separator: ", ") + "."
        }
        return text
    }

    private static func describeReach(_ summary: MethodSummary, budget: String) -> String {
        if summary.reachedTargetOnEverySeed {
            return "\(summary.label) needs \(epochs(summary.retrainingEpochsToTarget?.mean ?? 0)) "
                + "(\(seconds(summary.secondsToTarget?.mean)))"
        }
        if summary.seedsReachingTarget > 0 {
            return "\(summary.label) gets there on only \(summary.seedsReachingTarget) of \(summary.seeds.count) seeds"
        }
        return "\(summary.label) does not within \(budget)"
    }

    /// "1 point", "0.5 points".
    static func points(_ value: Double) -> String {
        let text = value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
        return "\(text) point\(value == 1 ? "" : "s")"
    }

    /// "1 retraining epoch", "2 retraining epochs", "1.5 retraining epochs on average".
    static func epochs(_ mean: Double) -> String {
        if mean == mean.rounded() {
            let whole = Int(mean)
            if whole == 0 { return "0 retraining epochs (hard pruning alone)" }
            return "\(whole) retraining epoch\(whole == 1 ? "" : "s")"
        }
        return String(format: "%.1f retraining epochs on average", mean)
    }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: value < 10 ? "%.1f s" : "%.0f s", value)
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.2f %%", 100 * fraction) }
}
