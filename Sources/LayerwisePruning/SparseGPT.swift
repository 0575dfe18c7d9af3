import COpenBLAS
import TensorEngine

/// Options of the SparseGPT sweep.
public struct SparseGPTOptions: Equatable, Sendable {
    /// Columns per lazy-update block, and per unstructured mask selection (SparseGPT's 128). For N:M a multiple of M.
    public var blockSize: Int
    /// Damping λ as a fraction of mean(diag H) (SparseGPT's `percdamp`, 0.01).
    public var dampingFraction: Float
    /// How many times the damping is raised tenfold when H + λI is not positive definite.
    public var maxDampingRetries: Int

    /// Creates options; the defaults are SparseGPT's.
    /// - Parameters:
    ///   - blockSize: columns per block (default 128).
    ///   - dampingFraction: λ / mean(diag H) (default 0.01).
    ///   - maxDampingRetries: tenfold damping retries before giving up (default 2).
    public init(blockSize: Int = 128, dampingFraction: Float = 0.01, maxDampingRetries: Int = 2) {
        self.blockSize = blockSize
        self.dampingFraction = dampingFraction
        self.maxDampingRetries = maxDampingRetries
    }
}

/// One-shot layer-wise pruning with SparseGPT's column-blocked OBS sweep (Frantar & Alistarh 2023).
///
/// Columns are visited left to right. Pruning or keeping column j leaves an error e = (w_j − q_j)/U_jj per row,
/// which is compensated into the columns to its right by W[:, k] −= e·U_jk, with U the upper Cholesky factor
/// of (H + λI)⁻¹. Inside a block of `blockSize` columns this is a rank-1 update per column; the columns after
/// the block get all of the block's errors at once, W[:, end:] −= Err · U[block, end:], one `sgemm`.
///
/// Mask selection: unstructured masks are chosen per block of columns over all rows together, by the OBS
/// saliency w²/U_jj² of the weights as they are when the sweep reaches the block (the paper's adaptive
/// per-block selection). Block b prunes ⌊P·end_b/columns⌋ − ⌊P·start_b/columns⌋ weights, P = total to prune,
/// so every block prunes its share and the layer keeps exactly the requested count. N:M masks are chosen when
/// the sweep reaches the first column of each group of M consecutive columns, per row, by the same saliency.
/// Column order is the flattened one: for a conv [out, in, kh, kw], column ((i·kh)+y)·kw+x, as in the im2col
/// rows, so an N:M group of a conv spans kernel offsets of one input channel (and possibly the next), the same
/// groups that a magnitude N:M projection of the flattened weight uses.
public enum SparseGPT {
    /// Prunes one layer from its Hessian: damping, factorisation, then the sweep.
    /// - Parameters:
    ///   - weights: [out, in] or [out, in, kh, kw]; the flattened column count must equal the Hessian's size.
    ///   - hessian: H = 2·Σ x xᵀ from ``HessianAccumulator``.
    ///   - pattern: unstructured (exact count) or N:M.
    ///   - options: block size and damping.
    ///   - layer: the layer's name, for error messages.
    /// - Throws: ``LayerwiseError`` for shape mismatches, invalid patterns, NaN, or a Hessian that no damping makes
    ///   positive definite.
    public static func prune(weights: Tensor, hessian: Tensor, pattern: LayerwiseSparsity,
                             options: SparseGPTOptions = SparseGPTOptions(), layer: String = "layer") throws
        -> LayerwisePruneResult {
        _ = try WeightMatrix(weights, hessianFeatures: hessian.rank == 2 ? hessian.shape[0] : -1, layer: layer)
        let factor = try InverseHessianFactor(hessian: hessian, dampingFraction: options.dampingFraction,
                                              maxDampingRetries: options.maxDampingRetries, layer: layer)
        return try prune(weights: weights, factor: factor, pattern: pattern, blockSize: options.blockSize, layer: layer)
    }

