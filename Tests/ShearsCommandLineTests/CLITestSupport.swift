import _TestSupport
import ArgumentParser
import Foundation
import Shears
import Testing
@testable import ShearsCommandLine

/// Helpers for running `shears` commands in-process.
enum CLI {
    /// One command at a time in the whole test process: `output` swaps the process's stdout, so a command of
    /// another suite running meanwhile would print into (or out of) the capture.
    private static let exclusive = NSRecursiveLock()

    /// Parses `arguments` as the `shears` command line and runs the command.
    static func run(_ arguments: [String]) throws {
        exclusive.lock()
        defer { exclusive.unlock() }
        var command = try ShearsCommand.parseAsRoot(arguments)
        try command.run()
    }

    /// The text `shears` would print for an error.
    static func message(for error: any Error) -> String { ShearsCommand.message(for: error) }

    /// Runs a command that must fail; returns the exit status and message `shears` would give (status 0 and an
    /// empty message when it did not fail).
    static func failure(_ arguments: [String]) -> (code: Int32, message: String) {
        do {
            _ = try output(arguments)
            return (0, "")
        } catch {
            return (ShearsCommand.exitCode(for: error), ShearsCommand.message(for: error))
        }
    }

    /// Runs a command and returns what it printed on standard output (the command's own output only: the
    /// suites that call this run serialized).
    static func output(_ arguments: [String]) throws -> String {
        exclusive.lock()
        defer { exclusive.unlock() }
        fflush(stdout)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shears-stdout-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: file) }
        let handle = try FileHandle(forWritingTo: file)
        let saved = dup(STDOUT_FILENO)
        dup2(handle.fileDescriptor, STDOUT_FILENO)
        var thrown: (any Error)?
        do { try run(arguments) } catch { thrown = error }
        fflush(stdout)
        dup2(saved, STDOUT_FILENO)
        close(saved)
        try handle.close()
        if let thrown { throw thrown }
        return String(decoding: try Data(contentsOf: file), as: UTF8.self)
    }

    /// The JSON object in a command's output (from the first `{` or `[` to the end).
    static func json<T: Decodable>(_ type: T.Type, from output: String) throws -> T {
        let start = try #require(output.firstIndex { $0 == "{" || $0 == "[" })
        return try JSONDecoder().decode(T.self, from: Data(output[start...].utf8))
    }

    /// Writes the randomly initialised weights of a zoo model shaped for 28×28 grey images and 10 classes.
    static func writeInitialWeights(model name: String, to url: URL) throws {
        let model = try ModelZoo.make(name: name, classes: 10, inputChannels: 1, inputSize: 28, seed: 1)
        var state: [String: Tensor] = [:]
        for (key, tensor) in model.stateDict() { state[key] = tensor }
        try SafeTensors.writeFloatTensors(state, to: url)
    }

    /// The files under a folder (recursively), or nil when the folder does not exist.
    static func files(under url: URL) -> [String]? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return (FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String]) ?? []
    }
}
