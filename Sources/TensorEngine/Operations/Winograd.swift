import CTensorKernels

/// 3×3, stride-1, padding-1 convolutions by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2016).
///
/// Each 2×2 output tile is computed from a 4×4 input window with 16 multiplications per (input, output) channel
/// pair instead of 36, so the GEMMs of a layer do 2.25× fewer multiply-adds than im2col's, and the input transform
/// writes 4× the input instead of im2col's 9×. With U = G g Gᵀ (kernel), V = Bᵀ d B (input window) and
/// Y = Aᵀ (U ⊙ V) A, summing over input channels turns into 16 independent GEMMs, one per transform-domain position ξ:
/// M[ξ] (C_out × tiles) = U[ξ] (C_out × C_in) · V[ξ] (C_in × tiles).
///
/// The backward pass is the exact adjoint of that forward pass: dM = A dY Aᵀ, dU[ξ] = dM[ξ] · V[ξ]ᵀ,
/// dV[ξ] = U[ξ]ᵀ · dM[ξ], dX = Σ B dV Bᵀ over the overlapping windows, dW = Gᵀ dU G. Its gradients are therefore the
/// true gradients of the computed output, which the finite-difference tests check.
///
/// The input transform's values are recomputed in the backward pass rather than kept: they are 4× the input, and
/// recomputing them is a memory-bound pass far cheaper than keeping them per layer.

/// The tile arithmetic of one Winograd convolution.
struct WinogradGeometry {
    let convolution: ConvolutionGeometry
    /// Tile rows and columns per image: ⌈H / 2⌉ × ⌈W / 2⌉ (the last row or column is cropped when odd).
    let tileRows: Int
    let tileColumns: Int
    /// Images per chunk: the chunk's transformed input (16 · C_in · tiles floats) stays near cache size.
    let imagesPerChunk: Int

    /// The geometry, or nil when the convolution is not one that F(2×2, 3×3) computes here.
    ///
    /// - Parameters:
    ///   - g: the convolution.
    ///   - minimumChannels: fewer input or output channels than this keep im2col (tests lower it to check small cases).
    ///   - imagesPerChunk: images per chunk; nil sizes chunks by ``WinogradTuning/chunkBudget``.
    init?(_ g: ConvolutionGeometry, minimumChannels: Int = WinogradTuning.minimumChannels, imagesPerChunk: Int? = nil) {
        guard WinogradGeometry.applies(to: g, minimumChannels: minimumChannels) else { return nil }
        convolution = g
        tileRows = (g.outHeight + 1) / 2
        tileColumns = (g.outWidth + 1) / 2
        let perImage = 16 * (g.inChannels + g.outChannels) * tileRows * tileColumns
        let withinBudget = WinogradTuning.chunkBudget / max(perImage, 1)
        let enoughTiles = (WinogradTuning.minimumTiles + tileRows * tileColumns - 1) / max(tileRows * tileColumns, 1)
        self.imagesPerChunk = max(1, min(g.batch, imagesPerChunk ?? max(withinBudget, enoughTiles)))
    }

    /// Whether a convolution is 3×3, stride 1, padding 1, dilation 1, one group, with enough channels that the
    /// transform-domain GEMMs are worth it (the first convolution of an RGB network has 3).
    static func applies(to g: ConvolutionGeometry, minimumChannels: Int) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideH == 1 && g.strideW == 1 && g.paddingH == 1
            && g.paddingW == 1 && g.dilationH == 1 && g.dilationW == 1 && g.groups == 1
            && g.inChannels >= minimumChannels && g.outChannels >= minimumChannels
    }

    var tilesPerImage: Int { tileRows * tileColumns }
}

