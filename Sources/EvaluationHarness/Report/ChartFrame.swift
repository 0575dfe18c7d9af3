/// The parts every SVG chart of the report shares: the root element with its title, and the horizontal grid lines
/// with their value labels.
enum ChartFrame {
    /// The opening `<svg>` element, its accessible title, a white background and the visible title.
    static func opening(width: Double, height: Double, title: String, titleX: Double) -> [String] {
        [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(Markup.escape(title))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<title>\(Markup.escape(title))</title>",
            "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#ffffff\"/>",
            "<text x=\"\(Markup.coordinate(titleX))\" y=\"22\" font-size=\"14\" font-weight=\"bold\">\(Markup.escape(title))</text>",
        ]
    }

    /// A light grid line at every tick of `scale` from `left` to `right`, labelled on the left.
    static func horizontalGrid(_ scale: ChartScale, left: Double, right: Double, label: (Double) -> String) -> [String] {
        scale.ticks().flatMap { tick -> [String] in
            let y = Markup.coordinate(scale.pixel(tick))
            return [
                "<line x1=\"\(Markup.coordinate(left))\" y1=\"\(y)\" x2=\"\(Markup.coordinate(right))\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>",
                "<text x=\"\(Markup.coordinate(left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(Markup.escape(label(tick)))</text>",
            ]
        }
    }
}
