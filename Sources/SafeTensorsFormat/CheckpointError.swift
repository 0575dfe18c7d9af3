import Foundation

/// An error reading or writing a checkpoint file; the message names the file and what was wrong.
///
/// `kind` lets callers and tests tell the failures apart without parsing text.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// What class of problem the file had.
    public enum Kind: String, Equatable, Sendable {
        /// The file could not be read from disk (missing, not a regular file, permissions, I/O error).
        case unreadable
        /// The file ends before the header length prefix or before the header it announces.
        case truncated
        /// The header is not valid JSON or does not have the fields and types the format requires.
        case invalidHeader
        /// A tensor's `dtype` is not one this library reads, or not one the reader accepts (an integer weight).
        case unsupportedDType
        /// A tensor's shape and dtype need a different number of bytes than its offsets span.
        case sizeMismatch
        /// Offsets overlap, leave gaps, run past the data section, or leave bytes uncovered.
        case invalidOffsets
        /// A tensor asked for by name is not in the file.
        case missingTensor
        /// A tensor cannot be written (for example a reserved name).
        case invalidTensor
        /// A mask tensor holds a value other than 0 or 1.
        case invalidMask
        /// A weight tensor holds NaN or an infinity.
        case nonFiniteValue
    }

    /// The file the problem concerns (its path), or a label such as `<memory>` for in-memory data.
    public let file: String
    /// The class of problem.
    public let kind: Kind
    /// What was wrong and what was expected, without the file name.
    public let detail: String

    /// Creates an error about `file`.
    /// - Parameters:
    ///   - file: the path or label of the file.
    ///   - kind: the class of problem.
    ///   - detail: what was wrong and what was expected.
    public init(file: String, kind: Kind, detail: String) {
        self.file = file
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
    public var errorDescription: String? { description }
}