/// Sizes of the Winograd path, measured on resnet20 and resnet18 layers on the 2-core Zen 4 machine.
enum WinogradTuning {
    /// Floats of transformed input and products per chunk.
    static let chunkBudget = 1 << 17
    /// ... unless that leaves the GEMMs fewer tile columns than this: deep layers (4×4 planes, 512 channels) would
    /// otherwise repack their 512 × 512 kernel matrices for every 32 tiles.
    static let minimumTiles = 256
    /// Fewer input or output channels than this keep im2col.
    static let minimumChannels = 16
}

// MARK: - The kernel transform and its adjoint (the plane transforms are in CTensorKernels)

/// u = G g for one 3-vector of a kernel.
@inline(__always)
private func kernelTransform(_ g0: Float, _ g1: Float, _ g2: Float) -> (Float, Float, Float, Float) {
    (g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2)
}

/// The adjoint of ``kernelTransform``: dg = Gᵀ du.
@inline(__always)
private func kernelTransformAdjoint(_ u0: Float, _ u1: Float, _ u2: Float, _ u3: Float) -> (Float, Float, Float) {
    (u0 + 0.5 * (u1 + u2), 0.5 * (u1 - u2), 0.5 * (u1 + u2) + u3)
}

// MARK: - Kernels

extension WinogradGeometry {
    /// U = G g Gᵀ for every (output, input) channel pair, laid out [16][C_out][C_in].
    func transformedKernel(_ weight: Tensor) -> [Float] {
        let pairs = convolution.outChannels * convolution.inChannels
        return [Float](unsafeUninitializedCapacity: 16 * pairs) { u, initialized in
            weight.scalars.withUnsafeBufferPointer { w in
                for pair in 0..<pairs {
                    let g = w.baseAddress! + pair * 9
                    // Columns first (3 → 4 rows of 3), then each row (3 → 4 columns).
                    let (a0, a1, a2, a3) = kernelTransform(g[0], g[3], g[6])
                    let (b0, b1, b2, b3) = kernelTransform(g[1], g[4], g[7])
                    let (c0, c1, c2, c3) = kernelTransform(g[2], g[5], g[8])
                    func store(row: Int, _ first: Float, _ second: Float, _ third: Float) {
                        let (u0, u1, u2, u3) = kernelTransform(first, second, third)
                        u[(row * 4) * pairs + pair] = u0
                        u[(row * 4 + 1) * pairs + pair] = u1
                        u[(row * 4 + 2) * pairs + pair] = u2
                        u[(row * 4 + 3) * pairs + pair] = u3
                    }
                    store(row: 0, a0, b0, c0)
                    store(row: 1, a1, b1, c1)
                    store(row: 2, a2, b2, c2)
                    store(row: 3, a3, b3, c3)
                }
            }
            initialized = 16 * pairs
        }
    }

    /// Adds dg = Gᵀ dU G for every channel pair onto `weightGradient` ([C_out, C_in, 3, 3]), from dU laid out
    /// [16][C_out][C_in].
    func accumulateKernelGradient(_ du: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>) {
        let pairs = convolution.outChannels * convolution.inChannels
        for pair in 0..<pairs {
            // Each row first (4 → 3 columns), then the columns (4 → 3 rows).
            func row(_ index: Int) -> (Float, Float, Float) {
                kernelTransformAdjoint(du[(index * 4) * pairs + pair], du[(index * 4 + 1) * pairs + pair],
                                       du[(index * 4 + 2) * pairs + pair], du[(index * 4 + 3) * pairs + pair])
            }
            let (a0, a1, a2) = row(0), (b0, b1, b2) = row(1), (c0, c1, c2) = row(2), (d0, d1, d2) = row(3)
            let (g0, g3, g6) = kernelTransformAdjoint(a0, b0, c0, d0)
            let (g1, g4, g7) = kernelTransformAdjoint(a1, b1, c1, d1)
            let (g2, g5, g8) = kernelTransformAdjoint(a2, b2, c2, d2)
            let target = weightGradient + pair * 9
            target[0] += g0; target[1] += g1; target[2] += g2
            target[3] += g3; target[4] += g4; target[5] += g5
            target[6] += g6; target[7] += g7; target[8] += g8
        }
    }

