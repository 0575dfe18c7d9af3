/// Max, average and global average pooling over the spatial dimensions of NCHW tensors, PyTorch semantics
/// (floor mode: a window never starts beyond the padded input).

/// The window arithmetic shared by max and average pooling.
struct PoolingGeometry {
    let planes: Int
    let height: Int
    let width: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let strideH: Int
    let strideW: Int
    let paddingH: Int
    let paddingW: Int
    let outHeight: Int
    let outWidth: Int
    let outputShape: [Int]

    init(operation: String, input: [Int], kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)) {
        precondition(input.count == 4, "\(operation): input must be [N, C, H, W], got \(describeShape(input))")
        precondition(kernelSize.0 >= 1 && kernelSize.1 >= 1, "\(operation): kernel size must be positive, got \(kernelSize)")
        precondition(stride.0 >= 1 && stride.1 >= 1, "\(operation): stride must be positive, got \(stride)")
        // PyTorch's rule: padding at most half the kernel, so every window holds at least one real element.
        precondition(padding.0 >= 0 && padding.1 >= 0 && 2 * padding.0 <= kernelSize.0 && 2 * padding.1 <= kernelSize.1,
                     "\(operation): padding \(padding) must be between 0 and half of kernel size \(kernelSize)")
        precondition(input[2] + 2 * padding.0 >= kernelSize.0 && input[3] + 2 * padding.1 >= kernelSize.1,
                     "\(operation): kernel \(kernelSize) does not fit input \(describeShape(input)) with padding \(padding)")
        planes = input[0] * input[1]
        height = input[2]; width = input[3]
        (kernelHeight, kernelWidth) = kernelSize
        (strideH, strideW) = stride
        (paddingH, paddingW) = padding
        outHeight = (height + 2 * paddingH - kernelHeight) / strideH + 1
        outWidth = (width + 2 * paddingW - kernelWidth) / strideW + 1
        outputShape = [input[0], input[1], outHeight, outWidth]
    }

    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }

    /// The input rows `lo ..< hi` of the window of output row `outRow` (padding excluded).
    @inline(__always) func rows(_ outRow: Int) -> (Int, Int) {
        let start = outRow * strideH - paddingH
        return (max(start, 0), min(start + kernelHeight, height))
    }

    /// The input columns `lo ..< hi` of the window of output column `outColumn` (padding excluded).
    @inline(__always) func columns(_ outColumn: Int) -> (Int, Int) {
        let start = outColumn * strideW - paddingW
        return (max(start, 0), min(start + kernelWidth, width))
    }
}

