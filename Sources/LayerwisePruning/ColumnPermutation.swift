import TensorEngine

/// A reordering of a weight matrix's flattened input columns, applied to the weights and the Hessian alike.
///
/// SparseGPT's N:M groups are M consecutive columns, whereas `NMConstraint` groups M consecutive input channels at
/// one kernel offset (the channels-last order of sparse tensor cores). Moving a conv's columns from
/// ((c·kh)+y)·kw+x to ((y·kw)+x)·C+c makes the two agree; the result is moved back afterwards.
struct ColumnPermutation {
    /// `source[new]` is the original column that lands at position `new`.
    let source: [Int]

    /// The channels-last order of a conv weight's columns: position (s·C + c) takes column (c·S + s), S = kh·kw.
    /// - Parameters:
    ///   - channels: input channels C.
    ///   - spatial: kernel positions S = kh·kw.
    static func channelsLast(channels: Int, spatial: Int) -> ColumnPermutation {
        var source = [Int](repeating: 0, count: channels * spatial)
        for s in 0..<spatial {
            for c in 0..<channels { source[s * channels + c] = c * spatial + s }
        }
        return ColumnPermutation(source: source)
    }

    /// The [rows, n] weights with their columns reordered (returned as a rank-2 tensor).
    func permuteColumns(_ weights: Tensor) -> Tensor {
        let n = source.count, rows = weights.count / n
        return Tensor(shape: [rows, n]) { target in
            weights.scalars.withUnsafeBufferPointer { w in
                source.withUnsafeBufferPointer { from in
                    for row in 0..<rows {
                        for column in 0..<n { target[row * n + column] = w[row * n + from[column]] }
                    }
                }
            }
        }
    }

    /// The reordering undone: a [rows, n] matrix in permuted order back in the original order, reshaped to `shape`.
    func restoreColumns(_ matrix: Tensor, shape: [Int]) -> Tensor {
        let n = source.count, rows = matrix.count / n
        return Tensor(shape: shape) { target in
            matrix.scalars.withUnsafeBufferPointer { m in
                source.withUnsafeBufferPointer { from in
                    for row in 0..<rows {
                        for column in 0..<n { target[row * n + from[column]] = m[row * n + column] }
                    }
                }
            }
        }
    }

    /// The Hessian of the permuted columns: H′[a, b] = H[source[a], source[b]].
    func permuteHessian(_ hessian: Tensor) -> Tensor {
        let n = source.count
        return Tensor(shape: [n, n]) { target in
            hessian.scalars.withUnsafeBufferPointer { h in
                source.withUnsafeBufferPointer { from in
                    for a in 0..<n {
                        let base = from[a] * n
                        for b in 0..<n { target[a * n + b] = h[base + from[b]] }
                    }
                }
            }
        }
    }
}
