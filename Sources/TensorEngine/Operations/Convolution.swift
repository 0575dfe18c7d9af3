/// 2-D convolution as im2col + GEMM, forward and backward.
///
/// The batch is processed in chunks of consecutive images whose column matrix fits a fixed budget, so the GEMMs stay
/// large while the columns are still warm in cache when BLAS reads them. Two GEMM layouts are used:
/// - large output planes: one GEMM per image and group, writing straight into the NCHW output (no scatter pass);
/// - small output planes (deep ResNet layers): one GEMM per chunk and group over all the chunk's images, whose
///   [C_out, images·H_out·W_out] result is then scattered to NCHW, because per-image GEMMs would be too thin.

/// Sizes that decide how a convolution is cut into GEMMs, measured on LeNet-5 and CIFAR ResNet-18 shapes with one
/// OpenBLAS thread (AMD Zen 4): within ±5 % of the best setting on every shape tried.
enum ConvolutionTuning {
    /// A chunk's column matrix aims to stay within this many floats (about L2-sized), so that BLAS reads the columns
    /// from cache right after im2col wrote them.
    static let columnBudget = 1 << 16
    /// ... unless that leaves the chunk's GEMMs fewer columns than this, where BLAS itself gets slow.
    static let minimumColumns = 512
    /// Output planes at least this large use one GEMM per image; smaller ones use one GEMM per chunk plus a scatter.
    /// (LeNet's 10x10 planes gain 15 % in the forward pass per image; ResNet's 8x8 and 4x4 ones lose 10 %.)
    static let perImageMinimumPlane = 100
}

/// How one convolution is cut into GEMMs: the GEMM layout and the number of images per column matrix.
struct ConvolutionPlan {
    /// One GEMM per image writing straight into NCHW, rather than one per chunk followed by a scatter.
    var perImageProducts: Bool
    /// How many consecutive images share one column matrix.
    var imagesPerChunk: Int
}

extension ConvolutionGeometry {
    /// The plan the tuning constants choose for this geometry.
    var defaultPlan: ConvolutionPlan {
        let plane = max(outPlane, 1)
        let withinBudget = ConvolutionTuning.columnBudget / max(patchSize * plane, 1)
        let enoughColumns = (ConvolutionTuning.minimumColumns + plane - 1) / plane
        return ConvolutionPlan(perImageProducts: outPlane >= ConvolutionTuning.perImageMinimumPlane,
                               imagesPerChunk: max(1, min(batch, max(withinBudget, enoughColumns))))
    }
}

/// Which kernels ``conv2d(_:weight:bias:stride:padding:dilation:groups:)`` uses.
public enum ConvolutionAlgorithm: String, Sendable {
    /// Winograd F(2×2, 3×3) for 3×3, stride-1, padding-1 convolutions with at least 16 input and output channels,
    /// im2col + GEMM for the rest.
    case automatic
    /// im2col + GEMM everywhere: the reference path, and the bits of runs made before the Winograd kernels.
    case im2col

    /// The process-wide choice (default ``automatic``).
    public static var preferred: ConvolutionAlgorithm = .automatic
}

