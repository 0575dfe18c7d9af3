/// Errors of layer-wise (OBS / SparseGPT) pruning; every message names the layer and what was expected.
public enum LayerwiseError: Error, CustomStringConvertible, Equatable {
    /// The damped Hessian of `layer` could not be factorised even with the largest damping `damping` that was tried
    /// (the calibration inputs are degenerate, or the matrix has a negative diagonal: it is not a Gram matrix).
    case notPositiveDefinite(layer: String, damping: Float)
    /// The Hessian of `layer` contains NaN or infinity (the calibration inputs or activations overflowed).
    case nonFiniteHessian(layer: String)
    /// The weights of `layer` contain NaN or infinity.
    case nonFiniteWeights(layer: String)
    /// A shape does not fit; the text names the operand and the expected shape.
    case shapeMismatch(String)
    /// An option is outside the values the algorithm accepts; the text says which and what is allowed.
    case invalidArgument(String)
    /// A LAPACK routine reported an illegal argument (`info < 0`): a bug in this module, reported rather than hidden.
    case lapackFailure(routine: String, info: Int32, layer: String)

    /// A one-line message naming the layer or operand and what was expected.
    public var description: String {
        switch self {
        case .notPositiveDefinite(let layer, let damping):
            return "layer '\(layer)': the Hessian is not positive definite even with damping λ = \(damping) added to "
                + "its diagonal; expected a Gram matrix 2·Σ x xᵀ of finite calibration inputs"
        case .nonFiniteHessian(let layer):
            return "layer '\(layer)': the Hessian contains NaN or infinity; expected finite calibration inputs"
        case .nonFiniteWeights(let layer):
            return "layer '\(layer)': the weights contain NaN or infinity; expected finite weights"
        case .shapeMismatch(let text):
            return "shape mismatch: \(text)"
        case .invalidArgument(let text):
            return "invalid argument: \(text)"
        case .lapackFailure(let routine, let info, let layer):
            return "layer '\(layer)': \(routine) rejected argument \(-info) (info = \(info))"
        }
    }
}
