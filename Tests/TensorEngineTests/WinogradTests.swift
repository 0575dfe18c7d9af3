import Testing
import _TestSupport
@testable import TensorEngine

/// The Winograd F(2×2, 3×3) path against the direct convolution and the im2col path, and its gradients against
/// finite differences.
@Suite struct WinogradTests {
    /// 3×3, stride-1, padding-1 cases: odd and even planes (cropped last tiles), planes wider than one block of eight
    /// tiles, rectangular ones, and planes one or two columns wide (a single tile column, cropped or not).
    static let cases: [ConvolutionCase] = [
        ConvolutionCase(batch: 2, inChannels: 2, height: 4, width: 4, outChannels: 3, padding: (1, 1)),
        ConvolutionCase(batch: 3, inChannels: 3, height: 5, width: 7, outChannels: 2, padding: (1, 1)),
        ConvolutionCase(batch: 2, inChannels: 2, height: 9, width: 20, outChannels: 3, padding: (1, 1)),
        ConvolutionCase(batch: 1, inChannels: 4, height: 1, width: 3, outChannels: 2, padding: (1, 1)),
        ConvolutionCase(batch: 2, inChannels: 3, height: 34, width: 33, outChannels: 2, padding: (1, 1)),
        ConvolutionCase(batch: 2, inChannels: 2, height: 3, width: 1, outChannels: 2, padding: (1, 1)),
        ConvolutionCase(batch: 2, inChannels: 3, height: 2, width: 2, outChannels: 2, padding: (1, 1)),
    ]

    static func geometry(_ c: ConvolutionCase) -> ConvolutionGeometry {
        ConvolutionGeometry(input: c.inputShape, weight: c.weightShape, stride: c.stride, padding: c.padding,
                            dilation: c.dilation, groups: c.groups)
    }

    @Test(arguments: cases)
    func matchesDirectConvolutionForEveryChunking(_ c: ConvolutionCase) throws {
        let x = seededUniformTensor(c.inputShape, seed: 21)
        let w = seededUniformTensor(c.weightShape, seed: 22)
        let expected = naiveConvolution(x, w, nil, c)
        let dy = seededUniformTensor(expected.shape, seed: 23)
        let (expectedDx, expectedDw) = naiveConvolutionBackward(x, w, dy, c)
        for chunk in Set([1, 2, c.batch]) {
            let winograd = try #require(WinogradGeometry(Self.geometry(c), minimumChannels: 1, imagesPerChunk: chunk))
            // The transforms round differently from a direct sum: 1e-5 of the largest magnitudes involved.
            let y = winograd.forward(input: x, weight: w)
            #expect(isClose(y, expected, relative: 1e-5, absolute: 1e-5), "forward \(c) chunk \(chunk)")
            let (dx, dw) = winograd.backward(outputGradient: dy, input: x, weight: w, needsInput: true, needsWeight: true)
            #expect(dx.map { isClose($0, expectedDx, relative: 1e-5, absolute: 1e-5) } == true, "dx \(c) chunk \(chunk)")
            #expect(dw.map { isClose($0, expectedDw, relative: 1e-5, absolute: 1e-4) } == true, "dw \(c) chunk \(chunk)")
            let (onlyDx, noDw) = winograd.backward(outputGradient: dy, input: x, weight: w, needsInput: true, needsWeight: false)
            #expect(noDw == nil && onlyDx == dx)
            let (noDx, onlyDw) = winograd.backward(outputGradient: dy, input: x, weight: w, needsInput: false, needsWeight: true)
            #expect(noDx == nil && onlyDw == dw)
        }
    }

    @Test func matchesTheIm2colPathOnAResNetLayer() throws {
        // A resnet20 stage-2 layer at a small batch: the shapes conv2d sends to Winograd by default.
        let c = ConvolutionCase(batch: 3, inChannels: 32, height: 16, width: 16, outChannels: 32, padding: (1, 1))
        let x = seededNormalTensor(c.inputShape, seed: 24)
        let w = seededNormalTensor(c.weightShape, seed: 25, standardDeviation: 0.06)
        let geometry = Self.geometry(c)
        let winograd = try #require(WinogradGeometry(geometry))
        let reference = convolutionForward(input: x, weight: w, bias: nil, geometry: geometry)
        #expect(isClose(winograd.forward(input: x, weight: w), reference, relative: 1e-4, absolute: 1e-5))
        let dy = seededNormalTensor(reference.shape, seed: 26)
        let (referenceDx, referenceDw) = convolutionBackward(outputGradient: dy, input: x, weight: w, geometry: geometry,
                                                             needsInput: true, needsWeight: true)
        let (dx, dw) = winograd.backward(outputGradient: dy, input: x, weight: w, needsInput: true, needsWeight: true)
        #expect(isClose(try #require(dx), try #require(referenceDx), relative: 1e-4, absolute: 1e-5))
        #expect(isClose(try #require(dw), try #require(referenceDw), relative: 1e-4, absolute: 1e-3))
    }

