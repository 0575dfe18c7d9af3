import _TestSupport
import Foundation
import Shears
import Testing
@testable import ShearsCommandLine

/// `--out` of train, prune and compare: nothing replaced silently, inputs never written over, one run per folder,
/// a failed run leaves the folder as it was.
@Suite("shears train / prune / compare: output folders", .serialized)
struct RunFolderCommandTests {
    static let train = ["train", "--model", "mlp", "--dataset", "synthetic", "--epochs", "1"]

    static func prune(_ weights: URL) -> [String] {
        ["prune", "--method", "magnitude", "--model", "mlp", "--dataset", "synthetic", "--weights", weights.path,
         "--sparsity", "0.5", "--retrain-epochs", "1"]
    }

    static let compare = ["compare", "--model", "mlp", "--dataset", "synthetic", "--methods", "magnitude",
                          "--pretrain-epochs", "1", "--method-epochs", "0", "--retrain-epochs", "1"]

    /// Every file under a folder with its bytes.
    static func snapshot(_ url: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in CLI.files(under: url) ?? [] {
            let file = url.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: file)
            }
        }
        return files
    }

    @Test("train refuses a folder that holds an earlier run and replaces it with --overwrite")
    func trainOverwrite() throws {
        try withTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("dense")
            try CLI.run(Self.train + ["--out", out.path])
            let before = try Self.snapshot(out)

            let refused = CLI.failure(Self.train + ["--seed", "1", "--out", out.path])
            #expect(refused.code == 2)
            #expect(refused.message.contains("holds an earlier run") && refused.message.contains("--overwrite"), "\(refused.message)")
            #expect(try Self.snapshot(out) == before)

            try CLI.run(Self.train + ["--seed", "1", "--out", out.path, "--overwrite"])
            let metrics = try JSONDecoder().decode(TrainCommand.Metrics.self, from: Data(contentsOf: out.appendingPathComponent("metrics.json")))
            #expect(metrics.seed == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["dense"])
        }
    }

    @Test("a folder with other files, a file, or a file as parent is refused before training")
    func refusedFolders() throws {
        try withTemporaryDirectory { directory in
            let home = directory.appendingPathComponent("home")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: false)
            try Data("mine".utf8).write(to: home.appendingPathComponent("notes.txt"))
            let file = directory.appendingPathComponent("file")
            try Data("x".utf8).write(to: file)
            for (out, expected) in [(home.path, "holds files shears did not write (notes.txt)"),
                                    (file.path, "is a file; expected a folder"),
                                    (file.path + "/out", "is a file; expected a folder")] {
                let refused = CLI.failure(Self.train + ["--out", out, "--overwrite", "--epochs", "1000"])
                #expect(refused.code == 2 && refused.message.contains(expected), "\(refused)")
            }
            #expect(try Data(contentsOf: home.appendingPathComponent("notes.txt")) == Data("mine".utf8))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["file", "home"])
        }
    }

    @Test("prune never writes into the folder its weights come from, even with --overwrite")
    func pruneInputsInsideOut() throws {
        try withTemporaryDirectory { directory in
            let dense = directory.appendingPathComponent("dense")
            try CLI.run(Self.train + ["--out", dense.path])
            let weights = dense.appendingPathComponent("model.safetensors")
            let before = try Self.snapshot(dense)
            for extra in [[String](), ["--overwrite"]] {
                let refused = CLI.failure(Self.prune(weights) + ["--out", dense.path] + extra)
                #expect(refused.code == 2, "\(refused)")
                #expect(refused.message.contains("--weights \(weights.path) lies inside --out"), "\(refused.message)")
            }
            #expect(try Self.snapshot(dense) == before)
        }
    }

    @Test("a live lock keeps a second run out; a stale one is taken over")
    func locks() throws {
        try withTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("dense")
            let holder = try RunFolder.claim(out.path, command: "train", overwrite: false)
            let refused = CLI.failure(Self.train + ["--out", out.path, "--overwrite"])
            #expect(refused.code == 2 && refused.message.contains("another shears run (pid \(getpid())"), "\(refused)")
            holder.abandon()

            // A working folder left by a process that has ended: its lock is stale; without a checkpoint the debris goes.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exit 0"]
            try process.run()
            process.waitUntilExit()
            let working = RunFolder.workingDirectory(for: out)
            try FileManager.default.createDirectory(at: working, withIntermediateDirectories: false)
            let lock = "{\"pid\":\(process.processIdentifier),\"host\":\"\(RunLock.Owner.current().host)\",\"token\":\"t\"}"
            try Data(lock.utf8).write(to: working.appendingPathComponent(RunLock.fileName))
            try Data("half".utf8).write(to: working.appendingPathComponent("model.safetensors"))
            let output = try CLI.output(Self.train + ["--out", out.path])
            #expect(output.contains("discarding the unfinished run"), "\(output)")
            #expect(Set(CLI.files(under: out) ?? []) == ["model.safetensors", "metrics.json", RunFolder.markerFileName])
            #expect(!FileManager.default.fileExists(atPath: working.path))
        }
    }

    @Test("a prune that fails leaves --out as it was and its checkpoint for --resume; --overwrite starts afresh")
    func failedPrune() throws {
        try withTemporaryDirectory { directory in
            let dense = directory.appendingPathComponent("dense")
            try CLI.run(Self.train + ["--out", dense.path])
            let weights = dense.appendingPathComponent("model.safetensors")
            let out = directory.appendingPathComponent("pruned")
            try CLI.run(Self.prune(weights) + ["--out", out.path])
            let before = try Self.snapshot(out)

            // A learning rate this large diverges in the first retraining epoch: the run fails (exit 1).
            let diverging = Self.prune(weights) + ["--retrain-lr", "9"]
            let failed = CLI.failure(diverging + ["--out", out.path, "--overwrite"])
            #expect(failed.code == 1 && failed.message.contains("diverged"), "\(failed)")
            #expect(try Self.snapshot(out) == before)
            let working = RunFolder.workingDirectory(for: out)
            #expect(!(CLI.files(under: working.appendingPathComponent("checkpoint")) ?? []).isEmpty)

            // A fresh run does not discard it silently.
            try FileManager.default.removeItem(at: out)
            let unfinished = CLI.failure(Self.prune(weights) + ["--out", out.path])
            #expect(unfinished.code == 2 && unfinished.message.contains("has an unfinished run") && unfinished.message.contains("--resume"),
                    "\(unfinished)")
            // Resumed, it runs into the same divergence.
            let resumed = CLI.failure(diverging + ["--resume", out.path])
            #expect(resumed.code == 1 && resumed.message.contains("diverged"), "\(resumed)")
            #expect(!FileManager.default.fileExists(atPath: out.path))

            try CLI.run(Self.prune(weights) + ["--out", out.path, "--overwrite"])
            // The same run again: the same weights and masks (metrics.json also records times).
            let after = try Self.snapshot(out)
            #expect(Set(after.keys) == Set(before.keys))
            #expect(after["pruned.safetensors"] == before["pruned.safetensors"] && after["masks.safetensors"] == before["masks.safetensors"])
            #expect(!FileManager.default.fileExists(atPath: working.path))
        }
    }

    @Test("compare run twice: refused without --overwrite, and with it replaces its output and reuses the dense cache")
    func compareTwice() throws {
        try withTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("compare")
            try CLI.run(Self.compare + ["--out", out.path])
            let cache = try Data(contentsOf: out.appendingPathComponent("dense-seed0.safetensors"))
            let report = try Data(contentsOf: out.appendingPathComponent("report.csv"))

            let refused = CLI.failure(Self.compare + ["--out", out.path])
            #expect(refused.code == 2 && refused.message.contains("holds an earlier run"), "\(refused)")

            let output = try CLI.output(Self.compare + ["--out", out.path, "--overwrite"])
            #expect(output.contains("replacing the earlier comparison in \(out.path) (its cached dense weights are reused)"), "\(output)")
            #expect(output.contains("dense weights (cached)"), "\(output)")
            #expect(try Data(contentsOf: out.appendingPathComponent("dense-seed0.safetensors")) == cache)
            // Same seed, same dense weights, same budgets: the same rows (the time columns aside).
            let rows = { (data: Data) in String(decoding: data, as: UTF8.self).split(separator: "\n").count }
            #expect(rows(try Data(contentsOf: out.appendingPathComponent("report.csv"))) == rows(report))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["compare"])
        }
    }

    @Test("compare refuses dense weights inside its output folder")
    func compareInputsInsideOut() throws {
        try withTemporaryDirectory { directory in
            let out = directory.appendingPathComponent("compare")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
            let weights = out.appendingPathComponent("weights.safetensors")
            try CLI.writeInitialWeights(model: "mlp", to: weights)
            let refused = CLI.failure(Self.compare + ["--weights", weights.path, "--out", out.path, "--overwrite"])
            #expect(refused.code == 2 && refused.message.contains("lies inside --out"), "\(refused)")
            #expect(CLI.files(under: out) == ["weights.safetensors"])
        }
    }
}
