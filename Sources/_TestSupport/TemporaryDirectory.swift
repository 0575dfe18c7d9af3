import Foundation

/// Creates a new, empty directory under the system's temporary directory, named with a UUID.
///
/// The caller removes it when done (`try? FileManager.default.removeItem(at: url)`).
///
/// - Parameter prefix: the start of the directory's name, to tell test leftovers apart.
/// - Returns: the directory's URL.
public func makeTemporaryDirectory(prefix: String = "shears-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with a fresh temporary directory and removes the directory afterwards, even when `body` throws.
///
/// - Parameters:
///   - prefix: the start of the directory's name.
///   - body: the work that uses the directory.
public func withTemporaryDirectory<Result>(prefix: String = "shears-test",
                                           _ body: (URL) throws -> Result) throws -> Result {
    let url = try makeTemporaryDirectory(prefix: prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
