import Testing
import _TestSupport
import TensorEngine

/// Finite-difference checks of the elementwise, reduction and matrix operations, and of the checker itself.
@Suite struct GradientCheckTests {
    let a = seededUniformTensor([2, 3], seed: 11)
    let b = seededUniformTensor([2, 3], seed: 12)

    @Test func addition() {
        let result = checkGradients(of: { $0[0] + $0[1] }, at: [a, b])
        #expect(result.passed, "\(result)")
    }

    @Test func subtraction() {
        let result = checkGradients(of: { $0[0] - $0[1] }, at: [a, b])
        #expect(result.passed, "\(result)")
    }

    @Test func multiplication() {
        let result = checkGradients(of: { $0[0] * $0[1] }, at: [a, b])
        #expect(result.passed, "\(result)")
    }

    @Test func scalarMultiplication() {
        let result = checkGradients(of: { 2.5 * ($0[0] * -1.5) }, at: [a])
        #expect(result.passed, "\(result)")
    }

    @Test func relu() {
        // Values at least 0.05 away from the kink at zero.
        let x = seededDistinctTensor([2, 5], seed: 13, low: -0.95, step: 0.2)
        let result = checkGradients(of: { $0[0].relu() }, at: [x])
        #expect(result.passed, "\(result)")
    }

    @Test func reshapeAndFlatten() {
        let x = seededUniformTensor([2, 3, 2, 2], seed: 14)
        let reshaped = checkGradients(of: { $0[0].reshaped([4, 6]) }, at: [x])
        let flattened = checkGradients(of: { $0[0].flattened() }, at: [x])
        #expect(reshaped.passed, "\(reshaped)")
        #expect(flattened.passed, "\(flattened)")
    }

    @Test func reductions() {
        for (name, function) in [("sum", { (v: [Variable]) in v[0].sum() }),
                                 ("mean", { (v: [Variable]) in v[0].mean() }),
                                 ("squaredSum", { (v: [Variable]) in v[0].squaredSum() })] {
            let result = checkGradients(of: function, at: [a])
            #expect(result.passed, "\(name): \(result)")
        }
    }

    @Test func matmul() {
        let right = seededUniformTensor([3, 4], seed: 15)
        let result = checkGradients(of: { $0[0].matmul($0[1]) }, at: [a, right])
        #expect(result.passed, "\(result)")
    }

    @Test func linearWithAndWithoutBias() {
        let x = seededUniformTensor([3, 4], seed: 16)
        let w = seededUniformTensor([2, 4], seed: 17)
        let bias = seededUniformTensor([2], seed: 18)
        let withBias = checkGradients(of: { linear($0[0], weight: $0[1], bias: $0[2]) }, at: [x, w, bias])
        let withoutBias = checkGradients(of: { linear($0[0], weight: $0[1], bias: nil) }, at: [x, w])
        #expect(withBias.passed, "\(withBias)")
        #expect(withoutBias.passed, "\(withoutBias)")
    }

    @Test func residualSumOfConvolutionAndIdentity() {
        // relu(conv(x) + x): the shape of a residual block, with the gradient reaching x along both paths.
        let x = seededUniformTensor([1, 2, 4, 4], seed: 19)
        let w = seededUniformTensor([2, 2, 3, 3], seed: 20, low: -0.3, high: 0.3)
        let result = checkGradients(of: { v in
            (conv2d(v[0], weight: v[1], bias: nil, padding: (1, 1)) + v[0]).squaredSum()
        }, at: [x, w])
        #expect(result.passed, "\(result)")
    }

    @Test func checkerCatchesAWrongPullback() {
        // y = x², with a pullback that forgets the factor 2.
        let wrong = checkGradients(of: { v in
            let x = v[0].value
            return Variable(value: x * x, operands: [v[0]]) { gradient in [gradient * x] }
        }, at: [a])
        #expect(!wrong.passed)
        #expect(wrong.maxRelativeError > 0.3)
        #expect(wrong.worstInput == 0 && wrong.worstIndex >= 0 && wrong.worstIndex < a.count)
    }

    @Test func checkerSkipsInputsItIsNotAskedAbout() {
        let result = checkGradients(of: { $0[0] * $0[1] }, at: [a, b], checking: [1])
        #expect(result.checkedCount == b.count)
        #expect(result.passed)
    }
}
