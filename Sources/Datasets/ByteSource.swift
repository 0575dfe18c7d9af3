import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes that can be read at any offset without holding all of them: an open file or a `Data` value.
///
/// The readers check a file's size against its header before they read the payload, so a huge or lying file
/// costs at most what its header is allowed to claim.
protocol ByteSource {
    /// The number of bytes the source holds.
    var size: Int { get }
    /// Fills `buffer` from `offset` on and returns how many bytes were copied (fewer only at the end).
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Up to `count` bytes from `offset` (fewer only at the end of the source).
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        let wanted = max(0, min(count, size - offset))
        return try [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
            initialized = 0
            initialized = try read(at: offset, into: UnsafeMutableRawBufferPointer(buffer))
        }
    }
}

/// In-memory bytes, so that the byte-level entry points share the file readers' code.
struct MemoryBytes: ByteSource {
    let data: Data

    var size: Int { data.count }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = max(0, min(buffer.count, data.count - offset))
        guard count > 0 else { return 0 }
        let start = data.startIndex + offset
        data.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: start..<(start + count))
        return count
    }
}

/// A regular file opened for reading; the descriptor closes when the value is released.
///
/// Opening checks the file's type first, so a folder, a FIFO (whose `open` would block until a writer comes) or
/// a device is refused by name instead of hanging or failing with an operating-system error text.
final class RegularFile: ByteSource {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// Opens `url` for reading.
    /// - Parameters:
    ///   - url: the file.
    ///   - missingHint: what a "missing file" error tells the user.
    /// - Throws: `DatasetError` naming the file when it is missing, not a regular file, or unreadable.
    init(_ url: URL, missingHint: String) throws {
        path = url.path
        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw DatasetError.missingFile(path: path, hint: missingHint) }
            throw DatasetError.malformedFile(path: path, reason: "cannot be read: \(Self.describe(code))")
        }
        try Self.requireRegular(status.st_mode, path: path)
        // O_NONBLOCK keeps a FIFO swapped in after the check from blocking the open; it does nothing to a regular file.
        let opened = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard opened >= 0 else {
            throw DatasetError.malformedFile(path: path, reason: "cannot be read: \(Self.describe(errno))")
        }
        var openedStatus = stat()
        guard fstat(opened, &openedStatus) == 0 else {
            let code = errno
            close(opened)
            throw DatasetError.malformedFile(path: path, reason: "cannot be read: \(Self.describe(code))")
        }
        do {
            try Self.requireRegular(openedStatus.st_mode, path: path)
        } catch {
            close(opened)
            throw error
        }
        descriptor = opened
        size = Int(openedStatus.st_size)
    }

    deinit { close(descriptor) }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let result = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                throw DatasetError.malformedFile(path: path, reason: "cannot be read: \(Self.describe(errno))")
            }
            if result == 0 { break }
            done += result
        }
        return done
    }

    /// Throws unless `mode` is that of a regular file, naming what the path is instead.
    private static func requireRegular(_ mode: mode_t, path: String) throws {
        switch mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw DatasetError.malformedFile(path: path, reason: "is a folder; expected a data file")
        case S_IFIFO: throw DatasetError.malformedFile(path: path, reason: "is not a regular file (it is a FIFO); expected a data file")
        case S_IFSOCK: throw DatasetError.malformedFile(path: path, reason: "is not a regular file (it is a socket); expected a data file")
        default: throw DatasetError.malformedFile(path: path, reason: "is not a regular file (it is a device); expected a data file")
        }
    }

    /// Words for an `errno` value, e.g. "permission denied".
    static func describe(_ code: Int32) -> String {
        code == EACCES || code == EPERM ? "permission denied" : String(cString: strerror(code)).lowercased()
    }
}
