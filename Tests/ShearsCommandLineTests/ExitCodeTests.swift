import SparsityConstraints
import _TestSupport
import ArgumentParser
import Foundation
import Shears
import Testing
@testable import ShearsCommandLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exit statuses (0 ok, 1 the run failed, 2 bad input or usage) and plain messages, asserted in-process.
@Suite("shears: exit codes and messages", .serialized)
struct ExitCodeTests {
    /// Texts of Foundation's error domains that must never reach the user.
    static let foundationTexts = ["Domain", "NSCocoaErrorDomain", "NSPOSIXErrorDomain", "The operation could not be completed"]

    static func expectPlain(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in foundationTexts {
            #expect(!message.contains(text), "message quotes Foundation: \(message)", sourceLocation: sourceLocation)
        }
    }

    /// The error `shears ARGUMENTS` throws when parsed (usage errors) or run.
    static func error(_ arguments: [String]) throws -> any Error {
        do {
            try CLI.run(arguments)
        } catch {
            return error
        }
        throw Failure("shears \(arguments.joined(separator: " ")) did not fail")
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    @Test("usage errors exit 2 with the message and a one-line hint, not 64 with a usage block")
    func usageErrors() throws {
        let cases: [([String], String)] = [
            (["prune", "--weights", "w", "--bogus"], "Unknown option '--bogus'"),
            (["train", "--epochs"], "Missing value for '--epochs <epochs>'"),
            (["train", "--epochs", "many", "--out", "x"], "The value 'many' is invalid for '--epochs <epochs>'"),
            (["train"], "Missing expected argument '--out <out>'"),
            (["frobnicate"], "Unexpected argument 'frobnicate'"),
        ]
        for (arguments, expected) in cases {
            let error = try Self.error(arguments)
            #expect(ShearsCommand.exitCode(for: error) == 2, "\(arguments)")
            let message = ShearsCommand.message(for: error)
            #expect(message.contains(expected) && !message.contains("Usage:") && !message.contains("\n"), "\(message)")
            let hint = try #require(ShearsCommand.hint(for: error, arguments: arguments))
            #expect(!hint.contains("\n"))
            if arguments[0] != "frobnicate" { #expect(hint.contains("shears \(arguments[0]) --help"), "\(hint)") }
        }
        #expect(ShearsCommand.exitCode(for: try Self.error(["--help"])) == 0)
        #expect(ShearsCommand.exitCode(for: try Self.error(["prune", "--help"])) == 0)
    }

    @Test("negative numbers are values: --sparsity -0.1 is refused as out of range, not as a missing value")
    func negativeValues() throws {
        try withTemporaryDirectory { directory in
            let weights = directory.appendingPathComponent("mlp.safetensors")
            try CLI.writeInitialWeights(model: "mlp", to: weights)
            let common = ["prune", "--model", "mlp", "--dataset", "synthetic", "--weights", weights.path,
                          "--out", directory.appendingPathComponent("out").path]
            for flags in [["--sparsity", "-0.1"], ["--sparsity=-0.1"]] {
                let error = try Self.error(common + flags)
                let message = ShearsCommand.message(for: error)
                #expect(message.contains("sparsity is -0.1; expected a value in [0, 1)") && !message.contains("Missing value"), "\(message)")
                #expect(ShearsCommand.exitCode(for: error) == 2)
                #expect(ShearsCommand.hint(for: error, arguments: common + flags) == nil)
            }
            let epochs = try Self.error(common + ["--retrain-epochs", "-1"])
            #expect(ShearsCommand.message(for: epochs).contains("retraining epochs must be ≥ 0, got -1"))
            #expect(CLI.files(under: directory) == ["mlp.safetensors"])
        }
    }

    @Test("out-of-range rates and penalties are refused by name with the allowed range, before the run")
    func ranges() throws {
        try withTemporaryDirectory { directory in
            let weights = directory.appendingPathComponent("mlp.safetensors")
            try CLI.writeInitialWeights(model: "mlp", to: weights)
            let out = directory.appendingPathComponent("out").path
            let prune = ["prune", "--model", "mlp", "--dataset", "synthetic", "--weights", weights.path, "--out", out]
            let train = ["train", "--model", "mlp", "--dataset", "synthetic", "--out", out]
            let cases: [([String], String)] = [
                (prune + ["--method", "slr", "--rho", "1e30"], "--rho is 1e+30; expected a value in (0, 100]"),
                (prune + ["--method", "admm", "--option", "rho=-1"], "--rho is -1.0; expected a value in (0, 100]"),
                (prune + ["--method-lr", "1e30"], "--method-lr is 1e+30; expected a value in (0, 10]"),
                (prune + ["--retrain-lr", "0"], "--retrain-lr is 0.0; expected a value in (0, 10]"),
                (train + ["--weight-decay", "1e30"], "--weight-decay is 1e+30; expected a value in [0, 1]"),
                (train + ["--weight-decay", "-0.5"], "--weight-decay is -0.5; expected a value in [0, 1]"),
                (train + ["--lr", "nan"], "--lr is nan; expected a value in (0, 10]"),
            ]
            for (arguments, expected) in cases {
                let error = try Self.error(arguments)
                #expect(ShearsCommand.message(for: error) == expected, "\(arguments)")
                #expect(ShearsCommand.exitCode(for: error) == 2)
            }
            #expect(CLI.files(under: directory) == ["mlp.safetensors"])
        }
    }

    @Test("errors of a run that started exit 1; errors about the input exit 2")
    func classification() {
        let failed: [any Error] = [
            PruningError.diverged("slr epoch 1: the loss is nan"),
            PruningError.verificationFailed("fc1.weight"),
            AtomicFileError(file: "runs/a/metrics.json", detail: "cannot write 10 bytes: no space left on device"),
            TensorError.lapackFailure(routine: "sgesv", info: 1, hint: ""),
            RunFolderError(.commitFailed, folder: "runs/a", "cannot move"),
            CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "runs/a/report.html"]),
            NSError(domain: NSPOSIXErrorDomain, code: Int(EIO)),
        ]
        for error in failed { #expect(ShearsCommand.exitCode(for: error) == 1, "\(error)") }
        let bad: [any Error] = [
            ValidationError("--threads must be at least 1, got 0"),
            PruningError.invalidOption("x"), PruningError.unknownMethod("obs", known: ["slr"]),
            DatasetError.malformedFile(path: "train.idx", reason: "short"),
            CheckpointError(file: "w.safetensors", kind: .invalidHeader, detail: "bad"),
            RunFolderError(.holdsAnotherRun, folder: "runs/a", "holds an earlier run"),
            RunFolderError(.locked, folder: "runs/a", "another shears run"),
            ConstraintError.invalidSparsity("1.5"),
            CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "missing.safetensors"]),
            NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES), userInfo: [NSFilePathErrorKey: "secret.yaml"]),
        ]
        for error in bad { #expect(ShearsCommand.exitCode(for: error) == 2, "\(error)") }
    }

    @Test("Foundation errors are told in plain words, naming the file")
    func foundationMessages() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("missing.safetensors").path
            let cases: [(any Error, String)] = [
                (CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: missing]), "cannot read \(missing): no such file"),
                (CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "runs/a/report.html"]),
                 "no space left on device while writing runs/a/report.html"),
                (NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC), userInfo: [NSFilePathErrorKey: "runs/a/m.json"]),
                 "no space left on device while writing runs/a/m.json"),
                (CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "runs/a/m.json"]), "cannot write runs/a/m.json: permission denied"),
                (CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: directory.path]), "cannot read \(directory.path): it is a folder, expected a file"),
            ]
            for (error, expected) in cases {
                let message = ShearsCommand.message(for: error)
                #expect(message == expected)
                Self.expectPlain(message)
            }
            let quoted = ShearsCommand.plainText("cannot read x: Error Domain=NSCocoaErrorDomain Code=4 \"gone\" UserInfo={NSFilePath=x}")
            #expect(quoted == "cannot read x: system error 4")
            #expect(ShearsCommand.plainText("x: The operation could not be completed. (NSCocoaErrorDomain error 256.)") == "x: system error 256")

            let fifo = directory.appendingPathComponent("fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            #expect(FileDiagnosis.whyUnreadable(fifo) == "it is a pipe (FIFO), expected a regular file")
        }
    }

    @Test("a folder or a missing file as weights or experiment gives a plain message naming it, exit 2")
    func unreadableInputs() throws {
        try withTemporaryDirectory { directory in
            let folder = directory.appendingPathComponent("folder")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            let missing = directory.appendingPathComponent("missing.safetensors")
            let cases: [([String], String)] = [
                (["evaluate", "--model", "mlp", "--dataset", "synthetic", "--weights", folder.path], folder.path),
                (["evaluate", "--model", "mlp", "--dataset", "synthetic", "--weights", missing.path], missing.path),
                (["compare", "--experiment", folder.path, "--out", directory.appendingPathComponent("out").path], folder.path),
                (["compare", "--experiment", missing.path, "--out", directory.appendingPathComponent("out").path], missing.path),
            ]
            for (arguments, culprit) in cases {
                let error = try Self.error(arguments)
                let message = ShearsCommand.message(for: error)
                #expect(message.contains(culprit), "\(message)")
                #expect(message.contains("is a folder") || message.contains("no such file"), "\(message)")
                Self.expectPlain(message)
                #expect(ShearsCommand.exitCode(for: error) == 2, "\(message)")
            }
        }
    }
}
