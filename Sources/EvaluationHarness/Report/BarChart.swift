import Foundation

/// A grouped bar chart (one group per category, one bar per series) as a self-contained SVG element.
struct BarChart {
    struct Series {
        var label: String
        var color: String
        /// One value per category.
        var values: [Double]
    }

    var title: String
    var yLabel: String
    var categories: [String]
    var series: [Series]
    /// The y range is 0…`yMaximum`.
    var yMaximum = 1.0
    /// Text of a y value (ticks and tooltips).
    var yText: (Double) -> String = { String(format: "%g", $0) }
    /// A dashed horizontal line (e.g. the requested sparsity), with its label.
    var reference: (label: String, value: Double)?
    var width = 780.0

    private let left = 70.0, right = 190.0, top = 40.0

    func svg() -> String {
        // Many or long names are turned to stay legible.
        let rotate = categories.count > 6 || (categories.map(\.count).max() ?? 0) * 7 > Int((width - left - right) / Double(max(categories.count, 1)))
        let bottom = rotate ? 30.0 + 6.5 * Double(min(categories.map(\.count).max() ?? 0, 40)) : 56.0
        let height = 340.0 + bottom - 56.0
        let plotRight = width - right, plotBottom = height - bottom
        let yScale = ChartScale(lower: 0, upper: yMaximum, pixelStart: plotBottom, pixelEnd: top, logarithmic: false)
        let groupWidth = (plotRight - left) / Double(max(categories.count, 1))
        let barWidth = groupWidth * 0.8 / Double(max(series.count, 1))

        var svg = ChartFrame.opening(width: width, height: height, title: title, titleX: left)
        svg += ChartFrame.horizontalGrid(yScale, left: left, right: plotRight, label: yText)
        for (categoryIndex, category) in categories.enumerated() {
            let groupLeft = left + Double(categoryIndex) * groupWidth + groupWidth * 0.1
            for (seriesIndex, line) in series.enumerated() where categoryIndex < line.values.count {
                let value = min(max(line.values[categoryIndex], 0), yMaximum)
                let x = groupLeft + Double(seriesIndex) * barWidth
                let y = yScale.pixel(value)
                svg.append("<rect x=\"\(Markup.coordinate(x))\" y=\"\(Markup.coordinate(y))\" width=\"\(Markup.coordinate(max(barWidth - 1, 1)))\" height=\"\(Markup.coordinate(plotBottom - y))\" fill=\"\(line.color)\"><title>\(Markup.escape("\(line.label), \(category): \(yText(line.values[categoryIndex]))"))</title></rect>")
            }
            let centre = left + (Double(categoryIndex) + 0.5) * groupWidth
            if rotate {
                svg.append("<text transform=\"translate(\(Markup.coordinate(centre)) \(Markup.coordinate(plotBottom + 10))) rotate(-40)\" text-anchor=\"end\">\(Markup.escape(category))</text>")
            } else {
                svg.append("<text x=\"\(Markup.coordinate(centre))\" y=\"\(Markup.coordinate(plotBottom + 16))\" text-anchor=\"middle\">\(Markup.escape(category))</text>")
            }
        }
        if let reference {
            let y = Markup.coordinate(yScale.pixel(reference.value))
            svg.append("<line x1=\"\(Markup.coordinate(left))\" y1=\"\(y)\" x2=\"\(Markup.coordinate(plotRight))\" y2=\"\(y)\" stroke=\"#444444\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
        }
        svg.append("<rect x=\"\(Markup.coordinate(left))\" y=\"\(Markup.coordinate(top))\" width=\"\(Markup.coordinate(plotRight - left))\" height=\"\(Markup.coordinate(plotBottom - top))\" fill=\"none\" stroke=\"#888888\"/>")
        svg.append("<text transform=\"translate(16 \(Markup.coordinate((top + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Markup.escape(yLabel))</text>")
        var legend = series.map { ($0.label, $0.color, false) }
        if let reference { legend.append((reference.label, "#444444", true)) }
        for (index, entry) in legend.enumerated() {
            let y = top + 8 + Double(index) * 20, x = plotRight + 14
            if entry.2 {
                svg.append("<line x1=\"\(Markup.coordinate(x))\" y1=\"\(Markup.coordinate(y))\" x2=\"\(Markup.coordinate(x + 24))\" y2=\"\(Markup.coordinate(y))\" stroke=\"\(entry.1)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
            } else {
                svg.append("<rect x=\"\(Markup.coordinate(x + 6))\" y=\"\(Markup.coordinate(y - 6))\" width=\"12\" height=\"12\" fill=\"\(entry.1)\"/>")
            }
            svg.append("<text x=\"\(Markup.coordinate(x + 30))\" y=\"\(Markup.coordinate(y))\" dominant-baseline=\"middle\">\(Markup.escape(entry.0))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
