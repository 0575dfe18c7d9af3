import Testing
import TensorEngine
@testable import NeuralNetworks

/// Training on linear and ReLU layers only, with a squared-error loss: exercises layers, optimizers and schedules
/// end to end without convolutions or softmax.
@Suite struct LinearTrainingTests {
    func regressionProblem() -> (Tensor, Tensor) {
        var generator = SeededGenerator(seed: 11)
        let x = Tensor.normal([32, 4], generator: &generator)
        // A fixed linear target: y = x · [1, −2, 0.5, 3]ᵀ.
        let w: [Float] = [1, -2, 0.5, 3]
        let y = Tensor(shape: [32, 1]) { buffer in
            for row in 0..<32 { buffer[row] = (0..<4).reduce(0) { $0 + x.scalars[row * 4 + $1] * w[$1] } }
        }
        return (x, y)
    }

    func loss(_ network: Sequential, _ x: Tensor, _ y: Tensor) -> Variable {
        var context = ForwardContext(training: true)
        let prediction = network(Variable(x), context: &context)
        return (prediction - Variable(y)).squaredSum() * (1 / Float(y.count))
    }

    func train(_ makeOptimizer: ([ParameterEntry]) throws -> any Optimizer) throws -> (Float, Float) {
        var generator = SeededGenerator(seed: 12)
        let network = Sequential([Linear(inFeatures: 4, outFeatures: 16, generator: &generator), ReLU(),
                                  Linear(inFeatures: 16, outFeatures: 1, generator: &generator)])
        let optimizer = try makeOptimizer(network.namedParameters())
        let (x, y) = regressionProblem()
        let initial = loss(network, x, y).value.scalar
        let schedule = try CosineSchedule(totalEpochs: 100, minimumRate: 0)
        let baseRate = optimizer.learningRate
        for epoch in 0..<100 {
            optimizer.learningRate = schedule.learningRate(epoch: epoch, baseRate: baseRate)
            optimizer.zeroGradients()
            loss(network, x, y).backward()
            optimizer.step()
        }
        return (initial, loss(network, x, y).value.scalar)
    }

    @Test func sgdWithMomentumFitsALinearTarget() throws {
        let (initial, final) = try train { try SGD(parameters: $0, learningRate: 0.02, momentum: 0.9) }
        #expect(final < 0.1 * initial)
    }

    @Test func adamFitsALinearTarget() throws {
        let (initial, final) = try train { try Adam(parameters: $0, learningRate: 0.03) }
        #expect(final < 0.1 * initial)
    }

    @Test func observerSeesEveryLayerInput() {
        var generator = SeededGenerator(seed: 1)
        let network = Sequential([Linear(inFeatures: 2, outFeatures: 3, generator: &generator), ReLU()])
        var seen: [[Int]] = []
        var context = ForwardContext(training: false) { _, input in seen.append(input.shape) }
        _ = network(Variable(Tensor.zeros([5, 2])), context: &context)
        #expect(seen == [[5, 2], [5, 2], [5, 3]])
    }
}

@Suite struct ZeroPaddingShortcutTests {
    @Test func subsamplesPadsAndSendsGradientsBack() {
        let shortcut = ZeroPaddingShortcut(stride: 2, channelsBefore: 1, channelsAfter: 1)
        let input = Variable(Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init)), requiresGradient: true)
        var context = ForwardContext(training: true)
        let output = shortcut(input, context: &context)
        #expect(output.shape == [1, 3, 2, 2])
        #expect(output.value.scalars == [0, 0, 0, 0, 1, 3, 7, 9, 0, 0, 0, 0])
        (output * Variable(Tensor(shape: [1, 3, 2, 2], scalars: (1...12).map(Float.init)))).sum().backward()
        #expect(input.gradient?.scalars == [5, 0, 6, 0, 0, 0, 7, 0, 8])
    }
}
