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
        Variable(value: lhs.value + rhs.value, operands: [lhs, rhs]) { gradient in [gradient, gradient] }
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
        return Variable(value: input.map { max($0, 0) }, operands: [self]) { gradient in
            [gradient.zipMap(input) { g, x in x > 0 ? g : 0 }]
        }
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
