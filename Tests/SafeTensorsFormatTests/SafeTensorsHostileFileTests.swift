import Foundation
import Testing
import TensorEngine
@testable import SafeTensorsFormat
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds taken by `body`.
private func secondsTaken(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// Writes `bytes` to `url`, then extends the file to `size` bytes without writing them (a sparse file).
private func writeSparse(_ bytes: Data, to url: URL, size: Int) throws {
    try bytes.write(to: url)
    #expect(truncate(url.path, off_t(size)) == 0)
}

@Suite struct SafeTensorsHostileFileTests {
    static let eightGigabytes = 8 << 30

    @Test func aHugeFileWithAHeaderLengthAboveTheCapIsRefusedUnread() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("huge.safetensors")
        try writeSparse(handBuiltFile(header: "{}", declaredLength: 200_000_000), to: url, size: Self.eightGigabytes)
        var caught: CheckpointError?
        let seconds = secondsTaken { caught = #expect(throws: CheckpointError.self) { try SafeTensors.read(from: url) } }
        let error = try #require(caught)
        #expect(error.kind == .invalidHeader)
        #expect(error.description.contains("huge.safetensors") && error.detail.contains("header length 200000000 exceeds"))
        #expect(seconds < 1, "took \(seconds) s")
    }

    @Test func aHugeFileWhoseTensorsCoverLittleOfItIsRefusedUnread() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("padded.safetensors")
        let header = "{" + MalformedCase.entry("w", "F32", [1], 0, 4) + "}"
        try writeSparse(handBuiltFile(header: header, data: floatBytes([1])), to: url, size: Self.eightGigabytes)
        var caught: CheckpointError?
        let seconds = secondsTaken { caught = #expect(throws: CheckpointError.self) { try SafeTensors.read(from: url) } }
        let error = try #require(caught)
        #expect(error.kind == .invalidOffsets)
        #expect(error.detail.contains("the tensors cover only 4"), "\(error.detail)")
        #expect(seconds < 1, "took \(seconds) s")
    }

    @Test func offsetsPastTheEndOfTheFileAreRefused() throws {
        let header = "{" + MalformedCase.entry("w", "U8", [1 << 40], 0, 1 << 40) + "}"
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.decode(handBuiltFile(header: header, data: [1, 2])) }
        #expect(error.kind == .invalidOffsets)
        #expect(error.detail.contains("tensor 'w' has data_offsets [0, 1099511627776], past the end of the 2-byte data section"))
    }

    @Test func aFolderIsRefusedByName() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("weights.safetensors")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.readFloatTensors(from: url) }
        #expect(error.kind == .unreadable)
        #expect(error.description == "\(url.path): is a folder; expected a .safetensors file")
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("pipe.safetensors")
        #expect(mkfifo(url.path, 0o600) == 0)
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.read(from: url) }
        #expect(error.kind == .unreadable)
        #expect(error.description == "\(url.path): is not a regular file (it is a FIFO); expected a .safetensors file")
        #expect(throws: CheckpointError.self) { try SafeTensors.readMasks(from: url) }
    }

    @Test func aMissingFileSaysSoWithoutSystemText() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.read(from: folder.file("gone.safetensors")) }
        #expect(error.detail == "does not exist; expected a .safetensors file")
        #expect(ReadableFile.describe(EACCES) == "permission denied")
    }

    @Test(.enabled(if: geteuid() != 0, "root reads any file"))
    func anUnreadableFileSaysPermissionDenied() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("locked.safetensors")
        try SafeTensors.writeFloatTensors(["w": Tensor(scalar: 1)], to: url)
        chmod(url.path, 0)
        let error = try #require(throws: CheckpointError.self) { try SafeTensors.read(from: url) }
        #expect(error.detail == "cannot be read: permission denied")
    }
}

@Suite struct WeightTensorTests {
    /// A file of one tensor `name` of `dtype` with `bytes`, written to a temporary folder and read as weights.
    static func readWeights(_ tensors: [String: StoredTensor]) throws -> [String: Tensor] {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("weights.safetensors")
        try SafeTensors.write(tensors, to: url)
        return try SafeTensors.readFloatTensors(from: url)
    }

