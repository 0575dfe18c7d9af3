import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file could not be written; the message names the file and the reason.
public struct AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The path of the file that was to be written.
    public let file: String
    /// What failed and why.
    public let detail: String

    /// Creates an error about writing `file`.
    public init(file: String, detail: String) {
        self.file = file
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
    public var errorDescription: String? { description }
}

/// Writes files so that readers see either the old contents or the new ones, never a partial file.
///
/// The data goes to a temporary file in the target's directory (same file system, so the final rename is atomic),
/// is flushed to disk with `fsync`, and is renamed over the target. On any failure the temporary file is removed
/// and the target is left as it was. An existing target's permission bits carry over to the new file.
/// A symbolic link at the target is replaced by a regular file, not followed.
///
/// ```swift
/// try AtomicFile.write(Data("done\n".utf8), to: runFolder.appendingPathComponent("STATUS"))
/// try AtomicFile.writeJSON(metrics, to: runFolder.appendingPathComponent("metrics.json"))
/// ```
public enum AtomicFile {
    /// Replaces (or creates) the file at `url` with `data`, atomically.
    /// - Parameters:
    ///   - data: the complete new contents.
    ///   - url: a file URL whose directory exists.
    /// - Throws: ``AtomicFileError`` naming the file when any step fails; the target is then untouched.
    public static func write(_ data: Data, to url: URL) throws {
        try write(data, to: url, beforeRename: { _ in })
    }

    /// Encodes `value` as pretty-printed JSON with sorted keys (dates as ISO 8601, a final newline) and writes it
    /// atomically. Nothing is written when encoding fails.
    /// - Parameters:
    ///   - value: the value to encode.
    ///   - url: a file URL whose directory exists.
    /// - Throws: ``AtomicFileError`` naming the file when encoding or writing fails.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw AtomicFileError(file: url.path, detail: "cannot encode \(T.self) as JSON: \(error)")
        }
        data.append(UInt8(ascii: "\n"))
        try write(data, to: url)
    }

    /// The implementation; `beforeRename` runs once the temporary file is complete, so tests can fail there.
    static func write(_ data: Data, to url: URL, beforeRename: (URL) throws -> Void) throws {
        precondition(url.isFileURL, "AtomicFile writes local files only, not \(url)")
        let target = url.standardizedFileURL
        let directory = target.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        func failure(_ what: String, _ code: Int32 = errno) -> AtomicFileError {
            AtomicFileError(file: target.path, detail: "\(what): \(String(cString: strerror(code)))")
        }

        // 0o666 lets the umask decide, as for any newly created file.
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw failure("cannot create a temporary file in \(directory.path)")
        }
        var descriptorOpen = true
        var renamed = false
        defer {
            if descriptorOpen { close(descriptor) }
            if !renamed { unlink(temporary.path) }
        }

        var existing = stat()
        if lstat(target.path, &existing) == 0 {
            if (existing.st_mode & S_IFMT) == S_IFDIR {
                throw AtomicFileError(file: target.path, detail: "a directory is in the way of the file")
            }
            // Keep the permission bits of the file being replaced.
            _ = fchmod(descriptor, existing.st_mode & 0o7777)
        }

        try data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = Foundation.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write \(raw.count) bytes")
                }
                written += result
            }
        }
        // Flush before the rename, so that after a crash the name points at complete data. File systems that
        // cannot fsync (EINVAL) still get the atomic rename.
        if fsync(descriptor) != 0 && errno != EINVAL {
            throw failure("cannot flush the data to disk")
        }
        descriptorOpen = false
        if close(descriptor) != 0 {
            throw failure("cannot close the temporary file")
        }
        try beforeRename(temporary)
        guard rename(temporary.path, target.path) == 0 else {
            throw failure("cannot move the new contents into place")
        }
        renamed = true
        syncDirectory(directory)
    }

    /// Flushes the directory entry of the rename; best effort, since not every file system allows it.
    private static func syncDirectory(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
