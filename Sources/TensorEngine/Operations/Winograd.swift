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
        self.imagesPerChunk = max(1, min(g.batch, imagesPerChunk ?? WinogradTuning.chunkBudget / max(perImage, 1)))
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
    static let chunkBudget = 1 << 19
    /// Fewer input or output channels than this keep im2col.
    static let minimumChannels = 16
}

// MARK: - The 1-D transforms and their adjoints

/// v = Bᵀ d for one 4-vector of an input window.
@inline(__always)
private func inputTransform<V: SIMD>(_ d0: V, _ d1: V, _ d2: V, _ d3: V) -> (V, V, V, V) where V.Scalar: FloatingPoint {
    (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
}

/// The adjoint of ``inputTransform``: dd = B dv.
@inline(__always)
private func inputTransformAdjoint<V: SIMD>(_ v0: V, _ v1: V, _ v2: V, _ v3: V) -> (V, V, V, V) where V.Scalar: FloatingPoint {
    (v0, v1 - v2 + v3, v1 + v2 - v0, V() - v3)
}

/// y = Aᵀ m for one 4-vector of products.
@inline(__always)
private func outputTransform<V: SIMD>(_ m0: V, _ m1: V, _ m2: V, _ m3: V) -> (V, V) where V.Scalar: FloatingPoint {
    (m0 + m1 + m2, m1 - m2 - m3)
}

/// The adjoint of ``outputTransform``: dm = A dy.
@inline(__always)
private func outputTransformAdjoint<V: SIMD>(_ y0: V, _ y1: V) -> (V, V, V, V) where V.Scalar: FloatingPoint {
    (y0, y0 + y1, y0 - y1, V() - y1)
}

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

    /// Tile columns rounded up to whole blocks of eight: the transforms run eight tiles at a time.
    var blockedTileColumns: Int { (tileColumns + 7) / 8 * 8 }
    /// The row length of the zero-padded planes that the transforms read and write: every block's 4×18 window of
    /// input (or 2×16 of output) lies inside.
    var stagingColumns: Int { 2 * blockedTileColumns + 2 }
    /// Floats of one staging plane.
    var stagingFloats: Int { (2 * tileRows + 2) * stagingColumns }

    /// Writes V = Bᵀ d B of every tile of `imageCount` images starting at `firstImage` into `v`, laid out
    /// [16][C_in][tiles] with ``positionStride(channels:tiles:)`` between positions, tiles image-major.
    /// `staging` is scratch for one zero-padded plane.
    func transformInput(_ x: UnsafePointer<Float>, firstImage: Int, imageCount: Int, v: UnsafeMutablePointer<Float>,
                        staging: UnsafeMutablePointer<Float>) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.inChannels, tiles: tiles)
        let columns = stagingColumns
        staging.update(repeating: 0, count: stagingFloats)
        for image in 0..<imageCount {
            for channel in 0..<g.inChannels {
                let plane = x + ((firstImage + image) * g.inChannels + channel) * g.inPlane
                for row in 0..<g.height {
                    copyFloats(from: plane + row * g.width, to: staging + (row + 1) * columns + 1, count: g.width)
                }
                let out = v + channel * tiles + image * tilesPerImage
                for tileRow in 0..<tileRows {
                    let window = staging + 2 * tileRow * columns
                    for block in Swift.stride(from: 0, to: tileColumns, by: 8) {
                        // The 4 columns of each window row for 8 tiles: even and odd floats from 2·block on.
                        @inline(__always) func taps(_ row: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
                            let start = window + row * columns + 2 * block
                            let low = loadFloats16(start), high = loadFloats16(start + 2)
                            return (low.evenHalf, low.oddHalf, high.evenHalf, high.oddHalf)
                        }
                        let (d00, d01, d02, d03) = taps(0), (d10, d11, d12, d13) = taps(1)
                        let (d20, d21, d22, d23) = taps(2), (d30, d31, d32, d33) = taps(3)
                        // Down each column (Bᵀ d), then across each resulting row (· B).
                        let (a0, a1, a2, a3) = inputTransform(d00, d10, d20, d30)
                        let (b0, b1, b2, b3) = inputTransform(d01, d11, d21, d31)
                        let (c0, c1, c2, c3) = inputTransform(d02, d12, d22, d32)
                        let (e0, e1, e2, e3) = inputTransform(d03, d13, d23, d33)
                        let target = out + tileRow * tileColumns + block
                        let lanes = min(8, tileColumns - block)
                        @inline(__always) func store(row: Int, _ p: SIMD8<Float>, _ q: SIMD8<Float>, _ r: SIMD8<Float>,
                                                     _ t: SIMD8<Float>) {
                            let (v0, v1, v2, v3) = inputTransform(p, q, r, t)
                            storeFloats8(v0, to: target + (4 * row) * stride, lanes: lanes)
                            storeFloats8(v1, to: target + (4 * row + 1) * stride, lanes: lanes)
                            storeFloats8(v2, to: target + (4 * row + 2) * stride, lanes: lanes)
                            storeFloats8(v3, to: target + (4 * row + 3) * stride, lanes: lanes)
                        }
                        store(row: 0, a0, b0, c0, e0)
                        store(row: 1, a1, b1, c1, e1)
                        store(row: 2, a2, b2, c2, e2)
                        store(row: 3, a3, b3, c3, e3)
                    }
                }
            }
        }
    }

    /// Writes Y = Aᵀ M A of every tile into the NCHW output of `imageCount` images starting at `firstImage`, cropping
    /// the last tile row or column of odd-sized planes. `m` is laid out like ``transformInput``'s output, with C_out
    /// rows. `staging` is scratch for one plane.
    func transformOutput(_ m: UnsafePointer<Float>, firstImage: Int, imageCount: Int, y: UnsafeMutablePointer<Float>,
                         staging: UnsafeMutablePointer<Float>) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.outChannels, tiles: tiles)
        let columns = stagingColumns
        for image in 0..<imageCount {
            for channel in 0..<g.outChannels {
                let source = m + channel * tiles + image * tilesPerImage
                for tileRow in 0..<tileRows {
                    let top = staging + 2 * tileRow * columns
                    for block in Swift.stride(from: 0, to: tileColumns, by: 8) {
                        let lanes = min(8, tileColumns - block)
                        let base = source + tileRow * tileColumns + block
                        @inline(__always) func product(_ position: Int) -> SIMD8<Float> { loadFloats8(base + position * stride, lanes: lanes) }
                        // Down each of the 4 columns (Aᵀ M), then across the 2 resulting rows (· A).
                        let (p0, q0) = outputTransform(product(0), product(4), product(8), product(12))
                        let (p1, q1) = outputTransform(product(1), product(5), product(9), product(13))
                        let (p2, q2) = outputTransform(product(2), product(6), product(10), product(14))
                        let (p3, q3) = outputTransform(product(3), product(7), product(11), product(15))
                        let (y00, y01) = outputTransform(p0, p1, p2, p3)
                        let (y10, y11) = outputTransform(q0, q1, q2, q3)
                        storeFloats16(interleave(y00, y01), to: top + 2 * block)
                        storeFloats16(interleave(y10, y11), to: top + columns + 2 * block)
                    }
                }
                let plane = y + ((firstImage + image) * g.outChannels + channel) * g.outPlane
                for row in 0..<g.outHeight {
                    copyFloats(from: staging + row * columns, to: plane + row * g.outWidth, count: g.outWidth)
                }
            }
        }
    }

    /// Writes dM = A dY Aᵀ of every tile (laid out like ``transformOutput``'s input) from the NCHW output gradient,
    /// zero beyond the cropped edge. `staging` is scratch for one zero-padded plane.
    func transformOutputGradient(_ dy: UnsafePointer<Float>, firstImage: Int, imageCount: Int,
                                 dm: UnsafeMutablePointer<Float>, staging: UnsafeMutablePointer<Float>) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.outChannels, tiles: tiles)
        let columns = stagingColumns
        staging.update(repeating: 0, count: stagingFloats)
        for image in 0..<imageCount {
            for channel in 0..<g.outChannels {
                let plane = dy + ((firstImage + image) * g.outChannels + channel) * g.outPlane
                for row in 0..<g.outHeight {
                    copyFloats(from: plane + row * g.outWidth, to: staging + row * columns, count: g.outWidth)
                }
                let out = dm + channel * tiles + image * tilesPerImage
                for tileRow in 0..<tileRows {
                    let top = staging + 2 * tileRow * columns
                    for block in Swift.stride(from: 0, to: tileColumns, by: 8) {
                        let upper = loadFloats16(top + 2 * block), lower = loadFloats16(top + columns + 2 * block)
                        // The adjoint of "down the columns, then across the rows": expand the rows, then the columns.
                        let (a0, a1, a2, a3) = outputTransformAdjoint(upper.evenHalf, upper.oddHalf)
                        let (b0, b1, b2, b3) = outputTransformAdjoint(lower.evenHalf, lower.oddHalf)
                        let target = out + tileRow * tileColumns + block
                        let lanes = min(8, tileColumns - block)
                        @inline(__always) func store(column: Int, _ p: SIMD8<Float>, _ q: SIMD8<Float>) {
                            let (m0, m1, m2, m3) = outputTransformAdjoint(p, q)
                            storeFloats8(m0, to: target + column * stride, lanes: lanes)
                            storeFloats8(m1, to: target + (4 + column) * stride, lanes: lanes)
                            storeFloats8(m2, to: target + (8 + column) * stride, lanes: lanes)
                            storeFloats8(m3, to: target + (12 + column) * stride, lanes: lanes)
                        }
                        store(column: 0, a0, b0)
                        store(column: 1, a1, b1)
                        store(column: 2, a2, b2)
                        store(column: 3, a3, b3)
                    }
                }
            }
        }
    }

    /// Writes the input gradient of `imageCount` images starting at `firstImage`: Σ B dV Bᵀ over each tile's window,
    /// from dV laid out like ``transformInput``'s output. `staging` is scratch for one zero-padded plane.
    func transformInputGradient(_ dv: UnsafePointer<Float>, firstImage: Int, imageCount: Int,
                                dx: UnsafeMutablePointer<Float>, staging: UnsafeMutablePointer<Float>) {
        let g = convolution
        let tiles = imageCount * tilesPerImage
        let stride = WinogradGeometry.positionStride(channels: g.inChannels, tiles: tiles)
        let columns = stagingColumns
        for image in 0..<imageCount {
            for channel in 0..<g.inChannels {
                staging.update(repeating: 0, count: stagingFloats)
                let source = dv + channel * tiles + image * tilesPerImage
                for tileRow in 0..<tileRows {
                    let window = staging + 2 * tileRow * columns
                    for block in Swift.stride(from: 0, to: tileColumns, by: 8) {
                        let lanes = min(8, tileColumns - block)
                        let base = source + tileRow * tileColumns + block
                        // Lanes past the last tile load zeros: they would otherwise add into the last tile's window.
                        @inline(__always) func gradient(_ position: Int) -> SIMD8<Float> { loadFloats8(base + position * stride, lanes: lanes) }
                        // The adjoint of "down the columns, then across the rows": the rows first, then the columns.
                        let (a0, a1, a2, a3) = inputTransformAdjoint(gradient(0), gradient(1), gradient(2), gradient(3))
                        let (b0, b1, b2, b3) = inputTransformAdjoint(gradient(4), gradient(5), gradient(6), gradient(7))
                        let (c0, c1, c2, c3) = inputTransformAdjoint(gradient(8), gradient(9), gradient(10), gradient(11))
                        let (e0, e1, e2, e3) = inputTransformAdjoint(gradient(12), gradient(13), gradient(14), gradient(15))
                        let (r00, r10, r20, r30) = inputTransformAdjoint(a0, b0, c0, e0)
                        let (r01, r11, r21, r31) = inputTransformAdjoint(a1, b1, c1, e1)
                        let (r02, r12, r22, r32) = inputTransformAdjoint(a2, b2, c2, e2)
                        let (r03, r13, r23, r33) = inputTransformAdjoint(a3, b3, c3, e3)
                        // Window columns 0 and 1 of tile j land on 2j and 2j + 1; columns 2 and 3 on 2j + 2 and 2j + 3.
                        @inline(__always) func add(row: Int, _ t0: SIMD8<Float>, _ t1: SIMD8<Float>, _ t2: SIMD8<Float>,
                                                   _ t3: SIMD8<Float>) {
                            let start = window + row * columns + 2 * block
                            addFloats16(interleave(t0, t1), to: start)
                            addFloats16(interleave(t2, t3), to: start + 2)
                        }
                        add(row: 0, r00, r01, r02, r03)
                        add(row: 1, r10, r11, r12, r13)
                        add(row: 2, r20, r21, r22, r23)
                        add(row: 3, r30, r31, r32, r33)
                    }
                }
                let plane = dx + ((firstImage + image) * g.inChannels + channel) * g.inPlane
                for row in 0..<g.height {
                    copyFloats(from: staging + (row + 1) * columns + 1, to: plane + row * g.width, count: g.width)
                }
            }
        }
    }
}

