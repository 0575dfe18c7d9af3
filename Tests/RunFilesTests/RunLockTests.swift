import Foundation
import Testing
@testable import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lock file of a run folder: taken once, refused while its owner lives, taken over when it has ended.
@Suite struct RunLockTests {
    /// The pid of a process that has ended and been reaped, so `kill(pid, 0)` answers ESRCH.
    static func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 0"]
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    static func writeLock(_ owner: RunLock.Owner, at url: URL) throws {
        try JSONEncoder().encode(owner).write(to: url)
    }

    @Test func aLockIsTakenOnceAndReleased() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file(RunLock.fileName)
        let lock = try RunLock.acquire(at: url)
        #expect(RunLock.state(at: url) == .held(lock.owner))
        let refusal = try #require(throws: RunFolderError.self) { try RunLock.acquire(at: url) }
        #expect(refusal.kind == .locked && refusal.description.contains("another shears run (pid \(getpid()) on "))
        lock.release()
        lock.release()
        #expect(RunLock.state(at: url) == .free)
        // No temporary file is left behind by either attempt.
        #expect(try folder.contents().isEmpty)
    }

    @Test func aStaleLockOfAnEndedProcessIsReportedAndTakenOver() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file(RunLock.fileName)
        let dead = RunLock.Owner(pid: try Self.deadProcessID(), host: RunLock.hostName(), token: "old")
        try Self.writeLock(dead, at: url)
        #expect(RunLock.state(at: url) == .stale(dead))

        var notes: [String] = []
        let lock = try RunLock.acquire(at: url) { notes.append($0) }
        #expect(notes.count == 1 && notes[0].contains("stale lock of pid \(dead.pid)") && notes[0].contains("has ended"), "\(notes)")
        #expect(RunLock.state(at: url) == .held(lock.owner))
        lock.release()
        #expect(try folder.contents().isEmpty)
    }

    @Test func aLockFromAnotherHostOrUnreadableIsNotTakenOver() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file(RunLock.fileName)
        let remote = RunLock.Owner(pid: try Self.deadProcessID(), host: RunLock.hostName() + "-elsewhere", token: "r")
        try Self.writeLock(remote, at: url)
        let refusal = try #require(throws: RunFolderError.self) { try RunLock.acquire(at: url) }
        #expect(refusal.kind == .locked && refusal.description.contains("-elsewhere") && refusal.description.contains("delete"))

        try Data("garbage".utf8).write(to: url)
        let unreadable = try #require(throws: RunFolderError.self) { try RunLock.acquire(at: url) }
        #expect(unreadable.kind == .locked && unreadable.description.contains("not a lock shears can read"))
        #expect(try Data(contentsOf: url) == Data("garbage".utf8))
    }

    @Test func releaseLeavesSomeoneElsesLockAlone() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let url = folder.file(RunLock.fileName)
        let lock = try RunLock.acquire(at: url)
        let other = RunLock.Owner(pid: getpid(), host: RunLock.hostName(), token: "another")
        try Self.writeLock(other, at: url)
        lock.release()
        #expect(RunLock.state(at: url) == .held(other))
    }
}
