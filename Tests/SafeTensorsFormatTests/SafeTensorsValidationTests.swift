import Foundation
import Testing
@testable import SafeTensorsFormat

/// A malformed file, the error kind it must raise, and a phrase the message must contain.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: Data
    let kind: CheckpointError.Kind
    let phrase: String
    var testDescription: String { name }

    static func entry(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
    }

    static let all: [MalformedCase] = [
        MalformedCase(name: "too-short", bytes: Data([1, 0, 0, 0, 0]), kind: .truncated, phrase: "fewer than the 8-byte"),
        MalformedCase(name: "header-longer-than-file", bytes: handBuiltFile(header: "{}", declaredLength: 40),
                      kind: .truncated, phrase: "header length 40 is larger than the 2 bytes"),
        MalformedCase(name: "huge-header-length", bytes: handBuiltFile(header: "{}", declaredLength: .max),
                      kind: .truncated, phrase: "larger than"),
        MalformedCase(name: "invalid-json", bytes: handBuiltFile(header: "{\"w\":{\"dtype\":"),
                      kind: .invalidHeader, phrase: "not a valid"),
        MalformedCase(name: "not-an-object", bytes: handBuiltFile(header: "[1, 2]"), kind: .invalidHeader, phrase: "'{'"),
        MalformedCase(name: "empty-header", bytes: handBuiltFile(header: ""), kind: .invalidHeader, phrase: "'{'"),
        MalformedCase(name: "missing-shape",
                      bytes: handBuiltFile(header: #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                      kind: .invalidHeader, phrase: "missing key 'shape'"),
        MalformedCase(name: "fractional-offset",
                      bytes: handBuiltFile(header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}"#, data: [0, 0, 0, 0]),
                      kind: .invalidHeader, phrase: "header is not a valid"),
        MalformedCase(name: "metadata-not-strings",
                      bytes: handBuiltFile(header: #"{"__metadata__":{"epoch":3}}"#), kind: .invalidHeader, phrase: "__metadata__"),
        MalformedCase(name: "unknown-dtype", bytes: handBuiltFile(header: "{" + entry("w", "F8_E4M3", [2], 0, 2) + "}", data: [0, 0]),
                      kind: .unsupportedDType, phrase: "tensor 'w' has dtype 'F8_E4M3'"),
        MalformedCase(name: "negative-dimension", bytes: handBuiltFile(header: "{" + entry("w", "U8", [-1], 0, 0) + "}"),
                      kind: .invalidHeader, phrase: "negative dimension"),
        MalformedCase(name: "three-offsets",
                      bytes: handBuiltFile(header: #"{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}"#, data: [0, 0]),
                      kind: .invalidHeader, phrase: "expected [begin, end]"),
        MalformedCase(name: "size-mismatch", bytes: handBuiltFile(header: "{" + entry("w", "F32", [2, 3], 0, 20) + "}", data: Array(repeating: 0, count: 20)),
                      kind: .sizeMismatch, phrase: "needs 24 bytes, but data_offsets [0, 20] span 20"),
        MalformedCase(name: "shape-overflow", bytes: handBuiltFile(header: "{" + entry("w", "F32", [1 << 40, 1 << 40], 0, 0) + "}"),
                      kind: .sizeMismatch, phrase: "too large"),
        MalformedCase(name: "shape-overflow-before-zero", bytes: handBuiltFile(header: "{" + entry("w", "F32", [1 << 40, 1 << 40, 0], 0, 0) + "}"),
                      kind: .sizeMismatch, phrase: "too large"),
        MalformedCase(name: "begin-after-end", bytes: handBuiltFile(header: "{" + entry("w", "U8", [0], 4, 2) + "}", data: [0, 0, 0, 0]),
                      kind: .invalidOffsets, phrase: "0 ≤ begin ≤ end"),
        MalformedCase(name: "out-of-range", bytes: handBuiltFile(header: "{" + entry("w", "F32", [2], 0, 8) + "}", data: [0, 0, 0, 0]),
                      kind: .invalidOffsets, phrase: "past the end of the 4-byte data section"),
        MalformedCase(name: "overlap",
                      bytes: handBuiltFile(header: "{" + entry("a", "F32", [2], 0, 8) + "," + entry("b", "F32", [2], 4, 12) + "}",
                                           data: Array(repeating: 0, count: 12)),
                      kind: .invalidOffsets, phrase: "tensor 'b' at [4, 12) overlaps tensor 'a' at [0, 8)"),
        MalformedCase(name: "gap",
                      bytes: handBuiltFile(header: "{" + entry("a", "U8", [2], 0, 2) + "," + entry("b", "U8", [2], 4, 6) + "}",
                                           data: Array(repeating: 0, count: 6)),
                      kind: .invalidOffsets, phrase: "bytes [2, 4)"),
        MalformedCase(name: "duplicate-name",
                      bytes: handBuiltFile(header: "{" + entry("a", "U8", [2], 0, 2) + "," + entry("a", "U8", [2], 2, 4) + "}",
                                           data: [0, 0, 0, 0]),
                      kind: .invalidHeader, phrase: "names 'a' twice"),
        MalformedCase(name: "duplicate-escaped-name",
                      bytes: handBuiltFile(header: "{" + entry("a", "U8", [2], 0, 2) + "," + entry("\\u0061", "U8", [2], 2, 4) + "}",
                                           data: [0, 0, 0, 0]),
                      kind: .invalidHeader, phrase: "names 'a' twice"),
        MalformedCase(name: "duplicate-field",
                      bytes: handBuiltFile(header: #"{"w":{"dtype":"U8","shape":[2],"dtype":"I8","data_offsets":[0,2]}}"#, data: [0, 0]),
                      kind: .invalidHeader, phrase: "'w' holds the key 'dtype' twice"),
        MalformedCase(name: "duplicate-metadata",
                      bytes: handBuiltFile(header: #"{"__metadata__":{"a":"1"},"__metadata__":{"a":"2"}}"#),
                      kind: .invalidHeader, phrase: "names '__metadata__' twice"),
        MalformedCase(name: "deeply-nested",
                      bytes: handBuiltFile(header: "{\"__metadata__\":" + String(repeating: "[", count: 100_000)),
                      kind: .invalidHeader, phrase: "nest more than 16 deep"),
        MalformedCase(name: "json-error-position",
                      bytes: handBuiltFile(header: "{\"w\":\n  {\"dtype\" \"U8\"}}"),
                      kind: .invalidHeader, phrase: "line 2, column 12: unexpected '\"', expected ':'"),
        MalformedCase(name: "trailing-bytes", bytes: handBuiltFile(header: "{" + entry("a", "U8", [2], 0, 2) + "}", data: [0, 0, 9]),
                      kind: .invalidOffsets, phrase: "3 bytes but the tensors cover only 2"),
    ]
}

@Suite struct SafeTensorsValidationTests {
    @Test(arguments: MalformedCase.all)
    func aMalformedFileThrowsAnErrorNamingTheFile(_ malformed: MalformedCase) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("bad-\(malformed.name).safetensors")
        try malformed.bytes.write(to: url)

        let error = try #require(throws: CheckpointError.self) { try SafeTensors.read(from: url) }
        #expect(error.kind == malformed.kind)
        #expect(error.file == url.path)
        #expect(error.description.contains("bad-\(malformed.name).safetensors"))
        #expect(error.detail.contains(malformed.phrase), "\(error.detail)")
        // The same checks apply to the Float and mask readers.
        #expect(throws: CheckpointError.self) { try SafeTensors.readFloatTensors(from: url) }
        #expect(throws: CheckpointError.self) { try SafeTensors.readMasks(from: url) }
    }

    @Test func aMissingFileIsUnreadable() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("absent.safetensors")
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.read(from: url) }
        #expect(error.kind == .unreadable)
        #expect(error.description.contains("absent.safetensors"))
    }

    @Test func emptyTensorsMayShareAnOffset() throws {
        let header = "{" + MalformedCase.entry("a", "F32", [0, 4], 0, 0) + "," + MalformedCase.entry("b", "U8", [1], 0, 1)
            + "," + MalformedCase.entry("c", "F32", [3, 0], 1, 1) + "}"
        let file = try SafeTensors.decode(handBuiltFile(header: header, data: [7]))
        #expect(file.names == ["a", "b", "c"])
        #expect(file.tensors["a"]?.shape == [0, 4])
        #expect(Array(try file.tensor(named: "b").bytes) == [7])
    }
}
