import Foundation
import Testing
import _TestSupport
import TensorEngine

@Suite struct SoftmaxCrossEntropyTests {
    @Test func handComputedLoss() {
        // Row 0: logits [0, ln 3] → p = [1/4, 3/4], label 1 → −ln(3/4). Row 1: equal logits, label 0 → ln 2.
        let logits = Tensor(shape: [2, 2], scalars: [0, Float(log(3.0)), 5, 5])
        let loss = softmaxCrossEntropy(logits: Variable(logits), labels: [1, 0]).value.scalar
        #expect(isClose(loss, Float((-log(0.75) + log(2.0)) / 2)))
    }

    @Test func stableForHugeLogits() {
        let logits = Tensor(shape: [1, 3], scalars: [1000, 0, -1000])
        #expect(softmaxCrossEntropy(logits: Variable(logits), labels: [0]).value.scalar == 0)
        #expect(isClose(softmaxCrossEntropy(logits: Variable(logits), labels: [1]).value.scalar, 1000))
        let probabilities = logits.softmaxRows()
        #expect(probabilities.scalars.allSatisfy { $0.isFinite })
        #expect(probabilities.scalars[0] == 1)
    }

    @Test func gradient() {
        let result = checkGradients(of: { softmaxCrossEntropy(logits: $0[0], labels: [2, 0, 1]) },
                                    at: [seededUniformTensor([3, 4], seed: 44, low: -2, high: 2)],
                                    epsilon: 1e-2, absoluteFloor: 1e-2)
        #expect(result.passed, "\(result)")
    }

    @Test func softmaxRowsSumToOneAndArgmaxPicksTheLargest() {
        let x = Tensor(shape: [3, 3], scalars: [1, 3, 2, -1, -5, -2, 7, 7, 0])
        let p = x.softmaxRows()
        for row in 0..<3 { #expect(isClose(p.scalars[row * 3..<row * 3 + 3].reduce(0, +), 1)) }
        #expect(x.argmaxRows() == [1, 0, 0])
        #expect(p.argmaxRows() == [1, 0, 0])
    }
}
