import Testing
import _TestSupport
import NeuralNetworks
import TensorEngine

/// A training step gives the same bits on any number of workers: the engine's batch slices, not the workers,
/// decide the arithmetic.
@Suite struct WorkerCountTests {
    /// One SGD step of a zoo model on a seeded batch; returns the updated parameters.
    static func trainingStep(model name: String, channels: Int, side: Int, workers: Int) throws -> [Tensor] {
        try Parallelism.withWorkers(workers) {
            let model = try ModelZoo.make(name: name, classes: 10, inputChannels: channels, inputSize: side, seed: 5)
            let optimizer = try SGD(namedParameters: model.namedParameters().map { ($0.name, $0.variable) },
                                    learningRate: 0.05, momentum: 0.9)
            let images = seededNormalTensor([6, channels, side, side], seed: 70)
            let labels = (0..<6).map { Int32($0 % 10) }
            let loss = crossEntropy(logits: model(Variable(images), training: true), labels: labels)
            optimizer.zeroGradients()
            loss.backward()
            optimizer.step()
            return model.namedParameters().map(\.variable.value)
        }
    }

    @Test(arguments: [("resnet20", 3, 8), ("lenet5", 1, 28), ("mlp", 1, 12)])
    func oneStepIsIdenticalOnOneAndTwoWorkers(model: String, channels: Int, side: Int) throws {
        let one = try Self.trainingStep(model: model, channels: channels, side: side, workers: 1)
        let two = try Self.trainingStep(model: model, channels: channels, side: side, workers: 2)
        #expect(one == two)
    }
}
