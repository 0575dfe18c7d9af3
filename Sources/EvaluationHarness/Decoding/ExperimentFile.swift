import SafeTensorsFormat
import Foundation
import PruningCore
import Yams

/// A problem with an experiment file; the message names the file, the field and what was expected.
public struct ExperimentFileError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file (or a label for text that did not come from a file).
    public var file: String
    /// The dotted path of the field at fault (`pipeline.methodEpochs`, `methods[1].name`), empty for the whole file.
    public var field: String
    /// What was wrong and what was expected.
    public var detail: String

    /// Creates an error.
    public init(file: String, field: String, detail: String) {
        self.file = file
        self.field = field
        self.detail = detail
    }

    public var description: String {
        field.isEmpty ? "experiment file \(file): \(detail)" : "experiment file \(file): field '\(field)': \(detail)"
    }

    public var errorDescription: String? { description }
}

/// Reads experiments from JSON or YAML files.
///
/// ```yaml
/// model: lenet5
/// dataset: fashion-mnist
/// constraint: {pattern: unstructured, sparsity: 0.9}
/// methods: [slr, admm, {name: magnitude, label: one-shot}]
/// pipeline: {methodEpochs: 3, retrainEpochs: 3, lossSubsetSize: 10000}
/// seeds: [0, 1]
/// ```
public enum ExperimentFile {
    /// The two formats an experiment file may be in.
    public enum Format: String, Sendable {
        case json, yaml

        /// The format a file name implies: `.json` is JSON, anything else YAML (which also reads JSON).
        public init(path: String) {
            self = path.lowercased().hasSuffix(".json") ? .json : .yaml
        }
    }

    /// The largest experiment file read, in bytes (1 MiB): real ones are well under a kilobyte.
    public static let maximumSize = 1 << 20

    /// The deepest nesting of lists and mappings an experiment file may have (real ones nest about five deep).
    public static let maximumDepth = 64

    /// Reads and decodes an experiment file.
    ///
    /// The file's type and size are checked before it is read (a folder, a FIFO or a file above
    /// ``maximumSize`` is refused unread); then the checks of ``decode(_:format:source:)`` apply.
    /// - Parameters:
    ///   - url: A `.json`, `.yaml` or `.yml` file.
    ///   - constraints: Constraints whose names the file's constraint may use besides the built-in patterns.
    /// - Throws: ``ExperimentFileError`` naming the file and the field at fault.
    public static func load(from url: URL, constraints: ConstraintRegistry = ConstraintRegistry()) throws -> Experiment {
        try decode(readContents(of: url), format: Format(path: url.path), source: url.path, constraints: constraints)
    }

