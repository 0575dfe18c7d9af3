import ArgumentParser
import Foundation
import Shears

/// What `shears prune` stores with its checkpoint (`DIR/checkpoint/settings.json`), so that `--resume DIR`
/// needs no other flag.
struct PruneRunSettings: Codable {
    /// The setting flags of the run as given (see ``SettingFlag``), which reproduce it.
    var arguments: [String]
    /// The weights file the run started from and its SHA-256.
    var weights: String
    var weightsSHA256: String
    /// The experiment the flags made, for a reader (the arguments are what a resume uses).
    var experiment: Experiment
}

extension PruneCommand {
    /// The flags that describe the run: everything but --out, --resume and the runtime flags.
    var settingFlags: [SettingFlag] {
        [.option("--method", method, default: "magnitude"),
         .option("--model", model, default: "lenet5"),
         .option("--weights", weights, default: "none"),
         .option("--seed", seed, default: "0")]
            + data.settingFlags + pruning.settingFlags
    }

    /// The flags that name where an input is rather than what it is: a different path is fine when its content
    /// is the same (the weights file's SHA-256 and the data's are checked).
    static let locationFlags: Set<String> = ["--weights", "--data-dir"]

    /// The command a `--resume DIR` continues: the run's stored flags, with the given location flags, `--out`,
    /// `--resume` and runtime flags of this invocation. Throws, naming the flag, when a given flag contradicts
    /// the run, and when the weights file's content is not the run's.
    /// `checkpoint` is the unfinished run's checkpoint folder (``RunFolder/checkpointDirectory``).
    func resumedCommand(folder: String, checkpoint: URL) throws -> (command: PruneCommand, settings: PruneRunSettings) {
        guard let settingsData = try PruningPipeline.storedSettings(in: checkpoint) else {
            throw ValidationError("--resume \(folder): the folder holds no run of `shears prune` (\(checkpoint.path)/settings.json is missing)")
        }
        let stored: PruneRunSettings
        let decoder = JSONDecoder()
        decoder.userInfo = ShearsCommand.catalog.decodingUserInfo
        do { stored = try decoder.decode(PruneRunSettings.self, from: settingsData) } catch {
            throw ValidationError("--resume \(folder): \(checkpoint.path)/settings.json is not a Shears run record")
        }
        var original: PruneCommand
        do { original = try PruneCommand.parse(stored.arguments) } catch {
            throw ValidationError("--resume \(folder): the stored arguments \(stored.arguments) no longer parse: \(PruneCommand.message(for: error))")
        }
        let theirs = Dictionary(original.settingFlags.map { ($0.flag, $0.value) }, uniquingKeysWith: { first, _ in first })
        for mine in settingFlags where mine.given != nil && !Self.locationFlags.contains(mine.flag) {
            let value = theirs[mine.flag] ?? "?"
            guard mine.value == value else {
                throw ValidationError("\(mine.flag) \(mine.value) contradicts the run's \(value) (\(folder)); drop it, or start a new run with --out")
            }
        }
        let weights = self.weights ?? stored.weights
        let digest = try SHA256.hexDigest(ofFile: URL(fileURLWithPath: weights))
        guard digest == stored.weightsSHA256 else {
            let which = self.weights != nil ? "--weights \(weights) has" : "its weights file \(weights) now has"
            throw ValidationError("the checkpoint was made with weights sha256 \(SHA256.short(stored.weightsSHA256)); \(which) \(SHA256.short(digest))")
        }
        original.weights = weights
        if let directory = data.dataDirectory { original.data.dataDirectory = directory }
        original.out = out
        original.resume = resume
        original.runtime = runtime
        return (original, stored)
    }
}
