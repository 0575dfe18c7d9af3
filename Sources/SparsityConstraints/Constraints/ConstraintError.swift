/// Errors for constraint requests that cannot be honoured: every message names the layer or value and what was expected.
public enum ConstraintError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A sparsity (or sparsity bound) outside its allowed range.
    case invalidSparsity(String)
    /// A pattern that is impossible on its own, such as N:M with N ≥ M or a block with a zero side.
    case invalidPattern(String)
    /// A layer whose shape does not fit the constraint (wrong rank, in-dimension not divisible by M, block too large).
    case incompatibleLayer(String)
    /// The layers handed over do not fit the request (none at all, duplicate names, bounds for unknown layers).
    case invalidLayers(String)
    /// Constraint text from a command line or file that cannot be parsed.
    case malformedSpec(String)

    /// A readable one-line form for logs and messages.
    public var description: String {
        switch self {
        case .invalidSparsity(let text): return "invalid sparsity: \(text)"
        case .invalidPattern(let text): return "invalid pattern: \(text)"
        case .incompatibleLayer(let text): return "incompatible layer: \(text)"
        case .invalidLayers(let text): return "invalid layers: \(text)"
        case .malformedSpec(let text): return "malformed constraint: \(text)"
        }
    }
}
