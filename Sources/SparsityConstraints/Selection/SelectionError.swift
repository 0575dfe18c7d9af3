/// Errors of parameter selection: every message names the pattern or parameter and what was expected.
public enum SelectionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A pattern that matches no prunable parameter.
    case noMatch(pattern: String, reason: String)
    /// A pattern that cannot be read (a bad regular expression, an unknown layer kind, empty text).
    case invalidPattern(String)
    /// The parameter list itself is unusable (duplicate names), or nothing is left to prune.
    case invalidParameters(String)

    /// A readable one-line form for logs and messages.
    public var description: String {
        switch self {
        case .noMatch(let pattern, let reason): return "pattern '\(pattern)' matches no prunable parameter\(reason)"
        case .invalidPattern(let text): return "invalid parameter pattern: \(text)"
        case .invalidParameters(let text): return "invalid parameter selection: \(text)"
        }
    }
}
