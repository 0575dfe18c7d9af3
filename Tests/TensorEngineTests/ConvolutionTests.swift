import Testing
import _TestSupport
@testable import TensorEngine

/// One convolution configuration under test.
struct ConvolutionCase: CustomStringConvertible {
    var batch = 2, inChannels = 2, height = 5, width = 5, outChannels = 3, kernel = (3, 3)
    var stride = (1, 1), padding = (0, 0), dilation = (1, 1), groups = 1

    var inputShape: [Int] { [batch, inChannels, height, width] }
    var weightShape: [Int] { [outChannels, inChannels / groups, kernel.0, kernel.1] }
    var description: String {
        "N\(batch) C\(inChannels)→\(outChannels) \(height)x\(width) k\(kernel) s\(stride) p\(padding) d\(dilation) g\(groups)"
    }
}

/// A direct convolution, summed in Double: the reference every GEMM plan must match.
func naiveConvolution(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ c: ConvolutionCase) -> Tensor {
    let g = ConvolutionGeometry(input: x.shape, weight: w.shape, stride: c.stride, padding: c.padding,
                                dilation: c.dilation, groups: c.groups)
    var y = Tensor.zeros(g.outputShape)
    let inPerGroup = g.groupInChannels, outPerGroup = g.groupOutChannels
    for n in 0..<g.batch {
        for o in 0..<g.outChannels {
            let group = o / outPerGroup
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    var sum = Double(b?.scalars[o] ?? 0)
                    for ci in 0..<inPerGroup {
                        let channel = group * inPerGroup + ci
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                let ih = oh * g.strideH - g.paddingH + i * g.dilationH
                                let iw = ow * g.strideW - g.paddingW + j * g.dilationW
                                guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                                let xv = x.scalars[((n * g.inChannels + channel) * g.height + ih) * g.width + iw]
                                let wv = w.scalars[((o * inPerGroup + ci) * g.kernelHeight + i) * g.kernelWidth + j]
                                sum += Double(xv) * Double(wv)
                            }
                        }
                    }
                    y.scalars[((n * g.outChannels + o) * g.outHeight + oh) * g.outWidth + ow] = Float(sum)
                }
            }
        }
    }
    return y
}

/// The adjoint of ``naiveConvolution``: gradients of Σ dy·y with respect to input and weight.
func naiveConvolutionBackward(_ x: Tensor, _ w: Tensor, _ dy: Tensor, _ c: ConvolutionCase) -> (Tensor, Tensor) {
    let g = ConvolutionGeometry(input: x.shape, weight: w.shape, stride: c.stride, padding: c.padding,
                                dilation: c.dilation, groups: c.groups)
    var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
    let inPerGroup = g.groupInChannels, outPerGroup = g.groupOutChannels
    for n in 0..<g.batch {
        for o in 0..<g.outChannels {
            let group = o / outPerGroup
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    let upstream = Double(dy.scalars[((n * g.outChannels + o) * g.outHeight + oh) * g.outWidth + ow])
                    for ci in 0..<inPerGroup {
                        let channel = group * inPerGroup + ci
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                let ih = oh * g.strideH - g.paddingH + i * g.dilationH
                                let iw = ow * g.strideW - g.paddingW + j * g.dilationW
                                guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                                let xi = ((n * g.inChannels + channel) * g.height + ih) * g.width + iw
                                let wi = ((o * inPerGroup + ci) * g.kernelHeight + i) * g.kernelWidth + j
                                dx[xi] += Double(w.scalars[wi]) * upstream
                                dw[wi] += Double(x.scalars[xi]) * upstream
                            }
                        }
                    }
                }
            }
        }
    }
    return (Tensor(shape: x.shape, scalars: dx.map { Float($0) }), Tensor(shape: w.shape, scalars: dw.map { Float($0) }))
}

