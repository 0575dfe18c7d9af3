import COpenBLAS
import TensorEngine

/// The upper Cholesky factor U of the damped inverse Hessian, (H + λI)⁻¹ = Uᵀ U, that OBS and SparseGPT sweep with.
///
/// Made in four steps: inputs whose diagonal is zero ("dead": zero on every calibration sample) get H_dd = 1
/// (their weights must be zeroed: ``deadInputs``); λ = dampingFraction · mean(diag H) is added to the diagonal;
/// then `spotrf` (Cholesky of H), `spotri` (H⁻¹ from it) and `spotrf` again (the factor of H⁻¹). When a step
/// finds the matrix not positive definite (info > 0), the whole factorisation is retried with ten times the
/// damping fraction, at most `maxDampingRetries` times (default 2: fractions 0.01, 0.1, 1 of the mean diagonal),
/// and then ``LayerwiseError/notPositiveDefinite(layer:damping:)`` is thrown.
public struct InverseHessianFactor: Sendable {
    /// The number of features n; ``upper`` is [n, n].
    public let features: Int
    /// U, row-major [n, n]: upper triangular with a positive diagonal, zeros below it.
    public let upper: [Float]
    /// The inputs whose Hessian diagonal was zero, ascending. Their weights carry no signal and are zeroed.
    public let deadInputs: [Int]
    /// The λ that was added to the diagonal of the factorised matrix.
    public let damping: Float
    /// The fraction of mean(diag H) that λ is: the requested one times 10 per retry.
    public let dampingFraction: Float
    /// How many times the damping had to be raised (0 when the first attempt succeeded).
    public let dampingRetries: Int

    /// Damps and factorises a Hessian.
    /// - Parameters:
    ///   - hessian: H = 2·Σ x xᵀ, symmetric [n, n] (only its upper triangle is read).
    ///   - dampingFraction: λ as a fraction of mean(diag H), ≥ 0; SparseGPT's default 0.01.
    ///   - maxDampingRetries: how many times to retry with 10× the fraction after a failure (a zero fraction
    ///     retries from 0.01).
    ///   - layer: the layer's name, for error messages.
    /// - Throws: ``LayerwiseError/nonFiniteHessian(layer:)`` for NaN or infinity in H,
    ///   ``LayerwiseError/notPositiveDefinite(layer:damping:)`` when every damping failed or mean(diag H) ≤ 0,
    ///   ``LayerwiseError/shapeMismatch(_:)`` for a non-square H, ``LayerwiseError/invalidArgument(_:)`` for a
    ///   negative or non-finite fraction.
    public init(hessian: Tensor, dampingFraction: Float = 0.01, maxDampingRetries: Int = 2,
                layer: String = "layer") throws {
        guard hessian.rank == 2, hessian.shape[0] == hessian.shape[1], hessian.shape[0] >= 1 else {
            throw LayerwiseError.shapeMismatch(
                "layer '\(layer)': Hessian has shape \(describeShape(hessian.shape)); expected [n, n] with n ≥ 1")
        }
        guard dampingFraction.isFinite, dampingFraction >= 0, maxDampingRetries >= 0 else {
            throw LayerwiseError.invalidArgument(
                "layer '\(layer)': damping fraction \(dampingFraction) and retries \(maxDampingRetries); expected ≥ 0")
        }
        let n = hessian.shape[0]
        var base = hessian.scalars
        var dead: [Int] = []
        var diagonalSum = 0.0
        let finite: Bool = base.withUnsafeMutableBufferPointer { h in
            for i in 0..<n {
                for j in i..<n where !h[i * n + j].isFinite { return false }
                if h[i * n + i] == 0 {
                    h[i * n + i] = 1
                    dead.append(i)
                }
                diagonalSum += Double(h[i * n + i])
            }
            return true
        }
        guard finite else { throw LayerwiseError.nonFiniteHessian(layer: layer) }
        let meanDiagonal = diagonalSum / Double(n)

        var lastDamping = Float(Double(dampingFraction) * meanDiagonal)
        guard meanDiagonal > 0 else { throw LayerwiseError.notPositiveDefinite(layer: layer, damping: lastDamping) }
        for attempt in 0...maxDampingRetries {
            let fraction: Float = dampingFraction > 0
                ? dampingFraction * pow10(attempt)
                : (attempt == 0 ? 0 : 0.01 * pow10(attempt - 1))
            let damping = Float(Double(fraction) * meanDiagonal)
            lastDamping = damping
            var work = base
            if try InverseHessianFactor.factorInverse(&work, n: n, damping: damping, layer: layer) {
                features = n
                upper = work
                deadInputs = dead
                self.damping = damping
                self.dampingFraction = fraction
                dampingRetries = attempt
                return
            }
        }
        throw LayerwiseError.notPositiveDefinite(layer: layer, damping: lastDamping)
    }

    /// The matrix that was actually inverted: H with dead diagonals set to 1 and λ added to the diagonal.
    /// - Parameter hessian: the same H this factor was made from.
    public func dampedHessian(from hessian: Tensor) -> Tensor {
        precondition(hessian.shape == [features, features], "the Hessian does not match this factor")
        var result = hessian
        let n = features
        result.scalars.withUnsafeMutableBufferPointer { h in
            for d in deadInputs { h[d * n + d] = 1 }
            for i in 0..<n { h[i * n + i] += damping }
        }
        return result
    }

    /// Replaces `matrix` (row-major H, upper triangle read) by the row-major upper Cholesky factor of
    /// (H + damping·I)⁻¹. Returns false when LAPACK finds a matrix that is not positive definite.
    ///
    /// A symmetric row-major matrix read column-major is the same matrix with the triangles swapped, so the
    /// column-major 'L' calls below work on the row-major upper triangle without LAPACKE's transposing copies:
    /// the column-major lower factor L (H = L Lᵀ) is the row-major upper U = Lᵀ (H = Uᵀ U).
    private static func factorInverse(_ matrix: inout [Float], n: Int, damping: Float, layer: String) throws -> Bool {
        try matrix.withUnsafeMutableBufferPointer { a in
            for i in 0..<n { a[i * n + i] += damping }
            let size = Int32(n)
            // LAPACKE reports NaN in the matrix as info = -4 (argument 4); after a successful first step that
            // can only come from overflow in the inverse, so it counts as "not positive definite" too.
            func check(_ info: Int32, _ routine: String) throws -> Bool {
                if info == 0 { return true }
                if info > 0 || info == -4 { return false }
                throw LayerwiseError.lapackFailure(routine: routine, info: info, layer: layer)
            }
            guard try check(LAPACKE_spotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), size, a.baseAddress, size),
                            "spotrf(H)") else { return false }
            guard try check(LAPACKE_spotri(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), size, a.baseAddress, size),
                            "spotri") else { return false }
            guard try check(LAPACKE_spotrf(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "L")), size, a.baseAddress, size),
                            "spotrf(H⁻¹)") else { return false }
            for i in 0..<n {
                // OpenBLAS's potrf does not flag NaN pivots; a non-positive or NaN diagonal is a failure.
                guard a[i * n + i] > 0, a[i * n + i].isFinite else { return false }
                for j in 0..<i { a[i * n + j] = 0 }
            }
            return true
        }
    }
}

/// 10^exponent as a Float, for the damping retries.
private func pow10(_ exponent: Int) -> Float {
    var value: Float = 1
    for _ in 0..<exponent { value *= 10 }
    return value
}
