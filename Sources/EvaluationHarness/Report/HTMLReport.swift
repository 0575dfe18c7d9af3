import Foundation
import PruningCore

/// `report.html`: one self-contained page (inline CSS and SVG, no scripts, no external assets) with the table,
/// the verdict and three plots: accuracy vs retraining epoch, ‖W − Z‖ vs iteration, and per-layer sparsity.
public enum HTMLReport {
    /// Line colours, one per method in report order.
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]

    /// The whole HTML document.
    /// - Parameter report: The comparison.
    public static func render(_ report: ComparisonReport) -> String {
        let title = "Pruning comparison: \(report.experiment.model) on \(report.experiment.dataset)"
        var body: [String] = []
        body.append("<h1>\(Markup.escape(title))</h1>")
        body.append("<p class=\"setting\">\(Markup.escape(SummaryTable.setting(report))).</p>")
        body.append("<p class=\"verdict\"><strong>Verdict.</strong> \(Markup.escape(report.conclusion))</p>")
        body.append(table(SummaryTable.methods(report)))
        if !report.failures.isEmpty {
            body.append("<h2>Failed runs</h2>")
            body.append("<ul class=\"failed\">" + SummaryTable.failures(report).map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>")
        }
        body.append("<h2>Accuracy during retraining</h2>")
        body.append("<figure>\(accuracyChart(report))</figure>")
        body.append("<h2>Distance to the constraint set during the method phase</h2>")
        if let chart = distanceChart(report) {
            body.append("<figure>\(chart)</figure>")
        } else {
            body.append("<p>No method in this comparison reported ‖W − Z‖ (ADMM and SLR do).</p>")
        }
        body.append("<h2>Achieved sparsity per layer</h2>")
        body.append("<figure>\(sparsityChart(report))</figure>")
        body.append(table(SummaryTable.layers(report)))
        body.append("<h2>Per seed</h2>")
        body.append(table(perSeedTable(report)))
        body.append("<h2>Definitions</h2>")
        body.append("<ul>" + SummaryTable.definitions(report).map { "<li>\(Markup.escape($0))</li>" }.joined() + "</ul>")
        body.append("<p class=\"footer\">" + Markup.escape(String(format: "Total wall time %.0f s. ", report.totalSeconds)
            + "Generated \(report.createdAt) by shears compare; every number is in report.json.") + "</p>")

        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Markup.escape(title))</title>
        <style>
        body { font-family: sans-serif; max-width: 1100px; margin: 24px auto; padding: 0 16px; color: #222; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
        table { border-collapse: collapse; margin: 12px 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
        td { white-space: nowrap; }
        .scroll { overflow-x: auto; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #f3f3f3; }
        .verdict { background: #f6f9ff; border-left: 4px solid #1f77b4; padding: 8px 12px; }
        .setting, .footer { color: #555; }
        .failed { color: #b00020; }
        figure { margin: 8px 0; }
        svg { max-width: 100%; height: auto; }
        </style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    /// An HTML table with every cell escaped.
    static func table(_ table: SummaryTable) -> String {
        let header = "<tr>" + table.header.map { "<th>\(Markup.escape($0))</th>" }.joined() + "</tr>"
        let rows = table.rows.map { "<tr>" + $0.map { "<td>\(Markup.escape($0))</td>" }.joined() + "</tr>" }
        return "<div class=\"scroll\"><table>\n<thead>\(header)</thead>\n<tbody>\n" + rows.joined(separator: "\n") + "\n</tbody>\n</table></div>"
    }

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    /// Accuracy (mean over seeds) vs retraining epoch, epoch 0 being right after hard pruning; dense and
    /// dense − X as dashed lines.
    static func accuracyChart(_ report: ComparisonReport) -> String {
        var series = report.summaries.enumerated().map { index, summary in
            ChartSeries(label: summary.label, color: color(index),
                        points: [(x: 0.0, y: 100 * (summary.retrainFreeAccuracy?.mean ?? .nan))]
                            + summary.retrainingAccuracies.enumerated().map { (x: Double($0.offset + 1), y: 100 * $0.element.mean) })
        }
        let lastEpoch = Double(max(report.summaries.map(\.retrainingAccuracies.count).max() ?? 0, 1))
        if let dense = report.summaries.first?.denseAccuracy?.mean {
            series.append(ChartSeries(label: String(format: "dense (%.2f %%)", 100 * dense), color: "#444444",
                                      points: [(x: 0, y: 100 * dense), (x: lastEpoch, y: 100 * dense)], dashed: true, markers: false))
            let target = dense - report.experiment.withinPoints / 100
            series.append(ChartSeries(label: "dense − \(ConvergenceVerdict.points(report.experiment.withinPoints))", color: "#aaaaaa",
                                      points: [(x: 0, y: 100 * target), (x: lastEpoch, y: 100 * target)], dashed: true, markers: false))
        }
        return LineChart(title: "Test accuracy vs retraining epoch", xLabel: "retraining epoch (0 = right after hard pruning)",
                         yLabel: "test accuracy (%)", series: series, yText: { String(format: "%.1f", $0) }).svg()
    }

    /// ‖W − Z‖ (mean over seeds) per method iteration, for the methods that report it; nil when none does.
    static func distanceChart(_ report: ComparisonReport) -> String? {
        var series: [ChartSeries] = []
        for (index, summary) in report.summaries.enumerated() {
            let perSeed = report.runs(of: summary.label).map { run in
                run.result.diagnostics.compactMap { record in record.distanceToConstraint.map { (x: Double(record.iteration), y: $0) } }
            }
            guard let first = perSeed.first, !first.isEmpty else { continue }
            let points = first.indices.map { position -> (x: Double, y: Double) in
                let values = perSeed.compactMap { position < $0.count ? $0[position].y : nil }
                return (x: first[position].x, y: values.reduce(0, +) / Double(values.count))
            }
            series.append(ChartSeries(label: summary.label, color: color(index), points: points, markers: points.count <= 60))
        }
        guard !series.isEmpty else { return nil }
        let values = series.flatMap { $0.points.map(\.y) }
        return LineChart(title: "‖W − Z‖ vs iteration", xLabel: "method iteration", yLabel: "‖W − Z‖ (Frobenius, all pruned layers)",
                         series: series, logarithmicY: ChartScale.prefersLogarithmic(values),
                         yText: { String(format: "%.3g", $0) }).svg()
    }

    /// Achieved sparsity per layer and method (mean over seeds), with the requested sparsity when it is one
    /// number for every layer.
    static func sparsityChart(_ report: ComparisonReport) -> String {
        let names = report.summaries.first?.layers.map(\.name) ?? []
        let series = report.summaries.enumerated().map { index, summary in
            BarChart.Series(label: summary.label, color: color(index), values: names.map { name in
                100 * (summary.layers.first { $0.name == name }?.sparsity.mean ?? 0)
            })
        }
        let constraint = report.experiment.constraint
        var reference: (label: String, value: Double)?
        switch constraint.pattern {
        case .nm(let n, let m):
            reference = ("requested (\(n):\(m))", 100 * (1 - Double(n) / Double(max(m, 1))))
        default:
            if constraint.scope == .layer, constraint.layerSparsity.isEmpty {
                reference = (String(format: "requested %.4g", constraint.sparsity), 100 * constraint.sparsity)
            }
        }
        return BarChart(title: "Achieved sparsity per layer", yLabel: "zeros (%)", categories: names, series: series,
                        yMaximum: 100, yText: { String(format: "%.1f", $0) }, reference: reference).svg()
    }

    /// Dense accuracy and origin per seed, then each method's accuracy right after hard pruning → at the end.
    static func perSeedTable(_ report: ComparisonReport) -> SummaryTable {
        let labels = report.experiment.methods.map(\.displayName)
        let rows = report.seeds.map { seed -> [String] in
            [String(seed.seed), String(format: "%.2f", 100 * seed.dense.accuracy), seed.dense.source.rawValue]
                + labels.map { label in
                    guard let run = seed.runs.first(where: { $0.label == label }) else {
                        return report.failures.contains { $0.seed == seed.seed && $0.label == label } ? "failed" : "–"
                    }
                    return String(format: "%.2f → %.2f", 100 * run.metrics.retrainFreeAccuracy, 100 * run.metrics.finalAccuracy)
                }
        }
        return SummaryTable(header: ["Seed", "Dense", "Dense weights"] + labels.map { "\($0): hard-pruned → final" }, rows: rows)
    }
}
