/// Errors the tensor engine throws for bad input: shapes that do not fit, values outside their domain, LAPACK failures.
///
/// Every message names the thing that was wrong and what was expected.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    /// A shape does not fit the operation; the text says which operand and what was expected.
    case shapeMismatch(String)
    /// An argument is outside the values the operation accepts.
    case invalidArgument(String)
    /// A LAPACK routine returned a non-zero `info`.
    case lapackFailure(routine: String, info: Int32, hint: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let text): return "shape mismatch: \(text)"
        case .invalidArgument(let text): return "invalid argument: \(text)"
        case .lapackFailure(let routine, let info, let hint):
            return "\(routine) failed with info = \(info)" + (hint.isEmpty ? "" : ": \(hint)")
        }
    }
}

/// Formats a shape the way error messages print it: `[2, 3, 4]`.
@inlinable
public func describeShape(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
