import Foundation
import Yams

/// Cheap checks of YAML text and its composed tree that the YAML library does not make.
///
/// Yams recurses once per nesting level (text nested some ten thousand deep overflows the stack) and keeps the
/// last of two equal mapping keys without a word; these checks refuse both before the decoder runs.
enum YAMLStructureChecks {
    /// Estimates the nesting depth of YAML text line by line and returns the first line where the estimate
    /// exceeds `limit`, or nil.
    ///
    /// Block nesting is counted as the number of open indentation levels plus the compact `- ` / `? ` indicators
    /// that start a line (`- - x`); flow nesting as the `[` / `{` open outside quotes, comments and block scalars.
    /// The estimate is at least half the true depth (a block sequence may sit at its key's indentation), so any
    /// text the library could not handle is refused, and a real experiment file (about five deep) passes.
    static func firstLineTooDeep(_ text: String, limit: Int) -> Int? {
        var scanner = NestingScanner(limit: limit)
        var lineNumber = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if scanner.scan(Array(line)) { return lineNumber }
        }
        return nil
    }

    /// A key that a mapping of the composed tree holds twice.
    struct DuplicateKey: Error {
        /// The path of the mapping (`pipeline`, `methods[1].options`), empty at the top level.
        var path: String
        /// The key's text.
        var key: String
        /// The lines of the first and the repeated occurrence.
        var firstLine: Int?
        var line: Int?
    }

    /// Visiting more nodes than this means aliases multiply the tree (a "billion laughs" file); refused.
    static let maximumVisitedNodes = 1_000_000

    /// The composed tree expands to more than ``maximumVisitedNodes`` nodes.
    struct TooManyNodes: Error {}

    /// Throws ``DuplicateKey`` for the first mapping that holds a key twice, ``TooManyNodes`` when aliases blow
    /// the tree up. Iterative, so the tree's depth does not matter.
    static func checkDuplicateKeys(_ root: Node) throws {
        var pending: [(node: Node, path: String)] = [(root, "")]
        var visited = 0
        // Scalars are counted where they are found, not queued: the walk builds paths only for collections.
        func enqueue(_ node: Node, _ path: @autoclosure () -> String) throws {
            visited += 1
            guard visited <= maximumVisitedNodes else { throw TooManyNodes() }
            if node.scalar == nil { pending.append((node, path())) }
        }
        while let (node, path) = pending.popLast() {
            switch node {
            case .mapping(let mapping):
                // Keys compare by their text, so `a` and `"a"` are the same field.
                var seen: [String: Int?] = [:]
                for (key, value) in mapping {
                    let name = key.scalar?.string ?? "\(key)"
                    if let firstLine = seen[name] {
                        throw DuplicateKey(path: path, key: name, firstLine: firstLine, line: key.mark?.line)
                    }
                    seen[name] = key.mark?.line
                    try enqueue(value, path.isEmpty ? name : path + "." + name)
                }
            case .sequence(let sequence):
                for (index, element) in sequence.enumerated() { try enqueue(element, path + "[\(index)]") }
            case .scalar:
                break
            }
        }
    }
}

/// The line-by-line state of ``YAMLStructureChecks/firstLineTooDeep(_:limit:)``.
private struct NestingScanner {
    let limit: Int
    /// The columns of the open block levels, outermost first.
    var indentation: [Int] = []
    var flowDepth = 0
    /// The quote character of a quoted scalar that continues on the next line.
    var openQuote: UInt8?
    /// The indentation of the line that started a block scalar (`|` or `>`) whose lines are being skipped.
    var blockScalarParent: Int?

    init(limit: Int) { self.limit = limit }

    var depth: Int { indentation.count + flowDepth }

    /// Scans one line (without its newline); true when the nesting goes past the limit on it.
    mutating func scan(_ line: [UInt8]) -> Bool {
        var index = 0
        let indent = line.prefix { $0 == UInt8(ascii: " ") }.count
        let blank = indent == line.count || line[indent] == UInt8(ascii: "#") || line[indent] == UInt8(ascii: "\r")
        if let parent = blockScalarParent {
            // A block scalar's lines are text, whatever they contain, for as long as they are indented deeper.
            if blank || indent > parent { return false }
            blockScalarParent = nil
        }
        var lineIndent = indent
        if openQuote == nil && flowDepth == 0 {
            if blank { return false }
            while let last = indentation.last, last >= indent { indentation.removeLast() }
            indentation.append(indent)
            index = indent
            // Compact nesting on one line: `- - x`, `- key: value`, `? key`.
            while index + 1 <= line.count, line[index] == UInt8(ascii: "-") || line[index] == UInt8(ascii: "?"),
                  index + 1 == line.count || line[index + 1] == UInt8(ascii: " ") {
                index += 1
                while index < line.count && line[index] == UInt8(ascii: " ") { index += 1 }
                indentation.append(index)
            }
            if depth > limit { return true }
        } else {
            lineIndent = blockScalarParent ?? indentation.last ?? 0
        }

        var atNodeStart = true
        while index < line.count {
            let byte = line[index]
            if let quote = openQuote {
                if quote == UInt8(ascii: "'") && byte == quote {
                    if index + 1 < line.count && line[index + 1] == quote { index += 2; continue }  // '' is a quote
                    openQuote = nil
                    atNodeStart = false
                } else if quote == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                } else if quote == UInt8(ascii: "\"") && byte == quote {
                    openQuote = nil
                    atNodeStart = false
                }
                index += 1
                continue
            }
            let next = index + 1 < line.count ? line[index + 1] : UInt8(ascii: " ")
            let nextIsSpace = next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r")
            let isSpace = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "#") && (index == 0 || line[index - 1] == UInt8(ascii: " ") || line[index - 1] == UInt8(ascii: "\t")) {
                return false  // the rest is a comment
            } else if (byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"")) && atNodeStart {
                openQuote = byte
            } else if (byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{")) && (atNodeStart || flowDepth > 0) {
                flowDepth += 1
                if depth > limit { return true }
                atNodeStart = true
            } else if (byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")) && flowDepth > 0 {
                flowDepth -= 1
                atNodeStart = false
            } else if byte == UInt8(ascii: ",") && flowDepth > 0 {
                atNodeStart = true
            } else if byte == UInt8(ascii: ":") && (nextIsSpace || flowDepth > 0) {
                atNodeStart = true
            } else if (byte == UInt8(ascii: "|") || byte == UInt8(ascii: ">")) && atNodeStart && flowDepth == 0 {
                blockScalarParent = lineIndent
                return false
            } else if (byte == UInt8(ascii: "&") || byte == UInt8(ascii: "!")) && atNodeStart {
                // An anchor or tag comes before its node: skip the token, the node still starts after it.
                while index + 1 < line.count && line[index + 1] != UInt8(ascii: " ") { index += 1 }
            } else if !isSpace {
                atNodeStart = false
            }
            index += 1
        }
        return false
    }
}
