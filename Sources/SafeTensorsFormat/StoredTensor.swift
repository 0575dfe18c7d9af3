import Foundation
import TensorEngine

/// One tensor as a safetensors file stores it: an element type, a shape and raw little-endian bytes.
///
/// The byte count always equals the element count times the dtype's width; the reader checks this before it
/// builds a `StoredTensor`, and the initialiser requires it of code that builds one directly.
public struct StoredTensor: Equatable, Sendable {
    /// The element type of `bytes`.
    public let dtype: SafeTensorsDType
    /// The extent of each dimension, outermost first (`[]` for a scalar).
    public let shape: [Int]
    /// The elements in row-major order, little-endian, `elementCount * dtype.byteWidth` bytes.
    public let bytes: Data

    /// Creates a stored tensor from raw little-endian bytes.
    /// - Parameters:
    ///   - dtype: the element type.
    ///   - shape: the dimensions; none may be negative.
    ///   - bytes: exactly `shape.reduce(1, *) * dtype.byteWidth` bytes (a programmer error otherwise).
    public init(dtype: SafeTensorsDType, shape: [Int], bytes: Data) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(describeShape(shape))")
        precondition(bytes.count == shape.reduce(1, *) * dtype.byteWidth,
                     "\(bytes.count) bytes do not hold a \(dtype.rawValue) tensor of shape \(describeShape(shape))")
        self.dtype = dtype
        self.shape = shape
        // Rebase slices so that `bytes` always starts at index 0.
        self.bytes = bytes.startIndex == 0 ? bytes : Data(bytes)
    }

    /// Stores a Float tensor as `F32`.
    /// - Parameter tensor: the tensor whose elements are written bit for bit.
    public init(_ tensor: Tensor) {
        var data = Data(count: tensor.count * 4)
        data.withUnsafeMutableBytes { raw in
            tensor.scalars.withUnsafeBufferPointer { source in
                #if _endian(little)
                // The in-memory layout already is the file layout.
                raw.copyMemory(from: UnsafeRawBufferPointer(source))
                #else
                for index in source.indices {
                    raw.storeBytes(of: source[index].bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
                }
                #endif
            }
        }
        self.init(dtype: .f32, shape: tensor.shape, bytes: data)
    }

    /// Stores a mask as one byte per element: 1 where `mask` is non-zero (NaN counts as non-zero), else 0.
    /// - Parameters:
    ///   - mask: the mask; any non-zero value means "kept".
    ///   - dtype: `U8` or `BOOL`.
    public init(mask: Tensor, dtype: MaskDType) {
        var data = Data(count: mask.count)
        data.withUnsafeMutableBytes { raw in
            mask.scalars.withUnsafeBufferPointer { source in
                let target = raw.bindMemory(to: UInt8.self)
                for index in source.indices { target[index] = source[index] != 0 ? 1 : 0 }
            }
        }
        self.init(dtype: dtype.dtype, shape: mask.shape, bytes: data)
    }

    /// The number of elements (`1` for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The elements converted to Float.
    ///
    /// `F64` rounds to nearest (out-of-range values become ±infinity), `F16`/`BF16` widen exactly, integers
    /// convert to the nearest Float (exact up to 2^24), `BOOL` gives 1 for any non-zero byte.
    public func floatTensor() -> Tensor {
        Tensor(shape: shape) { target in
            bytes.withUnsafeBytes { raw in convertToFloat(raw, dtype: dtype, into: target) }
        }
    }
}
