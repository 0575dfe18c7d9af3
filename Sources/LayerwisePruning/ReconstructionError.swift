import TensorEngine

/// The layer's reconstruction error ‖W X − Ŵ X‖² = tr(ΔW H ΔWᵀ)/2 for H = 2·Σ x xᵀ (X's columns the samples).
///
/// Pass the undamped Hessian of ``HessianAccumulator/hessian()`` to get the error on the calibration data. ΔW·H is
/// one `sgemm`; the trace is summed in Double.
/// - Parameters:
///   - original: the weights before pruning, [out, in] or [out, in, kh, kw].
///   - pruned: the weights after pruning, same shape.
///   - hessian: H = 2·Σ x xᵀ, [n, n] with n the flattened input size.
/// - Throws: ``LayerwiseError/shapeMismatch(_:)`` when the shapes do not agree.
public func reconstructionError(original: Tensor, pruned: Tensor, hessian: Tensor) throws -> Double {
    guard original.shape == pruned.shape else {
        throw LayerwiseError.shapeMismatch(
            "pruned weights \(describeShape(pruned.shape)) differ from the original \(describeShape(original.shape))")
    }
    guard original.rank >= 1, hessian.rank == 2, hessian.shape[0] == hessian.shape[1],
          original.count == (original.shape.first ?? 0) * hessian.shape[0] else {
        throw LayerwiseError.shapeMismatch(
            "weights \(describeShape(original.shape)) do not fit Hessian \(describeShape(hessian.shape)); "
                + "expected [out, …] with the flattened input size equal to the Hessian's")
    }
    let rows = original.shape[0], n = hessian.shape[0]
    var delta = original.scalars
    delta.withUnsafeMutableBufferPointer { d in
        pruned.scalars.withUnsafeBufferPointer { p in for index in d.indices { d[index] -= p[index] } }
    }
    var product = [Float](repeating: 0, count: rows * n)
    delta.withUnsafeBufferPointer { d in
        hessian.scalars.withUnsafeBufferPointer { h in
            product.withUnsafeMutableBufferPointer { c in
                BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: n, k: n, a: d.baseAddress!, lda: n,
                          b: h.baseAddress!, ldb: n, c: c.baseAddress!, ldc: n)
            }
        }
    }
    var trace = 0.0
    delta.withUnsafeBufferPointer { d in
        product.withUnsafeBufferPointer { c in for index in d.indices { trace += Double(d[index]) * Double(c[index]) } }
    }
    return trace / 2
}