/// Max pooling, PyTorch semantics: padding counts as −∞, and ties go to the first element in row-major order.
///
/// - Parameters:
///   - input: [N, C, H, W].
///   - kernelSize: window (height, width).
///   - stride: step between windows.
///   - padding: implicit −∞ border, at most half the kernel.
/// - Returns: [N, C, H_out, W_out] with H_out = ⌊(H + 2·pad − k) / stride⌋ + 1.
public func maxPool2d(_ input: Variable, kernelSize: (Int, Int), stride: (Int, Int),
                      padding: (Int, Int) = (0, 0)) -> Variable {
    let shape = input.value.shape
    let g = PoolingGeometry(operation: "maxPool2d", input: shape, kernelSize: kernelSize, stride: stride, padding: padding)
    let outPlane = g.outPlane, inPlane = g.inPlane
    // Where each output's maximum came from, as an offset inside its input plane: the backward pass scatters there.
    var argmax = [Int32](repeating: 0, count: g.planes * outPlane)
    let output = input.value.scalars.withUnsafeBufferPointer { x in
        argmax.withUnsafeMutableBufferPointer { indices in
            Tensor(shape: g.outputShape) { y in
              Parallelism.forEachRange(g.planes, grain: maxPoolPlaneGrain(g)) { planes in
                if g.isUnpaddedTwoByTwo {
                    maxPoolTwoByTwo(x.baseAddress!, y.baseAddress!, indices.baseAddress!, planes: planes, geometry: g)
                    return
                }
                for plane in planes {
                    let source = x.baseAddress! + plane * inPlane
                    let outBase = plane * outPlane
                    for outRow in 0..<g.outHeight {
                        let (rowLo, rowHi) = g.rows(outRow)
                        for outColumn in 0..<g.outWidth {
                            let (columnLo, columnHi) = g.columns(outColumn)
                            var best = -Float.infinity
                            var bestIndex = rowLo * g.width + columnLo
                            for row in rowLo..<rowHi {
                                for column in columnLo..<columnHi {
                                    let value = source[row * g.width + column]
                                    // NaN wins, as in PyTorch, so that it propagates.
                                    if value > best || value.isNaN {
                                        best = value
                                        bestIndex = row * g.width + column
                                        if value.isNaN { break }
                                    }
                                }
                                if best.isNaN { break }
                            }
                            y[outBase + outRow * g.outWidth + outColumn] = best
                            indices[outBase + outRow * g.outWidth + outColumn] = Int32(bestIndex)
                        }
                    }
                }
              }
            }
        }
    }
    return Variable(value: output, operands: [input]) { gradient in
        var result = Tensor.zeros(shape)
        gradient.scalars.withUnsafeBufferPointer { dy in
            argmax.withUnsafeBufferPointer { indices in
                result.scalars.withUnsafeMutableBufferPointer { dx in
                    Parallelism.forEachRange(g.planes, grain: maxPoolPlaneGrain(g)) { planes in
                        for plane in planes {
                            let target = dx.baseAddress! + plane * inPlane
                            let outBase = plane * outPlane
                            for index in 0..<outPlane {
                                target[Int(indices[outBase + index])] += dy[outBase + index]
                            }
                        }
                    }
                }
            }
        }
        return [result]
    }
}

/// Average pooling, PyTorch semantics with `count_include_pad = true`: every window divides by kh·kw.
///
/// - Parameters:
///   - input: [N, C, H, W].
///   - kernelSize: window (height, width).
///   - stride: step between windows.
///   - padding: implicit zero border, at most half the kernel.
/// - Returns: [N, C, H_out, W_out] with H_out = ⌊(H + 2·pad − k) / stride⌋ + 1.
public func avgPool2d(_ input: Variable, kernelSize: (Int, Int), stride: (Int, Int),
                      padding: (Int, Int) = (0, 0)) -> Variable {
    let shape = input.value.shape
    let g = PoolingGeometry(operation: "avgPool2d", input: shape, kernelSize: kernelSize, stride: stride, padding: padding)
    let outPlane = g.outPlane, inPlane = g.inPlane
    let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
    let output = input.value.scalars.withUnsafeBufferPointer { x in
        Tensor(shape: g.outputShape) { y in
            for plane in 0..<g.planes {
                let source = x.baseAddress! + plane * inPlane
                let target = y.baseAddress! + plane * outPlane
                for outRow in 0..<g.outHeight {
                    let (rowLo, rowHi) = g.rows(outRow)
                    for outColumn in 0..<g.outWidth {
                        let (columnLo, columnHi) = g.columns(outColumn)
                        var sum: Float = 0
                        for row in rowLo..<rowHi {
                            for column in columnLo..<columnHi { sum += source[row * g.width + column] }
                        }
                        target[outRow * g.outWidth + outColumn] = sum * scale
                    }
                }
            }
        }
    }
    return Variable(value: output, operands: [input]) { gradient in
        var result = Tensor.zeros(shape)
        gradient.scalars.withUnsafeBufferPointer { dy in
            result.scalars.withUnsafeMutableBufferPointer { dx in
                for plane in 0..<g.planes {
                    let source = dy.baseAddress! + plane * outPlane
                    let target = dx.baseAddress! + plane * inPlane
                    for outRow in 0..<g.outHeight {
                        let (rowLo, rowHi) = g.rows(outRow)
                        for outColumn in 0..<g.outWidth {
                            let (columnLo, columnHi) = g.columns(outColumn)
                            let share = source[outRow * g.outWidth + outColumn] * scale
                            for row in rowLo..<rowHi {
                                for column in columnLo..<columnHi { target[row * g.width + column] += share }
                            }
                        }
                    }
                }
            }
        }
        return [result]
    }
}