    /// The distance between the 16 transform-domain matrices of `channels` rows and `tiles` columns. The padding
    /// keeps the 16 streams that a tile's transform reads or writes off the same cache sets: an unpadded stride is
    /// often a multiple of 4 KB, and the transforms then ran 3× slower.
    static func positionStride(channels: Int, tiles: Int) -> Int { channels * tiles + 48 }

    /// Floats of one chunk's transformed input (or its gradient) and of its products (or their gradient).
    var chunkInputFloats: Int { 16 * WinogradGeometry.positionStride(channels: convolution.inChannels, tiles: imagesPerChunk * tilesPerImage) }
    var chunkOutputFloats: Int { 16 * WinogradGeometry.positionStride(channels: convolution.outChannels, tiles: imagesPerChunk * tilesPerImage) }

    /// Floats of scratch the transforms need besides the transform-domain buffers: for the input transform a row of
    /// zeros (read above and below the plane) and one plane's column transforms (4 padded rows of 2 · tileColumns + 2
    /// per tile row); for the input gradient one tile row's 4×4 windows (16 rows of tileColumns + 2). The output
    /// gradient's row of zeros fits in either.
    var transformScratchFloats: Int {
        max(convolution.width + 4 * (2 * tileColumns + 2) * tileRows, 16 * (tileColumns + 2))
    }

    /// Writes V = Bᵀ d B of every tile of `imageCount` images starting at `firstImage` into `v`, laid out
    /// [16][C_in][tiles] with ``positionStride(channels:tiles:)`` between positions, tiles image-major.
    /// `scratch` holds ``transformScratchFloats`` floats.
    func transformInput(_ x: UnsafePointer<Float>, firstImage: Int, imageCount: Int, v: UnsafeMutablePointer<Float>,
                        scratch: UnsafeMutablePointer<Float>) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.inChannels, tiles: tiles)
        // The padding rows above and below each plane.
        let zeros = scratch, columns = scratch + g.width
        zeros.update(repeating: 0, count: g.width)
        for image in 0..<imageCount {
            for channel in 0..<g.inChannels {
                let plane = x + ((firstImage + image) * g.inChannels + channel) * g.inPlane
                shears_winograd_input_plane(plane, g.height, g.width, zeros, columns,
                                            v + channel * tiles + image * tilesPerImage, stride)
            }
        }
    }

    /// Writes Y = Aᵀ M A of every tile into the NCHW output of `imageCount` images starting at `firstImage`, cropping
    /// the last tile row or column of odd-sized planes. `m` is laid out like ``transformInput``'s output, with C_out
    /// rows.
    func transformOutput(_ m: UnsafePointer<Float>, firstImage: Int, imageCount: Int, y: UnsafeMutablePointer<Float>,
                         epilogue: ChannelAffine? = nil) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.outChannels, tiles: tiles)
        for image in 0..<imageCount {
            for channel in 0..<g.outChannels {
                let plane = y + ((firstImage + image) * g.outChannels + channel) * g.outPlane
                shears_winograd_output_plane(m + channel * tiles + image * tilesPerImage, stride, plane, g.outHeight,
                                             g.outWidth)
                // While the plane is still in cache.
                epilogue?.apply(toPlane: plane, count: g.outPlane, channel: channel)
            }
        }
    }

    /// Writes dM = A dY Aᵀ of every tile (laid out like ``transformOutput``'s input) from the NCHW output gradient,
    /// zero beyond the cropped edge. `scratch` holds ``transformScratchFloats`` floats.
    func transformOutputGradient(_ dy: UnsafePointer<Float>, firstImage: Int, imageCount: Int,
                                 dm: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.outChannels, tiles: tiles)
        // The row below an odd-height plane.
        let zeros = scratch
        zeros.update(repeating: 0, count: g.outWidth)
        for image in 0..<imageCount {
            for channel in 0..<g.outChannels {
                let plane = dy + ((firstImage + image) * g.outChannels + channel) * g.outPlane
                shears_winograd_output_gradient_plane(plane, g.outHeight, g.outWidth, zeros,
                                                      dm + channel * tiles + image * tilesPerImage, stride)
            }
        }
    }

    /// Writes the input gradient of `imageCount` images starting at `firstImage`: Σ B dV Bᵀ over each tile's window,
    /// from dV laid out like ``transformInput``'s output. Every element of those images' planes in `dx` is
    /// overwritten. `scratch` holds ``transformScratchFloats`` floats.
    func transformInputGradient(_ dv: UnsafePointer<Float>, firstImage: Int, imageCount: Int,
                                dx: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.inChannels, tiles: tiles)
        for image in 0..<imageCount {
            for channel in 0..<g.inChannels {
                let plane = dx + ((firstImage + image) * g.inChannels + channel) * g.inPlane
                shears_winograd_input_gradient_plane(dv + channel * tiles + image * tilesPerImage, stride, plane,
                                                     g.height, g.width, scratch)
            }
        }
    }
}

