import TensorEngine

/// A tensor with elements drawn uniformly from [low, high), the same for the same seed.
///
/// - Parameters:
///   - shape: the tensor's shape.
///   - seed: the seed of a fresh ``SeededGenerator``.
///   - low: the smallest value.
///   - high: the bound no value reaches.
public func seededUniformTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, generator: &generator)
}

/// A tensor with normally distributed elements, the same for the same seed.
///
/// - Parameters:
///   - shape: the tensor's shape.
///   - seed: the seed of a fresh ``SeededGenerator``.
///   - mean: the distribution's mean.
///   - standardDeviation: the distribution's standard deviation.
public func seededNormalTensor(_ shape: [Int], seed: UInt64, mean: Float = 0, standardDeviation: Float = 1) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.normal(shape, mean: mean, standardDeviation: standardDeviation, generator: &generator)
}

/// A tensor whose elements are a seeded permutation of evenly spaced values `low, low + step, …`.
///
/// All elements differ by at least `step`, which keeps finite differences away from ties (max pooling, argmax)
/// and, with `low` chosen away from zero crossings, from ReLU's kink.
///
/// - Parameters:
///   - shape: the tensor's shape.
///   - seed: the seed of the permutation.
///   - low: the smallest value.
///   - step: the spacing between consecutive values.
public func seededDistinctTensor(_ shape: [Int], seed: UInt64, low: Float = -1, step: Float = 0.1) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let count = shape.reduce(1, *)
    var values = (0..<count).map { low + Float($0) * step }
    values.shuffle(using: &generator)
    return Tensor(shape: shape, scalars: values)
}
