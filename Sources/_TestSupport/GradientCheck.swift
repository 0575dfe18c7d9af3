import TensorEngine

/// The outcome of a finite-difference gradient check: the worst disagreement and where it happened.
///
/// Tests assert on it, e.g. `#expect(result.passed, "\(result)")`, so a failure prints the offending element.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
    /// The largest |analytic − numerical| / max(|analytic|, |numerical|, absoluteFloor) over all checked elements.
    public var maxRelativeError: Float
    /// The largest |analytic − numerical| over all checked elements.
    public var maxAbsoluteError: Float
    /// The input (position in the `at:` array) of the element with the largest relative error.
    public var worstInput: Int
    /// The flat index, inside that input, of the element with the largest relative error.
    public var worstIndex: Int
    /// The back-propagated derivative at the worst element.
    public var analytic: Float
    /// The central-difference derivative at the worst element.
    public var numerical: Float
    /// How many elements were compared.
    public var checkedCount: Int
    /// The largest relative error the check accepts.
    public var tolerance: Float

    /// Whether every checked element agreed within `tolerance`.
    public var passed: Bool { maxRelativeError <= tolerance && checkedCount > 0 }

    /// One line naming the outcome, the worst element and both derivatives there.
    public var description: String {
        "gradient check \(passed ? "passed" : "FAILED"): max relative error \(maxRelativeError) (tolerance \(tolerance)), "
            + "max absolute error \(maxAbsoluteError), worst at input \(worstInput) index \(worstIndex): "
            + "analytic \(analytic) vs numerical \(numerical), \(checkedCount) elements checked"
    }
}

/// Compares the gradients that autograd computes with central differences, element by element.
///
/// A non-scalar output is reduced to the scalar Σ rᵢ·yᵢ with fixed random weights rᵢ ∈ [−1, 1) (seeded), so every
/// output element matters; a scalar output is used as is. Each input element is moved by ±`epsilon` in Float, the
/// function evaluated again, and the reduction accumulated in Double. Keep inputs tiny (2 evaluations per element)
/// and away from kinks (ReLU at 0, ties in max pooling), where finite differences are meaningless.
///
/// - Parameters:
///   - function: builds the output from variables wrapping `inputs`, in the same order; must be deterministic
///     (seed any randomness inside it).
///   - inputs: the point at which to differentiate.
///   - epsilon: the finite-difference step.
///   - tolerance: the largest accepted relative error (see ``GradientCheckResult/maxRelativeError``).
///   - absoluteFloor: the smallest denominator of the relative error, so that near-zero derivatives are compared
///     absolutely.
///   - checking: which inputs to differentiate with respect to; nil checks all.
///   - seed: the seed of the output weights.
/// - Returns: the worst disagreement found.
public func checkGradients(of function: ([Variable]) -> Variable, at inputs: [Tensor],
                           epsilon: Float = 1e-2, tolerance: Float = 1e-2, absoluteFloor: Float = 1e-1,
                           checking: Set<Int>? = nil, seed: UInt64 = 0x5EED) -> GradientCheckResult {
    let checked = checking ?? Set(inputs.indices)

    // Analytic gradients through autograd.
    let variables = inputs.enumerated().map { Variable($0.element, requiresGradient: checked.contains($0.offset)) }
    let output = function(variables)
    var generator = SeededGenerator(seed: seed)
    let weights = output.value.count == 1
        ? Tensor(repeating: 1, shape: output.value.shape)
        : Tensor.uniform(output.value.shape, low: -1, high: 1, generator: &generator)
    output.backward(seed: weights)

    func reducedValue(_ point: [Tensor]) -> Double {
        let value = function(point.map { Variable($0) }).value
        precondition(value.shape == weights.shape, "checkGradients: the function's output shape changed with its input")
        var total = 0.0
        for index in 0..<value.count { total += Double(value.scalars[index]) * Double(weights.scalars[index]) }
        return total
    }

    var result = GradientCheckResult(maxRelativeError: 0, maxAbsoluteError: 0, worstInput: -1, worstIndex: -1,
                                     analytic: 0, numerical: 0, checkedCount: 0, tolerance: tolerance)
    for inputIndex in inputs.indices where checked.contains(inputIndex) {
        let analyticGradient = variables[inputIndex].gradient
        var point = inputs
        for element in 0..<inputs[inputIndex].count {
            let original = inputs[inputIndex].scalars[element]
            let plus = original + epsilon, minus = original - epsilon
            point[inputIndex].scalars[element] = plus
            let high = reducedValue(point)
            point[inputIndex].scalars[element] = minus
            let low = reducedValue(point)
            point[inputIndex].scalars[element] = original
            // Divide by the step actually taken in Float, not the nominal one.
            let numerical = Float((high - low) / (Double(plus) - Double(minus)))
            let analytic = analyticGradient?.scalars[element] ?? 0
            let absoluteError = abs(analytic - numerical)
            let relativeError = absoluteError / max(abs(analytic), abs(numerical), absoluteFloor)
            result.checkedCount += 1
            result.maxAbsoluteError = max(result.maxAbsoluteError, absoluteError)
            if relativeError > result.maxRelativeError || result.worstInput < 0 || relativeError.isNaN {
                result.maxRelativeError = relativeError.isNaN ? .infinity : relativeError
                result.worstInput = inputIndex
                result.worstIndex = element
                result.analytic = analytic
                result.numerical = numerical
            }
        }
    }
    return result
}