// MARK: - Forward and backward

extension WinogradGeometry {
    /// The forward pass of the whole batch, split over the workers by images, with `epilogue` applied to each
    /// output plane as it is written.
    func forward(input: Tensor, weight: Tensor, epilogue: ChannelAffine? = nil) -> Tensor {
        let g = convolution
        let u = transformedKernel(weight)
        return Tensor(shape: g.outputShape) { out in
            guard out.count > 0 else { return }
            input.scalars.withUnsafeBufferPointer { inputBuffer in
                u.withUnsafeBufferPointer { uBuffer in
                    let x = inputBuffer.baseAddress!, u = uBuffer.baseAddress!, y = out.baseAddress!
                    Parallelism.forEachSlice(g.batch, slices: Parallelism.sliceCount(batch: g.batch)) { _, images in
                        forward(images: images, x: x, u: u, y: y, epilogue: epilogue)
                    }
                }
            }
        }
    }

    /// This thread's scratch for one chunk: the transformed input (or its gradient), the products (or their
    /// gradient), and the transforms' own scratch.
    private func chunkBuffers() -> (input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                                    scratch: UnsafeMutablePointer<Float>) {
        let buffers = ScratchSpace.current.floats(chunkInputFloats + chunkOutputFloats + transformScratchFloats)
        return (buffers, buffers + chunkInputFloats, buffers + chunkInputFloats + chunkOutputFloats)
    }

    /// Calls `body(first image, image count, tiles, input position stride, output position stride)` for each chunk
    /// of `images`.
    private func forEachChunk(of images: Range<Int>, _ body: (Int, Int, Int, Int, Int) -> Void) {
        for first in stride(from: images.lowerBound, to: images.upperBound, by: imagesPerChunk) {
            let count = min(imagesPerChunk, images.upperBound - first)
            let tiles = count * tilesPerImage
            body(first, count, tiles, WinogradGeometry.positionStride(channels: convolution.inChannels, tiles: tiles),
                 WinogradGeometry.positionStride(channels: convolution.outChannels, tiles: tiles))
        }
    }

    private func forward(images: Range<Int>, x: UnsafePointer<Float>, u: UnsafePointer<Float>,
                         y: UnsafeMutablePointer<Float>, epilogue: ChannelAffine?) {
        let g = convolution
        let (v, m, scratch) = chunkBuffers()
        forEachChunk(of: images) { first, count, tiles, inStride, outStride in
            transformInput(x, firstImage: first, imageCount: count, v: v, scratch: scratch)
            for position in 0..<16 {
                BLAS.gemm(transposeA: false, transposeB: false, m: g.outChannels, n: tiles, k: g.inChannels,
                          a: u + position * g.outChannels * g.inChannels, lda: g.inChannels,
                          b: v + position * inStride, ldb: tiles,
                          c: m + position * outStride, ldc: tiles)
            }
            transformOutput(m, firstImage: first, imageCount: count, y: y, epilogue: epilogue)
        }
    }

