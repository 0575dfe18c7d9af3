import CTensorKernels

/// Elementwise arithmetic and activations on autograd variables.

extension Tensor {
    /// Applies `transform` to every element.
    @inlinable
    public func map(_ transform: (Float) -> Float) -> Tensor {
        scalars.withUnsafeBufferPointer { source in
            Tensor(shape: shape) { target in
                for index in 0..<source.count { target[index] = transform(source[index]) }
            }
        }
    }

    /// Combines two tensors of the same shape element by element.
    @inlinable
    public func zipMap(_ other: Tensor, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "elementwise operation on \(describeShape(shape)) and \(describeShape(other.shape))")
        return scalars.withUnsafeBufferPointer { left in
            other.scalars.withUnsafeBufferPointer { right in
                Tensor(shape: shape) { target in
                    for index in 0..<left.count { target[index] = combine(left[index], right[index]) }
                }
            }
        }
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, -) }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipMap(rhs, *) }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
}

extension Variable {
    public static func + (lhs: Variable, rhs: Variable) -> Variable {
        Variable(value: elementwiseSum(lhs.value, rhs.value, relu: false), operands: [lhs, rhs]) { gradient in
            [gradient, gradient]
        }
    }

    /// max(self + other, 0), elementwise, in one pass forward and backward (a residual block's closing add and
    /// rectifier; the same values as `(self + other).relu()`).
    public func addingReLU(_ other: Variable) -> Variable {
        let output = elementwiseSum(value, other.value, relu: true)
        return Variable(value: output, operands: [self, other]) { gradient in
            let masked = rectifiedGradient(gradient, output: output)
            return [masked, masked]
        }
    }

    public static func - (lhs: Variable, rhs: Variable) -> Variable {
        Variable(value: lhs.value - rhs.value, operands: [lhs, rhs]) { gradient in [gradient, gradient * -1] }
    }

    public static func * (lhs: Variable, rhs: Variable) -> Variable {
        let left = lhs.value, right = rhs.value
        return Variable(value: left * right, operands: [lhs, rhs]) { gradient in
            [gradient * right, gradient * left]
        }
    }

    public static func * (lhs: Variable, rhs: Float) -> Variable {
        Variable(value: lhs.value * rhs, operands: [lhs]) { gradient in [gradient * rhs] }
    }

    public static func * (lhs: Float, rhs: Variable) -> Variable { rhs * lhs }

    /// max(x, 0), elementwise.
    public func relu() -> Variable {
        let input = value
        let output = Tensor(shape: input.shape) { target in
            input.scalars.withUnsafeBufferPointer { source in
                Parallelism.forEachRange(source.count, grain: elementwiseGrain) { range in
                    for index in range { target[index] = max(source[index], 0) }
                }
            }
        }
        // y > 0 exactly where x > 0, so the output serves as the mask and the input need not be kept.
        return Variable(value: output, operands: [self]) { gradient in [rectifiedGradient(gradient, output: output)] }
    }

    /// The same elements under another shape.
    public func reshaped(_ newShape: [Int]) -> Variable {
        let oldShape = value.shape
        return Variable(value: value.reshaped(newShape), operands: [self]) { gradient in
            [gradient.reshaped(oldShape)]
        }
    }

    /// Keeps the first dimension and flattens the rest, in (C, H, W) order: [N, C, H, W] → [N, C·H·W].
    public func flattened() -> Variable {
        let batch = value.shape.first ?? 1
        return reshaped([batch, batch == 0 ? 0 : value.count / batch])
    }

    /// The sum of all elements, as a rank-0 variable.
    public func sum() -> Variable {
        let shape = value.shape
        let total = value.scalars.withUnsafeBufferPointer { buffer in
            var sum: Double = 0
            for element in buffer { sum += Double(element) }
            return Float(sum)
        }
        return Variable(value: Tensor(scalar: total), operands: [self]) { gradient in
            [Tensor(repeating: gradient.scalar, shape: shape)]
        }
    }

    /// The mean of all elements, as a rank-0 variable.
    public func mean() -> Variable { sum() * (1 / Float(max(value.count, 1))) }

    /// The sum of squared elements, as a rank-0 variable.
    public func squaredSum() -> Variable {
        let input = value
        return Variable(value: Tensor(scalar: Float(input.squaredNorm)), operands: [self]) { gradient in
            [input * (2 * gradient.scalar)]
        }
    }
}

/// Element-wise kernels split work into ranges of at least this many floats: below it, handing a range to another
/// core costs more than the loop.
let elementwiseGrain = 1 << 15

/// lhs + rhs (then max(·, 0) when `relu`), split over the workers.
func elementwiseSum(_ lhs: Tensor, _ rhs: Tensor, relu: Bool) -> Tensor {
    precondition(lhs.shape == rhs.shape, "elementwise operation on \(describeShape(lhs.shape)) and \(describeShape(rhs.shape))")
    return combineInParallel(lhs, rhs) { shears_add($0, $1, $2, $3, relu ? 1 : 0) }
}

/// The gradient through a rectifier: `gradient` where the rectifier's `output` is positive, 0 elsewhere.
func rectifiedGradient(_ gradient: Tensor, output: Tensor) -> Tensor {
    precondition(gradient.shape == output.shape, "rectifier gradient \(describeShape(gradient.shape)) for output \(describeShape(output.shape))")
    return combineInParallel(gradient, output) { shears_rectified_gradient($0, $1, $2, $3) }
}

/// A tensor of `first`'s shape filled by `kernel(first, second, result, count)` over ranges of at least
/// ``elementwiseGrain`` floats split over the workers (the pointers already offset to each range's start).
private func combineInParallel(
    _ first: Tensor, _ second: Tensor,
    _ kernel: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
) -> Tensor {
    first.scalars.withUnsafeBufferPointer { a in
        second.scalars.withUnsafeBufferPointer { b in
            Tensor(shape: first.shape) { target in
                Parallelism.forEachRange(target.count, grain: elementwiseGrain) { range in
                    let start = range.lowerBound
                    kernel(a.baseAddress! + start, b.baseAddress! + start, target.baseAddress! + start, range.count)
                }
            }
        }
    }
}
