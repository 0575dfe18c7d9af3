import Foundation

/// Errors raised while reading or preparing a dataset.
///
/// Every message names the file (or argument) that was wrong and what was expected instead.
public enum DatasetError: Error, CustomStringConvertible, Equatable, LocalizedError {
    /// A file or folder that the loader needs does not exist; `hint` says how to get it.
    case missingFile(path: String, hint: String)
    /// A file exists but its content is not what the format demands.
    case malformedFile(path: String, reason: String)
    /// An argument (a fraction, a batch size, a label set) is outside the values the call accepts.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .missingFile(let path, let hint):
            return "missing dataset file \(path)" + (hint.isEmpty ? "" : ": \(hint)")
        case .malformedFile(let path, let reason):
            return "malformed dataset file \(path): \(reason)"
        case .invalidArgument(let text):
            return "invalid dataset argument: \(text)"
        }
    }

    public var errorDescription: String? { description }
}
