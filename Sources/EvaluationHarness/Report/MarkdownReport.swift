import Foundation

/// `report.md`: the table a person reads, the verdict, the per-layer sparsity and the definitions.
public enum MarkdownReport {
    /// The whole Markdown document.
    /// - Parameter report: The comparison.
    public static func render(_ report: ComparisonReport) -> String {
        var lines = ["# Pruning comparison: \(report.experiment.model) on \(report.experiment.dataset)", "",
                     SummaryTable.setting(report) + ".", ""]
        lines.append(table(SummaryTable.methods(report)))
        lines += ["", "**Verdict.** " + report.conclusion, ""]
        if !report.failures.isEmpty {
            lines += ["## Failed runs", ""] + SummaryTable.failures(report).map { "- " + $0 } + [""]
        }
        let layers = SummaryTable.layers(report)
        if !layers.rows.isEmpty {
            lines += ["## Achieved sparsity per layer", "", table(layers), ""]
        }
        lines += ["## Definitions", ""] + SummaryTable.definitions(report).map { "- " + $0 }
        lines += ["", String(format: "Total wall time %.0f s.", report.totalSeconds) + " Generated \(report.createdAt) by `shears compare`."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Just the methods table (what `shears compare` prints at the end).
    /// - Parameter report: The comparison.
    public static func methodsTable(_ report: ComparisonReport) -> String { table(SummaryTable.methods(report)) }

    /// A pipe table with right-aligned number columns; `|` inside cells is escaped.
    static func table(_ table: SummaryTable) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        let header = "| " + table.header.map(cell).joined(separator: " | ") + " |"
        let rule = "|" + table.header.indices.map { $0 == 0 ? " --- |" : " ---: |" }.joined()
        let rows = table.rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        return ([header, rule] + rows).joined(separator: "\n")
    }
}
