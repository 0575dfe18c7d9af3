import TensorEngine

/// Whether two tensors have the same shape and agree elementwise within |a − b| ≤ absolute + relative · |b|.
///
/// - Parameters:
///   - actual: the computed tensor.
///   - expected: the reference tensor (its magnitudes scale the relative tolerance).
///   - relative: the tolerance relative to `expected`.
///   - absolute: the tolerance for elements near zero.
public func isClose(_ actual: Tensor, _ expected: Tensor, relative: Float = 1e-4, absolute: Float = 1e-5) -> Bool {
    guard actual.shape == expected.shape else { return false }
    for index in 0..<actual.count {
        let a = actual.scalars[index], b = expected.scalars[index]
        if !(abs(a - b) <= absolute + relative * abs(b)) { return false }
    }
    return true
}

/// Whether two floats agree within |a − b| ≤ absolute + relative · |b|.
///
/// - Parameters:
///   - actual: the computed value.
///   - expected: the reference value.
///   - relative: the tolerance relative to `expected`.
///   - absolute: the tolerance near zero.
public func isClose(_ actual: Float, _ expected: Float, relative: Float = 1e-4, absolute: Float = 1e-5) -> Bool {
    abs(actual - expected) <= absolute + relative * abs(expected)
}

/// The largest |a − b| / max(|b|, floor) over two tensors of the same shape (infinity when the shapes differ).
///
/// - Parameters:
///   - actual: the computed tensor.
///   - expected: the reference tensor.
///   - floor: the smallest denominator, so that near-zero references are compared absolutely.
public func maxRelativeDifference(_ actual: Tensor, _ expected: Tensor, floor: Float = 1e-3) -> Float {
    guard actual.shape == expected.shape else { return .infinity }
    var worst: Float = 0
    for index in 0..<actual.count {
        let a = actual.scalars[index], b = expected.scalars[index]
        let difference = abs(a - b) / max(abs(b), floor)
        if difference.isNaN { return .infinity }
        worst = max(worst, difference)
    }
    return worst
}
