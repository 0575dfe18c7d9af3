import Testing
import _TestSupport
import TensorEngine

@Suite struct DropoutTests {
    @Test func evaluationAndZeroProbabilityPassThrough() {
        var generator = SeededGenerator(seed: 1)
        let x = Variable(seededUniformTensor([3, 4], seed: 41))
        #expect(dropout(x, probability: 0.5, training: false, generator: &generator) === x)
        #expect(dropout(x, probability: 0, training: true, generator: &generator) === x)
        #expect(generator == SeededGenerator(seed: 1))
    }

    @Test func dropsAboutTheRightFractionAndScalesSurvivors() {
        var generator = SeededGenerator(seed: 2)
        let y = dropout(Variable(Tensor(repeating: 1, shape: [100, 100])), probability: 0.3, training: true,
                        generator: &generator).value
        let dropped = y.count - y.nonZeroCount
        #expect(abs(Double(dropped) / Double(y.count) - 0.3) < 0.02)
        #expect(y.scalars.allSatisfy { $0 == 0 || isClose($0, 1 / 0.7) })
    }

    @Test func theSeedFixesTheMask() {
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        let x = Variable(seededUniformTensor([5, 5], seed: 42))
        let a = dropout(x, probability: 0.5, training: true, generator: &first).value
        let b = dropout(x, probability: 0.5, training: true, generator: &second).value
        #expect(a == b)
        let probabilityOne = dropout(x, probability: 1, training: true, generator: &first).value
        #expect(probabilityOne.nonZeroCount == 0)
    }

    @Test func gradientWithAFixedMask() {
        let result = checkGradients(of: { v in
            var generator = SeededGenerator(seed: 4)
            return dropout(v[0], probability: 0.4, training: true, generator: &generator)
        }, at: [seededUniformTensor([3, 5], seed: 43)])
        #expect(result.passed, "\(result)")
    }
}
