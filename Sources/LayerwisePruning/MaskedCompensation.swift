import COpenBLAS
import TensorEngine

/// Optimal Brain Surgeon compensation on a fixed mask: the kept weights of each row are moved to the least-squares
/// optimum of ‖W X − Ŵ X‖² given that the pruned ones are zero.
///
/// Used where the mask is not SparseGPT's to choose: structured patterns (blocks, filters, input channels) and any
/// constraint layer-wise pruning does not know, whose projection of the dense weights fixes the mask. For a row with
/// kept columns S and pruned P, the optimum on the damped Hessian H′ is ŵ_S = w_S + H′_SS⁻¹ H′_SP w_P, i.e.
/// H′_SS ŵ_S = (W H′)_S: rows that share a support share one Cholesky factorisation (`dposv`, Double) with many
/// right-hand sides. Rows that keep everything stay as they are (nothing to compensate into), rows that keep
/// nothing become zero. Inputs that are dead on the calibration data (zero diagonal) get H_dd = 1 as in
/// ``InverseHessianFactor``; their kept weights stay unchanged, since they cannot affect the calibration outputs.
public enum MaskedCompensation {
    /// Compensates one layer's kept weights for the pruned ones.
    /// - Parameters:
    ///   - weights: [out, in] or [out, in, kh, kw]; the flattened column count must equal the Hessian's size.
    ///   - mask: same shape; non-zero keeps a weight.
    ///   - hessian: H = 2·Σ x xᵀ.
    ///   - dampingFraction: λ as a fraction of mean(diag H), ≥ 0.
    ///   - maxDampingRetries: tenfold damping retries when a kept block is not positive definite.
    ///   - layer: the layer's name, for error messages.
    /// - Throws: ``LayerwiseError`` for shape mismatches, NaN, or a Hessian that no damping makes positive definite.
    public static func prune(weights: Tensor, mask: Tensor, hessian: Tensor, dampingFraction: Float = 0.01,
                             maxDampingRetries: Int = 2, layer: String = "layer") throws -> LayerwisePruneResult {
        guard hessian.rank == 2, hessian.shape[0] == hessian.shape[1], hessian.shape[0] >= 1 else {
            throw LayerwiseError.shapeMismatch(
                "layer '\(layer)': Hessian has shape \(describeShape(hessian.shape)); expected [n, n] with n ≥ 1")
        }
        let matrix = try WeightMatrix(weights, hessianFeatures: hessian.shape[0], layer: layer)
        guard mask.shape == weights.shape else {
            throw LayerwiseError.shapeMismatch(
                "layer '\(layer)': mask \(describeShape(mask.shape)) differs from the weights \(describeShape(weights.shape))")
        }
        guard dampingFraction.isFinite, dampingFraction >= 0, maxDampingRetries >= 0 else {
            throw LayerwiseError.invalidArgument(
                "layer '\(layer)': damping fraction \(dampingFraction) and retries \(maxDampingRetries); expected ≥ 0")
        }
        let rows = matrix.rows, n = matrix.columns
        var base = hessian.scalars.map(Double.init)
        guard base.allSatisfy({ $0.isFinite }) else { throw LayerwiseError.nonFiniteHessian(layer: layer) }
        var dead: [Int] = []
        for i in 0..<n where base[i * n + i] == 0 {
            base[i * n + i] = 1
            dead.append(i)
        }
        let meanDiagonal = (0..<n).reduce(0.0) { $0 + base[$1 * n + $1] } / Double(n)
        guard meanDiagonal > 0 else { throw LayerwiseError.notPositiveDefinite(layer: layer, damping: 0) }

        let keep = mask.scalars.map { $0 != 0 }
        let groups = supportGroups(keep: keep, rows: rows, columns: n)
        var lastDamping: Float = 0
        for attempt in 0...maxDampingRetries {
            let fraction = dampingFraction > 0
                ? Double(dampingFraction) * pow10(attempt)
                : (attempt == 0 ? 0 : 0.01 * pow10(attempt - 1))
            let damping = fraction * meanDiagonal
            lastDamping = Float(damping)
            var damped = base
            for i in 0..<n { damped[i * n + i] += damping }
            guard let solved = try solve(weights: weights.scalars, keep: keep, groups: groups, damped: damped,
                                         rows: rows, n: n, layer: layer) else { continue }
            let result = Tensor(shape: matrix.shape, scalars: solved.map(Float.init))
            let dampedTensor = Tensor(shape: [n, n], scalars: damped.map(Float.init))
            let error = try 2 * reconstructionError(original: weights, pruned: result, hessian: dampedTensor)
            return LayerwisePruneResult(weights: result, mask: Tensor(shape: matrix.shape, scalars: keep.map { $0 ? 1 : 0 }),
                                        keptCount: keep.reduce(0) { $0 + ($1 ? 1 : 0) }, trackedError: error,
                                        deadInputs: dead, damping: Float(damping), dampingRetries: attempt)
        }
        throw LayerwiseError.notPositiveDefinite(layer: layer, damping: lastDamping)
    }

