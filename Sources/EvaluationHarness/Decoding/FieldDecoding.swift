import Foundation

/// A coding key made from any text or index, so decoders can look fields up by name and list unknown ones.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int?

    init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Helpers shared by the experiment file's decoders: defaults for omitted fields and an error for unknown ones.
extension KeyedDecodingContainer where Key == AnyCodingKey {
    /// The value of `name`, or `defaultValue` when the field is absent or null.
    func value<T: Decodable>(_ name: String, default defaultValue: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: AnyCodingKey(name)) ?? defaultValue()
    }

    /// The value of `name`, or nil when the field is absent or null.
    func optional<T: Decodable>(_ name: String) throws -> T? {
        try decodeIfPresent(T.self, forKey: AnyCodingKey(name))
    }

    /// Throws when the mapping holds a field that is not in `known`: a typo would otherwise be silently replaced
    /// by a default, and the run would not be the one the file describes.
    func rejectUnknownFields(_ known: [String], in what: String) throws {
        let knownSet = Set(known)
        for key in allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !knownSet.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: codingPath + [key],
                debugDescription: "\(what) has no field '\(key.stringValue)'; its fields: \(known.joined(separator: ", "))"))
        }
    }
}

/// Text that a file may also write as a number or a boolean (`rho: 0.001` in YAML or JSON), kept as text.
struct ScalarText: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(String.self) {
            text = value
        } else if let value = try? container.decode(Int.self) {
            text = String(value)
        } else if let value = try? container.decode(Double.self) {
            text = String(value)
        } else if let value = try? container.decode(Bool.self) {
            text = String(value)
        } else {
            throw DecodingError.typeMismatch(String.self, DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "expected text, a number or true/false"))
        }
    }
}

/// One value or a list of them (`seeds: 0` or `seeds: [0, 1, 2]`).
struct OneOrMany<Element: Decodable>: Decodable {
    var values: [Element]

    init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            // A list: decode every element, letting a bad one report its own index.
            values = []
            while !list.isAtEnd { values.append(try list.decode(Element.self)) }
        } else {
            values = [try Element(from: decoder)]
        }
    }
}
