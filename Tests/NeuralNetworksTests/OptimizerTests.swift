import Testing
import TensorEngine
@testable import NeuralNetworks

/// Expected values come from PyTorch 1.13 (`torch.optim.SGD/Adam/AdamW`, p = [1, −2], gradients [0.5, 1] then
/// [−0.25, 0.5]); the first element is also derived by hand in the comments.
@Suite struct OptimizerTests {
    let gradients: [[Float]] = [[0.5, 1.0], [-0.25, 0.5]]

    func run(_ make: ([(name: String, variable: Variable)]) throws -> any Optimizer) throws -> [[Float]] {
        let p = Variable(Tensor(shape: [2], scalars: [1, -2]), requiresGradient: true)
        let optimizer = try make([("p", p)])
        var trajectory: [[Float]] = []
        for g in gradients {
            p.gradient = Tensor(shape: [2], scalars: g)
            optimizer.step()
            trajectory.append(p.value.scalars)
        }
        return trajectory
    }

    func expectClose(_ actual: [[Float]], _ expected: [[Float]], tolerance: Float = 1e-6) {
        for (a, e) in zip(actual.joined(), expected.joined()) {
            #expect(abs(a - e) <= tolerance, "got \(actual), expected \(expected)")
        }
    }

    @Test func plainSGD() throws {
        let result = try run { try SGD(namedParameters: $0, learningRate: 0.1) }
        expectClose(result, [[0.95, -2.1], [0.975, -2.15]])
    }

    @Test func sgdWithMomentumAndWeightDecay() throws {
        // d1 = 0.5 + 0.1·1 = 0.6, b1 = 0.6, p1 = 0.94; d2 = −0.25 + 0.094 = −0.156, b2 = 0.54 − 0.156 = 0.384, p2 = 0.9016.
        let result = try run { try SGD(namedParameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1) }
        expectClose(result, [[0.94, -2.08], [0.9016, -2.1812]])
    }

    @Test func sgdWithNesterov() throws {
        // d1 = 0.6, b1 = 0.6, step 0.6 + 0.54 = 1.14 → p1 = 0.886; d2 = −0.25 + 0.0886 = −0.1614,
        // b2 = 0.54 − 0.1614 = 0.3786, step −0.1614 + 0.34074 = 0.17934 → p2 = 0.8680660.
        let result = try run {
            try SGD(namedParameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1)
        }
        expectClose(result, [[0.886, -2.152], [0.868066, -2.270912]])
    }

    @Test func sgdWithDampening() throws {
        // b1 = 0.5 (no dampening on the first step), p1 = 0.95; b2 = 0.45 + 0.5·(−0.25) = 0.325, p2 = 0.9175.
        let result = try run { try SGD(namedParameters: $0, learningRate: 0.1, momentum: 0.9, dampening: 0.5) }
        expectClose(result, [[0.95, -2.1], [0.9175, -2.215]])
    }

    @Test func adam() throws {
        // t1: m = 0.05, v = 0.00025, p -= (0.1/0.1)·0.05/(√0.00025/√0.001) = 0.1 → 0.9.
        // t2: m = 0.02, v = 0.00031225, p -= (0.1/0.19)·0.02/(√0.00031225/√0.001999) → 0.8733664.
        let result = try run { try Adam(namedParameters: $0, learningRate: 0.1) }
        expectClose(result, [[0.9, -2.1], [0.8733664, -2.1932178]])
    }

    @Test func adamWithWeightDecayAndAdamW() throws {
        let coupled = try run { try Adam(namedParameters: $0, learningRate: 0.1, weightDecay: 0.1) }
        expectClose(coupled, [[0.9, -2.1], [0.8544414, -2.1883621]])
        let decoupled = try run {
            try Adam(namedParameters: $0, learningRate: 0.1, weightDecay: 0.1, decoupledWeightDecay: true)
        }
        expectClose(decoupled, [[0.89, -2.08], [0.8544664, -2.1524179]])
    }

    @Test func parametersWithoutGradientAreSkipped() throws {
        let a = Variable(Tensor(shape: [1], scalars: [1]), requiresGradient: true)
        let b = Variable(Tensor(shape: [1], scalars: [1]), requiresGradient: true)
        let sgd = try SGD(namedParameters: [("a", a), ("b", b)], learningRate: 0.1, momentum: 0.9)
        let adam = try Adam(namedParameters: [("a", a), ("b", b)], learningRate: 0.1)
        a.gradient = Tensor(shape: [1], scalars: [1])
        sgd.step()
        adam.step()
        #expect(b.value.scalars == [1])
        #expect(sgd.stateTensors().keys.sorted() == ["a.momentum_buffer"])
        #expect(adam.stateTensors().keys.sorted() == ["a.exp_avg", "a.exp_avg_sq", "a.step"])
        sgd.zeroGradients()
        #expect(a.gradient == nil)
    }