/// Global average pooling: the mean of each channel plane, [N, C, H, W] → [N, C, 1, 1].
///
/// - Parameter input: [N, C, H, W] with H·W > 0.
public func globalAvgPool2d(_ input: Variable) -> Variable {
    let shape = input.value.shape
    precondition(shape.count == 4, "globalAvgPool2d: input must be [N, C, H, W], got \(describeShape(shape))")
    let planes = shape[0] * shape[1], plane = shape[2] * shape[3]
    precondition(plane > 0, "globalAvgPool2d: empty spatial extent in \(describeShape(shape))")
    let scale = 1 / Float(plane)
    let output = input.value.scalars.withUnsafeBufferPointer { x in
        Tensor(shape: [shape[0], shape[1], 1, 1]) { y in
            for index in 0..<planes {
                y[index] = sumFloats(x.baseAddress! + index * plane, count: plane) * scale
            }
        }
    }
    return Variable(value: output, operands: [input]) { gradient in
        let result = gradient.scalars.withUnsafeBufferPointer { dy in
            Tensor(shape: shape) { dx in
                for index in 0..<planes {
                    (dx.baseAddress! + index * plane).update(repeating: dy[index] * scale, count: plane)
                }
            }
        }
        return [result]
    }
}

extension PoolingGeometry {
    /// The common 2×2, stride-2, unpadded window (LeNet, VGG), which has a fast path.
    var isUnpaddedTwoByTwo: Bool {
        kernelHeight == 2 && kernelWidth == 2 && strideH == 2 && strideW == 2 && paddingH == 0 && paddingW == 0
    }
}

/// Max pooling over 2×2 windows with stride 2 and no padding, without the general path's window bookkeeping and
/// with selects instead of branches (which of four values wins is unpredictable; the branchy loop took a tenth of a
/// LeNet-5 training step). Ties keep the first maximum, and NaN wins, as in the general path.
private func maxPoolTwoByTwo(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                             _ indices: UnsafeMutablePointer<Int32>, planes: Range<Int>, geometry g: PoolingGeometry) {
    let width = g.width, outWidth = g.outWidth, outHeight = g.outHeight
    for plane in planes {
        let source = x + plane * g.inPlane
        let target = y + plane * g.outPlane
        let targetIndices = indices + plane * g.outPlane
        for outRow in 0..<outHeight {
            let top = 2 * outRow * width, bottom = top + width
            for outColumn in 0..<outWidth {
                let left = 2 * outColumn
                let a = source[top + left], b = source[top + left + 1]
                let c = source[bottom + left], d = source[bottom + left + 1]
                let takeB = b > a
                var best = takeB ? b : a
                var index = takeB ? top + left + 1 : top + left
                let takeC = c > best
                best = takeC ? c : best
                index = takeC ? bottom + left : index
                let takeD = d > best
                best = takeD ? d : best
                index = takeD ? bottom + left + 1 : index
                if (a + b + c + d).isNaN {
                    // Rare: a NaN (or +∞ with −∞) in the window; the first NaN wins.
                    for candidate in [top + left, top + left + 1, bottom + left, bottom + left + 1] where source[candidate].isNaN {
                        best = source[candidate]
                        index = candidate
                        break
                    }
                }
                target[outRow * outWidth + outColumn] = best
                targetIndices[outRow * outWidth + outColumn] = Int32(truncatingIfNeeded: index)
            }
        }
    }
}

/// The fewest planes worth handing to another worker: about 2¹⁵ input floats.
private func maxPoolPlaneGrain(_ g: PoolingGeometry) -> Int { max(1, (1 << 15) / max(g.inPlane, 1)) }