@Suite struct ConvolutionTests {
    static let cases: [ConvolutionCase] = [
        ConvolutionCase(),
        ConvolutionCase(padding: (1, 1)),
        ConvolutionCase(height: 7, width: 6, stride: (2, 2), padding: (1, 1)),
        ConvolutionCase(height: 7, width: 7, kernel: (3, 2), stride: (2, 1), padding: (1, 0)),
        ConvolutionCase(height: 7, width: 7, dilation: (2, 2)),
        ConvolutionCase(height: 6, width: 7, padding: (2, 1), dilation: (2, 3)),
        ConvolutionCase(inChannels: 4, outChannels: 6, padding: (1, 1), groups: 2),
        ConvolutionCase(inChannels: 4, outChannels: 4, stride: (2, 2), padding: (1, 1), groups: 4),
        ConvolutionCase(batch: 3, inChannels: 3, height: 4, width: 4, outChannels: 5, kernel: (1, 1)),
        ConvolutionCase(batch: 3, inChannels: 4, height: 4, width: 4, outChannels: 2, kernel: (1, 1), groups: 2),
        ConvolutionCase(batch: 2, inChannels: 3, height: 5, width: 5, outChannels: 2, kernel: (1, 1), stride: (2, 2)),
        ConvolutionCase(batch: 2, inChannels: 1, height: 8, width: 8, outChannels: 2, kernel: (5, 5), padding: (2, 2)),
    ]

    /// Every GEMM layout and chunking the implementation can pick, including a chunk that does not divide the batch.
    static func plans(batch: Int) -> [ConvolutionPlan] {
        [1, 2, batch].flatMap { chunk in
            [true, false].map { ConvolutionPlan(perImageProducts: $0, imagesPerChunk: chunk) }
        }
    }

    @Test(arguments: cases)
    func everyPlanMatchesDirectConvolution(_ c: ConvolutionCase) {
        let x = seededUniformTensor(c.inputShape, seed: 1)
        let w = seededUniformTensor(c.weightShape, seed: 2)
        let b = seededUniformTensor([c.outChannels], seed: 3)
        let geometry = ConvolutionGeometry(input: x.shape, weight: w.shape, stride: c.stride, padding: c.padding,
                                           dilation: c.dilation, groups: c.groups)
        let expected = naiveConvolution(x, w, b, c)
        let dy = seededUniformTensor(expected.shape, seed: 4)
        let (expectedDx, expectedDw) = naiveConvolutionBackward(x, w, dy, c)
        for plan in Self.plans(batch: c.batch) {
            let y = convolutionForward(input: x, weight: w, bias: b, geometry: geometry, plan: plan)
            #expect(isClose(y, expected, relative: 1e-5, absolute: 1e-5), "forward \(c) \(plan)")
            let (dx, dw) = convolutionBackward(outputGradient: dy, input: x, weight: w, geometry: geometry,
                                               needsInput: true, needsWeight: true, plan: plan)
            #expect(dx.map { isClose($0, expectedDx, relative: 1e-5, absolute: 1e-5) } == true, "input gradient \(c) \(plan)")
            #expect(dw.map { isClose($0, expectedDw, relative: 1e-5, absolute: 1e-5) } == true, "weight gradient \(c) \(plan)")
            let (onlyDx, noDw) = convolutionBackward(outputGradient: dy, input: x, weight: w, geometry: geometry,
                                                     needsInput: true, needsWeight: false, plan: plan)
            #expect(noDw == nil && onlyDx == dx)
            let (noDx, onlyDw) = convolutionBackward(outputGradient: dy, input: x, weight: w, geometry: geometry,
                                                     needsInput: false, needsWeight: true, plan: plan)
            #expect(noDx == nil && onlyDw == dw)
        }
    }