    @Test func conv2dChoosesWinogradOnlyWhereItApplies() {
        func chosen(_ c: ConvolutionCase) -> Bool { WinogradGeometry(Self.geometry(c)) != nil }
        #expect(chosen(ConvolutionCase(inChannels: 16, height: 8, width: 8, outChannels: 16, padding: (1, 1))))
        // Too few channels, a stride, no padding, a dilation or groups keep im2col.
        #expect(!chosen(ConvolutionCase(inChannels: 3, height: 8, width: 8, outChannels: 16, padding: (1, 1))))
        #expect(!chosen(ConvolutionCase(inChannels: 16, height: 8, width: 8, outChannels: 16, stride: (2, 2), padding: (1, 1))))
        #expect(!chosen(ConvolutionCase(inChannels: 16, height: 8, width: 8, outChannels: 16)))
        #expect(!chosen(ConvolutionCase(inChannels: 16, height: 8, width: 8, outChannels: 16, padding: (1, 1), dilation: (2, 2))))
        #expect(!chosen(ConvolutionCase(inChannels: 16, height: 8, width: 8, outChannels: 16, padding: (1, 1), groups: 2)))
    }

    @Test(arguments: [ConvolutionCase(batch: 2, inChannels: 3, height: 5, width: 6, outChannels: 2, padding: (1, 1)),
                      ConvolutionCase(batch: 1, inChannels: 2, height: 3, width: 3, outChannels: 2, padding: (1, 1))])
    func finiteDifferencesAgreeWithBackward(_ c: ConvolutionCase) throws {
        let winograd = try #require(WinogradGeometry(Self.geometry(c), minimumChannels: 1, imagesPerChunk: 1))
        let inputs = [seededUniformTensor(c.inputShape, seed: 27), seededUniformTensor(c.weightShape, seed: 28)]
        let result = checkGradients(of: { v in
            let (x, w) = (v[0].value, v[1].value)
            return Variable(value: winograd.forward(input: x, weight: w), operands: [v[0], v[1]]) { gradient in
                let (dx, dw) = winograd.backward(outputGradient: gradient, input: x, weight: w,
                                                 needsInput: v[0].requiresGradient, needsWeight: v[1].requiresGradient)
                return [dx, dw]
            }
        }, at: inputs)
        #expect(result.passed, "\(c): \(result)")
    }

    @Test func conv2dBackPropagatesThroughWinograd() {
        // 16 channels: conv2d itself takes the Winograd path; its gradients must equal the im2col path's.
        let c = ConvolutionCase(batch: 1, inChannels: 16, height: 4, width: 4, outChannels: 16, padding: (1, 1))
        #expect(WinogradGeometry(Self.geometry(c)) != nil)
        let x = seededUniformTensor(c.inputShape, seed: 33), w = seededUniformTensor(c.weightShape, seed: 34)
        let (expectedDx, expectedDw) = naiveConvolutionBackward(x, w, Tensor(repeating: 1, shape: [1, 16, 4, 4]), c)
        let input = Variable(x, requiresGradient: true), weight = Variable(w, requiresGradient: true)
        conv2d(input, weight: weight, bias: nil, padding: (1, 1)).sum().backward()
        #expect(input.gradient.map { isClose($0, expectedDx, relative: 1e-5, absolute: 1e-4) } == true)
        #expect(weight.gradient.map { isClose($0, expectedDw, relative: 1e-5, absolute: 1e-4) } == true)
    }

    @Test func resultsDoNotDependOnTheWorkerCount() throws {
        let c = ConvolutionCase(batch: 5, inChannels: 16, height: 8, width: 8, outChannels: 16, padding: (1, 1))
        let x = seededNormalTensor(c.inputShape, seed: 30), w = seededNormalTensor(c.weightShape, seed: 31)
        let winograd = try #require(WinogradGeometry(Self.geometry(c), imagesPerChunk: 1))
        let dy = seededNormalTensor(Self.geometry(c).outputShape, seed: 32)
        func run() -> (Tensor, Tensor?, Tensor?) {
            let y = winograd.forward(input: x, weight: w)
            let (dx, dw) = winograd.backward(outputGradient: dy, input: x, weight: w, needsInput: true, needsWeight: true)
            return (y, dx, dw)
        }
        // The batch is cut into the same slices whatever the worker count, so even the weight gradient's partial
        // sums are added in the same order.
        let one = Parallelism.withWorkers(1, run), two = Parallelism.withWorkers(2, run), three = Parallelism.withWorkers(3, run)
        #expect(one.0 == two.0 && one.1 == two.1 && one.2 == two.2)
        #expect(one.0 == three.0 && one.1 == three.1 && one.2 == three.2)
    }
}
