import Foundation

/// One line of a chart.
struct ChartSeries {
    var label: String
    var color: String
    var points: [(x: Double, y: Double)]
    var dashed = false
    var markers = true
}

/// A line chart rendered as a self-contained SVG element (no scripts, no external assets); every text escaped.
struct LineChart {
    var title: String
    var xLabel: String
    var yLabel: String
    var series: [ChartSeries]
    /// Use a log scale on y (non-positive values are dropped).
    var logarithmicY = false
    /// Text of an x tick.
    var xTick: (Double) -> String = { String(Int($0.rounded())) }
    /// Text of a y value (ticks and tooltips).
    var yText: (Double) -> String = { String(format: "%g", $0) }
    var width = 780.0
    var height = 400.0

    private let left = 70.0, right = 190.0, top = 40.0, bottom = 56.0

    func svg() -> String {
        let plotRight = width - right, plotBottom = height - bottom
        let visible = series.map { line in
            var copy = line
            copy.points = line.points.filter { $0.y.isFinite && $0.x.isFinite && (!logarithmicY || $0.y > 0) }
            return copy
        }
        let xs = visible.flatMap { $0.points.map(\.x) }, ys = visible.flatMap { $0.points.map(\.y) }
        var xLow = xs.min() ?? 0, xHigh = xs.max() ?? 1
        if xHigh <= xLow { xHigh = xLow + 1 }
        let xScale: ChartScale
        if xHigh - xLow <= 12, xs.allSatisfy({ $0 == $0.rounded() }) {
            // Whole epochs or iterations: one tick each.
            xLow = xLow.rounded(.down)
            xScale = ChartScale(lower: xLow, upper: xHigh, pixelStart: left, pixelEnd: plotRight, logarithmic: false)
        } else {
            let step = ChartScale.niceStep((xHigh - xLow) / 8)
            xScale = ChartScale(lower: (xLow / step).rounded(.down) * step, upper: (xHigh / step).rounded(.up) * step,
                                pixelStart: left, pixelEnd: plotRight, logarithmic: false)
        }
        let yScale = logarithmicY ? ChartScale.logarithmic(covering: ys, pixelStart: plotBottom, pixelEnd: top)
                                  : ChartScale.linear(covering: ys, pixelStart: plotBottom, pixelEnd: top)
        let xTicks = xHigh - xLow <= 12 && xs.allSatisfy({ $0 == $0.rounded() })
            ? stride(from: xLow, through: xHigh, by: 1).map { $0 } : xScale.ticks()

        var svg = ChartFrame.opening(width: width, height: height, title: title, titleX: left)
        // Grid and ticks.
        svg += ChartFrame.horizontalGrid(yScale, left: left, right: plotRight, label: yText)
        for tick in xTicks {
            let x = Markup.coordinate(xScale.pixel(tick))
            svg.append("<line x1=\"\(x)\" y1=\"\(Markup.coordinate(top))\" x2=\"\(x)\" y2=\"\(Markup.coordinate(plotBottom))\" stroke=\"#f0f0f0\"/>")
            svg.append("<text x=\"\(x)\" y=\"\(Markup.coordinate(plotBottom + 16))\" text-anchor=\"middle\">\(Markup.escape(xTick(tick)))</text>")
        }
        svg.append("<rect x=\"\(Markup.coordinate(left))\" y=\"\(Markup.coordinate(top))\" width=\"\(Markup.coordinate(plotRight - left))\" height=\"\(Markup.coordinate(plotBottom - top))\" fill=\"none\" stroke=\"#888888\"/>")
        svg.append("<text x=\"\(Markup.coordinate((left + plotRight) / 2))\" y=\"\(Markup.coordinate(height - 12))\" text-anchor=\"middle\">\(Markup.escape(xLabel))</text>")
        svg.append("<text transform=\"translate(16 \(Markup.coordinate((top + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Markup.escape(yLabel))</text>")

        // Lines, markers with tooltips, legend.
        for (index, line) in visible.enumerated() {
            let points = line.points.map { "\(Markup.coordinate(xScale.pixel($0.x))),\(Markup.coordinate(yScale.pixel($0.y)))" }
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            if points.count > 1 {
                svg.append("<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash) points=\"\(points.joined(separator: " "))\"/>")
            }
            if line.markers || points.count == 1 {
                for point in line.points where line.points.count <= 60 {
                    svg.append("<circle cx=\"\(Markup.coordinate(xScale.pixel(point.x)))\" cy=\"\(Markup.coordinate(yScale.pixel(point.y)))\" r=\"3.5\" fill=\"\(line.color)\"><title>\(Markup.escape("\(line.label), \(xLabel) \(xTick(point.x)): \(yText(point.y))"))</title></circle>")
                }
            }
            let legendY = top + 8 + Double(index) * 20
            let legendX = plotRight + 14
            svg.append("<line x1=\"\(Markup.coordinate(legendX))\" y1=\"\(Markup.coordinate(legendY))\" x2=\"\(Markup.coordinate(legendX + 24))\" y2=\"\(Markup.coordinate(legendY))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>")
            svg.append("<text x=\"\(Markup.coordinate(legendX + 30))\" y=\"\(Markup.coordinate(legendY))\" dominant-baseline=\"middle\">\(Markup.escape(line.label))</text>")
        }
        if logarithmicY {
            svg.append("<text x=\"\(Markup.coordinate(plotRight))\" y=\"\(Markup.coordinate(top - 6))\" text-anchor=\"end\" fill=\"#666666\">log scale</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