/// 2-D convolution (cross-correlation), PyTorch semantics.
///
/// - Parameters:
///   - input: [N, C_in, H, W].
///   - weight: [C_out, C_in / groups, kh, kw].
///   - bias: [C_out], or nil.
///   - stride: (vertical, horizontal) step between output positions.
///   - padding: zero rows / columns added on each side.
///   - dilation: spacing between kernel taps.
///   - groups: input and output channels are split into this many independent groups.
/// - Returns: [N, C_out, H_out, W_out] with H_out = ⌊(H + 2·pad − dil·(kh − 1) − 1) / stride⌋ + 1 (same for W).
public func conv2d(_ input: Variable, weight: Variable, bias: Variable?,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                   dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Variable {
    let x = input.value, w = weight.value
    let geometry = ConvolutionGeometry(input: x.shape, weight: w.shape, stride: stride, padding: padding,
                                       dilation: dilation, groups: groups)
    if let bias {
        precondition(bias.value.shape == [geometry.outChannels],
                     "conv2d: bias \(describeShape(bias.value.shape)) for \(geometry.outChannels) output channels")
    }
    let winograd = ConvolutionAlgorithm.preferred == .automatic ? WinogradGeometry(geometry) : nil
    let output = convolutionOutput(input: x, weight: w, bias: bias?.value, geometry: geometry, winograd: winograd,
                                   epilogue: nil)
    let operands = bias.map { [input, weight, $0] } ?? [input, weight]
    return Variable(value: output, operands: operands) { gradient in
        let (inputGradient, weightGradient) = winograd.map {
            $0.backward(outputGradient: gradient, input: x, weight: w,
                        needsInput: input.requiresGradient, needsWeight: weight.requiresGradient)
        } ?? convolutionBackward(
            outputGradient: gradient, input: x, weight: w, geometry: geometry,
            needsInput: input.requiresGradient, needsWeight: weight.requiresGradient)
        var gradients: [Tensor?] = [inputGradient, weightGradient]
        if let bias { gradients.append(bias.requiresGradient ? convolutionBiasGradient(gradient, geometry: geometry) : nil) }
        return gradients
    }
}

/// 2-D convolution followed by a per-channel affine map and optional rectifier, for inference: what
/// `epilogue(conv2d(input))` gives, bit for bit, without a second pass over the output and without recording a
/// graph. An inference-mode batch norm (and the ReLU after it) folds into the convolution this way.
///
/// - Parameters:
///   - input: [N, C_in, H, W].
///   - weight: [C_out, C_in / groups, kh, kw].
///   - bias: [C_out], or nil; it is added before the epilogue.
///   - stride: (vertical, horizontal) step between output positions.
///   - padding: zero rows / columns added on each side.
///   - dilation: spacing between kernel taps.
///   - groups: input and output channels are split into this many independent groups.
///   - epilogue: the map applied to each output channel; it must have C_out channels.
/// - Returns: [N, C_out, H_out, W_out], as ``conv2d(_:weight:bias:stride:padding:dilation:groups:)``.
public func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: (Int, Int) = (1, 1),
                   padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1,
                   then epilogue: ChannelAffine) -> Tensor {
    let geometry = ConvolutionGeometry(input: input.shape, weight: weight.shape, stride: stride, padding: padding,
                                       dilation: dilation, groups: groups)
    precondition(bias.map { $0.shape == [geometry.outChannels] } ?? true,
                 "conv2d: bias \(describeShape(bias?.shape ?? [])) for \(geometry.outChannels) output channels")
    precondition(epilogue.channels == geometry.outChannels,
                 "conv2d: an epilogue of \(epilogue.channels) channels for \(geometry.outChannels) output channels")
    let winograd = ConvolutionAlgorithm.preferred == .automatic ? WinogradGeometry(geometry) : nil
    return convolutionOutput(input: input, weight: weight, bias: bias, geometry: geometry, winograd: winograd,
                             epilogue: epilogue)
}

/// weight ⊛ input (+ bias), then `epilogue`, by Winograd when `winograd` is given and by im2col otherwise. Without
/// a bias the epilogue runs on each plane as it is written; with one it needs its own pass, after the bias.
private func convolutionOutput(input: Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry,
                               winograd: WinogradGeometry?, epilogue: ChannelAffine?) -> Tensor {
    let fused = bias == nil ? epilogue : nil
    var output = winograd?.forward(input: input, weight: weight, epilogue: fused)
        ?? convolutionForward(input: input, weight: weight, bias: nil, geometry: geometry, epilogue: fused)
    if let bias {
        output.addChannelBias(bias)
        epilogue?.apply(to: &output)
    }
    return output
}

