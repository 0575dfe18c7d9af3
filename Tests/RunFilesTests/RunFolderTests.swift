import Foundation
import Testing
@testable import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Run folders: claiming, refusing, committing whole, keeping a failed run's checkpoint, resuming.
@Suite struct RunFolderTests {
    struct Interrupted: Error {}

    /// A folder `run` inside `folder` holding an earlier run's files, written by a committed claim.
    static func earlierRun(in folder: TemporaryFolder, name: String = "run", contents: String = "old") throws -> URL {
        let claimed = try RunFolder.claim(folder.file(name).path, command: "train", overwrite: false)
        try claimed.run { try Data(contents.utf8).write(to: $0.appendingPathComponent("metrics.json")) }
        return folder.file(name)
    }

    @Test func aNewFolderAppearsWholeOnCommitWithItsMarkerAndNoLock() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let target = folder.file("runs/dense")
        let claimed = try RunFolder.claim(target.path, command: "train", overwrite: false)
        // While the run works, only the hidden working folder exists, with the lock and the marker in it.
        #expect(!FileManager.default.fileExists(atPath: target.path))
        let working = try FileManager.default.contentsOfDirectory(atPath: claimed.workingDirectory.path).sorted()
        #expect(working == [RunFolder.markerFileName, RunLock.fileName])
        #expect(claimed.workingDirectory.lastPathComponent == ".dense.incomplete")

