import Testing
import _TestSupport
import TensorEngine

@Suite struct BatchNormTests {
    @Test func trainingNormalisesEachChannel() {
        let x = seededNormalTensor([4, 3, 2, 2], seed: 31, mean: 2, standardDeviation: 3)
        let statistics = BatchNormStatistics(channels: 3)
        let y = batchNorm2d(Variable(x), weight: Variable(Tensor(repeating: 1, shape: [3])),
                            bias: Variable(Tensor.zeros([3])), statistics: statistics, training: true).value
        for channel in 0..<3 {
            var values: [Float] = []
            for image in 0..<4 { values += y.scalars[(image * 3 + channel) * 4..<(image * 3 + channel + 1) * 4] }
            let mean = values.reduce(0, +) / 16
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 16
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
    }

    @Test func runningStatisticsUseUnbiasedVarianceAndMomentum() {
        // One channel, values 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 4])
        let statistics = BatchNormStatistics(channels: 1)
        let weight = Variable(Tensor(shape: [1], scalars: [2])), bias = Variable(Tensor(shape: [1], scalars: [0.5]))
        let y = batchNorm2d(Variable(x), weight: weight, bias: bias, statistics: statistics, training: true, momentum: 0.1)
        #expect(isClose(statistics.runningMean.scalars[0], 0.25))
        #expect(isClose(statistics.runningVariance.scalars[0], 0.9 + 0.1 * 5 / 3))
        #expect(statistics.batchesTracked == 1)
        let deviation = (1.25 + 1e-5 as Float).squareRoot()
        let expected = [1, 2, 3, 4].map { 2 * ($0 - 2.5) / deviation + 0.5 as Float }
        #expect(isClose(y.value, Tensor(shape: [2, 1, 1, 2], scalars: expected)))

        _ = batchNorm2d(Variable(x), weight: weight, bias: bias, statistics: statistics, training: true, momentum: 0.1)
        #expect(isClose(statistics.runningMean.scalars[0], 0.9 * 0.25 + 0.25))
        #expect(statistics.batchesTracked == 2)
    }

    @Test func evaluationUsesRunningStatisticsAndUpdatesNothing() {
        let statistics = BatchNormStatistics(channels: 2)
        statistics.runningMean = Tensor(shape: [2], scalars: [1, -1])
        statistics.runningVariance = Tensor(shape: [2], scalars: [4, 0.25])
        let x = Tensor(shape: [1, 2, 1, 2], scalars: [3, 5, 0, 1])
        let y = batchNorm2d(Variable(x), weight: Variable(Tensor(shape: [2], scalars: [1, 2])),
                            bias: Variable(Tensor(shape: [2], scalars: [0, 1])),
                            statistics: statistics, training: false, epsilon: 0)
        #expect(isClose(y.value, Tensor(shape: [1, 2, 1, 2], scalars: [1, 2, 5, 9])))
        #expect(statistics.batchesTracked == 0 && statistics.runningMean.scalars == [1, -1])
    }

    @Test func trainingModeGradient() {
        let inputs = [seededUniformTensor([3, 2, 2, 2], seed: 32), seededUniformTensor([2], seed: 33, low: 0.5, high: 1.5),
                      seededUniformTensor([2], seed: 34)]
        let result = checkGradients(of: { v in
            batchNorm2d(v[0], weight: v[1], bias: v[2], statistics: BatchNormStatistics(channels: 2), training: true)
        }, at: inputs, epsilon: 1e-2, tolerance: 2e-2)
        #expect(result.passed, "\(result)")
    }

    @Test func evaluationModeGradient() {
        let statistics = BatchNormStatistics(channels: 2)
        statistics.runningMean = Tensor(shape: [2], scalars: [0.2, -0.1])
        statistics.runningVariance = Tensor(shape: [2], scalars: [0.5, 2])
        let inputs = [seededUniformTensor([2, 2, 2, 2], seed: 35), seededUniformTensor([2], seed: 36),
                      seededUniformTensor([2], seed: 37)]
        let result = checkGradients(of: { v in
            batchNorm2d(v[0], weight: v[1], bias: v[2], statistics: statistics, training: false)
        }, at: inputs)
        #expect(result.passed, "\(result)")
    }
}