/// The forward pass: output = weight ⊛ input + bias, then `epilogue` on each output plane (which needs `bias` nil).
/// The batch is split over ``Parallelism/workerCount`` workers.
func convolutionForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvolutionGeometry,
                        plan: ConvolutionPlan? = nil, epilogue: ChannelAffine? = nil) -> Tensor {
    precondition(bias == nil || epilogue == nil, "convolutionForward: an epilogue follows the bias; apply it separately")
    let plan = plan ?? g.defaultPlan
    var output = Tensor(shape: g.outputShape) { out in
        guard out.count > 0 else { return }
        guard g.groupPatchSize > 0 else { out.update(repeating: 0); return }
        input.scalars.withUnsafeBufferPointer { inputBuffer in
            weight.scalars.withUnsafeBufferPointer { weightBuffer in
                let x = inputBuffer.baseAddress!, w = weightBuffer.baseAddress!, y = out.baseAddress!
                Parallelism.forEachSlice(g.batch, slices: Parallelism.sliceCount(batch: g.batch)) { _, images in
                    convolutionForward(images: images, x: x, w: w, y: y, geometry: g, plan: plan, epilogue: epilogue)
                }
            }
        }
    }
    if let bias { output.addChannelBias(bias) }
    return output
}

extension ConvolutionGeometry {
    /// This thread's scratch for one chunk of `plan`: the column matrix and the [C_out, images·plane] products (each
    /// empty when the plan needs none), and whether the input itself serves as the column matrix (a 1x1, stride-1,
    /// unpadded convolution with per-image GEMMs).
    func chunkScratch(_ plan: ConvolutionPlan) -> (direct: Bool, columns: UnsafeMutablePointer<Float>,
                                                  products: UnsafeMutablePointer<Float>) {
        let direct = isPointwise && plan.perImageProducts
        let columnFloats = direct ? 0 : patchSize * plan.imagesPerChunk * outPlane
        let productFloats = plan.perImageProducts ? 0 : outChannels * plan.imagesPerChunk * outPlane
        let scratch = ScratchSpace.current.floats(columnFloats + productFloats)
        return (direct, scratch, scratch + columnFloats)
    }
}

