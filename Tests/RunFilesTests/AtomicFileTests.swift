import Foundation
import Testing
@testable import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct AtomicFileTests {
    struct Metrics: Encodable {
        var loss: Double
        var path: String
        var accuracy: Double
    }

    @Test func writeCreatesAndReplacesAFileLeavingNothingElse() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("status.txt")
        try AtomicFile.write(Data("first".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("first".utf8))
        try AtomicFile.write(Data("second, longer".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("second, longer".utf8))
        try AtomicFile.write(Data(), to: url)
        #expect(try Data(contentsOf: url).isEmpty)
        #expect(try folder.contents() == ["status.txt"])
    }

    @Test func writeJSONIsPrettySortedAndEndsWithANewline() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("metrics.json")
        try AtomicFile.writeJSON(Metrics(loss: 0.5, path: "runs/a", accuracy: 1), to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == "{\n  \"accuracy\" : 1,\n  \"loss\" : 0.5,\n  \"path\" : \"runs/a\"\n}\n")
    }

    @Test func aValueThatCannotBeEncodedLeavesTheOldFileIntact() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("metrics.json")
        try AtomicFile.writeJSON(Metrics(loss: 0.5, path: "a", accuracy: 1), to: url)
        let before = try Data(contentsOf: url)

        let error = try #require(throws: AtomicFileError.self) {
            try AtomicFile.writeJSON(Metrics(loss: .nan, path: "b", accuracy: 1), to: url)
        }
        #expect(error.description.contains("metrics.json"))
        #expect(try Data(contentsOf: url) == before)
        #expect(try folder.contents() == ["metrics.json"])
    }

    @Test func aFailureBeforeTheRenameRemovesTheTemporaryFile() throws {
        struct Interrupted: Error {}
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("model.safetensors")
        try AtomicFile.write(Data("old".utf8), to: url)

        var sawTemporary = false
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(Data("new".utf8), to: url) { temporary in
                // The complete new contents sit beside the target, under a hidden name.
                sawTemporary = (try? Data(contentsOf: temporary)) == Data("new".utf8)
                    && temporary.deletingLastPathComponent().standardizedFileURL.path == folder.url.standardizedFileURL.path
                    && temporary.lastPathComponent.hasPrefix(".model.safetensors.")
                throw Interrupted()
            }
        }
        #expect(sawTemporary)
        #expect(try Data(contentsOf: url) == Data("old".utf8))
        #expect(try folder.contents() == ["model.safetensors"])
    }

    @Test func aDirectoryInTheWayIsAnErrorAndStaysIntact() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("report")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: url.appendingPathComponent("inside.txt"))

        let error = try #require(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: url) }
        #expect(error.file.hasSuffix("report"))
        #expect(try Data(contentsOf: url.appendingPathComponent("inside.txt")) == Data("keep".utf8))
        #expect(try folder.contents() == ["report"])
    }

    @Test func aMissingDirectoryIsAnErrorNamingTheFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.url.appendingPathComponent("no-such-folder/metrics.json")
        let error = try #require(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: url) }
        #expect(error.description.contains("no-such-folder/metrics.json"))
        #expect(try folder.contents().isEmpty)
    }

    @Test(.enabled(if: geteuid() != 0, "root ignores directory permissions"))
    func aReadOnlyDirectoryLeavesTheOldFileIntact() throws {
        let folder = try TemporaryFolder()
        defer {
            chmod(folder.url.path, 0o755)
            folder.remove()
        }
        let url = folder.file("weights.safetensors")
        try AtomicFile.write(Data("old".utf8), to: url)
        #expect(chmod(folder.url.path, 0o555) == 0)

        let error = try #require(throws: AtomicFileError.self) { try AtomicFile.write(Data("new".utf8), to: url) }
        #expect(error.description.contains("weights.safetensors"))
        #expect(try Data(contentsOf: url) == Data("old".utf8))
        #expect(try folder.contents() == ["weights.safetensors"])
    }

    @Test func replacingAFileKeepsItsPermissions() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file("private.json")
        try AtomicFile.write(Data("a".utf8), to: url)
        #expect(chmod(url.path, 0o600) == 0)
        try AtomicFile.write(Data("b".utf8), to: url)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }
}
