import _TestSupport
import Foundation
import Shears

/// A folder in which one bad-input case builds its files: valid inputs to start from and the bad ones the case
/// needs, all generated (no data set is committed).
struct BadInputSandbox {
    let root: URL

    /// The run's output folder (`--out`): the one place a refused command may touch.
    var out: URL { root.appendingPathComponent("out") }

    /// `root/name`.
    func url(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// Writes `bytes` to `root/name` and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }

    /// Writes `text` to `root/name` and returns its path.
    @discardableResult
    func write(_ name: String, text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// Creates the folder `root/name` and returns its path.
    @discardableResult
    func folder(_ name: String) throws -> String {
        try FileManager.default.createDirectory(at: url(name), withIntermediateDirectories: true)
        return url(name).path
    }

    /// Creates a named pipe at `root/name` and returns its path (reading it would block forever).
    func fifo(_ name: String) -> String {
        mkfifo(url(name).path, 0o644)
        return url(name).path
    }

    /// Valid initial weights of the zoo's mlp for 28×28 grey images, at `root/name`.
    @discardableResult
    func mlpWeights(_ name: String = "mlp.safetensors", editing edit: (inout [String: Tensor]) -> Void = { _ in }) throws -> String {
        let model = try ModelZoo.make(name: "mlp", classes: 10, inputChannels: 1, inputSize: 28, seed: 1)
        var state = Dictionary(model.stateDict().map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        edit(&state)
        try FileManager.default.createDirectory(at: url(name).deletingLastPathComponent(), withIntermediateDirectories: true)
        try SafeTensors.writeFloatTensors(state, to: url(name))
        return url(name).path
    }

    /// A safetensors file written byte by byte: the 8-byte little-endian header length, the header text, the data.
    @discardableResult
    func safetensors(_ name: String, header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> String {
        let headerBytes = Array(header.utf8)
        let length = declaredLength ?? UInt64(headerBytes.count)
        let prefix = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
        return try write(name, prefix + headerBytes + data)
    }

    // MARK: - IDX (MNIST layout)

    /// An IDX file: magic (0, 0, 8, rank), each dimension as a big-endian UInt32, then the payload.
    static func idx(dimensions: [UInt32], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for dimension in dimensions { bytes += (0..<4).reversed().map { UInt8(truncatingIfNeeded: dimension >> (8 * UInt32($0))) } }
        return bytes + payload
    }

    /// Seeded pixel bytes.
    static func pixels(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A folder with the four MNIST files (32 training and 16 test images of `side`×`side`), each of which a case
    /// may replace; returns the folder's path.
    @discardableResult
    func mnist(_ name: String = "mnist", rows: UInt32 = 28, columns: UInt32 = 28,
               replacing replacements: [String: [UInt8]] = [:]) throws -> String {
        let directory = try folder(name)
        let plane = Int(rows * columns)
        var files: [String: [UInt8]] = [
            "train-images-idx3-ubyte": Self.idx(dimensions: [32, rows, columns], payload: Self.pixels(32 * plane, seed: 1)),
            "train-labels-idx1-ubyte": Self.idx(dimensions: [32], payload: (0..<32).map { UInt8($0 % 10) }),
            "t10k-images-idx3-ubyte": Self.idx(dimensions: [16, rows, columns], payload: Self.pixels(16 * plane, seed: 2)),
            "t10k-labels-idx1-ubyte": Self.idx(dimensions: [16], payload: (0..<16).map { UInt8($0 % 10) }),
        ]
        for (file, bytes) in replacements { files[file] = bytes }
        for (file, bytes) in files { try write("\(name)/\(file)", bytes) }
        return directory
    }

    /// A folder with the six CIFAR-10 batch files (two records each), any of which a case may replace.
    @discardableResult
    func cifar(_ name: String = "cifar", replacing replacements: [String: [UInt8]] = [:]) throws -> String {
        let directory = try folder(name)
        func records(_ count: Int, seed: UInt64) -> [UInt8] {
            (0..<count).flatMap { index in [UInt8(index % 10)] + Self.pixels(3072, seed: seed + UInt64(index)) }
        }
        var files = Dictionary(uniqueKeysWithValues: (1...5).map { ("data_batch_\($0).bin", records(2, seed: UInt64(10 * $0))) })
        files["test_batch.bin"] = records(2, seed: 99)
        for (file, bytes) in replacements { files[file] = bytes }
        for (file, bytes) in files { try write("\(name)/\(file)", bytes) }
        return directory
    }

    /// gzip-compressed `bytes` (via zlib's gzip wrapper), for a gzip bomb.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("shears-gzip-\(UUID().uuidString)")
        try Data(bytes).write(to: raw)
        defer { try? FileManager.default.removeItem(at: raw) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-9", raw.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let compressed = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(compressed)
    }

    // MARK: - What changed

    /// Every file under the sandbox except the run's own folders (`out` and its `.out.incomplete` sibling), with
    /// its size, modification time and content.
    func snapshotOutsideTheRun() -> [String: Data] {
        let excluded = [out.lastPathComponent, RunFolder.workingDirectory(for: out).lastPathComponent]
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let path = enumerator?.nextObject() as? String {
            guard !excluded.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { continue }
            let file = root.appendingPathComponent(path)
            let attributes = (try? FileManager.default.attributesOfItem(atPath: file.path)) ?? [:]
            let type = attributes[.type] as? FileAttributeType
            let stamp = "\(attributes[.size] ?? "?") \(attributes[.modificationDate] ?? "?")"
            // Regular files by content; folders, pipes and links by their attributes only (a pipe must not be read).
            let content = type == .typeRegular ? (FileManager.default.contents(atPath: file.path) ?? Data()) : Data()
            result[path] = Data(stamp.utf8) + content
        }
        return result
    }
}