    /// Decodes an experiment from file contents.
    ///
    /// Before any parser sees the text it is checked for size (at most ``maximumSize`` bytes) and nesting (at
    /// most ``maximumDepth`` levels); a key given twice in one mapping is refused with its line, and malformed
    /// JSON is reported with its line and column.
    /// - Parameters:
    ///   - data: The contents (UTF-8).
    ///   - format: JSON or YAML.
    ///   - source: The name errors give for the contents.
    ///   - constraints: Constraints whose names the constraint may use besides the built-in patterns.
    /// - Throws: ``ExperimentFileError`` naming the field at fault.
    public static func decode(_ data: Data, format: Format, source: String = "<text>",
                              constraints: ConstraintRegistry = ConstraintRegistry()) throws -> Experiment {
        guard data.count <= maximumSize else { throw tooLarge(data.count, source: source) }
        let userInfo: [CodingUserInfoKey: Any] = [.shearsConstraints: constraints]
        do {
            switch format {
            case .json:
                try checkJSONStructure(data, source: source)
                // The text is valid JSON, so its first non-blank byte says what the top level is.
                if let first = data.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first != UInt8(ascii: "{") {
                    throw notAMapping(found: first == UInt8(ascii: "[") ? "a list" : "a single value", source: source)
                }
                let decoder = JSONDecoder()
                decoder.userInfo = userInfo
                return try decoder.decode(Experiment.self, from: data)
            case .yaml:
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ExperimentFileError(file: source, field: "", detail: "is not UTF-8 text")
                }
                guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    // An empty file is the all-defaults experiment, the same as `{}`.
                    return try YAMLDecoder().decode(Experiment.self, from: "{}", userInfo: userInfo)
                }
                try checkYAMLStructure(text, source: source)
                return try YAMLDecoder().decode(Experiment.self, from: text, userInfo: userInfo)
            }
        } catch let error as ExperimentFileError {
            throw error
        } catch let error as DecodingError {
            throw describe(error, source: source, format: format, contents: data)
        } catch {
            throw ExperimentFileError(file: source, field: "", detail: "is not valid \(format.rawValue.uppercased()): \(error)")
        }
    }

    /// The error for a file whose top level is not a mapping of settings.
    static func notAMapping(found: String, source: String) -> ExperimentFileError {
        ExperimentFileError(file: source, field: "", detail: "holds \(found) at the top; expected a mapping of settings such as `model: lenet5`")
    }

    /// Refuses JSON text that is malformed (with its line and column), nests deeper than ``maximumDepth`` or
    /// gives a field twice, before Foundation's parser (which would keep one of the two) sees it.
    static func checkJSONStructure(_ data: Data, source: String) throws {
        do {
            try JSONText.check(data, maximumDepth: maximumDepth)
        } catch let error as JSONTextError {
            switch error.kind {
            case .syntax:
                throw ExperimentFileError(file: source, field: "", detail: "is not valid JSON: \(error)")
            case .tooDeep:
                throw ExperimentFileError(file: source, field: "",
                                          detail: "nests lists and mappings more than \(maximumDepth) deep (line \(error.line), column \(error.column)); expected a flat settings file")
            case .duplicateKey:
                let key = error.key ?? ""
                throw ExperimentFileError(file: source, field: error.path.isEmpty ? key : error.path + "." + key,
                                          detail: "is given twice (the second time on line \(error.line), column \(error.column)); expected each field once")
            }
        }
    }

    /// Refuses YAML text that nests deeper than ``maximumDepth`` (before Yams, which recurses per level, sees
    /// it), that is malformed, or whose mappings give a key twice (Yams would keep the last).
    static func checkYAMLStructure(_ text: String, source: String) throws {
        if let (line, column) = YAMLStructureChecks.firstCollectionTooDeep(text, limit: maximumDepth) {
            throw ExperimentFileError(file: source, field: "",
                                      detail: "nests lists and mappings more than \(maximumDepth) deep (line \(line), column \(column)); expected a flat settings file")
        }
        guard let root = try Yams.compose(yaml: text) else { return }
        guard root.mapping != nil else { throw notAMapping(found: root.sequence != nil ? "a list" : "a single value", source: source) }
        do {
            try YAMLStructureChecks.checkDuplicateKeys(root)
        } catch let duplicate as YAMLStructureChecks.DuplicateKey {
            let lines = [duplicate.firstLine, duplicate.line].compactMap { $0 }.map(String.init)
            let place = lines.count == 2 ? " (lines \(lines[0]) and \(lines[1]))" : ""
            throw ExperimentFileError(file: source, field: duplicate.path.isEmpty ? duplicate.key : duplicate.path + "." + duplicate.key,
                                      detail: "is given twice\(place); expected each field once")
        } catch let number as YAMLStructureChecks.OversizedNumber {
            let place = number.line.map { " (line \($0))" } ?? ""
            let shown = number.text.count > 40 ? String(number.text.prefix(40)) + "…" : number.text
            throw ExperimentFileError(file: source, field: number.path,
                                      detail: "'\(shown)'\(place) reads as a YAML 1.1 base-60 number too large for an integer; expected a plain decimal number (quote it if it is text)")
        } catch is YAMLStructureChecks.TooManyNodes {
            throw ExperimentFileError(file: source, field: "",
                                      detail: "expands (through YAML aliases) to more than \(YAMLStructureChecks.maximumVisitedNodes) values; expected a plain settings file")
        }
    }

    /// Turns a decoding error into one that names the field and says what was expected.
    static func describe(_ error: DecodingError, source: String, format: Format, contents: Data? = nil) -> ExperimentFileError {
        // What the file holds at the field, for "expected an integer, found 'three'".
        func found(_ keys: [any CodingKey], otherwise description: String) -> String {
            guard let contents, let value = rawValue(at: keys, in: contents, format: format) else { return "(\(description))" }
            return "found '\(value)'"
        }
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return ExperimentFileError(file: source, field: path(context.codingPath + [key]), detail: "is required but missing")
        case .typeMismatch(let type, let context):
            return ExperimentFileError(file: source, field: path(context.codingPath),
                                       detail: "expected \(expectation(type)), \(found(context.codingPath, otherwise: context.debugDescription))")
        case .valueNotFound(let type, let context):
            // Yams also reports a scalar of the wrong kind this way.
            return ExperimentFileError(file: source, field: path(context.codingPath),
                                       detail: "expected \(expectation(type)), \(found(context.codingPath, otherwise: context.debugDescription))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let underlying = context.underlyingError {
                return ExperimentFileError(file: source, field: "", detail: "is not valid \(format.rawValue.uppercased()): \(underlying)")
            }
            return ExperimentFileError(file: source, field: path(context.codingPath), detail: context.debugDescription)
        @unknown default:
            return ExperimentFileError(file: source, field: "", detail: "\(error)")
        }
    }

    /// The text of the scalar at a coding path of the file, or nil when it is not a scalar or cannot be found.
    static func rawValue(at keys: [any CodingKey], in contents: Data, format: Format) -> String? {
        switch format {
        case .json:
            guard var value = try? JSONSerialization.jsonObject(with: contents, options: [.fragmentsAllowed]) else { return nil }
            for key in keys {
                if let index = key.intValue, let list = value as? [Any], index < list.count {
                    value = list[index]
                } else if let mapping = value as? [String: Any], let next = mapping[key.stringValue] {
                    value = next
                } else {
                    return nil
                }
            }
            if value is [Any] || value is [String: Any] { return nil }
            return value is NSNull ? "null" : "\(value)"
        case .yaml:
            guard let text = String(data: contents, encoding: .utf8), var node = try? Yams.compose(yaml: text) else { return nil }
            for key in keys {
                if let index = key.intValue, let list = node.sequence, index < list.count {
                    node = list[index]
                } else if let mapping = node.mapping, let next = mapping[key.stringValue] {
                    node = next
                } else {
                    return nil
                }
            }
            return node.scalar?.string
        }
    }

    /// Words for the type a field must have.
    private static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type: return "an integer"
        case is UInt64.Type, is UInt.Type, is UInt32.Type: return "a non-negative integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") || name.contains("KeyedDecodingContainer") { return "a mapping" }
            return name
        }
    }
}