    @Test func sgdStateRoundTripResumesExactly() throws {
        let full = try run { try SGD(namedParameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) }
        // One step, save, restore into a fresh optimizer over a copy of the parameter, second step.
        let p = Variable(Tensor(shape: [2], scalars: [1, -2]), requiresGradient: true)
        let first = try SGD(namedParameters: [("p", p)], learningRate: 0.1, momentum: 0.9, nesterov: true)
        p.gradient = Tensor(shape: [2], scalars: gradients[0])
        first.step()
        let saved = first.stateTensors()
        let second = try SGD(namedParameters: [("p", p)], learningRate: 0.1, momentum: 0.9, nesterov: true)
        try second.loadState(saved)
        p.gradient = Tensor(shape: [2], scalars: gradients[1])
        second.step()
        #expect(p.value.scalars == full[1])
    }

    @Test func adamStateRoundTripResumesExactly() throws {
        let full = try run { try Adam(namedParameters: $0, learningRate: 0.1) }
        let p = Variable(Tensor(shape: [2], scalars: [1, -2]), requiresGradient: true)
        let first = try Adam(namedParameters: [("p", p)], learningRate: 0.1)
        p.gradient = Tensor(shape: [2], scalars: gradients[0])
        first.step()
        let saved = first.stateTensors()
        #expect(saved["p.step"] == Tensor(scalar: 1))
        let second = try Adam(namedParameters: [("p", p)], learningRate: 0.1)
        try second.loadState(saved)
        p.gradient = Tensor(shape: [2], scalars: gradients[1])
        second.step()
        #expect(p.value.scalars == full[1])
    }

    @Test func badOptimizerStateIsRejectedWithoutChange() throws {
        let p = Variable(Tensor(shape: [2], scalars: [1, -2]), requiresGradient: true)
        let adam = try Adam(namedParameters: [("p", p)], learningRate: 0.1)
        p.gradient = Tensor(shape: [2], scalars: [1, 1])
        adam.step()
        let before = adam.stateTensors()
        var wrongShape = before
        wrongShape["p.exp_avg"] = Tensor.zeros([3])
        #expect(throws: NeuralNetworkError.self) { try adam.loadState(wrongShape) }
        var unknown = before
        unknown["q.exp_avg"] = Tensor.zeros([2])
        #expect(throws: NeuralNetworkError.self) { try adam.loadState(unknown) }
        var incomplete = before
        incomplete["p.step"] = nil
        #expect(throws: NeuralNetworkError.self) { try adam.loadState(incomplete) }
        #expect(adam.stateTensors() == before)

        let sgd = try SGD(namedParameters: [("p", p)], learningRate: 0.1, momentum: 0.9)
        do {
            try sgd.loadState(["p.exp_avg": Tensor.zeros([2])])
            Issue.record("expected a throw")
        } catch let error as NeuralNetworkError {
            #expect(error.description.contains("p.exp_avg"))
        }
    }

    @Test func invalidHyperParametersThrow() {
        let p = Variable(Tensor.zeros([1]), requiresGradient: true)
        #expect(throws: NeuralNetworkError.self) { try SGD(namedParameters: [("p", p)], learningRate: -1) }
        #expect(throws: NeuralNetworkError.self) { try SGD(namedParameters: [("p", p)], learningRate: 0.1, nesterov: true) }
        #expect(throws: NeuralNetworkError.self) { try SGD(namedParameters: [("p", p), ("p", p)], learningRate: 0.1) }
        #expect(throws: NeuralNetworkError.self) { try Adam(namedParameters: [("p", p)], beta1: 1) }
        #expect(throws: NeuralNetworkError.self) { try Adam(namedParameters: [("p", p)], epsilon: -1) }
    }

    @Test func learningRateCanBeChangedBetweenSteps() throws {
        let p = Variable(Tensor(shape: [1], scalars: [1]), requiresGradient: true)
        let sgd = try SGD(namedParameters: [("p", p)], learningRate: 0.1)
        p.gradient = Tensor(shape: [1], scalars: [1])
        sgd.step()
        sgd.learningRate = 0.5
        sgd.step()
        #expect(abs(p.value.scalars[0] - 0.4) < 1e-6)
    }
}
