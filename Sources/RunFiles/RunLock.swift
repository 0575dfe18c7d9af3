import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock file that keeps two processes out of one run folder.
///
/// The lock file holds the owner's process id, host name and a random token as one line of JSON. It appears with
/// its contents complete: the owner writes a private temporary file and hard-links it to the lock's name, which
/// fails when a lock is already there. A lock whose process is gone is *stale*: its host is this host and
/// `kill(pid, 0)` answers `ESRCH`. A stale lock is taken over (and the caller is told); a live one, or one from
/// another host (whose process cannot be checked from here), is refused.
///
/// ```swift
/// let lock = try RunLock.acquire(at: folder.appendingPathComponent(RunLock.fileName)) { print($0) }
/// defer { lock.release() }
/// ```
public final class RunLock {
    /// The lock's file name inside the folder it guards.
    public static let fileName = ".shears.lock"

    /// Who holds a lock.
    public struct Owner: Codable, Equatable, Sendable, CustomStringConvertible {
        /// The owner's process id.
        public var pid: Int32
        /// The host the owner runs on (`gethostname`).
        public var host: String
        /// A random token that tells two owners with the same pid apart.
        public var token: String

        /// The owner that is this process.
        public static func current() -> Owner {
            Owner(pid: getpid(), host: RunLock.hostName(), token: UUID().uuidString)
        }

        public var description: String { "pid \(pid) on \(host)" }
    }

    /// What is found at a lock's path.
    public enum State: Equatable, Sendable {
        /// No lock file.
        case free
        /// A lock whose owner is alive, or on another host (which cannot be checked from here).
        case held(Owner)
        /// A lock whose owner was on this host and has ended.
        case stale(Owner)
        /// A file that is not a lock this library wrote (or that cannot be read).
        case unreadable(String)
    }

    /// Where the lock file is now (it moves with its folder: see ``moved(to:)``).
    public private(set) var url: URL
    /// This process's entry in the lock file.
    public let owner: Owner
    private var held = true

    private init(url: URL, owner: Owner) {
        self.url = url
        self.owner = owner
    }

    /// Takes the lock at `url`, taking over a stale one.
    /// - Parameters:
    ///   - url: The lock file's path; its folder must exist.
    ///   - note: Told, in one line, when a stale lock is taken over.
    /// - Throws: ``RunFolderError`` (`.locked`) when a live or unreadable lock is there, (`.notWritable`) when the
    ///   folder does not take new files.
    public static func acquire(at url: URL, note: (String) -> Void = { _ in }) throws -> RunLock {
        let owner = Owner.current()
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent("\(fileName).\(owner.token).tmp")
        var data = try JSONEncoder().encode(owner)
        data.append(UInt8(ascii: "\n"))
        try writeNew(data, to: temporary, folder: folder)
        defer { unlink(temporary.path) }

        // A few rounds: a stale lock taken over by someone else at the same moment sends us round again.
        for _ in 0..<4 {
            if link(temporary.path, url.path) == 0 { return RunLock(url: url, owner: owner) }
            let code = errno
            guard code == EEXIST else {
                throw RunFolderError(.notWritable, folder: folder.path,
                                     "cannot create the lock file \(RunFolder.shown(url)): \(RunFolderError.reason(code))")
            }
            switch state(at: url) {
            case .free:
                continue
            case .held(let holder):
                throw RunFolderError(.locked, folder: folder.path,
                                     "another shears run (\(holder)) is using \(RunFolder.shown(folder)); wait for it to end, or, if it is gone, delete \(RunFolder.shown(url))")
            case .unreadable(let why):
                throw RunFolderError(.locked, folder: folder.path,
                                     "\(RunFolder.shown(url)) is not a lock shears can read (\(why)); if no run is using the folder, delete it")
            case .stale(let holder):
                if try takeOver(url, from: holder) {
                    note("taking over the stale lock of \(holder) in \(RunFolder.shown(folder)): that process has ended")
                }
            }
        }
        throw RunFolderError(.locked, folder: folder.path, "cannot take the lock \(RunFolder.shown(url)): other processes keep taking it")
    }

    /// What is at `url` now.
    public static func state(at url: URL) -> State {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            var info = stat()
            return lstat(url.path, &info) == 0 ? .unreadable("cannot be read") : .free
        }
        guard let holder = try? JSONDecoder().decode(Owner.self, from: data) else { return .unreadable("not a shears lock") }
        return isAlive(holder) ? .held(holder) : .stale(holder)
    }

    /// Whether a lock's owner may still run: true unless it was on this host and its process is gone.
    public static func isAlive(_ holder: Owner) -> Bool {
        guard holder.host == hostName() else { return true }
        if holder.pid == getpid() { return true }
        return kill(holder.pid, 0) == 0 || errno != ESRCH
    }

    /// Tells the lock that its folder was renamed, so that ``release()`` finds it.
    public func moved(to newURL: URL) { url = newURL }

    /// Removes the lock file if it is still this process's; idempotent.
    public func release() {
        guard held else { return }
        held = false
        if let data = FileManager.default.contents(atPath: url.path),
           let holder = try? JSONDecoder().decode(Owner.self, from: data), holder == owner {
            unlink(url.path)
        }
    }

    /// Moves a stale lock out of the way; false if it changed meanwhile (someone else took it over first).
    private static func takeOver(_ url: URL, from holder: Owner) throws -> Bool {
        let aside = url.deletingLastPathComponent().appendingPathComponent("\(fileName).\(UUID().uuidString).stale")
        guard rename(url.path, aside.path) == 0 else { return false }
        defer { unlink(aside.path) }
        let moved = FileManager.default.contents(atPath: aside.path).flatMap { try? JSONDecoder().decode(Owner.self, from: $0) }
        if moved != holder {
            // We moved a fresh lock taken by another process between our read and our rename: put it back.
            _ = link(aside.path, url.path)
            return false
        }
        return true
    }

    /// Creates `url` with `data` (it must not exist) and flushes it.
    private static func writeNew(_ data: Data, to url: URL, folder: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunFolderError(.notWritable, folder: folder.path, "cannot write to \(RunFolder.shown(folder)): \(RunFolderError.reason(errno))")
        }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == data.count else {
            let code = errno
            unlink(url.path)
            throw RunFolderError(.notWritable, folder: folder.path, "cannot write to \(RunFolder.shown(folder)): \(RunFolderError.reason(code))")
        }
        _ = fsync(descriptor)
    }

    /// This machine's host name.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(cString: buffer)
    }
}
