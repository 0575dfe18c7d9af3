import _TestSupport
import ArgumentParser
import Foundation
import Shears
import Testing
@testable import ShearsCommandLine

@Suite("shears prune --resume: the run's own settings, checked against the flags given", .serialized)
struct PruneResumeTests {
    /// The flags of the test's run: initial mlp weights on the synthetic task, batch size 256.
    static func pruneArguments(weights: URL) -> [String] {
        ["prune", "--model", "mlp", "--weights", weights.path, "--dataset", "synthetic", "--batch-size", "256",
         "--sparsity", "0.8", "--method-epochs", "2", "--retrain-epochs", "1"]
    }

    /// Starts the run into `directory/run` and interrupts it after its first method-phase epoch, leaving an
    /// unfinished run with a checkpoint to resume.
    static func prunedRun(in directory: URL) throws -> (weights: URL, run: URL) {
        let weights = directory.appendingPathComponent("mlp.safetensors")
        try CLI.writeInitialWeights(model: "mlp", to: weights)
        let run = directory.appendingPathComponent("run")
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try PruneCommand.$epochFinished.withValue({ _, _ in throw Interrupted() }) {
                try CLI.run(pruneArguments(weights: weights) + ["--out", run.path])
            }
        }
        return (weights, run)
    }

    static func message(_ arguments: [String]) -> String {
        do {
            try CLI.run(arguments)
            return "(no error)"
        } catch {
            return CLI.message(for: error)
        }
    }

    @Test("--resume DIR alone continues the run with its own settings; agreeing flags are fine")
    func resumeWithoutFlags() throws {
        try withTemporaryDirectory { directory in
            // The same run uninterrupted, for its bits.
            let weightsForReference = directory.appendingPathComponent("reference-weights.safetensors")
            try CLI.writeInitialWeights(model: "mlp", to: weightsForReference)
            let reference = directory.appendingPathComponent("reference")
            try CLI.run(Self.pruneArguments(weights: weightsForReference) + ["--out", reference.path])
            let files = ["pruned.safetensors", "masks.safetensors"]
            let uninterrupted = try files.map { try Data(contentsOf: reference.appendingPathComponent($0)) }

            // Agreeing flags are fine, and no flag is needed.
            let (weights, run) = try Self.prunedRun(in: directory)
            try CLI.run(["prune", "--resume", run.path, "--sparsity", "0.8", "--model", "mlp", "--weights", weights.path])
            #expect(try files.map { try Data(contentsOf: run.appendingPathComponent($0)) } == uninterrupted)
            try FileManager.default.removeItem(at: run)
            _ = try Self.prunedRun(in: directory)
            try CLI.run(["prune", "--resume", run.path])
            #expect(try files.map { try Data(contentsOf: run.appendingPathComponent($0)) } == uninterrupted)
        }
    }

    @Test("a flag that contradicts the run is refused by name, even when it is the flag's default")
    func contradictingFlag() throws {
        try withTemporaryDirectory { directory in
            let (_, run) = try Self.prunedRun(in: directory)
            let sparsity = Self.message(["prune", "--resume", run.path, "--sparsity", "0.9"])
            #expect(sparsity.contains("--sparsity 0.9 contradicts the run's 0.8"), "\(sparsity)")
            let batch = Self.message(["prune", "--resume", run.path, "--batch-size", "128"])
            #expect(batch.contains("--batch-size 128 contradicts the run's 256"), "\(batch)")
            let method = Self.message(["prune", "--resume", run.path, "--method", "slr"])
            #expect(method.contains("--method slr contradicts the run's magnitude"), "\(method)")
            let dataset = Self.message(["prune", "--resume", run.path, "--dataset", "fashion-mnist"])
            #expect(dataset.contains("--dataset fashion-mnist contradicts the run's synthetic"), "\(dataset)")
        }
    }

    @Test("other weights are refused, naming both SHA-256 digests; a changed weights file too")
    func otherWeights() throws {
        try withTemporaryDirectory { directory in
            let (weights, run) = try Self.prunedRun(in: directory)
            let original = try SHA256.hexDigest(ofFile: weights)
            let other = directory.appendingPathComponent("other.safetensors")
            let model = try ModelZoo.make(name: "mlp", classes: 10, inputChannels: 1, inputSize: 28, seed: 2)
            try SafeTensors.writeFloatTensors(Dictionary(model.stateDict().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }), to: other)
            let changed = try SHA256.hexDigest(ofFile: other)
            let text = Self.message(["prune", "--resume", run.path, "--weights", other.path])
            #expect(text.contains("the checkpoint was made with weights sha256 \(SHA256.short(original)); --weights \(other.path) has \(SHA256.short(changed))"), "\(text)")
            try FileManager.default.removeItem(at: weights)
            try FileManager.default.copyItem(at: other, to: weights)
            let replaced = Self.message(["prune", "--resume", run.path])
            #expect(replaced.contains("its weights file \(weights.path) now has \(SHA256.short(changed))"), "\(replaced)")
        }
    }

    @Test("a folder that does not exist, or holds no run, is refused instead of starting a fresh run")
    func missingFolder() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("missing")
            let text = Self.message(["prune", "--resume", missing.path])
            #expect(text.contains("--resume \(missing.path) does not exist; nothing to resume"), "\(text)")
            #expect(!FileManager.default.fileExists(atPath: missing.path))
            let empty = directory.appendingPathComponent("empty")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            let emptyText = Self.message(["prune", "--resume", empty.path])
            #expect(emptyText.contains("holds no unfinished shears run; nothing to resume"), "\(emptyText)")
        }
    }

    @Test("every flag of prune is either a setting --resume checks or one that never changes the result")
    func everyFlagCovered() throws {
        let help = PruneCommand.helpMessage(columns: 400)
        let regex = try NSRegularExpression(pattern: "--[a-z0-9-]+")
        let flags = Set(regex.matches(in: help, range: NSRange(help.startIndex..., in: help)).map { String(help[Range($0.range, in: help)!]) })
        let notSettings: Set<String> = ["--out", "--resume", "--overwrite", "--threads", "--convolution", "--json", "--help"]
        let settings = Set(try PruneCommand.parse([]).settingFlags.map(\.flag))
        #expect(flags.subtracting(notSettings) == settings)
    }
}
