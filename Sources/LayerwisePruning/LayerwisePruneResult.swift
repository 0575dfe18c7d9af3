import TensorEngine

/// The outcome of pruning one layer layer-wise: compensated weights, the mask, and what the solver tallied.
public struct LayerwisePruneResult: Sendable {
    /// The pruned and compensated weights, in the shape they were given ([out, in] or [out, in, kh, kw]).
    public var weights: Tensor
    /// 1 where a weight is kept, 0 where it is pruned; same shape as ``weights``. Exactly ``keptCount`` ones.
    /// Every pruned weight is exactly 0; a kept weight can also be 0 (a dead input's weight is zeroed).
    public var mask: Tensor
    /// The number of ones in ``mask``.
    public var keptCount: Int
    /// tr(ΔW H′ ΔWᵀ) as the solver accumulated it, H′ = damped Hessian (``InverseHessianFactor/dampedHessian(from:)``)
    /// and ΔW = (weights with dead inputs zeroed) − result. For SparseGPT it is Σ_j ‖e_j‖², e_j = (w_j − q_j)/U_jj.
    public var trackedError: Double
    /// The input columns that were dead (zero on every calibration sample); their weights are zeroed.
    public var deadInputs: [Int]
    /// The λ added to the Hessian's diagonal.
    public var damping: Float
    /// How many times the damping had to be raised tenfold before the factorisation succeeded.
    public var dampingRetries: Int
}

/// A weight tensor seen as the [rows, columns] matrix that layer-wise pruning works on.
struct WeightMatrix {
    let shape: [Int]
    let rows: Int
    let columns: Int

    /// Flattens [out, in] or [out, in, kh, kw] (any rank ≥ 2) to [out, product of the rest].
    init(_ weights: Tensor, hessianFeatures: Int, layer: String) throws {
        guard weights.rank >= 2, weights.shape[0] >= 1 else {
            throw LayerwiseError.shapeMismatch(
                "layer '\(layer)': weights have shape \(describeShape(weights.shape)); expected [out, in, …]")
        }
        shape = weights.shape
        rows = weights.shape[0]
        columns = weights.shape.dropFirst().reduce(1, *)
        guard columns == hessianFeatures else {
            throw LayerwiseError.shapeMismatch(
                "layer '\(layer)': weights \(describeShape(weights.shape)) have \(columns) input columns; "
                    + "the Hessian is [\(hessianFeatures), \(hessianFeatures)]")
        }
        let finite = weights.scalars.withUnsafeBufferPointer { buffer in buffer.allSatisfy { $0.isFinite } }
        guard finite else { throw LayerwiseError.nonFiniteWeights(layer: layer) }
    }
}

/// Writes the transpose of a row-major [rows, columns] matrix into `target` ([columns, rows]), in cache tiles.
func transpose(_ source: UnsafeBufferPointer<Float>, rows: Int, columns: Int, into target: UnsafeMutableBufferPointer<Float>) {
    let tile = 32
    var rowStart = 0
    while rowStart < rows {
        let rowEnd = min(rows, rowStart + tile)
        var columnStart = 0
        while columnStart < columns {
            let columnEnd = min(columns, columnStart + tile)
            for row in rowStart..<rowEnd {
                for column in columnStart..<columnEnd {
                    target[column * rows + row] = source[row * columns + column]
                }
            }
            columnStart = columnEnd
        }
        rowStart = rowEnd
    }
}
