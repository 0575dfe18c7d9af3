/// A dense, row-major Float32 tensor. Images are NCHW; weights follow PyTorch's layouts
/// (`Linear`: [out, in], `Conv2d`: [out, in / groups, kh, kw]).
///
/// `Tensor` is a value type over a copy-on-write `[Float]`; hot loops reach the storage through
/// `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer` so that no copy happens in between.
public struct Tensor: Equatable, Sendable, CustomStringConvertible {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// Creates a tensor from a shape and its row-major elements.
    /// - Precondition: `scalars.count` equals the product of `shape` (a programmer error otherwise;
    ///   use ``init(validating:scalars:)`` for input that comes from outside).
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(describeShape(shape))")
        precondition(scalars.count == shape.reduce(1, *),
                     "\(scalars.count) scalars do not fill shape \(describeShape(shape))")
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor from data that came from outside the library, throwing when the count does not fit.
    public init(validating shape: [Int], scalars: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.shapeMismatch("negative dimension in \(describeShape(shape))")
        }
        guard scalars.count == shape.reduce(1, *) else {
            throw TensorError.shapeMismatch("\(scalars.count) values cannot fill shape \(describeShape(shape)) (expected \(shape.reduce(1, *)))")
        }
        self.init(shape: shape, scalars: scalars)
    }

    /// A tensor of the given shape with every element equal to `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A rank-0 tensor holding one value.
    public init(scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    /// Creates a tensor whose storage is filled by `body`, avoiding a zero-fill pass.
    @inlinable
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        let storage = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
        self.init(shape: shape, scalars: storage)
    }

    /// The number of elements.
    @inlinable public var count: Int { scalars.count }
    /// The number of dimensions.
    @inlinable public var rank: Int { shape.count }
    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(scalars.count == 1, "scalar of a tensor with shape \(describeShape(shape))")
        return scalars[0]
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count,
                     "cannot reshape \(describeShape(shape)) to \(describeShape(newShape))")
        return Tensor(shape: newShape, scalars: scalars)
    }

    /// Changes the shape in place; the element count must not change.
    public mutating func reshape(to newShape: [Int]) {
        precondition(newShape.reduce(1, *) == count,
                     "cannot reshape \(describeShape(shape)) to \(describeShape(newShape))")
        shape = newShape
    }

    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(\(describeShape(shape)): [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

extension Tensor {
    /// The sum of squares of the elements (the squared Frobenius norm), accumulated in Double.
    public var squaredNorm: Double {
        scalars.withUnsafeBufferPointer { buffer in
            var sum = 0.0
            for value in buffer { sum += Double(value) * Double(value) }
            return sum
        }
    }

    /// The number of non-zero elements.
    public var nonZeroCount: Int {
        scalars.withUnsafeBufferPointer { buffer in
            var nonZero = 0
            for value in buffer where value != 0 { nonZero += 1 }
            return nonZero
        }
    }

    /// The largest absolute difference to another tensor of the same shape.
    public func maxAbsoluteDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "comparing \(describeShape(shape)) with \(describeShape(other.shape))")
        var worst: Float = 0
        for index in 0..<count { worst = max(worst, abs(scalars[index] - other.scalars[index])) }
        return worst
    }
}

extension Tensor {
    /// Elements drawn uniformly from [low, high).
    public static func uniform(_ shape: [Int], low: Float, high: Float, generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { buffer in
            for index in buffer.indices { buffer[index] = low + (high - low) * generator.nextUnitFloat() }
        }
    }

    /// Elements drawn from a normal distribution.
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape) { buffer in
            for index in buffer.indices { buffer[index] = mean + standardDeviation * generator.nextNormal() }
        }
    }
}