/// The forward pass of the images `images` of the batch, on the calling thread with its own scratch space.
private func convolutionForward(images: Range<Int>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                y: UnsafeMutablePointer<Float>, geometry g: ConvolutionGeometry, plan: ConvolutionPlan,
                                epilogue: ChannelAffine?) {
    let plane = g.outPlane, outChannels = g.outChannels
    let groupOut = g.groupOutChannels, groupPatch = g.groupPatchSize
    let perImage = plan.perImageProducts, chunk = plan.imagesPerChunk
    let (direct, columns, products) = g.chunkScratch(plan)
    for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
        let count = min(chunk, images.upperBound - first)
        let leading = count * plane
        if !direct { g.im2col(input: x, firstImage: first, imageCount: count, columns: columns) }
        if perImage {
            for image in 0..<count {
                let b: UnsafePointer<Float> = direct ? x + (first + image) * g.inChannels * plane
                                                     : UnsafePointer(columns + image * plane)
                let ldb = direct ? plane : leading
                let target = y + (first + image) * outChannels * plane
                for group in 0..<g.groups {
                    BLAS.gemm(transposeA: false, transposeB: false, m: groupOut, n: plane, k: groupPatch,
                              a: w + group * groupOut * groupPatch, lda: groupPatch,
                              b: b + group * groupPatch * ldb, ldb: ldb,
                              c: target + group * groupOut * plane, ldc: plane)
                }
                if let epilogue {
                    for channel in 0..<outChannels {
                        epilogue.apply(toPlane: target + channel * plane, count: plane, channel: channel)
                    }
                }
            }
        } else {
            for group in 0..<g.groups {
                BLAS.gemm(transposeA: false, transposeB: false, m: groupOut, n: leading, k: groupPatch,
                          a: w + group * groupOut * groupPatch, lda: groupPatch,
                          b: columns + group * groupPatch * leading, ldb: leading,
                          c: products + group * groupOut * leading, ldc: leading)
            }
            // [C_out, images·plane] → [images, C_out, plane].
            for image in 0..<count {
                let target = y + (first + image) * outChannels * plane
                for channel in 0..<outChannels {
                    let source = products + channel * leading + image * plane
                    if let epilogue {
                        epilogue.apply(from: source, to: target + channel * plane, count: plane, channel: channel)
                    } else {
                        copyFloats(from: source, to: target + channel * plane, count: plane)
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Adds `bias[c]` to every element of channel `c` of an [N, C, …] tensor, in place.
    mutating func addChannelBias(_ bias: Tensor) {
        let batch = shape[0], channels = shape[1]
        let plane = batch * channels == 0 ? 0 : count / (batch * channels)
        bias.scalars.withUnsafeBufferPointer { b in
            scalars.withUnsafeMutableBufferPointer { y in
                var base = y.baseAddress!
                for _ in 0..<batch {
                    for channel in 0..<channels {
                        let value = b[channel]
                        for index in 0..<plane { base[index] += value }
                        base += plane
                    }
                }
            }
        }
    }
}

/// The gradient of a convolution's bias: the output gradient summed over batch and positions.
func convolutionBiasGradient(_ gradient: Tensor, geometry g: ConvolutionGeometry) -> Tensor {
    let plane = g.outPlane, channels = g.outChannels
    var sums = [Double](repeating: 0, count: channels)
    gradient.scalars.withUnsafeBufferPointer { dy in
        for image in 0..<g.batch {
            for channel in 0..<channels {
                sums[channel] += Double(sumFloats(dy.baseAddress! + (image * channels + channel) * plane, count: plane))
            }
        }
    }
    return Tensor(shape: [channels], scalars: sums.map { Float($0) })
}

/// The backward pass: gradients with respect to the input (col2im of Wᵀ·dY) and the weight (dY·colsᵀ).
///
/// The batch is cut into ``Parallelism/batchSlices`` slices; each sums its images' weight gradient into a buffer of
/// its own, and the buffers are added in slice order, so the bits do not depend on how many workers share the slices.
func convolutionBackward(outputGradient: Tensor, input: Tensor, weight: Tensor, geometry g: ConvolutionGeometry,
                         needsInput: Bool, needsWeight: Bool, plan: ConvolutionPlan? = nil) -> (Tensor?, Tensor?) {
    let plan = plan ?? g.defaultPlan
    guard needsInput || needsWeight else { return (nil, nil) }
    precondition(outputGradient.shape == g.outputShape,
                 "conv2d backward: gradient \(describeShape(outputGradient.shape)) for output \(describeShape(g.outputShape))")
    // Empty arrays stand for gradients nobody wants.
    var dxStorage = [Float](repeating: 0, count: needsInput ? input.count : 0)
    var dwStorage = [Float](repeating: 0, count: needsWeight ? weight.count : 0)
    func results() -> (Tensor?, Tensor?) {
        (needsInput ? Tensor(shape: input.shape, scalars: dxStorage) : nil,
         needsWeight ? Tensor(shape: weight.shape, scalars: dwStorage) : nil)
    }
    guard input.count > 0, g.outPlane > 0, g.groupPatchSize > 0, g.outChannels > 0 else { return results() }
    let slices = Parallelism.sliceCount(batch: g.batch)
    // Slices after the first accumulate their weight gradients here, one weight-sized part each.
    var partialWeightGradients = [Float](repeating: 0, count: needsWeight ? (slices - 1) * weight.count : 0)
    outputGradient.scalars.withUnsafeBufferPointer { dyBuffer in
        input.scalars.withUnsafeBufferPointer { inputBuffer in
            weight.scalars.withUnsafeBufferPointer { weightBuffer in
                dxStorage.withUnsafeMutableBufferPointer { dxBuffer in
                    dwStorage.withUnsafeMutableBufferPointer { dwBuffer in
                        partialWeightGradients.withUnsafeMutableBufferPointer { partials in
                            let operands = ConvolutionBackwardOperands(
                                dy: dyBuffer.baseAddress!, x: inputBuffer.baseAddress!, w: weightBuffer.baseAddress!,
                                dx: needsInput ? dxBuffer.baseAddress : nil)
                            Parallelism.forEachSlice(g.batch, slices: slices) { slice, images in
                                let dw = !needsWeight ? nil
                                    : slice == 0 ? dwBuffer.baseAddress! : partials.baseAddress! + (slice - 1) * weight.count
                                convolutionBackward(images: images, operands: operands, dw: dw, geometry: g, plan: plan)
                            }
                            for slice in 1..<slices where needsWeight {
                                BLAS.axpy(count: weight.count, alpha: 1, x: partials.baseAddress! + (slice - 1) * weight.count,
                                          y: dwBuffer.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
    }
    return results()
}

/// The read-only operands of a convolution's backward pass and the input gradient it writes (nil: not wanted).
private struct ConvolutionBackwardOperands {
    let dy: UnsafePointer<Float>
    let x: UnsafePointer<Float>
    let w: UnsafePointer<Float>
    let dx: UnsafeMutablePointer<Float>?
}

/// The backward pass of the images `images`: writes their input gradient and adds their weight gradient onto `dw`.
private func convolutionBackward(images: Range<Int>, operands: ConvolutionBackwardOperands,
                                 dw: UnsafeMutablePointer<Float>?, geometry g: ConvolutionGeometry, plan: ConvolutionPlan) {
    let dy = operands.dy, x = operands.x, w = operands.w, dx = operands.dx
    let plane = g.outPlane, outChannels = g.outChannels
    let groupOut = g.groupOutChannels, groupPatch = g.groupPatchSize
    let perImage = plan.perImageProducts, chunk = plan.imagesPerChunk
    let (direct, columns, products) = g.chunkScratch(plan)
    for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
        let count = min(chunk, images.upperBound - first)
        let leading = count * plane
        if dw != nil && !direct { g.im2col(input: x, firstImage: first, imageCount: count, columns: columns) }
        if perImage {
            for image in 0..<count {
                let dyImage = dy + (first + image) * outChannels * plane
                let b: UnsafePointer<Float> = direct ? x + (first + image) * g.inChannels * plane
                                                     : UnsafePointer(columns + image * plane)
                let ldb = direct ? plane : leading
                for group in 0..<g.groups {
                    let dyGroup = dyImage + group * groupOut * plane
                    if let dw {
                        // dW_g += dY_g · cols_gᵀ; this image's columns are read before they are overwritten below.
                        BLAS.gemm(transposeA: false, transposeB: true, m: groupOut, n: groupPatch, k: plane,
                                  a: dyGroup, lda: plane, b: b + group * groupPatch * ldb, ldb: ldb,
                                  beta: 1, c: dw + group * groupOut * groupPatch, ldc: groupPatch)
                    }
                    if let dx {
                        let target = direct ? dx + (first + image) * g.inChannels * plane + group * groupPatch * plane
                                            : columns + group * groupPatch * leading + image * plane
                        BLAS.gemm(transposeA: true, transposeB: false, m: groupPatch, n: plane, k: groupOut,
                                  a: w + group * groupOut * groupPatch, lda: groupPatch,
                                  b: dyGroup, ldb: plane,
                                  c: target, ldc: direct ? plane : leading)
                    }
                }
            }
        } else {
            // [images, C_out, plane] → [C_out, images·plane].
            for image in 0..<count {
                let source = dy + (first + image) * outChannels * plane
                for channel in 0..<outChannels {
                    copyFloats(from: source + channel * plane,
                               to: products + channel * leading + image * plane, count: plane)
                }
            }
            for group in 0..<g.groups {
                let dyGroup = products + group * groupOut * leading
                let columnGroup = columns + group * groupPatch * leading
                if let dw {
                    BLAS.gemm(transposeA: false, transposeB: true, m: groupOut, n: groupPatch, k: leading,
                              a: dyGroup, lda: leading, b: columnGroup, ldb: leading,
                              beta: 1, c: dw + group * groupOut * groupPatch, ldc: groupPatch)
                }
                if dx != nil {
                    BLAS.gemm(transposeA: true, transposeB: false, m: groupPatch, n: leading, k: groupOut,
                              a: w + group * groupOut * groupPatch, lda: groupPatch,
                              b: dyGroup, ldb: leading, c: columnGroup, ldc: leading)
                }
            }
        }
        if let dx, !direct {
            g.col2imAccumulate(columns: columns, firstImage: first, imageCount: count, inputGradient: dx)
        }
    }
}
