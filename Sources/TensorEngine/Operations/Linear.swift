/// Matrix products on BLAS.

extension Tensor {
    /// The matrix product of two rank-2 tensors, optionally transposing either: op(self) · op(other).
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2,
                     "matmul needs rank-2 tensors, got \(describeShape(shape)) and \(describeShape(other.shape))")
        let m = transposeSelf ? shape[1] : shape[0]
        let k = transposeSelf ? shape[0] : shape[1]
        let otherK = transposeOther ? other.shape[1] : other.shape[0]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(k == otherK, "matmul inner dimensions differ: \(describeShape(shape)) and \(describeShape(other.shape))")
        var result = Tensor.zeros([m, n])
        if k == 0 { return result }
        scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                result.scalars.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                              a: a.baseAddress!, lda: shape[1], b: b.baseAddress!, ldb: other.shape[1],
                              c: c.baseAddress!, ldc: n)
                }
            }
        }
        return result
    }

    /// Sums a [rows, columns] tensor over its rows: the gradient of a broadcast bias.
    public func sumOverRows() -> Tensor {
        precondition(rank == 2, "sumOverRows needs a rank-2 tensor, got \(describeShape(shape))")
        let rows = shape[0], columns = shape[1]
        var result = [Float](repeating: 0, count: columns)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for row in 0..<rows {
                    let base = row * columns
                    for column in 0..<columns { target[column] += source[base + column] }
                }
            }
        }
        return Tensor(shape: [columns], scalars: result)
    }
}

extension Tensor {
    /// self · op(other), with the rows of `self` (the images of a batch) cut into ``Parallelism/batchSlices``
    /// slices shared by the workers: one GEMM per slice, the same calls whatever the worker count.
    func matmulSplittingRows(_ other: Tensor, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2,
                     "matmul needs rank-2 tensors, got \(describeShape(shape)) and \(describeShape(other.shape))")
        let rows = shape[0], k = shape[1]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(k == (transposeOther ? other.shape[1] : other.shape[0]),
                     "matmul inner dimensions differ: \(describeShape(shape)) and \(describeShape(other.shape))")
        guard k > 0 else { return matmul(other, transposeOther: transposeOther) }
        return scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                Tensor(shape: [rows, n]) { c in
                    Parallelism.forEachSlice(rows, slices: Parallelism.sliceCount(batch: rows)) { _, range in
                        BLAS.gemm(transposeA: false, transposeB: transposeOther, m: range.count, n: n, k: k,
                                  a: a.baseAddress! + range.lowerBound * k, lda: k, b: b.baseAddress!, ldb: other.shape[1],
                                  c: c.baseAddress! + range.lowerBound * n, ldc: n)
                    }
                }
            }
        }
    }
}

extension Variable {
    /// The matrix product of two rank-2 variables.
    public func matmul(_ other: Variable) -> Variable {
        let left = value, right = other.value
        return Variable(value: left.matmul(right), operands: [self, other]) { gradient in
            [gradient.matmul(right, transposeOther: true), left.matmul(gradient, transposeSelf: true)]
        }
    }
}

/// A fully connected layer's function: y = x Wᵀ + b, with x: [N, in], W: [out, in] (PyTorch's layout), b: [out].
public func linear(_ input: Variable, weight: Variable, bias: Variable?) -> Variable {
    let x = input.value, w = weight.value
    precondition(x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[1],
                 "linear: input \(describeShape(x.shape)) does not fit weight \(describeShape(w.shape))")
    var output = x.matmulSplittingRows(w, transposeOther: true)
    if let bias {
        let outFeatures = w.shape[0]
        precondition(bias.value.shape == [outFeatures], "linear: bias \(describeShape(bias.value.shape)) for \(outFeatures) outputs")
        bias.value.scalars.withUnsafeBufferPointer { b in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for row in 0..<x.shape[0] {
                    let base = row * outFeatures
                    for column in 0..<outFeatures { y[base + column] += b[column] }
                }
            }
        }
    }
    let operands = bias.map { [input, weight, $0] } ?? [input, weight]
    return Variable(value: output, operands: operands) { gradient in
        var gradients: [Tensor?] = [
            input.requiresGradient ? gradient.matmulSplittingRows(w) : nil,
            weight.requiresGradient ? gradient.matmul(x, transposeSelf: true) : nil,
        ]
        if bias != nil { gradients.append(gradient.sumOverRows()) }
        return gradients
    }
}