        try claimed.run { directory in
            try Data("{}".utf8).write(to: directory.appendingPathComponent("metrics.json"))
            try FileManager.default.createDirectory(at: claimed.checkpointDirectory, withIntermediateDirectories: true)
            try Data("state".utf8).write(to: claimed.checkpointDirectory.appendingPathComponent("run.json"))
        }
        // The checkpoint of a finished run is gone; the lock is released; the working folder is the run folder now.
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).sorted() == [RunFolder.markerFileName, "metrics.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("runs").path) == ["dense"])
    }

    @Test func anEmptyFolderIsUsedAsIfNew() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.file("out"), withIntermediateDirectories: false)
        let claimed = try RunFolder.claim(folder.file("out").path, command: "train", overwrite: false)
        #expect(!claimed.replacesEarlierRun)
        try claimed.run { try Data("new".utf8).write(to: $0.appendingPathComponent("model.safetensors")) }
        #expect(try Data(contentsOf: folder.file("out/model.safetensors")) == Data("new".utf8))
    }

    @Test func aFolderWithAnotherRunIsRefusedWithoutOverwriteAndReplacedWholeWithIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try Self.earlierRun(in: folder)
        let refusal = try #require(throws: RunFolderError.self) {
            try RunFolder.claim(run.path, command: "train", overwrite: false)
        }
        #expect(refusal.kind == .holdsAnotherRun)
        #expect(refusal.description.contains("holds an earlier run (metrics.json)") && refusal.description.contains("--overwrite"))
        #expect(try folder.contents() == ["run"])

        let claimed = try RunFolder.claim(run.path, command: "train", overwrite: true)
        #expect(claimed.replacesEarlierRun)
        try claimed.run { try Data("new".utf8).write(to: $0.appendingPathComponent("model.safetensors")) }
        // Old files are gone with the old run; no aside folder is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == [RunFolder.markerFileName, "model.safetensors"])
        #expect(try folder.contents() == ["run"])
    }

    @Test func aRunOfAnEarlierVersionWithoutMarkerIsRecognisedByItsFileNames() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.file("cmp/checkpoint"), withIntermediateDirectories: true)
        for name in ["report.md", "dense-seed0.safetensors", "masks-slr-seed0.safetensors"] {
            try Data("x".utf8).write(to: folder.file("cmp/\(name)"))
        }
        let refusal = try #require(throws: RunFolderError.self) { try RunFolder.claim(folder.file("cmp").path, command: "compare", overwrite: false) }
        #expect(refusal.kind == .holdsAnotherRun)
        _ = try RunFolder.claim(folder.file("cmp").path, command: "compare", overwrite: true).abandon()
    }

    @Test func aFolderWithOtherFilesIsRefusedEvenWithOverwrite() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(at: folder.file("home"), withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: folder.file("home/notes.txt"))
        for overwrite in [false, true] {
            let refusal = try #require(throws: RunFolderError.self) {
                try RunFolder.claim(folder.file("home").path, command: "train", overwrite: overwrite)
            }
            #expect(refusal.kind == .foreignFiles && refusal.description.contains("notes.txt"))
        }
        #expect(try Data(contentsOf: folder.file("home/notes.txt")) == Data("mine".utf8))
        #expect(try folder.contents() == ["home"])
    }

    @Test func aFileOrASymbolicLinkIsNotAFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Data("x".utf8).write(to: folder.file("file"))
        try FileManager.default.createDirectory(at: folder.file("real"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(at: folder.file("link"), withDestinationURL: folder.file("real"))
        for (path, expected) in [("file", "is a file; expected a folder"), ("file/sub", "is a file; expected a folder"),
                                 ("link", "is a symbolic link")] {
            let refusal = try #require(throws: RunFolderError.self) {
                try RunFolder.claim(folder.file(path).path, command: "train", overwrite: true)
            }
            #expect(refusal.kind == .notAFolder && refusal.description.contains(expected), "\(refusal)")
        }
    }

    @Test func inputsInsideTheFolderAreRefusedEvenWithOverwrite() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try Self.earlierRun(in: folder)
        let weights = run.appendingPathComponent("model.safetensors")
        try Data("weights".utf8).write(to: weights)
        let cases: [RunFolder.Input] = [
            RunFolder.Input(flag: "--weights", path: weights.path),
            RunFolder.Input(flag: "--data-dir", path: run.path),
            // The same file reached through "..": paths are compared resolved.
            RunFolder.Input(flag: "--weights", path: run.path + "/../run/model.safetensors"),
        ]
        for input in cases {
            let refusal = try #require(throws: RunFolderError.self) {
                try RunFolder.claim(run.path, command: "prune", overwrite: true, inputs: [input])
            }
            #expect(refusal.kind == .inputInside && refusal.description.contains(input.flag) && refusal.description.contains("never writes over its own inputs"))
        }
        #expect(try Data(contentsOf: weights) == Data("weights".utf8))
        // An input next to the folder is fine.
        let sibling = RunFolder.Input(flag: "--weights", path: folder.file("run-2/model.safetensors").path)
        try RunFolder.claim(folder.file("run2").path, command: "prune", overwrite: false, inputs: [sibling]).abandon()
    }

    @Test func aLiveLockKeepsASecondRunOutUntilTheFirstEnds() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try RunFolder.claim(folder.file("out").path, command: "train", overwrite: false)
        for overwrite in [false, true] {
            let refusal = try #require(throws: RunFolderError.self) {
                try RunFolder.claim(folder.file("out").path, command: "train", overwrite: overwrite)
            }
            #expect(refusal.kind == .locked && refusal.description.contains("pid \(getpid())"), "\(refusal)")
        }
        first.abandon()
        let second = try RunFolder.claim(folder.file("out").path, command: "train", overwrite: false)
        second.abandon()
        #expect(try folder.contents().isEmpty)
    }

    @Test func aFailedRunLeavesTheFolderAsItWasAndKeepsOnlyACheckpointedWorkingFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try Self.earlierRun(in: folder)

        // No checkpoint: the working folder goes.
        let noCheckpoint = try RunFolder.claim(run.path, command: "train", overwrite: true)
        #expect(throws: Interrupted.self) {
            try noCheckpoint.run { try Data("half".utf8).write(to: $0.appendingPathComponent("model.safetensors")); throw Interrupted() }
        }
        #expect(try folder.contents() == ["run"])
        #expect(try Data(contentsOf: run.appendingPathComponent("metrics.json")) == Data("old".utf8))

        // A checkpoint: the working folder stays, and the note says how to continue.
        var notes: [String] = []
        let checkpointed = try RunFolder.claim(run.path, command: "prune", overwrite: true, note: { notes.append($0) })
        #expect(throws: Interrupted.self) {
            try checkpointed.run { _ in
                try FileManager.default.createDirectory(at: checkpointed.checkpointDirectory, withIntermediateDirectories: true)
                try Data("epoch 1".utf8).write(to: checkpointed.checkpointDirectory.appendingPathComponent("state"))
                throw Interrupted()
            }
        }
        #expect(try folder.contents() == [".run.incomplete", "run"])
        #expect(try Data(contentsOf: run.appendingPathComponent("metrics.json")) == Data("old".utf8))
        #expect(notes.last?.contains("continue it with --resume") == true, "\(notes)")
        #expect(!FileManager.default.fileExists(atPath: checkpointed.workingDirectory.appendingPathComponent(RunLock.fileName).path))

        // A fresh claim does not discard it silently; --overwrite does, with a note.
        let refusal = try #require(throws: RunFolderError.self) { try RunFolder.claim(run.path, command: "prune", overwrite: false, resumable: true) }
        #expect(refusal.kind == .holdsAnotherRun)
        try FileManager.default.removeItem(at: run)
        let unfinished = try #require(throws: RunFolderError.self) { try RunFolder.claim(run.path, command: "prune", overwrite: false, resumable: true) }
        #expect(unfinished.kind == .unfinishedRun && unfinished.description.contains("--resume"))

        // --resume continues it; it was started with --overwrite, so finishing may replace what is in the folder.
        let resumed = try RunFolder.resume(run.path, command: "prune")
        #expect(resumed.isResumed)
        #expect(try Data(contentsOf: resumed.checkpointDirectory.appendingPathComponent("state")) == Data("epoch 1".utf8))
        try resumed.run { try Data("done".utf8).write(to: $0.appendingPathComponent("pruned.safetensors")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == [RunFolder.markerFileName, "pruned.safetensors"])
        #expect(try folder.contents() == ["run"])
    }

    @Test func resumeSaysWhyThereIsNothingToResume() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try Self.earlierRun(in: folder)
        try FileManager.default.createDirectory(at: folder.file("empty"), withIntermediateDirectories: false)
        for (path, expected) in [("missing", "missing does not exist; nothing to resume"),
                                 ("run", "run is a finished run; nothing to resume"),
                                 ("empty", "holds no unfinished shears run")] {
            let refusal = try #require(throws: RunFolderError.self) { try RunFolder.resume(folder.file(path).path, command: "prune") }
            #expect(refusal.kind == .nothingToResume && refusal.description.contains(expected), "\(refusal)")
        }
        // An unfinished run without a checkpoint (killed before its first epoch ended).
        let working = RunFolder.workingDirectory(for: folder.file("early"))
        try FileManager.default.createDirectory(at: working, withIntermediateDirectories: false)
        let refusal = try #require(throws: RunFolderError.self) { try RunFolder.resume(folder.file("early").path, command: "prune") }
        #expect(refusal.kind == .nothingToResume && refusal.description.contains("has no checkpoint"))
        #expect(!FileManager.default.fileExists(atPath: working.appendingPathComponent(RunLock.fileName).path))
        _ = run
    }

    @Test func reuseEarlierFilesCarriesACacheOverAndLeavesTheOldRunIntact() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try Self.earlierRun(in: folder)
        try Data("dense".utf8).write(to: run.appendingPathComponent("dense-seed0.safetensors"))
        let claimed = try RunFolder.claim(run.path, command: "compare", overwrite: true)
        #expect(claimed.reuseEarlierFiles { $0.hasPrefix("dense-seed") } == ["dense-seed0.safetensors"])
        #expect(try Data(contentsOf: claimed.workingDirectory.appendingPathComponent("dense-seed0.safetensors")) == Data("dense".utf8))
        claimed.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
                == [RunFolder.markerFileName, "dense-seed0.safetensors", "metrics.json"])
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores folder permissions"))
    func aReadOnlyParentIsRefusedAtClaimTime() throws {
        let folder = try TemporaryFolder()
        defer {
            chmod(folder.file("locked").path, 0o755)
            folder.remove()
        }
        try FileManager.default.createDirectory(at: folder.file("locked"), withIntermediateDirectories: false)
        #expect(chmod(folder.file("locked").path, 0o555) == 0)
        let refusal = try #require(throws: RunFolderError.self) {
            try RunFolder.claim(folder.file("locked/out").path, command: "train", overwrite: false)
        }
        #expect(refusal.kind == .notWritable && refusal.description.hasPrefix("cannot write to") && refusal.description.hasSuffix("permission denied"))
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores file permissions"))
    func aWriteProtectedEarlierRunIsNotReplaced() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try Self.earlierRun(in: folder)
        #expect(chmod(run.appendingPathComponent("metrics.json").path, 0o444) == 0)
        let refusal = try #require(throws: RunFolderError.self) { try RunFolder.claim(run.path, command: "train", overwrite: true) }
        #expect(refusal.kind == .notWritable && refusal.description.contains("metrics.json is write-protected"))
    }
}
