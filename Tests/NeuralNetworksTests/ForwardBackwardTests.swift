import Testing
import TensorEngine
@testable import NeuralNetworks

/// Forward and backward passes through the zoo models on tiny batches (no ResNet-50: too slow for debug builds).
@Suite struct ForwardBackwardTests {
    func batch(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.normal(shape, generator: &generator)
    }

    @Test(arguments: [
        ("mlp", 1, 28, ResNetStem.cifar, 2),
        ("lenet5", 1, 28, .cifar, 2),
        ("vgg16", 3, 32, .cifar, 1),
        ("resnet18", 3, 32, .cifar, 1),
        ("resnet18", 3, 32, .imageNet, 1),
        ("resnet20", 3, 32, .cifar, 2),
    ])
    func forwardShapes(name: String, channels: Int, side: Int, stem: ResNetStem, batchSize: Int) throws {
        let model = try ModelZoo.make(name: name, classes: 7, inputChannels: channels, inputSize: side, seed: 3, stem: stem)
        let input = batch([batchSize, channels, side, side], seed: 4)
        try model.validateInput(shape: input.shape)
        let logits = model.predict(input)
        #expect(logits.shape == [batchSize, 7])
        #expect(logits.scalars.allSatisfy { $0.isFinite })
    }

    func expectGradientReachesEveryParameter(_ model: Model, batchSize: Int) {
        let input = batch([batchSize] + model.inputShape, seed: 5)
        let labels = (0..<batchSize).map { Int32($0 % model.classes) }
        let loss = crossEntropy(logits: model(Variable(input), training: true), labels: labels)
        loss.backward()
        for entry in model.namedParameters() {
            let gradient = entry.variable.gradient
            #expect(gradient?.shape == entry.variable.value.shape, "\(entry.name) has no gradient")
            #expect((gradient?.squaredNorm ?? 0) > 0, "\(entry.name) has a zero gradient")
        }
        model.zeroGradients()
        #expect(model.namedParameters().allSatisfy { $0.variable.gradient == nil })
    }

    @Test func gradientReachesEveryLeNet5Parameter() throws {
        expectGradientReachesEveryParameter(try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 6),
                                            batchSize: 4)
    }

    @Test func gradientReachesEveryResNet20Parameter() throws {
        expectGradientReachesEveryParameter(try ModelZoo.make(name: "resnet20", classes: 10, inputChannels: 3, seed: 6),
                                            batchSize: 2)
    }

    @Test func gradientReachesEveryResNet18Parameter() throws {
        expectGradientReachesEveryParameter(try ModelZoo.make(name: "resnet18", classes: 10, inputChannels: 3, seed: 6),
                                            batchSize: 2)
    }

    @Test func trainingPassesUpdateBatchNormBuffersAndEvaluationDoesNot() throws {
        let model = try ModelZoo.make(name: "resnet20", classes: 10, inputChannels: 3, seed: 7)
        let input = batch([2, 3, 32, 32], seed: 8)
        _ = model.predict(input)
        let afterEvaluation = model.stateDict()
        #expect(afterEvaluation.first { $0.name == "bn1.num_batches_tracked" }?.tensor == Tensor(scalar: 0))
        _ = model(Variable(input), training: true)
        let afterTraining = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor) })
        #expect(afterTraining["bn1.num_batches_tracked"] == Tensor(scalar: 1))
        #expect(afterTraining["layer3.2.bn2.running_mean"] != Tensor.zeros([64]))
    }

    @Test func evaluationIsDeterministicAndLoadedWeightsReproduceOutputs() throws {
        let a = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 9)
        let b = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 10)
        let input = batch([3, 1, 28, 28], seed: 11)
        #expect(a.predict(input) != b.predict(input))
        try b.loadStateDict(Dictionary(uniqueKeysWithValues: a.stateDict().map { ($0.name, $0.tensor) }))
        #expect(a.predict(input) == b.predict(input))
    }

    @Test func dropoutActsOnlyInTraining() {
        let network = Sequential([Dropout(probability: 0.5)])
        let model = Model(name: "dropout", root: network, inputShape: [100], classes: 100, seed: 1)
        let input = Tensor(repeating: 1, shape: [1, 100])
        #expect(model.predict(input) == input)
        let trained = model(Variable(input), training: true).value
        #expect(trained.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        #expect(trained.scalars.contains(0) && trained.scalars.contains(2))
        // The model's own stream advances: the next mask differs.
        #expect(model(Variable(input), training: true).value != trained)
    }
}

@Suite struct LossAndAccuracyTests {
    @Test func crossEntropyOfUniformLogitsIsLogClasses() {
        let logits = Variable(Tensor.zeros([4, 10]), requiresGradient: true)
        let loss = crossEntropy(logits: logits, labels: [0, 1, 2, 3])
        #expect(abs(loss.value.scalar - Float(2.302585)) < 1e-5)
        loss.backward()
        // d/dz = (softmax − onehot) / N: 0.1/4 off the label, −0.9/4 at it.
        #expect(abs(logits.gradient!.scalars[0] + 0.225) < 1e-6)
        #expect(abs(logits.gradient!.scalars[1] - 0.025) < 1e-6)
    }

    @Test func accuracyCountsArgmaxHits() {
        let logits = Tensor(shape: [3, 3], scalars: [3, 1, 0, 0, 1, 5, 0, 2, 1])
        #expect(correctPredictions(logits: logits, labels: [0, 2, 0]) == 2)
        #expect(abs(accuracy(logits: logits, labels: [0, 2, 0]) - 2.0 / 3.0) < 1e-6)
        #expect(accuracy(logits: Tensor.zeros([0, 3]), labels: []) == 0)
    }
}

/// A seeded, learnable toy task: the class of an image is the quadrant holding a bright square.
@Suite struct LeNet5LearningTests {
    func quadrantTask(count: Int, seed: UInt64) -> (Tensor, [Int32]) {
        var generator = SeededGenerator(seed: seed)
        var images = Tensor.normal([count, 1, 28, 28], standardDeviation: 0.3, generator: &generator)
        var labels: [Int32] = []
        for index in 0..<count {
            let label = Int(generator.next() % 4)
            labels.append(Int32(label))
            let top = label / 2 == 0 ? 3 : 17, left = label % 2 == 0 ? 3 : 17
            for row in top..<(top + 8) {
                for column in left..<(left + 8) { images.scalars[index * 784 + row * 28 + column] += 2 }
            }
        }
        return (images, labels)
    }

    @Test func lenet5LearnsTheQuadrantTask() throws {
        let model = try ModelZoo.make(name: "lenet5", classes: 4, inputChannels: 1, seed: 21)
        let optimizer = try SGD(parameters: model.namedParameters(), learningRate: 0.05, momentum: 0.9)
        let (images, labels) = quadrantTask(count: 32, seed: 22)
        let initialLoss = crossEntropy(logits: model(Variable(images), training: false), labels: labels).value.scalar
        for _ in 0..<25 {
            optimizer.zeroGradients()
            let loss = crossEntropy(logits: model(Variable(images), training: true), labels: labels)
            loss.backward()
            optimizer.step()
        }
        let logits = model.predict(images)
        let finalLoss = crossEntropy(logits: Variable(logits), labels: labels).value.scalar
        #expect(finalLoss < 0.5 * initialLoss, "loss \(initialLoss) → \(finalLoss)")
        #expect(accuracy(logits: logits, labels: labels) >= 0.9)
    }
}