// MARK: - SIMD helpers

@inline(__always)
private func loadFloats16(_ source: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func storeFloats16(_ value: SIMD16<Float>, to target: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(target).storeBytes(of: value, as: SIMD16<Float>.self)
}

@inline(__always)
private func addFloats16(_ value: SIMD16<Float>, to target: UnsafeMutablePointer<Float>) {
    storeFloats16(loadFloats16(target) + value, to: target)
}

/// Eight floats, or the first `lanes` of them and zeros after.
@inline(__always)
private func loadFloats8(_ source: UnsafePointer<Float>, lanes: Int) -> SIMD8<Float> {
    if lanes == 8 { return UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Float>.self) }
    var value = SIMD8<Float>()
    for lane in 0..<lanes { value[lane] = source[lane] }
    return value
}

/// Stores the first `lanes` of eight floats.
@inline(__always)
private func storeFloats8(_ value: SIMD8<Float>, to target: UnsafeMutablePointer<Float>, lanes: Int) {
    if lanes == 8 {
        UnsafeMutableRawPointer(target).storeBytes(of: value, as: SIMD8<Float>.self)
    } else {
        for lane in 0..<lanes { target[lane] = value[lane] }
    }
}

/// (a0, b0, a1, b1, …): the two rows of a block of tiles side by side, as they lie in the plane.
@inline(__always)
private func interleave(_ even: SIMD8<Float>, _ odd: SIMD8<Float>) -> SIMD16<Float> {
    var result = SIMD16<Float>()
    result.evenHalf = even
    result.oddHalf = odd
    return result
}

