import Foundation
import Testing
import TensorEngine
@testable import SafeTensorsFormat

/// Runs Debian's Python (where `python3-torch` lives) with the scripts under Scripts/.
enum PythonInterop {
    static let python = URL(fileURLWithPath: "/usr/bin/python3")

    /// True when `/usr/bin/python3` can import torch and safetensors; the interop tests are skipped otherwise.
    static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return false }
        return (try? run(["-c", "import torch, safetensors"]).status) == 0
    }()

    /// The repository's Scripts folder, found from this source file's location.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scripts")

    static func run(_ arguments: [String]) throws -> (status: Int32, output: Data, errors: String) {
        let process = Process()
        process.executableURL = python
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, outputData, String(decoding: errorData, as: UTF8.self))
    }

    /// Runs a script and requires it to succeed.
    static func runScript(_ name: String, _ arguments: [String]) throws -> Data {
        let result = try run([scripts.appendingPathComponent(name).path] + arguments)
        try #require(result.status == 0, "\(name) failed: \(result.errors)")
        return result.output
    }

    /// The JSON both scripts print or write: metadata and every tensor's torch dtype, shape and values.
    struct Dump: Decodable {
        struct Entry: Decodable {
            let dtype: String
            let shape: [Int]
            let values: [Double]
        }
        let metadata: [String: String]
        let tensors: [String: Entry]
    }

    static let torchNames: [SafeTensorsDType: String] = [
        .f64: "torch.float64", .f32: "torch.float32", .f16: "torch.float16", .bf16: "torch.bfloat16",
        .i64: "torch.int64", .i32: "torch.int32", .i16: "torch.int16", .i8: "torch.int8",
        .u8: "torch.uint8", .bool: "torch.bool",
    ]
}

@Suite(.serialized, .enabled(if: PythonInterop.isAvailable, "needs /usr/bin/python3 with torch and safetensors"))
struct PythonInteropTests {
    @Test func aPyTorchStateDictSavedByPythonReadsHere() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("torch.safetensors"), expectedURL = folder.file("expected.json")
        _ = try PythonInterop.runScript("make_torch_safetensors.py", [url.path, expectedURL.path])
        let expected = try JSONDecoder().decode(PythonInterop.Dump.self, from: Data(contentsOf: expectedURL))

        let file = try SafeTensors.read(from: url)
        #expect(file.metadata == expected.metadata)
        #expect(Set(file.names) == Set(expected.tensors.keys))
        let floats = file.floatTensors()
        // As weights, the file's U8 and BOOL tensors are refused; the I64 counter alone converts.
        let refusal = try #require(throws: CheckpointError.self) { try SafeTensors.readFloatTensors(from: url) }
        #expect(refusal.kind == .unsupportedDType)
        #expect(refusal.detail.contains("extra.flags") || refusal.detail.contains("extra.mask"), "\(refusal.detail)")
        for (name, entry) in expected.tensors {
            let stored = try file.tensor(named: name)
            #expect(PythonInterop.torchNames[stored.dtype] == entry.dtype, "\(name)")
            #expect(stored.shape == entry.shape, "\(name)")
            // Every source value is exactly a Float except the F64 ones, which must round to nearest.
            #expect(floats[name]?.scalars == entry.values.map { Float($0) }, "\(name)")
        }
        let counter = try file.tensor(named: "bn1.num_batches_tracked")
        #expect(counter.dtype == .i64 && counter.shape == [])
        #expect(floats["bn1.num_batches_tracked"] == Tensor(scalar: 1))
        #expect(floats["conv1.weight"]?.shape == [2, 1, 3, 3])
    }

    @Test func aFileWrittenHereLoadsInPythonIdentically() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("shears.safetensors"), resaved = folder.file("resaved.safetensors")
        var generator = SeededGenerator(seed: 3)
        let weight = Tensor.normal([3, 4], generator: &generator)
        let mask = Tensor(shape: [3, 4], scalars: [1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0])
        let tensors: [String: StoredTensor] = [
            "fc.weight": StoredTensor(weight),
            "fc.bias": StoredTensor(Tensor(shape: [3], scalars: [0.5, -0.25, 0])),
            "fc.weight_mask": StoredTensor(mask: mask, dtype: .u8),
            "fc.weight_keep": StoredTensor(mask: mask, dtype: .bool),
        ]
        try SafeTensors.write(tensors, metadata: ["producer": "shears"], to: url)

        let output = try PythonInterop.runScript("dump_safetensors.py", [url.path, resaved.path])
        let dump = try JSONDecoder().decode(PythonInterop.Dump.self, from: output)
        #expect(dump.metadata == ["producer": "shears"])
        #expect(dump.tensors["fc.weight"]?.dtype == "torch.float32")
        #expect(dump.tensors["fc.weight"]?.shape == [3, 4])
        #expect(dump.tensors["fc.weight"]?.values.map { Float($0) } == weight.scalars)
        #expect(dump.tensors["fc.bias"]?.values == [0.5, -0.25, 0])
        #expect(dump.tensors["fc.weight_mask"]?.dtype == "torch.uint8")
        #expect(dump.tensors["fc.weight_keep"]?.dtype == "torch.bool")
        #expect(dump.tensors["fc.weight_keep"]?.values.map { Float($0) } == mask.scalars)
        // Python's writer, given the same tensors and metadata, produces the very same bytes.
        #expect(try Data(contentsOf: resaved) == Data(contentsOf: url))
    }
}
