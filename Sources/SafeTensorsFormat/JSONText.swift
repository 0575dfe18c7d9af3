import Foundation

/// A problem in JSON text, with the line and column where it is.
public struct JSONTextError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: Equatable, Sendable {
        /// The text breaks the JSON grammar (RFC 8259).
        case syntax
        /// Arrays and objects nest deeper than the caller allows.
        case tooDeep
        /// An object holds the same key twice; `key` names it.
        case duplicateKey
    }

    /// The class of problem.
    public let kind: Kind
    /// The byte offset of the problem from the start of the text.
    public let offset: Int
    /// The line of the problem, from 1.
    public let line: Int
    /// The column of the problem on its line, from 1, counted in characters (Unicode scalars).
    public let column: Int
    /// What was wrong and what was expected, without the position.
    public let reason: String
    /// For a duplicate key: the key, decoded.
    public let key: String?
    /// For a duplicate key: the path of the object that holds it (`pipeline.methods[1]`), empty at the top level.
    public let path: String

    public var description: String { "line \(line), column \(column): \(reason)" }
}

/// A single pass over JSON text that checks its grammar, caps its nesting depth and refuses duplicate keys,
/// before a full parser sees it.
///
/// Foundation's parsers keep one of two equal keys without a word, report syntax errors by byte offset at best,
/// and recurse once per nesting level; this scan is iterative, so no input can exhaust the stack, and every
/// problem it reports has a line and a column.
///
/// ```swift
/// try JSONText.check(Data(#"{"a": 1, "a": 2}"#.utf8))   // throws: line 1, column 10: the key 'a' appears twice …
/// ```
public enum JSONText {
    /// The nesting depth ``check(_:maximumDepth:)`` allows unless told otherwise.
    public static let defaultMaximumDepth = 64

    /// Checks that `bytes` are one JSON value and nothing else.
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text (a leading byte-order mark is skipped).
    ///   - maximumDepth: the most arrays and objects that may enclose one another.
    /// - Throws: ``JSONTextError`` for the first problem, with its position.
    public static func check(_ bytes: Data, maximumDepth: Int = defaultMaximumDepth) throws {
        try bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(bytes: raw, maximumDepth: maximumDepth)
            try scanner.run()
        }
    }

    /// The 1-based line and column of byte `offset` in `bytes` (columns count Unicode scalars, not bytes).
    static func position(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(max(0, offset), bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1  // UTF-8 continuation bytes do not start a new character
            }
        }
        return (line, column)
    }
}

/// The state of one scan; see ``JSONText``.
private struct JSONScanner {
    /// An array or object the scan is inside.
    struct Frame {
        var isObject: Bool
        var keys: Set<String> = []
        var currentKey = ""
        var elementIndex = 0
    }

    let bytes: UnsafeRawBufferPointer
    let maximumDepth: Int
    var index = 0
    var stack: [Frame] = []

