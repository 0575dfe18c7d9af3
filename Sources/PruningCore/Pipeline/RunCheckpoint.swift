import RunFiles
import SafeTensorsFormat
import Foundation
import NeuralNetworks
import TensorEngine
import Training

/// The state of a pipeline run at an epoch boundary, enough to resume it exactly.
///
/// Files in the checkpoint folder: `state-<phase>-<n>.safetensors` (model state, optimizer state, method tensors,
/// masks), `checkpoint.json`, which names that file and holds the scalars and the run's ``RunIdentity``, and
/// `settings.json`, the caller's own record of the run (see ``PruningPipeline/runSettings``). Each is written
/// atomically and `checkpoint.json` last, so a kill at any moment leaves the previous complete checkpoint in force.
struct RunCheckpoint: Codable {
    typealias Phase = PipelinePhase

    /// The phase the next epoch belongs to, and how many of its epochs are done.
    var phase: Phase
    var epochsDone: Int
    var progress: TrainingProgress
    var modelGenerator: SeededGenerator
    var sessionGenerator: SeededGenerator
    var methodValues: [String: Double]
    var partialResult: PruningRunResult
    var tensorFile: String
    /// What the run is; a checkpoint is resumed only by a run with the same identity.
    var identity: RunIdentity

    static let fileName = "checkpoint.json"
    static let settingsFileName = "settings.json"

    /// Writes the tensors and then the JSON that commits them; older tensor files are removed afterwards.
    static func save(_ checkpoint: RunCheckpoint, tensors: [String: Tensor], in directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SafeTensors.writeFloatTensors(tensors, to: directory.appendingPathComponent(checkpoint.tensorFile))
        try AtomicFile.writeJSON(checkpoint, to: directory.appendingPathComponent(fileName))
        let stale = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in stale where name.hasPrefix("state-") && name.hasSuffix(".safetensors") && name != checkpoint.tensorFile {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Reads the last committed checkpoint of a folder, or nil if there is none yet.
    ///
    /// Refuses a tensor file name that is not a plain file name inside the folder, and any tensor that is not
    /// finite; what the checkpoint must fit (budgets, shapes, masks) is checked by ``validate(against:)``.
    static func load(from directory: URL) throws -> (RunCheckpoint, [String: Tensor])? {
        let jsonURL = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: jsonURL.path) else { return nil }
        let checkpoint: RunCheckpoint
        do {
            checkpoint = try JSONDecoder().decode(RunCheckpoint.self, from: Data(contentsOf: jsonURL))
        } catch let error as DecodingError {
            throw PruningError.invalidState("\(jsonURL.path) is not a Shears run checkpoint: \(describe(error))")
        } catch {
            throw PruningError.invalidState("\(jsonURL.path) is not a Shears run checkpoint: it cannot be read")
        }
        try checkTensorFileName(checkpoint.tensorFile, in: jsonURL)
        let tensorURL = directory.appendingPathComponent(checkpoint.tensorFile)
        guard FileManager.default.fileExists(atPath: tensorURL.path) else {
            throw PruningError.invalidState("\(jsonURL.path) names the tensor file \(checkpoint.tensorFile), which is missing from \(directory.path)")
        }
        // The weights reader refuses non-float dtypes and non-finite values, naming the tensor and the element.
        let tensors = try SafeTensors.readFloatTensors(from: tensorURL)
        return (checkpoint, tensors)
    }

    /// Throws unless `name` is a plain `.safetensors` file name (no folder part, no `..`, not absolute).
    static func checkTensorFileName(_ name: String, in jsonURL: URL) throws {
        let plain = !name.isEmpty && !name.contains("/") && !name.contains("\\") && !name.contains("\0")
            && name != "." && name != ".." && !name.hasPrefix(".") && name.hasSuffix(".safetensors")
        guard plain else {
            throw PruningError.invalidState("\(jsonURL.path): tensorFile '\(name)' is not a plain .safetensors file name inside the checkpoint folder")
        }
    }

    /// The caller's settings stored with a run (``PruningPipeline/runSettings``), or nil when there are none.
    static func settings(in directory: URL) throws -> Data? {
        let url = directory.appendingPathComponent(settingsFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do { return try Data(contentsOf: url) } catch {
            throw PruningError.invalidState("\(url.path) cannot be read")
        }
    }

    /// Splits `prefix.name` keys back into a dictionary for one prefix.
    static func section(_ prefix: String, of tensors: [String: Tensor]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, value) in tensors where key.hasPrefix(prefix + ".") {
            result[String(key.dropFirst(prefix.count + 1))] = value
        }
        return result
    }

    /// Prefixes every key with `prefix.`.
    static func prefixed(_ prefix: String, _ tensors: [String: Tensor]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (key, value) in tensors { result[prefix + "." + key] = value }
        return result
    }

    /// A decoding error as "what, where" without Foundation's wording.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "the key '\(key.stringValue)' is missing at \(path(context))"
        case .typeMismatch(let type, let context): return "\(path(context)) is not a \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) is null, expected a \(type)"
        case .dataCorrupted(let context):
            // A value's own check (a generator's four words) says what it expected; Foundation's JSON errors do not.
            let detail = context.underlyingError == nil && !context.debugDescription.isEmpty ? ": \(context.debugDescription)" : ""
            return "\(path(context)) is not valid JSON or not a valid value\(detail)"
        @unknown default: return "it does not decode"
        }
    }
}
