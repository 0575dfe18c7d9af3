// CYaml is the libyaml that Yams bundles and parses with. Its event parser is iterative, so it can measure the
// nesting of any text; Yams' composer, which recurses once per level, only sees text that passed.
import CYaml
import Foundation
import Yams

/// Checks of YAML text and its composed tree that the YAML library does not make.
///
/// Yams recurses once per nesting level (text nested some ten thousand deep overflows the stack) and keeps the
/// last of two equal mapping keys without a word; these checks refuse both before the decoder runs.
enum YAMLStructureChecks {
    /// The position (1-based line and column) of the first list or mapping that opens more than `limit` deep, or
    /// nil. Text that is not valid YAML gives nil where it goes wrong: the parser that follows reports the error.
    ///
    /// Counts libyaml's start and end events, exactly the nesting Yams would compose, without recursion.
    static func firstCollectionTooDeep(_ text: String, limit: Int) -> (line: Int, column: Int)? {
        // libyaml keeps a pointer to its parser inside it (the string reader's state), so the parser must not move.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { return nil }
        defer { yaml_parser_delete(parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> (line: Int, column: Int)? in
            guard let base = buffer.baseAddress else { return nil }
            yaml_parser_set_input_string(parser, base, buffer.count)
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            var depth = 0
            var event = yaml_event_t()
            while yaml_parser_parse(parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > limit { return (Int(event.start_mark.line) + 1, Int(event.start_mark.column) + 1) }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
                    return nil
                default:
                    break
                }
            }
            return nil
        }
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

    /// A plain scalar that Yams would read as a YAML 1.1 base-60 integer too large for 64 bits.
    struct OversizedNumber: Error {
        /// Where the scalar is (`pretrainEpochs`, `seeds[2]`).
        var path: String
        var text: String
        var line: Int?
    }

    /// Whether Yams, asked for an integer, would trap on `text`: a plain scalar with a colon is read as a base-60
    /// number (`1:30` is 90), part by part (parts that are not decimal integers are skipped) with unchecked
    /// arithmetic, so enough parts, or a large one, overflow. This redoes that arithmetic with overflow checks
    /// (after dropping underscores, as Yams does).
    static func sexagesimalOverflows(_ text: String) -> Bool {
        guard text.contains(":") else { return false }
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        if digits.hasPrefix("-") || digits.hasPrefix("+") { digits = digits.dropFirst() }
        var base = 1, value = 0
        for part in digits.components(separatedBy: ":").compactMap({ Int($0, radix: 10) }).reversed() {
            let (product, productOverflow) = part.multipliedReportingOverflow(by: base)
            let (sum, sumOverflow) = value.addingReportingOverflow(product)
            let (nextBase, baseOverflow) = base.multipliedReportingOverflow(by: 60)
            guard !productOverflow, !sumOverflow, !baseOverflow else { return true }
            (base, value) = (nextBase, sum)
        }
        return false
    }

    /// Throws ``DuplicateKey`` for the first mapping that holds a key twice, ``TooManyNodes`` when aliases blow
    /// the tree up, ``OversizedNumber`` for a plain scalar Yams could not read as an integer without trapping.
    /// Iterative, so the tree's depth does not matter.
    static func checkDuplicateKeys(_ root: Node) throws {
        var pending: [(node: Node, path: String)] = [(root, "")]
        var visited = 0
        // Scalars are counted where they are found, not queued: the walk builds paths only for collections.
        func enqueue(_ node: Node, _ path: @autoclosure () -> String) throws {
            visited += 1
            guard visited <= maximumVisitedNodes else { throw TooManyNodes() }
            if let scalar = node.scalar {
                // Yams reads only unquoted scalars as integers.
                if scalar.style == .plain || scalar.style == .any, sexagesimalOverflows(scalar.string) {
                    throw OversizedNumber(path: path(), text: scalar.string, line: node.mark?.line)
                }
            } else {
                pending.append((node, path()))
            }
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