    @Test(arguments: [(SafeTensorsDType.bool, 1), (.u8, 1), (.i64, 8), (.i32, 4), (.i8, 1)])
    func nonFloatWeightsAreRefusedNamingTensorAndDType(dtype: SafeTensorsDType, width: Int) throws {
        let stored = StoredTensor(dtype: dtype, shape: [2], bytes: Data(repeating: 1, count: 2 * width))
        let error = try #require(throws: CheckpointError.self) {
            try Self.readWeights(["fc.weight": stored, "fc.bias": StoredTensor(Tensor(shape: [2], scalars: [0, 1]))])
        }
        #expect(error.kind == .unsupportedDType)
        #expect(error.detail.contains("tensor 'fc.weight' has dtype \(dtype.rawValue); weights must be F32, F64, F16 or BF16"), "\(error.detail)")
    }

    @Test func aBatchNormCounterMayBeAnInteger() throws {
        let counter = StoredTensor(dtype: .i64, shape: [], bytes: Data(littleEndianBytes(Int64(42))))
        let weights = try Self.readWeights(["bn1.num_batches_tracked": counter, "bn1.weight": StoredTensor(Tensor(shape: [1], scalars: [2]))])
        #expect(weights["bn1.num_batches_tracked"] == Tensor(scalar: 42))
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteWeightsAreRefusedNamingTheElement(value: Float) throws {
        let weight = Tensor(shape: [2, 3], scalars: [0, 1, 2, value, 4, value])
        let error = try #require(throws: CheckpointError.self) { try Self.readWeights(["conv1.weight": StoredTensor(weight)]) }
        #expect(error.kind == .nonFiniteValue)
        #expect(error.detail.contains("tensor 'conv1.weight' holds \(value) at element 3 of shape [2, 3]"), "\(error.detail)")
    }

    @Test func aHalfPrecisionInfinityIsRefusedAfterConversion() throws {
        // 0x7C00 is +infinity in binary16.
        let half = StoredTensor(dtype: .f16, shape: [2], bytes: Data(littleEndianBytes(UInt16(0x3C00)) + littleEndianBytes(UInt16(0x7C00))))
        let error = try #require(throws: CheckpointError.self) { try Self.readWeights(["h": half]) }
        #expect(error.detail.contains("tensor 'h' holds inf (converted from F16) at element 1"), "\(error.detail)")
    }

    @Test func masksStillLoadFromU8AndBOOL() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("masks.safetensors")
        try SafeTensors.write(["a": StoredTensor(mask: Tensor(shape: [2], scalars: [1, 0]), dtype: .bool),
                               "b": StoredTensor(mask: Tensor(shape: [1], scalars: [1]), dtype: .u8)], to: url)
        #expect(try SafeTensors.readMasks(from: url) == ["a": Tensor(shape: [2], scalars: [1, 0]), "b": Tensor(shape: [1], scalars: [1])])
    }
}

@Suite struct JSONTextTests {
    static func problem(_ text: String, depth: Int = 64) -> JSONTextError? {
        do {
            try JSONText.check(Data(text.utf8), maximumDepth: depth)
            return nil
        } catch {
            return error as? JSONTextError
        }
    }

    @Test(arguments: [#"{}"#, #"[]"#, #" {"a": [1, -2.5e+3, 0, true, false, null, "x\"\u00e9\ud83d\ude00"], "b": {"c": {}}} "#,
                      "\u{FEFF}{\"ü\": \"\\/\"}", #""text""#, "0", "-0.0E5"])
    func validJSONPasses(text: String) {
        #expect(Self.problem(text) == nil)
    }

    @Test func syntaxErrorsHaveLineAndColumn() throws {
        let trailingComma = try #require(Self.problem("{\n  \"seeds\": [1, 2,]\n}"))
        #expect(trailingComma.kind == .syntax)
        #expect(trailingComma.description == "line 2, column 18: unexpected ']', expected a value")
        // Columns count characters, not bytes.
        let afterUnicode = try #require(Self.problem("{\"é\": tru}"))
        #expect(afterUnicode.line == 1 && afterUnicode.column == 7)
        #expect(afterUnicode.reason.contains("did you mean 'true'"))
        let unclosed = try #require(Self.problem("[\"abc"))
        #expect(unclosed.description == "line 1, column 2: the string that starts here is never closed")
        #expect(Self.problem("[01]")?.kind == .syntax)
        #expect(Self.problem("{} {}")?.reason == "unexpected '{' after the end of the JSON value")
        #expect(Self.problem("")?.reason == "the text ends where a value was expected")
    }

    @Test func duplicateKeysAreFoundAtAnyDepthWithTheirPath() throws {
        let top = try #require(Self.problem(#"{"a": 1, "\u0061": 2}"#))
        #expect(top.kind == .duplicateKey && top.key == "a" && top.path == "")
        let nested = try #require(Self.problem("{\"m\": [{}, {\"o\": {\"x\": 1,\n \"x\": 2}}]}"))
        #expect(nested.kind == .duplicateKey && nested.key == "x" && nested.path == "m[1].o")
        #expect(nested.line == 2 && nested.column == 2)
        #expect(Self.problem(#"{"a": {"b": 1}, "b": {"a": 2}}"#) == nil)
    }

    @Test func deepNestingIsRefusedWithoutRecursion() throws {
        let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
        let error = try #require(Self.problem(deep))
        #expect(error.kind == .tooDeep && error.column == 65)
        #expect(Self.problem(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) == nil)
    }
}
