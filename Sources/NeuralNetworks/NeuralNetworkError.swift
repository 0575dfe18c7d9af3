/// Errors for bad input from outside: unknown model names, invalid options, optimizer state that does not fit.
public enum NeuralNetworkError: Error, Equatable, CustomStringConvertible {
    /// The model zoo has no model of this name.
    case unknownModel(name: String, known: [String])
    /// An option (a size, a rate, a hyper-parameter) is outside its valid range; the text says which and why.
    case invalidArgument(String)
    /// A batch does not have the shape the model expects.
    case inputShape(expected: [Int], found: [Int])
    /// Saved optimizer state does not fit the optimizer's parameters.
    case optimizerState(String)

    public var description: String {
        switch self {
        case .unknownModel(let name, let known):
            return "unknown model '\(name)'; known models: \(known.joined(separator: ", "))"
        case .invalidArgument(let text): return "invalid argument: \(text)"
        case .inputShape(let expected, let found):
            return "input shape \(shapeText(found)) does not fit the model, which expects [N, \(expected.map(String.init).joined(separator: ", "))]"
        case .optimizerState(let text): return "optimizer state does not fit: \(text)"
        }
    }
}

private func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