    /// Prunes one layer with an already computed factor of the damped inverse Hessian.
    /// - Parameters:
    ///   - weights: [out, in] or [out, in, kh, kw]; the flattened column count must equal `factor.features`.
    ///   - factor: the upper Cholesky factor of (H + λI)⁻¹ and the dead inputs.
    ///   - pattern: unstructured (exact count) or N:M.
    ///   - blockSize: columns per lazy-update block (a multiple of M for N:M).
    ///   - layer: the layer's name, for error messages.
    /// - Throws: ``LayerwiseError/shapeMismatch(_:)``, ``LayerwiseError/invalidArgument(_:)``,
    ///   ``LayerwiseError/nonFiniteWeights(layer:)``.
    public static func prune(weights: Tensor, factor: InverseHessianFactor, pattern: LayerwiseSparsity,
                             blockSize: Int = 128, layer: String = "layer") throws -> LayerwisePruneResult {
        let matrix = try WeightMatrix(weights, hessianFeatures: factor.features, layer: layer)
        let rows = matrix.rows, columns = matrix.columns
        let keep = try pattern.keptCount(rows: rows, columns: columns, layer: layer)
        guard blockSize >= 1 else {
            throw LayerwiseError.invalidArgument("layer '\(layer)': block size \(blockSize); expected ≥ 1")
        }
        if case .nOutOfM(_, let m) = pattern, blockSize % m != 0 {
            throw LayerwiseError.invalidArgument(
                "layer '\(layer)': block size \(blockSize) must be a multiple of M = \(m) for N:M")
        }

        // Work on Wᵀ [columns, rows] so that a column of W, and a block of columns, is contiguous.
        var weightsT = [Float](repeating: 0, count: rows * columns)
        var prunedT = [Bool](repeating: false, count: rows * columns)
        weights.scalars.withUnsafeBufferPointer { source in
            weightsT.withUnsafeMutableBufferPointer { transpose(source, rows: rows, columns: columns, into: $0) }
        }
        let error = weightsT.withUnsafeMutableBufferPointer { w in
            prunedT.withUnsafeMutableBufferPointer { pruned in
                factor.upper.withUnsafeBufferPointer { upper in
                    let sweep = Sweep(rows: rows, columns: columns, blockSize: blockSize, weightsT: w, prunedT: pruned,
                                      upper: upper)
                    sweep.zeroDeadInputs(factor.deadInputs)
                    return sweep.run(pattern: pattern, keep: keep)
                }
            }
        }

        let prunedWeights = Tensor(shape: matrix.shape) { target in
            weightsT.withUnsafeBufferPointer { transpose($0, rows: columns, columns: rows, into: target) }
        }
        let maskT = prunedT.map { $0 ? Float(0) : 1 }
        let mask = Tensor(shape: matrix.shape) { target in
            maskT.withUnsafeBufferPointer { transpose($0, rows: columns, columns: rows, into: target) }
        }
        return LayerwisePruneResult(weights: prunedWeights, mask: mask, keptCount: keep, trackedError: error,
                                    deadInputs: factor.deadInputs, damping: factor.damping,
                                    dampingRetries: factor.dampingRetries)
    }
}

/// One SparseGPT sweep over Wᵀ, on buffers owned by the caller.
private struct Sweep {
    let rows: Int
    let columns: Int
    let blockSize: Int
    /// Wᵀ, [columns, rows]; ends as the pruned, compensated weights.
    let w: UnsafeMutableBufferPointer<Float>
    /// true where the weight (column, row) is pruned, [columns, rows].
    let pruned: UnsafeMutableBufferPointer<Bool>
    /// The row-major upper Cholesky factor U of the damped inverse Hessian, [columns, columns].
    let upper: UnsafeBufferPointer<Float>

    init(rows: Int, columns: Int, blockSize: Int, weightsT: UnsafeMutableBufferPointer<Float>,
         prunedT: UnsafeMutableBufferPointer<Bool>, upper: UnsafeBufferPointer<Float>) {
        self.rows = rows
        self.columns = columns
        self.blockSize = blockSize
        w = weightsT
        pruned = prunedT
        self.upper = upper
    }

    /// Dead inputs carry no signal: their weights go to zero before the sweep (and, having zero saliency, are
    /// the first an unstructured or N:M mask prunes).
    func zeroDeadInputs(_ dead: [Int]) {
        for column in dead {
            for row in 0..<rows { w[column * rows + row] = 0 }
        }
    }

