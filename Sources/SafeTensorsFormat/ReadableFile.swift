import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file opened for reading by offset, so that a reader can check a header against the file's size
/// before it reads (or allocates for) anything else. The descriptor closes when the value is released.
///
/// Opening checks the file's type first: a folder, a FIFO (whose `open` would block until a writer comes) or a
/// device is refused by name, and no operating-system error text reaches the user.
final class ReadableFile {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// Opens `url` for reading.
    /// - Parameters:
    ///   - url: the file.
    ///   - expected: what the file should be, for messages ("a .safetensors file").
    /// - Throws: ``CheckpointError`` of kind `unreadable` naming the file.
    init(_ url: URL, expected: String) throws {
        path = url.path
        let path = self.path
        func unreadable(_ detail: String) -> CheckpointError {
            CheckpointError(file: path, kind: .unreadable, detail: detail)
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw unreadable("does not exist; expected \(expected)") }
            throw unreadable("cannot be read: \(Self.describe(code))")
        }
        if let problem = Self.problem(withMode: status.st_mode, expected: expected) { throw unreadable(problem) }
        // O_NONBLOCK keeps a FIFO swapped in after the check from blocking the open; it does nothing to a regular file.
        let opened = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard opened >= 0 else { throw unreadable("cannot be read: \(Self.describe(errno))") }
        var openedStatus = stat()
        guard fstat(opened, &openedStatus) == 0 else {
            let code = errno
            close(opened)
            throw unreadable("cannot be read: \(Self.describe(code))")
        }
        if let problem = Self.problem(withMode: openedStatus.st_mode, expected: expected) {
            close(opened)
            throw unreadable(problem)
        }
        descriptor = opened
        size = Int(openedStatus.st_size)
    }

    deinit { close(descriptor) }

    /// Exactly `count` bytes from `offset`.
    /// - Throws: ``CheckpointError`` naming the file when it cannot be read or ends early (it changed since it
    ///   was opened).
    func read(offset: Int, count: Int) throws -> Data {
        var data = Data(count: count)
        let path = self.path
        let done = try data.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var done = 0
            while done < count {
                let result = pread(descriptor, base + done, count - done, off_t(offset + done))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw CheckpointError(file: path, kind: .unreadable, detail: "cannot be read: \(Self.describe(errno))")
                }
                if result == 0 { break }
                done += result
            }
            return done
        }
        guard done == count else {
            throw CheckpointError(file: path, kind: .truncated,
                                  detail: "the file ended at byte \(offset + done) while reading bytes \(offset)..<\(offset + count) (it changed while being read)")
        }
        return data
    }

    /// Why a file of this mode cannot be read as `expected`, or nil for a regular file.
    private static func problem(withMode mode: mode_t, expected: String) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder; expected \(expected)"
        case S_IFIFO: return "is not a regular file (it is a FIFO); expected \(expected)"
        case S_IFSOCK: return "is not a regular file (it is a socket); expected \(expected)"
        default: return "is not a regular file (it is a device); expected \(expected)"
        }
    }

    /// Words for an `errno` value, e.g. "permission denied".
    static func describe(_ code: Int32) -> String {
        code == EACCES || code == EPERM ? "permission denied" : String(cString: strerror(code)).lowercased()
    }
}
