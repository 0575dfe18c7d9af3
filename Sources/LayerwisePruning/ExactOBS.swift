import COpenBLAS
import TensorEngine

/// Greedy exact Optimal Brain Surgeon for small layers: one weight at a time, with a fresh inverse after each.
///
/// Rows of W are independent problems min (w − ŵ)ᵀ H′ (w − ŵ) sharing H′ = damped H. Each row keeps its own
/// support S and the inverse of H′_SS. Every step removes, over the whole layer, the weight with the smallest
/// OBS cost w_q² / [H′_SS⁻¹]_qq, moves the rest of its row by δ = −(w_q / [H′_SS⁻¹]_qq) · H′_SS⁻¹[:, q] (which
/// keeps ŵ the least-squares optimum on the shrunken support), and recomputes H′_SS⁻¹ from scratch with
/// `dpotrf`/`dpotri` in Double. The layer keeps exactly the requested count. Cost: one k³ inversion per removed
/// weight and rows·n² Doubles of memory: meant for layers of a few hundred weights, and as the reference
/// that SparseGPT is checked against.
public enum ExactOBS {
    /// Prunes one layer greedily to an exact count.
    /// - Parameters:
    ///   - weights: [out, in] or [out, in, kh, kw]; the flattened column count must equal the Hessian's size.
    ///   - hessian: H = 2·Σ x xᵀ.
    ///   - pattern: `.sparsity` or `.keep` (N:M is not supported here).
    ///   - dampingFraction: λ as a fraction of mean(diag H); 0 solves the undamped problem when H is definite.
    ///   - maxDampingRetries: tenfold damping retries, as in ``InverseHessianFactor``.
    ///   - layer: the layer's name, for error messages.
    /// - Throws: ``LayerwiseError`` for shape mismatches, an N:M pattern, NaN, or an indefinite Hessian.
    public static func prune(weights: Tensor, hessian: Tensor, pattern: LayerwiseSparsity,
                             dampingFraction: Float = 0.01, maxDampingRetries: Int = 2,
                             layer: String = "layer") throws -> LayerwisePruneResult {
        let matrix = try WeightMatrix(weights, hessianFeatures: hessian.rank == 2 ? hessian.shape[0] : -1, layer: layer)
        if case .nOutOfM = pattern {
            throw LayerwiseError.invalidArgument("layer '\(layer)': exact OBS supports unstructured patterns only, not N:M")
        }
        let rows = matrix.rows, n = matrix.columns
        let keep = try pattern.keptCount(rows: rows, columns: n, layer: layer)
        // The factor settles damping, dead inputs and validation exactly as SparseGPT does.
        let factor = try InverseHessianFactor(hessian: hessian, dampingFraction: dampingFraction,
                                              maxDampingRetries: maxDampingRetries, layer: layer)
        let damped = factor.dampedHessian(from: hessian).scalars.map(Double.init)

        var w = weights.scalars.map(Double.init)
        for row in 0..<rows { for column in factor.deadInputs { w[row * n + column] = 0 } }
        let full = try inverse(of: damped, n: n, support: Array(0..<n), layer: layer, damping: factor.damping)
        var states = (0..<rows).map { _ in RowState(support: Array(0..<n), inverse: full) }
        for row in 0..<rows { states[row].updateBest(weights: w, rowBase: row * n) }

        var objective = 0.0
        for _ in 0..<(rows * n - keep) {
            var row = 0
            for candidate in 1..<rows where states[candidate].bestCost < states[row].bestCost { row = candidate }
            objective += states[row].bestCost
            try states[row].remove(weights: &w, rowBase: row * n, hessian: damped, n: n, layer: layer,
                                   damping: factor.damping)
        }

        var mask = [Float](repeating: 0, count: rows * n)
        for row in 0..<rows { for column in states[row].support { mask[row * n + column] = 1 } }
        return LayerwisePruneResult(weights: Tensor(shape: matrix.shape, scalars: w.map(Float.init)),
                                    mask: Tensor(shape: matrix.shape, scalars: mask), keptCount: keep,
                                    trackedError: objective, deadInputs: factor.deadInputs, damping: factor.damping,
                                    dampingRetries: factor.dampingRetries)
    }

    /// One row's support, the inverse of H′ on it, and its cheapest removal.
    private struct RowState {
        /// The kept columns, ascending.
        var support: [Int]
        /// (H′_SS)⁻¹, row-major [k, k], k = support.count.
        var inverse: [Double]
        /// The position in `support` of the cheapest weight to remove, and its cost (+∞ when none is left).
        var bestPosition = -1
        var bestCost = Double.infinity

        mutating func updateBest(weights: [Double], rowBase: Int) {
            let k = support.count
            bestPosition = -1
            bestCost = .infinity
            for position in 0..<k {
                let value = weights[rowBase + support[position]]
                let cost = value * value / inverse[position * k + position]
                if cost < bestCost {
                    bestCost = cost
                    bestPosition = position
                }
            }
        }

        /// Removes the cheapest weight with the OBS update, then refreshes the inverse and the next best.
        mutating func remove(weights: inout [Double], rowBase: Int, hessian: [Double], n: Int, layer: String,
                             damping: Float) throws {
            let k = support.count, p = bestPosition
            let scale = weights[rowBase + support[p]] / inverse[p * k + p]
            for position in 0..<k { weights[rowBase + support[position]] -= scale * inverse[position * k + p] }
            weights[rowBase + support[p]] = 0
            support.remove(at: p)
            inverse = try ExactOBS.inverse(of: hessian, n: n, support: support, layer: layer, damping: damping)
            updateBest(weights: weights, rowBase: rowBase)
        }
    }

    /// (H_SS)⁻¹ in Double, full symmetric, by Cholesky (`dpotrf`) and `dpotri`.
    private static func inverse(of hessian: [Double], n: Int, support: [Int], layer: String,
                                damping: Float) throws -> [Double] {
        let k = support.count
        if k == 0 { return [] }
        var sub = [Double](repeating: 0, count: k * k)
        for (a, i) in support.enumerated() { for (b, j) in support.enumerated() { sub[a * k + b] = hessian[i * n + j] } }
        try sub.withUnsafeMutableBufferPointer { buffer in
            // Symmetric, so row-major and column-major are the same matrix; 'L' here is the row-major upper half.
            let lower = Int8(UInt8(ascii: "L"))
            var info = LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, Int32(k), buffer.baseAddress, Int32(k))
            if info == 0 { info = LAPACKE_dpotri(LAPACK_COL_MAJOR, lower, Int32(k), buffer.baseAddress, Int32(k)) }
            if info > 0 || info == -4 { throw LayerwiseError.notPositiveDefinite(layer: layer, damping: damping) }
            if info < 0 { throw LayerwiseError.lapackFailure(routine: "dpotrf/dpotri", info: info, layer: layer) }
            for i in 0..<k { for j in 0..<i { buffer[i * k + j] = buffer[j * k + i] } }
        }
        return sub
    }
}