    /// Runs the blocked sweep; returns Σ_j ‖e_j‖².
    func run(pattern: LayerwiseSparsity, keep: Int) -> Double {
        let toPrune = rows * columns - keep
        // Block-sized work buffers, allocated once: the block's errors Errᵀ [width, rows], saliencies, scratch.
        let errorsT = UnsafeMutableBufferPointer<Float>.allocate(capacity: 3 * blockSize * rows)
        defer { errorsT.deallocate() }
        let saliency = UnsafeMutableBufferPointer(rebasing: errorsT[(blockSize * rows)..<(2 * blockSize * rows)])
        let scratch = UnsafeMutableBufferPointer(rebasing: errorsT[(2 * blockSize * rows)...])
        var errorSum = 0.0
        var start = 0
        while start < columns {
            let end = min(columns, start + blockSize)
            if case .nOutOfM = pattern {} else {
                // Unstructured: this block's share of the pruned count, chosen over all of the block's weights.
                let share = toPrune * end / columns - toPrune * start / columns
                selectBlockMask(start: start, end: end, share: share, saliency: saliency, scratch: scratch)
            }
            for column in start..<end {
                if case .nOutOfM(let keepInGroup, let m) = pattern, column % m == 0 {
                    selectNOutOfM(keep: keepInGroup, m: m, firstColumn: column)
                }
                let columnErrors = UnsafeMutableBufferPointer(
                    rebasing: errorsT[((column - start) * rows)..<((column - start + 1) * rows)])
                errorSum += quantizeColumn(column, errors: columnErrors, compensateUpTo: end)
            }
            // Lazy batch update of the columns after the block: Wᵀ[end:, :] −= U[block, end:]ᵀ · Errᵀ.
            if end < columns {
                BLAS.gemm(transposeA: true, transposeB: false, m: columns - end, n: rows, k: end - start,
                          alpha: -1, a: upper.baseAddress! + start * columns + end, lda: columns,
                          b: UnsafePointer(errorsT.baseAddress!), ldb: rows,
                          beta: 1, c: w.baseAddress! + end * rows, ldc: rows)
            }
            start = end
        }
        return errorSum
    }

    /// Marks the `share` weights of columns start..<end with the smallest saliency w²/U_jj² as pruned.
    private func selectBlockMask(start: Int, end: Int, share: Int, saliency: UnsafeMutableBufferPointer<Float>,
                                 scratch: UnsafeMutableBufferPointer<Float>) {
        for column in start..<end {
            let d = upper[column * columns + column]
            let scale = 1 / (d * d)
            let base = column * rows, target = (column - start) * rows
            for row in 0..<rows {
                let value = w[base + row]
                saliency[target + row] = value * value * scale
            }
        }
        let count = (end - start) * rows
        markSmallest(UnsafeBufferPointer(rebasing: saliency[0..<count]), count: share, scratch: scratch,
                     pruned: UnsafeMutableBufferPointer(rebasing: pruned[(start * rows)..<(end * rows)]))
    }

    /// Applies the mask to one column, writes its errors e = (w − q)/U_jj, and compensates the later columns
    /// of the block with a rank-1 update Wᵀ[k, :] −= U[column, k] · e, k in (column, blockEnd). Returns ‖e‖².
    private func quantizeColumn(_ column: Int, errors: UnsafeMutableBufferPointer<Float>, compensateUpTo blockEnd: Int)
        -> Double {
        let d = upper[column * columns + column]
        let base = column * rows
        var sum = 0.0
        for row in 0..<rows {
            let value = w[base + row]
            if pruned[base + row] {
                let e = value / d
                errors[row] = e
                sum += Double(e) * Double(e)
                w[base + row] = 0
            } else {
                errors[row] = 0
            }
        }
        // A column that lost nothing (or only zeros) moves no other weight.
        if sum > 0 && column + 1 < blockEnd {
            cblas_sger(CblasRowMajor, Int32(blockEnd - column - 1), Int32(rows), -1,
                       upper.baseAddress! + column * columns + column + 1, 1,
                       UnsafePointer(errors.baseAddress!), 1,
                       w.baseAddress! + (column + 1) * rows, Int32(rows))
        }
        return sum
    }

    /// Chooses, in every row, which M − N weights of columns firstColumn..<firstColumn+M to prune: the smallest
    /// saliencies w²/U_jj² of the weights as they are now (ties: the lower column).
    private func selectNOutOfM(keep: Int, m: Int, firstColumn: Int) {
        let n = columns
        let prune = m - keep
        if prune == 0 { return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * m) { buffer in
            let scales = UnsafeMutableBufferPointer(rebasing: buffer[0..<m])
            let group = UnsafeMutableBufferPointer(rebasing: buffer[m..<(2 * m)])
            for offset in 0..<m {
                let d = upper[(firstColumn + offset) * n + firstColumn + offset]
                scales[offset] = 1 / (d * d)
            }
            for row in 0..<rows {
                for offset in 0..<m {
                    let value = w[(firstColumn + offset) * rows + row]
                    group[offset] = value * value * scales[offset]
                }
                // M is small (4, 8, 16): repeated minimum search is cheaper than sorting.
                for _ in 0..<prune {
                    var best = -1
                    for offset in 0..<m where group[offset] >= 0 && (best < 0 || group[offset] < group[best]) {
                        best = offset
                    }
                    pruned[(firstColumn + best) * rows + row] = true
                    group[best] = -1
                }
            }
        }
    }
}