    /// The backward pass: the input gradient (when `needsInput`) and the weight gradient (when `needsWeight`).
    func backward(outputGradient: Tensor, input: Tensor, weight: Tensor,
                  needsInput: Bool, needsWeight: Bool) -> (Tensor?, Tensor?) {
        let g = convolution
        let u = transformedKernel(weight)
        let uCount = u.count
        var dxStorage = [Float](repeating: 0, count: needsInput ? input.count : 0)
        var dwStorage = [Float](repeating: 0, count: needsWeight ? weight.count : 0)
        let slices = Parallelism.sliceCount(batch: g.batch)
        // Each slice of the batch sums its transform-domain weight gradient dU into a part of its own; the parts are
        // added in slice order (whatever the worker count) and mapped back to 3×3 once.
        var duStorage = [Float](repeating: 0, count: needsWeight ? slices * uCount : 0)
        outputGradient.scalars.withUnsafeBufferPointer { dyBuffer in
            input.scalars.withUnsafeBufferPointer { inputBuffer in
                u.withUnsafeBufferPointer { uBuffer in
                    dxStorage.withUnsafeMutableBufferPointer { dxBuffer in
                        duStorage.withUnsafeMutableBufferPointer { duBuffer in
                            let dy = dyBuffer.baseAddress!, x = inputBuffer.baseAddress!, u = uBuffer.baseAddress!
                            let dx = needsInput ? dxBuffer.baseAddress : nil
                            Parallelism.forEachSlice(g.batch, slices: slices) { slice, images in
                                let du = needsWeight ? duBuffer.baseAddress! + slice * uCount : nil
                                backward(images: images, dy: dy, x: x, u: u, dx: dx, du: du)
                            }
                            if needsWeight {
                                let du = duBuffer.baseAddress!
                                for slice in 1..<slices { BLAS.axpy(count: uCount, alpha: 1, x: du + slice * uCount, y: du) }
                                dwStorage.withUnsafeMutableBufferPointer { dw in
                                    accumulateKernelGradient(du, into: dw.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (needsInput ? Tensor(shape: input.shape, scalars: dxStorage) : nil,
                needsWeight ? Tensor(shape: weight.shape, scalars: dwStorage) : nil)
    }

    private func backward(images: Range<Int>, dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                          u: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>?, du: UnsafeMutablePointer<Float>?) {
        let g = convolution
        // V is needed for dU, then its space takes dV.
        let (v, dm, scratch) = chunkBuffers()
        forEachChunk(of: images) { first, count, tiles, inStride, outStride in
            transformOutputGradient(dy, firstImage: first, imageCount: count, dm: dm, scratch: scratch)
            if let du {
                transformInput(x, firstImage: first, imageCount: count, v: v, scratch: scratch)
                for position in 0..<16 {
                    BLAS.gemm(transposeA: false, transposeB: true, m: g.outChannels, n: g.inChannels, k: tiles,
                              a: dm + position * outStride, lda: tiles,
                              b: v + position * inStride, ldb: tiles,
                              beta: 1, c: du + position * g.outChannels * g.inChannels, ldc: g.inChannels)
                }
            }
            if let dx {
                for position in 0..<16 {
                    BLAS.gemm(transposeA: true, transposeB: false, m: g.inChannels, n: tiles, k: g.outChannels,
                              a: u + position * g.outChannels * g.inChannels, lda: g.inChannels,
                              b: dm + position * outStride, ldb: tiles,
                              c: v + position * inStride, ldc: tiles)
                }
                transformInputGradient(v, firstImage: first, imageCount: count, dx: dx, scratch: scratch)
            }
        }
    }
}
