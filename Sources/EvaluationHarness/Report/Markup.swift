import Foundation

/// Escaping for text placed in HTML or SVG (element content and quoted attribute values alike).
public enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    /// - Parameter text: Any text, e.g. a method label from an experiment file.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A number for an SVG coordinate: two decimals, no exponent.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return String(format: "%.2f", value)
    }
}
