import Checkpoints
import Foundation
import NeuralNetworks
import TensorEngine

/// The state of a pipeline run at an epoch boundary, enough to resume it exactly.
///
/// Two files in the checkpoint folder: `state-<n>.safetensors` (model state, optimizer state, method tensors,
/// masks) and `checkpoint.json`, which names that file and holds the scalars. Both are written atomically and
/// the JSON last, so a kill at any moment leaves the previous complete checkpoint in force.
struct RunCheckpoint: Codable {
    enum Phase: String, Codable { case method, retraining }

    /// The phase the next epoch belongs to, and how many of its epochs are done.
    var phase: Phase
    var epochsDone: Int
    var progress: TrainingProgress
    var modelGenerator: SeededGenerator
    var sessionGenerator: SeededGenerator
    var methodValues: [String: Double]
    var partialResult: PruningRunResult
    var tensorFile: String
    /// Identifies the run's settings, so a checkpoint is not resumed by a different run.
    var fingerprint: String

    static let fileName = "checkpoint.json"

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
    static func load(from directory: URL) throws -> (RunCheckpoint, [String: Tensor])? {
        let jsonURL = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: jsonURL.path) else { return nil }
        let checkpoint: RunCheckpoint
        do {
            checkpoint = try JSONDecoder().decode(RunCheckpoint.self, from: Data(contentsOf: jsonURL))
        } catch {
            throw PruningError.invalidState("\(jsonURL.path) is not a Shears run checkpoint: \(error)")
        }
        let tensors = try SafeTensors.readFloatTensors(from: directory.appendingPathComponent(checkpoint.tensorFile))
        return (checkpoint, tensors)
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
}
