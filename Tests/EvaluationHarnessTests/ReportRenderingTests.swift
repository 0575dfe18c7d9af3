import Foundation
import Testing
@testable import EvaluationHarness
import PruningCore

@Suite("Report rendering")
struct ReportRenderingTests {
    @Test("the CSV has a header and one row per method-phase epoch, hard prune and retraining epoch")
    func csvRows() throws {
        let report = Fixtures.report(fastLabel: "fast, \"quoted\"", slowLabel: "slow")
        let lines = CSVReport.render(report).split(separator: "\n").map(String.init)
        #expect(lines.first == CSVReport.columns.joined(separator: ","))
        let rows = Array(lines.dropFirst())
        // fast: 2 method epochs + hard prune + 3 retraining epochs; slow (one-shot): hard prune + 3.
        #expect(rows.count == 6 + 4)
        #expect(rows[0].hasPrefix("\"fast, \"\"quoted\"\"\",slr,0,method,1,"))
        #expect(rows[2].contains(",hard-prune,0,,,0.85,0.9,1.0,11.0,"))
        #expect(rows[3].contains(",retrain,1,"))
        #expect(rows[3].contains(",0.895,0.9,2.0,13.0,"))
        #expect(rows[6].hasPrefix("slow,magnitude,0,hard-prune,0,"))
        #expect(rows.filter { $0.contains(",retrain,") }.count == 6)
        #expect(rows.allSatisfy { Self.fieldCount($0) == CSVReport.columns.count })
    }

    @Test("the Markdown table has one row per method with every retraining epoch and the verdict")
    func markdown() {
        let report = Fixtures.report()
        let text = MarkdownReport.render(report)
        let table = MarkdownReport.methodsTable(report).split(separator: "\n")
        #expect(table.count == 2 + 2)
        #expect(table[0].contains("Retrain ep. 3"))
        #expect(table[2].hasPrefix("| fast | 90.00 | 91.00 | 85.00 | 89.50 | 90.00 | 90.50 | 1 |"))
        #expect(table[3].contains("| never (> 3) |"))
        #expect(text.contains("**Verdict.** fast converges fastest"))
        #expect(text.contains("| fc1.weight | 1000 | 0.9000 | 0.9000 |"))
    }

    @Test("the HTML is self-contained, has an SVG per plot and escapes labels")
    func html() {
        let report = Fixtures.report(fastLabel: "<b>fast</b> & \"co\"", slowLabel: "slow")
        let html = HTMLReport.render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // Accuracy vs epoch, ‖W − Z‖ vs iteration, sparsity per layer.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(!html.contains("<b>fast</b>"))
        #expect(html.contains("&lt;b&gt;fast&lt;/b&gt; &amp; &quot;co&quot;"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1 == 3)  // only the SVG namespace
        #expect(!html.contains("https://"))
        #expect(html.contains("stroke-dasharray"))  // the dense line
    }

    @Test("the distance plot switches to a log scale when values span decades")
    func logScale() {
        #expect(ChartScale.prefersLogarithmic([1.0, 0.1, 0.01]))
        #expect(!ChartScale.prefersLogarithmic([9.5, 11.2]))
        #expect(!ChartScale.prefersLogarithmic([0, 10]))
        let html = HTMLReport.distanceChart(Fixtures.report()) ?? ""
        #expect(html.contains("log scale"))
        let scale = ChartScale.logarithmic(covering: [0.01, 1], pixelStart: 100, pixelEnd: 0)
        #expect(scale.lower == 0.01 && scale.upper == 1)
        #expect(abs(scale.pixel(0.1) - 50) < 1e-9)
    }

    @Test("the distance plot is left out when no method reports ‖W − Z‖")
    func noDistances() {
        let experiment = Experiment(constraint: Experiment.defaultConstraint, methods: [MethodSpec(name: "magnitude")])
        let run = MethodResult(label: "magnitude", method: "magnitude",
                               result: Fixtures.result(hardPrune: 0.5, retraining: [0.8], methodEpochs: 0), withinPoints: 1)
        let report = ComparisonReport(experiment: experiment, seeds: [
            SeedResult(seed: 0, dense: DenseResult(accuracy: 0.9, source: .cache, path: "dense.safetensors", trainingSeconds: 0), runs: [run]),
        ], totalSeconds: 1)
        #expect(HTMLReport.distanceChart(report) == nil)
        let html = HTMLReport.render(report)
        #expect(html.components(separatedBy: "<svg ").count - 1 == 2)
    }

    @Test("linear ticks are 1-2-5 steps inside the range")
    func ticks() {
        let scale = ChartScale.linear(covering: [0.3, 0.9], pixelStart: 0, pixelEnd: 100)
        let ticks = scale.ticks()
        #expect(ticks.first.map { $0 <= 0.3 } == true && ticks.last.map { $0 >= 0.9 } == true)
        #expect(ticks.count >= 3 && ticks.count <= 8)
        #expect(ChartScale.niceStep(0.13) == 0.1 && ChartScale.niceStep(0.26) == 0.2 && ChartScale.niceStep(0.6) == 0.5)
    }

    /// Fields of a CSV line, honouring quotes.
    static func fieldCount(_ line: String) -> Int {
        var count = 1, quoted = false
        for character in line {
            if character == "\"" { quoted.toggle() } else if character == ",", !quoted { count += 1 }
        }
        return count
    }
}
