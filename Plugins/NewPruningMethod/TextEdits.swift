/// Line-based insertions at marker comments, so the plugin edits Package.swift and the umbrella module reliably
/// without parsing Swift.
enum TextEdits {
    /// Inserts `line` above the single line containing `marker`, with the marker line's indentation.
    /// - Throws: when the marker is missing or appears more than once, naming the file and the marker.
    static func insert(_ line: String, aboveMarker marker: String, in text: String, file: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        let hits = lines.indices.filter { lines[$0].contains(marker) }
        guard hits.count == 1, let index = hits.first else {
            throw ScaffoldError(hits.isEmpty
                ? "\(file) has no line '\(marker)'; put that comment back where new entries belong"
                : "\(file) has \(hits.count) lines '\(marker)'; expected exactly one")
        }
        let indentation = String(lines[index].prefix { $0 == " " || $0 == "\t" })
        lines.insert(indentation + line, at: index)
        return lines.joined(separator: "\n")
    }

    /// Inserts `line` below the last line that starts with `prefix` (e.g. the last `import`).
    /// - Throws: when no line starts with `prefix`.
    static func insert(_ line: String, belowLastLineStartingWith prefix: String, in text: String, file: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        guard let index = lines.lastIndex(where: { $0.hasPrefix(prefix) }) else {
            throw ScaffoldError("\(file) has no line starting with '\(prefix)'; expected the module's import list")
        }
        lines.insert(line, at: index + 1)
        return lines.joined(separator: "\n")
    }
}
