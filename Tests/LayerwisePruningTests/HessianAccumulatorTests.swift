import Testing
import TensorEngine
@testable import LayerwisePruning

@Suite("Hessian accumulation and im2col rows")
struct HessianAccumulatorTests {
    @Test("chunked accumulation equals 2·XᵀX of the whole X and counts the samples")
    func chunkedEqualsWhole() throws {
        let rows = correlatedRows(samples: 37, features: 9, seed: 1)
        var accumulator = HessianAccumulator(features: 9)
        for chunk in stride(from: 0, to: 37, by: 10) {
            let end = min(37, chunk + 10)
            try accumulator.add(rows: Tensor(shape: [end - chunk, 9], scalars: Array(rows.scalars[(chunk * 9)..<(end * 9)])))
        }
        #expect(accumulator.sampleCount == 37)
        let h = accumulator.hessian()
        for i in 0..<9 {
            for j in 0..<9 {
                var expected = 0.0
                for s in 0..<37 { expected += 2 * Double(rows.scalars[s * 9 + i]) * Double(rows.scalars[s * 9 + j]) }
                #expect(abs(Double(h.scalars[i * 9 + j]) - expected) <= 1e-4 * max(1, abs(expected)))
            }
        }
    }

    @Test("rows with the wrong feature count are a shape error")
    func wrongFeatureCount() {
        var accumulator = HessianAccumulator(features: 4)
        #expect(throws: LayerwiseError.self) { try accumulator.add(rows: Tensor.zeros([3, 5])) }
        #expect(throws: LayerwiseError.self) {
            try accumulator.add(convolutionInput: Tensor.zeros([1, 2, 4, 4]), geometry: ConvolutionGeometry(kernelSize: (3, 3)))
        }
    }

    @Test("im2col rows times the flattened weight is the convolution (stride, padding, dilation)")
    func im2colMatchesConvolution() throws {
        var generator = SeededGenerator(seed: 2)
        let input = Tensor.normal([2, 3, 7, 6], generator: &generator)
        let weight = Tensor.normal([4, 3, 3, 2], generator: &generator)
        let geometry = ConvolutionGeometry(kernelSize: (3, 2), stride: (2, 1), padding: (1, 2), dilation: (2, 1))
        let (outH, outW) = geometry.outputSize(height: 7, width: 6)
        let rows = try im2colRows(input, geometry: geometry)
        #expect(rows.shape == [2 * outH * outW, 18])
        let product = rows.matmul(weight.reshaped([4, 18]), transposeOther: true)  // [N·Hout·Wout, out]
        for n in 0..<2 {
            for o in 0..<4 {
                for oh in 0..<outH {
                    for ow in 0..<outW {
                        var expected: Float = 0
                        for c in 0..<3 {
                            for y in 0..<3 {
                                for x in 0..<2 {
                                    let ih = oh * 2 - 1 + y * 2, iw = ow - 2 + x
                                    guard ih >= 0, ih < 7, iw >= 0, iw < 6 else { continue }
                                    expected += input.scalars[((n * 3 + c) * 7 + ih) * 6 + iw]
                                        * weight.scalars[((o * 3 + c) * 3 + y) * 2 + x]
                                }
                            }
                        }
                        let actual = product.scalars[((n * outH + oh) * outW + ow) * 4 + o]
                        #expect(abs(actual - expected) < 1e-4)
                    }
                }
            }
        }
    }

    @Test("adding a conv input accumulates the Hessian of its im2col rows")
    func convolutionInputEqualsRows() throws {
        var generator = SeededGenerator(seed: 3)
        let input = Tensor.normal([3, 2, 5, 5], generator: &generator)
        let geometry = ConvolutionGeometry(kernelSize: (3, 3), padding: (1, 1))
        var fromConv = HessianAccumulator(features: 18)
        try fromConv.add(convolutionInput: input, geometry: geometry)
        var fromRows = HessianAccumulator(features: 18)
        try fromRows.add(rows: im2colRows(input, geometry: geometry))
        #expect(fromConv.sampleCount == 3 * 25)
        #expect(fromConv.sampleCount == fromRows.sampleCount)
        #expect(fromConv.hessian().maxAbsoluteDifference(to: fromRows.hessian()) < 1e-4)
    }

    @Test("the reconstruction error function equals ‖(W − Ŵ)X‖² computed directly")
    func reconstructionErrorMatchesDirect() throws {
        let rows = correlatedRows(samples: 40, features: 8, seed: 4)
        var generator = SeededGenerator(seed: 5)
        let weights = Tensor.normal([3, 8], generator: &generator)
        let pruned = magnitudePruned(weights, keep: 12)
        let viaHessian = try reconstructionError(original: weights, pruned: pruned, hessian: hessian(of: rows))
        let direct = directError(original: weights, pruned: pruned, rows: rows)
        #expect(abs(viaHessian - direct) <= 1e-4 * direct)
        #expect(throws: LayerwiseError.self) {
            try reconstructionError(original: weights, pruned: Tensor.zeros([3, 7]), hessian: hessian(of: rows))
        }
    }
}
