import Testing
import _TestSupport
import TensorEngine

@Suite struct PoolingTests {
    /// 0 … 15 in a 4x4 plane.
    let ramp = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))

    @Test func maxPoolOnFourByFour() {
        let x = Variable(ramp, requiresGradient: true)
        let y = maxPool2d(x, kernelSize: (2, 2), stride: (2, 2))
        #expect(y.shape == [1, 1, 2, 2])
        #expect(y.value.scalars == [5, 7, 13, 15])
        y.backward(seed: Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
        var expected = [Float](repeating: 0, count: 16)
        expected[5] = 1; expected[7] = 2; expected[13] = 3; expected[15] = 4
        #expect(x.gradient?.scalars == expected)
    }

    @Test func maxPoolWithPaddingAndOverlap() {
        // Kernel 3, stride 2, padding 1 on 4x4: windows rows {-1,0,1}, {1,2,3}; padding never wins.
        let negative = Variable(Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map { -Float($0) - 1 }))
        let y = maxPool2d(negative, kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))
        #expect(y.value.scalars == [-1, -2, -5, -6])
    }

    @Test func maxPoolRoutesOverlappingGradientsToTheSameMaximum() {
        let x = Variable(ramp, requiresGradient: true)
        let y = maxPool2d(x, kernelSize: (3, 3), stride: (1, 1))
        #expect(y.value.scalars == [10, 11, 14, 15])
        y.sum().backward()
        #expect(x.gradient?.scalars[10] == 1 && x.gradient?.scalars[15] == 1 && x.gradient?.nonZeroCount == 4)
    }

    @Test func avgPoolCountsPadding() {
        let y = avgPool2d(Variable(ramp), kernelSize: (2, 2), stride: (2, 2))
        #expect(y.value.scalars == [2.5, 4.5, 10.5, 12.5])
        // With padding 1, the top-left window covers only x[0][0] = 0 and three zeros; the next covers 1 + 2.
        let padded = avgPool2d(Variable(ramp), kernelSize: (2, 2), stride: (2, 2), padding: (1, 1))
        #expect(padded.shape == [1, 1, 3, 3])
        #expect(padded.value.scalars == [0, 0.75, 0.75, 3, 7.5, 4.5, 3, 6.75, 3.75])
    }

    @Test func globalAveragePool() {
        let x = Tensor(shape: [2, 2, 2, 2], scalars: (0..<16).map(Float.init))
        let y = globalAvgPool2d(Variable(x))
        #expect(y.shape == [2, 2, 1, 1])
        #expect(y.value.scalars == [1.5, 5.5, 9.5, 13.5])
    }

    @Test func maxPoolGradient() {
        let x = seededDistinctTensor([2, 2, 5, 5], seed: 21, step: 0.05)
        for (kernel, stride, padding) in [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((3, 2), (1, 2), (1, 0))] {
            let result = checkGradients(of: { maxPool2d($0[0], kernelSize: kernel, stride: stride, padding: padding) },
                                        at: [x], epsilon: 1e-2)
            #expect(result.passed, "kernel \(kernel) stride \(stride) padding \(padding): \(result)")
        }
    }

    @Test func avgPoolGradient() {
        let x = seededUniformTensor([2, 2, 5, 5], seed: 22)
        for (kernel, stride, padding) in [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((3, 2), (1, 2), (1, 1))] {
            let result = checkGradients(of: { avgPool2d($0[0], kernelSize: kernel, stride: stride, padding: padding) },
                                        at: [x])
            #expect(result.passed, "kernel \(kernel) stride \(stride) padding \(padding): \(result)")
        }
    }

    @Test func globalAveragePoolGradient() {
        let result = checkGradients(of: { globalAvgPool2d($0[0]) }, at: [seededUniformTensor([2, 3, 3, 2], seed: 23)])
        #expect(result.passed, "\(result)")
    }
}
