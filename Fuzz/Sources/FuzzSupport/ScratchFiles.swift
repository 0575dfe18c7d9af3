import Foundation

/// A private folder per fuzzer process for parsers that only read files: each input is written over the same
/// few files, so the folder never grows. It is removed when the process exits normally.
public enum ScratchFiles {
    /// The folder, created on first use (`$TMPDIR/shears-fuzz-<pid>`).
    public static let directory: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("shears-fuzz-\(getpid())", isDirectory: true)
        try? FileManager.default.removeItem(at: url)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            fatalError("fuzz harness: cannot create the scratch folder \(url.path): \(error)")
        }
        removalPath = url.path
        atexit { if let path = removalPath { try? FileManager.default.removeItem(atPath: path) } }
        return url
    }()

    /// The folder to remove at exit (a global, because an `atexit` handler cannot capture).
    nonisolated(unsafe) private static var removalPath: String?

    /// Writes `bytes` to `name` inside the folder, replacing what an earlier input left there.
    /// - Returns: the file's URL.
    @discardableResult
    public static func write(_ bytes: UnsafeBufferPointer<UInt8>, to name: String) -> URL {
        let url = directory.appendingPathComponent(name)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { fatalError("fuzz harness: cannot open \(url.path) (errno \(errno))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            guard written > 0 else { fatalError("fuzz harness: cannot write \(url.path) (errno \(errno))") }
            offset += written
        }
        return url
    }

    /// Removes `name` from the folder if it is there.
    public static func remove(_ name: String) {
        unlink(directory.appendingPathComponent(name).path)
    }
}