    /// Rows grouped by their kept columns, in order of first appearance; rows keeping all or none are left out.
    private static func supportGroups(keep: [Bool], rows: Int, columns: Int) -> [(support: [Int], rows: [Int])] {
        var groups: [(support: [Int], rows: [Int])] = []
        var index: [[Bool]: Int] = [:]
        for row in 0..<rows {
            let pattern = Array(keep[(row * columns)..<((row + 1) * columns)])
            let kept = pattern.reduce(0) { $0 + ($1 ? 1 : 0) }
            if kept == 0 || kept == columns { continue }
            if let position = index[pattern] {
                groups[position].rows.append(row)
            } else {
                index[pattern] = groups.count
                groups.append((pattern.indices.filter { pattern[$0] }, [row]))
            }
        }
        return groups
    }

    /// The compensated weights in Double, or nil when a kept block of `damped` is not positive definite.
    private static func solve(weights: [Float], keep: [Bool], groups: [(support: [Int], rows: [Int])],
                              damped: [Double], rows: Int, n: Int, layer: String) throws -> [Double]? {
        var w = weights.map(Double.init)
        // Pruned weights are exactly zero; rows that keep everything keep their values.
        for index in w.indices where !keep[index] { w[index] = 0 }
        guard !groups.isEmpty else { return w }
        // B = W H′ over the dense weights, one GEMM; each group reads its rows' kept columns.
        let dense = weights.map(Double.init)
        var product = [Double](repeating: 0, count: rows * n)
        dense.withUnsafeBufferPointer { a in
            damped.withUnsafeBufferPointer { h in
                product.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(n), Int32(n), 1,
                                a.baseAddress, Int32(n), h.baseAddress, Int32(n), 0, c.baseAddress, Int32(n))
                }
            }
        }
        for group in groups {
            let k = group.support.count, r = group.rows.count
            var block = [Double](repeating: 0, count: k * k)
            for (a, i) in group.support.enumerated() {
                for (b, j) in group.support.enumerated() { block[a * k + b] = damped[i * n + j] }
            }
            // Right-hand sides row by row: row-major [r, k] is column-major [k, r] with ldb = k.
            var rhs = [Double](repeating: 0, count: r * k)
            for (position, row) in group.rows.enumerated() {
                for (a, column) in group.support.enumerated() { rhs[position * k + a] = product[row * n + column] }
            }
            let info = block.withUnsafeMutableBufferPointer { a in
                rhs.withUnsafeMutableBufferPointer { b in
                    LAPACKE_dposv(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), Int32(k), Int32(r), a.baseAddress,
                                  Int32(k), b.baseAddress, Int32(k))
                }
            }
            if info > 0 { return nil }
            if info < 0 { throw LayerwiseError.lapackFailure(routine: "dposv", info: info, layer: layer) }
            for (position, row) in group.rows.enumerated() {
                for (a, column) in group.support.enumerated() { w[row * n + column] = rhs[position * k + a] }
            }
        }
        return w
    }
}

/// 10^exponent as a Double, for the damping retries.
private func pow10(_ exponent: Int) -> Double {
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
}
