import RunFiles
import Foundation

/// The report files of a comparison.
public struct ReportFiles: Codable, Equatable, Sendable {
    /// Everything, as JSON (schema: docs/report-schema.md).
    public var json: URL
    /// One row per method, seed and epoch.
    public var csv: URL
    /// The table a person reads.
    public var markdown: URL
    /// A self-contained page with the table and inline SVG plots.
    public var html: URL

    /// The four files in a folder.
    public init(directory: URL) {
        json = directory.appendingPathComponent("report.json")
        csv = directory.appendingPathComponent("report.csv")
        markdown = directory.appendingPathComponent("report.md")
        html = directory.appendingPathComponent("report.html")
    }

    /// The files in the order they are written.
    public var all: [URL] { [json, csv, markdown, html] }
}

/// Writes a comparison's reports, each atomically (a reader never sees half a file).
public enum ReportWriter {
    /// Renders and writes `report.json`, `report.csv`, `report.md` and `report.html` into `directory`.
    /// - Parameters:
    ///   - report: The comparison.
    ///   - directory: An existing folder.
    /// - Returns: The files written.
    @discardableResult
    public static func write(_ report: ComparisonReport, to directory: URL) throws -> ReportFiles {
        let files = ReportFiles(directory: directory)
        // Render everything first, so that a rendering failure leaves the previous reports untouched.
        let csv = CSVReport.render(report)
        let markdown = MarkdownReport.render(report)
        let html = HTMLReport.render(report)
        try AtomicFile.writeJSON(report, to: files.json)
        try AtomicFile.write(Data(csv.utf8), to: files.csv)
        try AtomicFile.write(Data(markdown.utf8), to: files.markdown)
        try AtomicFile.write(Data(html.utf8), to: files.html)
        return files
    }
}