    @Test(arguments: cases)
    func finiteDifferencesAgreeWithBackward(_ c: ConvolutionCase) {
        let inputs = [seededUniformTensor(c.inputShape, seed: 5), seededUniformTensor(c.weightShape, seed: 6),
                      seededUniformTensor([c.outChannels], seed: 7)]
        let result = checkGradients(of: { v in
            conv2d(v[0], weight: v[1], bias: v[2], stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        }, at: inputs)
        #expect(result.passed, "\(c): \(result)")
    }

    @Test func outputShapeFollowsPyTorch() {
        let x = Variable(Tensor.zeros([2, 3, 32, 31]))
        let w = Variable(Tensor.zeros([8, 3, 3, 3]))
        #expect(conv2d(x, weight: w, bias: nil, padding: (1, 1)).shape == [2, 8, 32, 31])
        #expect(conv2d(x, weight: w, bias: nil, stride: (2, 2), padding: (1, 1)).shape == [2, 8, 16, 16])
        #expect(conv2d(x, weight: w, bias: nil, dilation: (2, 2)).shape == [2, 8, 28, 27])
    }

    @Test func handComputedConvolution() {
        // A 3x3 ramp convolved with a 2x2 kernel [[1, 0], [0, -1]]: every output is x[i][j] − x[i+1][j+1] = −4.
        let x = Variable(Tensor(shape: [1, 1, 3, 3], scalars: (0..<9).map(Float.init)))
        let w = Variable(Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1]))
        let b = Variable(Tensor(shape: [1], scalars: [0.5]))
        #expect(conv2d(x, weight: w, bias: b).value.scalars == [-3.5, -3.5, -3.5, -3.5])
    }

    @Test func largePlanesUseTheirOwnLayoutAndStillMatch() {
        // 16x16 outputs choose per-image GEMMs by default, several chunks when the budget is small.
        let c = ConvolutionCase(batch: 2, inChannels: 2, height: 16, width: 16, outChannels: 2, padding: (1, 1))
        let x = seededUniformTensor(c.inputShape, seed: 8), w = seededUniformTensor(c.weightShape, seed: 9)
        let geometry = ConvolutionGeometry(input: x.shape, weight: w.shape, stride: c.stride, padding: c.padding,
                                           dilation: c.dilation, groups: c.groups)
        #expect(geometry.defaultPlan.perImageProducts)
        let y = conv2d(Variable(x), weight: Variable(w), bias: nil, padding: (1, 1)).value
        #expect(isClose(y, naiveConvolution(x, w, nil, c), relative: 1e-5, absolute: 1e-5))
    }

    @Test func frozenWeightGetsNoGradientButInputDoes() {
        let x = Variable(seededUniformTensor([1, 2, 4, 4], seed: 10), requiresGradient: true)
        let w = Variable(seededUniformTensor([3, 2, 3, 3], seed: 11))
        let b = Variable(seededUniformTensor([3], seed: 12), requiresGradient: true)
        conv2d(x, weight: w, bias: b, padding: (1, 1)).sum().backward()
        #expect(w.gradient == nil)
        #expect(x.gradient?.shape == [1, 2, 4, 4])
        // Each output position adds its bias once: 1 image × 16 positions.
        #expect(b.gradient?.scalars == [16, 16, 16])
    }
}

@Suite struct ConvolutionWorkerTests {
    @Test(arguments: [ConvolutionCase(batch: 7, inChannels: 3, height: 9, width: 9, outChannels: 4, stride: (2, 2), padding: (1, 1)),
                      ConvolutionCase(batch: 6, inChannels: 2, height: 12, width: 12, outChannels: 3, kernel: (5, 5))])
    func im2colResultsDoNotDependOnTheWorkerCount(_ c: ConvolutionCase) {
        let x = seededNormalTensor(c.inputShape, seed: 60), w = seededNormalTensor(c.weightShape, seed: 61)
        let b = seededNormalTensor([c.outChannels], seed: 62)
        func run() -> (Tensor, Tensor?, Tensor?, Tensor?) {
            let input = Variable(x, requiresGradient: true), weight = Variable(w, requiresGradient: true)
            let bias = Variable(b, requiresGradient: true)
            let y = conv2d(input, weight: weight, bias: bias, stride: c.stride, padding: c.padding)
            y.backward(seed: seededNormalTensor(y.shape, seed: 63))
            return (y.value, input.gradient, weight.gradient, bias.gradient)
        }
        let one = Parallelism.withWorkers(1, run), two = Parallelism.withWorkers(2, run)
        #expect(one.0 == two.0 && one.1 == two.1 && one.2 == two.2 && one.3 == two.3)
    }
}