    init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
    }

    mutating func run() throws {
        var expectingValue = true
        while true {
            skipWhitespace()
            if expectingValue {
                expectingValue = false
                guard index < bytes.count else { throw failure("the text ends where a value was expected") }
                switch bytes[index] {
                case UInt8(ascii: "{"):
                    try push(isObject: true)
                    skipWhitespace()
                    if peek(UInt8(ascii: "}")) {
                        index += 1
                        stack.removeLast()
                    } else {
                        try readKey()
                        expectingValue = true
                    }
                case UInt8(ascii: "["):
                    try push(isObject: false)
                    skipWhitespace()
                    if peek(UInt8(ascii: "]")) {
                        index += 1
                        stack.removeLast()
                    } else {
                        expectingValue = true
                    }
                case UInt8(ascii: "\""): _ = try readString(decoding: false)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try readNumber()
                case UInt8(ascii: "t"): try readLiteral("true")
                case UInt8(ascii: "f"): try readLiteral("false")
                case UInt8(ascii: "n"): try readLiteral("null")
                default: throw failure("unexpected \(describeByte(at: index)), expected a value")
                }
                continue
            }
            guard let top = stack.last else {
                guard index == bytes.count else { throw failure("unexpected \(describeByte(at: index)) after the end of the JSON value") }
                return
            }
            let closer = top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let expected = top.isObject ? "',' or '}' after a field" : "',' or ']' after a list element"
            guard index < bytes.count else { throw failure("the text ends where \(expected) was expected") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                if top.isObject {
                    skipWhitespace()
                    try readKey()
                } else {
                    stack[stack.count - 1].elementIndex += 1
                }
                expectingValue = true
            } else if bytes[index] == closer {
                index += 1
                stack.removeLast()
            } else {
                throw failure("unexpected \(describeByte(at: index)), expected \(expected)")
            }
        }
    }

    /// Opens an array or object, refusing to go deeper than allowed.
    mutating func push(isObject: Bool) throws {
        guard stack.count < maximumDepth else {
            throw failure("arrays and objects nest more than \(maximumDepth) deep", kind: .tooDeep)
        }
        index += 1
        stack.append(Frame(isObject: isObject))
    }

    /// Reads `"key"` and the colon after it, refusing a key the current object already has.
    mutating func readKey() throws {
        guard index < bytes.count else { throw failure("the text ends where a field name was expected") }
        guard bytes[index] == UInt8(ascii: "\"") else {
            throw failure("unexpected \(describeByte(at: index)), expected a field name in double quotes")
        }
        let keyStart = index
        let key = try readString(decoding: true)
        if stack[stack.count - 1].keys.contains(key) {
            throw failure("the key '\(key)' appears twice in \(pathText().isEmpty ? "the top-level object" : "'\(pathText())'"); expected each key once",
                          at: keyStart, kind: .duplicateKey, key: key)
        }
        stack[stack.count - 1].keys.insert(key)
        stack[stack.count - 1].currentKey = key
        skipWhitespace()
        guard peek(UInt8(ascii: ":")) else {
            throw failure(index < bytes.count ? "unexpected \(describeByte(at: index)), expected ':' after the field name"
                                              : "the text ends where ':' was expected")
        }
        index += 1
    }

    /// Reads a string literal and returns its decoded value when `decoding` (else an empty string).
    mutating func readString(decoding: Bool) throws -> String {
        let start = index
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("the string that starts here is never closed", at: start) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return decoding ? String(decoding: utf8, as: UTF8.self) : ""
            case UInt8(ascii: "\\"):
                let scalar = try readEscape()
                if decoding { utf8.append(contentsOf: String(Character(scalar)).utf8) }
            case 0..<0x20:
                throw failure("control character \(describeByte(at: index)) inside a string; expected it escaped")
            default:
                if decoding { utf8.append(byte) }
                index += 1
            }
        }
    }

    /// Reads one escape sequence (the backslash included) and returns the scalar it stands for.
    mutating func readEscape() throws -> Unicode.Scalar {
        let start = index
        index += 1
        guard index < bytes.count else { throw failure("the text ends inside an escape sequence", at: start) }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try readHexUnit(escapeStart: start)
            if (0xD800..<0xDC00).contains(unit), index + 1 < bytes.count,
               bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                let lowStart = index
                index += 2
                let low = try readHexUnit(escapeStart: lowStart)
                if (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                }
                index = lowStart  // not a pair: read the second escape on its own
            }
            // A lone surrogate has no scalar; the full parser decides whether to accept it.
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        default:
            throw failure("invalid escape sequence '\\\(Character(Unicode.Scalar(letter)))' in a string", at: start)
        }
    }

    /// Reads the four hex digits after `\u`.
    mutating func readHexUnit(escapeStart: Int) throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("the text ends inside a \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[index]) else {
                throw failure("invalid \\u escape: expected four hexadecimal digits", at: escapeStart)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Reads a number: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?
    mutating func readNumber() throws {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if peek(UInt8(ascii: "-")) { index += 1 }
        if peek(UInt8(ascii: "0")) {
            index += 1
        } else if digits() == 0 {
            throw failure("invalid number: expected a digit after '-'", at: start)
        }
        if peek(UInt8(ascii: ".")) {
            index += 1
            guard digits() > 0 else { throw failure("invalid number: expected a digit after '.'", at: start) }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard digits() > 0 else { throw failure("invalid number: expected a digit in the exponent", at: start) }
        }
    }

    /// Reads `true`, `false` or `null`.
    mutating func readLiteral(_ word: String) throws {
        let start = index
        for expected in word.utf8 {
            guard index < bytes.count, bytes[index] == expected else {
                throw failure("unexpected \(describeByte(at: start)), expected a value (did you mean '\(word)'?)", at: start)
            }
            index += 1
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// `'x'` for a printable ASCII byte, `byte 0x07` for others, "end of text" past the end.
    func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of the text" }
        let byte = bytes[offset]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    /// The dotted path of the innermost container the scan is in (`pipeline.methods[1]`), empty at the top level.
    func pathText() -> String {
        var text = ""
        for frame in stack.dropLast() {
            if frame.isObject {
                text += (text.isEmpty ? "" : ".") + frame.currentKey
            } else {
                text += "[\(frame.elementIndex)]"
            }
        }
        return text
    }

    func failure(_ reason: String, at offset: Int? = nil, kind: JSONTextError.Kind = .syntax, key: String? = nil) -> JSONTextError {
        let place = offset ?? index
        let (line, column) = JSONText.position(of: place, in: bytes)
        return JSONTextError(kind: kind, offset: place, line: line, column: column, reason: reason, key: key,
                             path: kind == .duplicateKey ? pathText() : "")
    }
}
