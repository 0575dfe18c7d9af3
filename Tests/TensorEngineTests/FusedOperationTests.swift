import Testing
import _TestSupport
import TensorEngine

/// The fused passes (batch norm + ReLU, add + ReLU) give the same bits as the separate operations, forward and
/// backward, and split over workers without changing them.
@Suite struct FusedOperationTests {
    /// Runs batch norm (fused with ReLU or followed by a separate one) and back-propagates fixed weights.
    static func batchNormThenReLU(fused: Bool, training: Bool, x: Tensor) -> (Tensor, [Tensor?]) {
        let input = Variable(x, requiresGradient: true)
        let weight = Variable(seededUniformTensor([3], seed: 41, low: 0.5, high: 1.5), requiresGradient: true)
        let bias = Variable(seededUniformTensor([3], seed: 42), requiresGradient: true)
        let statistics = BatchNormStatistics(channels: 3)
        let output = fused
            ? batchNorm2d(input, weight: weight, bias: bias, statistics: statistics, training: training, relu: true)
            : batchNorm2d(input, weight: weight, bias: bias, statistics: statistics, training: training).relu()
        output.backward(seed: seededUniformTensor(x.shape, seed: 43))
        return (output.value, [input.gradient, weight.gradient, bias.gradient])
    }

    @Test(arguments: [true, false])
    func batchNormWithReLUEqualsTheTwoOperations(training: Bool) {
        let x = seededNormalTensor([4, 3, 5, 5], seed: 44)
        let (fusedOutput, fusedGradients) = Self.batchNormThenReLU(fused: true, training: training, x: x)
        let (output, gradients) = Self.batchNormThenReLU(fused: false, training: training, x: x)
        #expect(fusedOutput == output)
        #expect(fusedGradients == gradients)
        #expect(fusedOutput.scalars.contains(0) && fusedOutput.scalars.contains { $0 > 0 }, "the test exercises both sides")
    }

    @Test func batchNormIsTheSameOnEveryWorkerCount() {
        let x = seededNormalTensor([4, 3, 5, 5], seed: 45)
        let one = Parallelism.withWorkers(1) { Self.batchNormThenReLU(fused: true, training: true, x: x) }
        let two = Parallelism.withWorkers(2) { Self.batchNormThenReLU(fused: true, training: true, x: x) }
        #expect(one.0 == two.0 && one.1 == two.1)
    }

    @Test func batchNormWithReLUPassesFiniteDifferences() {
        let inputs = [seededUniformTensor([3, 3, 2, 2], seed: 46, low: -2, high: 2),
                      seededUniformTensor([3], seed: 47, low: 0.5, high: 1.5), seededUniformTensor([3], seed: 48)]
        let result = checkGradients(of: { v in
            batchNorm2d(v[0], weight: v[1], bias: v[2], statistics: BatchNormStatistics(channels: 3), training: true, relu: true)
        }, at: inputs, epsilon: 1e-3)
        #expect(result.passed, "\(result)")
    }

    @Test func addingReLUEqualsAddThenReLU() {
        // Large enough (2 · 2¹⁵ floats) that two workers each take a range.
        let a = seededNormalTensor([2, 4, 128, 64], seed: 49), b = seededNormalTensor([2, 4, 128, 64], seed: 50)
        let seed = seededNormalTensor(a.shape, seed: 51)
        func run(fused: Bool) -> (Tensor, Tensor?, Tensor?) {
            let left = Variable(a, requiresGradient: true), right = Variable(b, requiresGradient: true)
            let output = fused ? left.addingReLU(right) : (left + right).relu()
            output.backward(seed: seed)
            return (output.value, left.gradient, right.gradient)
        }
        let separate = run(fused: false)
        let fused = Parallelism.withWorkers(2) { run(fused: true) }
        #expect(fused.0 == separate.0 && fused.1 == separate.1 && fused.2 == separate.2)
    }

    /// Convolution then evaluation-mode batch norm (+ ReLU), as two operations or fused through the epilogue.
    static func convolutionThenBatchNorm(input x: Tensor, outChannels: Int, kernel: Int, stride: Int, bias: Bool,
                                         rectify: Bool, fused: Bool) -> Tensor {
        let weight = seededNormalTensor([outChannels, x.shape[1], kernel, kernel], seed: 52)
        let convolutionBias = bias ? seededUniformTensor([outChannels], seed: 53) : nil
        let statistics = BatchNormStatistics(channels: outChannels)
        statistics.runningMean = seededUniformTensor([outChannels], seed: 54)
        statistics.runningVariance = seededUniformTensor([outChannels], seed: 55, low: 0.5, high: 2)
        let gamma = seededUniformTensor([outChannels], seed: 56, low: 0.5, high: 1.5)
        let beta = seededUniformTensor([outChannels], seed: 57)
        let padding = (kernel / 2, kernel / 2)
        if fused {
            let affine = ChannelAffine(batchNorm: statistics, weight: gamma, bias: beta, epsilon: 1e-5, rectify: rectify)
            return conv2d(x, weight: weight, bias: convolutionBias, stride: (stride, stride), padding: padding,
                          then: affine)
        }
        let convolved = conv2d(Variable(x), weight: Variable(weight), bias: convolutionBias.map { Variable($0) },
                               stride: (stride, stride), padding: padding)
        return batchNorm2d(convolved, weight: Variable(gamma), bias: Variable(beta), statistics: statistics,
                           training: false, relu: rectify).value
    }

    /// Winograd (3×3, 16 channels), im2col with one GEMM per image (12×12 planes), im2col with a scatter (stride 2,
    /// 3×3 planes); with and without a convolution bias and a rectifier; on two workers.
    @Test(arguments: [(16, 16, 8, 3, 1), (3, 4, 12, 5, 1), (8, 6, 6, 3, 2)], [false, true])
    func convolutionWithBatchNormEpilogueEqualsTheTwoOperations(
        shape: (inChannels: Int, outChannels: Int, side: Int, kernel: Int, stride: Int), bias: Bool
    ) {
        let x = seededNormalTensor([5, shape.inChannels, shape.side, shape.side], seed: 58)
        for rectify in [false, true] {
            func run(fused: Bool) -> Tensor {
                Self.convolutionThenBatchNorm(input: x, outChannels: shape.outChannels, kernel: shape.kernel,
                                              stride: shape.stride, bias: bias, rectify: rectify, fused: fused)
            }
            let separate = run(fused: false)
            let fused = Parallelism.withWorkers(2) { run(fused: true) }
            #expect(fused == separate, "rectify \(rectify)")
        }
    }
}
