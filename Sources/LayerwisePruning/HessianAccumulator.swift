import COpenBLAS
import TensorEngine

/// Accumulates the layer Hessian H = 2·Σ x xᵀ over calibration inputs that arrive in chunks.
///
/// Each chunk is a block of rows [samples, features]: a `Linear` layer's inputs as they are, a `Conv2d` layer's as
/// im2col rows (``add(convolutionInput:geometry:)`` makes them chunk by chunk). Only the [features, features]
/// sum is kept, never the whole X. The sum is accumulated in Float by `cblas_ssyrk` into the upper triangle
/// (the lower one is filled in by ``hessian()``); Float is what SparseGPT's own code uses and is ample for
/// the 1 % damping that follows. H is a sum, not a mean, so that ‖W X − Ŵ X‖² = tr(ΔW H ΔWᵀ)/2.
public struct HessianAccumulator: Sendable {
    /// The number of input features (columns of the weight matrix).
    public let features: Int
    /// The number of rows (samples, or im2col receptive fields) added so far.
    public private(set) var sampleCount: Int = 0
    /// Row-major [features, features]; only the upper triangle is up to date.
    private var upper: [Float]

    /// Element budget of one im2col chunk in ``add(convolutionInput:geometry:)``, so conv inputs never expand whole.
    private static let im2colChunkElements = 1 << 22

    /// Creates an empty accumulator.
    /// - Parameter features: the number of input features; for a conv C_in·kh·kw.
    public init(features: Int) {
        precondition(features >= 1, "a Hessian needs at least one feature")
        self.features = features
        upper = [Float](repeating: 0, count: features * features)
    }

    /// Adds a chunk of calibration rows [samples, features].
    /// - Parameter rows: the inputs, one sample per row.
    /// - Throws: ``LayerwiseError/shapeMismatch(_:)`` when `rows` is not rank 2 with `features` columns.
    public mutating func add(rows: Tensor) throws {
        guard rows.rank == 2, rows.shape[1] == features else {
            throw LayerwiseError.shapeMismatch(
                "calibration rows have shape \(describeShape(rows.shape)); expected [samples, \(features)]")
        }
        rows.scalars.withUnsafeBufferPointer { add(rows: $0, count: rows.shape[0]) }
    }

    /// Adds `count` row-major rows of `features` values each from a raw buffer.
    /// - Parameters:
    ///   - rows: at least count·features values.
    ///   - count: the number of rows.
    public mutating func add(rows: UnsafeBufferPointer<Float>, count: Int) {
        precondition(rows.count >= count * features, "the buffer holds fewer than \(count) rows of \(features)")
        guard count > 0 else { return }
        let n = Int32(features)
        upper.withUnsafeMutableBufferPointer { target in
            // Row-major, transposed: C ← 2·Aᵀ A + C with A = rows [count, features]; upper triangle only.
            cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n, Int32(count), 2, rows.baseAddress, n,
                        1, target.baseAddress, n)
        }
        sampleCount += count
    }

    /// Adds the im2col rows of a convolution input [N, C, H, W], a few images at a time.
    /// - Parameters:
    ///   - input: the conv layer's input batch.
    ///   - geometry: the conv's kernel size, stride, padding and dilation (groups = 1).
    /// - Throws: ``LayerwiseError/shapeMismatch(_:)`` when the input is not NCHW, is smaller than the kernel, or
    ///   C·kh·kw differs from `features`.
    public mutating func add(convolutionInput input: Tensor, geometry: ConvolutionGeometry) throws {
        let (outH, outW) = try geometry.validatedOutputSize(inputShape: input.shape)
        let columns = input.shape[1] * geometry.kernelSize.0 * geometry.kernelSize.1
        guard columns == features else {
            throw LayerwiseError.shapeMismatch(
                "conv input \(describeShape(input.shape)) with kernel \(geometry.kernelSize) gives \(columns) "
                    + "im2col columns; expected \(features)")
        }
        let rowsPerImage = outH * outW
        let imagesPerChunk = max(1, HessianAccumulator.im2colChunkElements / max(1, rowsPerImage * columns))
        var chunk = [Float](repeating: 0, count: min(imagesPerChunk, input.shape[0]) * rowsPerImage * columns)
        var start = 0
        while start < input.shape[0] {
            let end = min(input.shape[0], start + imagesPerChunk)
            let count = (end - start) * rowsPerImage
            input.scalars.withUnsafeBufferPointer { source in
                chunk.withUnsafeMutableBufferPointer { target in
                    fillIm2colRows(source: source, inputShape: input.shape, geometry: geometry,
                                   imageRange: start..<end, target: target)
                }
            }
            chunk.withUnsafeBufferPointer { add(rows: $0, count: count) }
            start = end
        }
    }

    /// The accumulated Hessian H = 2·Σ x xᵀ as a full symmetric [features, features] tensor.
    public func hessian() -> Tensor {
        let n = features
        return Tensor(shape: [n, n]) { target in
            upper.withUnsafeBufferPointer { source in
                for i in 0..<n {
                    for j in i..<n {
                        let value = source[i * n + j]
                        target[i * n + j] = value
                        target[j * n + i] = value
                    }
                }
            }
        }
    }
}