// MARK: - Forward and backward

extension WinogradGeometry {
    /// The forward pass of the whole batch, split over the workers by images.
    func forward(input: Tensor, weight: Tensor) -> Tensor {
        let g = convolution
        let u = transformedKernel(weight)
        return Tensor(shape: g.outputShape) { out in
            guard out.count > 0 else { return }
            input.scalars.withUnsafeBufferPointer { inputBuffer in
                u.withUnsafeBufferPointer { uBuffer in
                    let x = inputBuffer.baseAddress!, u = uBuffer.baseAddress!, y = out.baseAddress!
                    Parallelism.forEachRange(g.batch) { images in forward(images: images, x: x, u: u, y: y) }
                }
            }
        }
    }

    private func forward(images: Range<Int>, x: UnsafePointer<Float>, u: UnsafePointer<Float>,
                         y: UnsafeMutablePointer<Float>) {
        let g = convolution
        let chunk = imagesPerChunk
        let vFloats = chunkInputFloats, mFloats = chunkOutputFloats
        let scratch = ScratchSpace.current.floats(vFloats + mFloats + stagingFloats)
        let v = scratch, m = scratch + vFloats, staging = m + mFloats
        for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let count = min(chunk, images.upperBound - first)
            let tiles = count * tilesPerImage
            let inStride = WinogradGeometry.positionStride(channels: g.inChannels, tiles: tiles)
            let outStride = WinogradGeometry.positionStride(channels: g.outChannels, tiles: tiles)
            transformInput(x, firstImage: first, imageCount: count, v: v, staging: staging)
            for position in 0..<16 {
                BLAS.gemm(transposeA: false, transposeB: false, m: g.outChannels, n: tiles, k: g.inChannels,
                          a: u + position * g.outChannels * g.inChannels, lda: g.inChannels,
                          b: v + position * inStride, ldb: tiles,
                          c: m + position * outStride, ldc: tiles)
            }
            transformOutput(m, firstImage: first, imageCount: count, y: y, staging: staging)
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
        let shards = Parallelism.shardCount(g.batch)
        // Each worker sums its transform-domain weight gradient dU into a slice of its own; they are added in
        // worker order and mapped back to 3×3 once.
        var duStorage = [Float](repeating: 0, count: needsWeight ? shards * uCount : 0)
        outputGradient.scalars.withUnsafeBufferPointer { dyBuffer in
            input.scalars.withUnsafeBufferPointer { inputBuffer in
                u.withUnsafeBufferPointer { uBuffer in
                    dxStorage.withUnsafeMutableBufferPointer { dxBuffer in
                        duStorage.withUnsafeMutableBufferPointer { duBuffer in
                            let dy = dyBuffer.baseAddress!, x = inputBuffer.baseAddress!, u = uBuffer.baseAddress!
                            let dx = needsInput ? dxBuffer.baseAddress : nil
                            Parallelism.forEachShard(shards) { shard, shards in
                                let du = needsWeight ? duBuffer.baseAddress! + shard * uCount : nil
                                backward(images: Parallelism.range(shard, of: shards, count: g.batch),
                                         dy: dy, x: x, u: u, dx: dx, du: du)
                            }
                            if needsWeight {
                                let du = duBuffer.baseAddress!
                                for shard in 1..<shards { BLAS.axpy(count: uCount, alpha: 1, x: du + shard * uCount, y: du) }
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
        let chunk = imagesPerChunk
        let vFloats = chunkInputFloats, mFloats = chunkOutputFloats
        let scratch = ScratchSpace.current.floats(vFloats + mFloats + stagingFloats)
        // V is needed for dU, then its space takes dV.
        let v = scratch, dm = scratch + vFloats, staging = dm + mFloats
        for first in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let count = min(chunk, images.upperBound - first)
            let tiles = count * tilesPerImage
            let inStride = WinogradGeometry.positionStride(channels: g.inChannels, tiles: tiles)
            let outStride = WinogradGeometry.positionStride(channels: g.outChannels, tiles: tiles)
            transformOutputGradient(dy, firstImage: first, imageCount: count, dm: dm, staging: staging)
            if let du {
                transformInput(x, firstImage: first, imageCount: count, v: v, staging: staging)
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
                transformInputGradient(v, firstImage: first, imageCount: count, dx: dx, staging: staging)
            }
        }
    }
}
