/// Errors of the pruning pipeline and its methods. Each message names the thing that was wrong and what was expected.
public enum PruningError: Error, CustomStringConvertible, Equatable {
    /// An option or a request does not make sense (e.g. a negative budget).
    case invalidOption(String)
    /// The achieved sparsity or pattern differs from the request.
    case verificationFailed(String)
    /// Saved state (a checkpoint, a method state) does not fit the run.
    case invalidState(String)
    /// A method name that is not registered.
    case unknownMethod(String, known: [String])
    /// Training diverged (a loss that is not finite).
    case diverged(String)

    public var description: String {
        switch self {
        case .invalidOption(let text): return "invalid option: \(text)"
        case .verificationFailed(let text): return "sparsity verification failed: \(text)"
        case .invalidState(let text): return "invalid state: \(text)"
        case .unknownMethod(let name, let known): return "unknown pruning method '\(name)'; known methods: \(known.joined(separator: ", "))"
        case .diverged(let text): return "training diverged: \(text)"
        }
    }
}
