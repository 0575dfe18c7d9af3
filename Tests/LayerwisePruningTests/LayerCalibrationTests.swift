import Datasets
import NeuralNetworks
import PruningCore
import SparsityConstraints
import Testing
import TensorEngine
@testable import LayerwisePruning

@Suite("calibration of layer inputs")
struct LayerCalibrationTests {
    /// The single parameter entry `weight` of a model whose root is one layer.
    func weightEntry(_ model: Model) throws -> ParameterEntry {
        try #require(model.namedParameters().first { $0.name == "weight" })
    }

    @Test("a Linear layer's Hessian is 2·XᵀX of its inputs, whatever the batch size")
    func linearHessian() throws {
        var generator = SeededGenerator(seed: 5)
        let layer = Linear(inFeatures: 6, outFeatures: 3, generator: &generator)
        let model = Model(name: "linear", root: layer, inputShape: [6], classes: 3)
        let images = Tensor.normal([10, 6], generator: &generator)
        let prunable = try PrunableLayer(try weightEntry(model))
        #expect(prunable.inputs == .linear && prunable.columns == 6 && prunable.rows == 3)
        let expected = try hessian(of: images)
        for batchSize in [1, 3, 10] {
            let h = try LayerCalibration.hessians(model: model, layers: [prunable], images: images, batchSize: batchSize)[0]
            #expect(h.maxAbsoluteDifference(to: expected) <= 1e-4)
        }
    }

    @Test("a Conv2d layer's Hessian is 2·RᵀR of the im2col rows of its input")
    func convolutionHessian() throws {
        var generator = SeededGenerator(seed: 6)
        let layer = Conv2d(inChannels: 2, outChannels: 3, kernelSize: (3, 2), stride: (2, 1), padding: (1, 0),
                           generator: &generator)
        let model = Model(name: "conv", root: layer, inputShape: [2, 5, 4], classes: 3)
        let images = Tensor.normal([3, 2, 5, 4], generator: &generator)
        let prunable = try PrunableLayer(try weightEntry(model))
        let geometry = ConvolutionGeometry(kernelSize: (3, 2), stride: (2, 1), padding: (1, 0))
        #expect(prunable.inputs == .convolution(geometry) && prunable.columns == 12)
        let expected = try hessian(of: try im2colRows(images, geometry: geometry))
        let h = try LayerCalibration.hessians(model: model, layers: [prunable], images: images, batchSize: 2)[0]
        #expect(h.maxAbsoluteDifference(to: expected) <= 1e-4)
    }

    @Test("grouped convolutions, biases and other layers are refused with the parameter's name")
    func unsupportedParameters() throws {
        var generator = SeededGenerator(seed: 8)
        let grouped = Model(name: "grouped", root: Conv2d(4, 4, kernelSize: 3, groups: 2, generator: &generator),
                            inputShape: [4, 6, 6], classes: 4)
        let groupedError = try #require(throws: LayerwiseError.self) { try PrunableLayer(try weightEntry(grouped)) }
        #expect("\(groupedError)".contains("groups = 2"))
        let bias = try #require(grouped.namedParameters().first { $0.name == "bias" })
        let biasError = try #require(throws: LayerwiseError.self) { try PrunableLayer(bias) }
        #expect("\(biasError)".contains("'bias'"))
        let norm = Model(name: "bn", root: BatchNorm2d(channels: 3), inputShape: [3, 2, 2], classes: 3)
        let normError = try #require(throws: LayerwiseError.self) { try PrunableLayer(try weightEntry(norm)) }
        #expect("\(normError)".contains("BatchNorm2d"))

        // The method reports the same error before any work.
        let session = PruningSession(model: grouped, parameters: [try weightEntry(grouped)],
                                     constraint: try SparsityConstraint.unstructured(sparsity: 0.5),
                                     trainingData: tinyData.train, lossData: tinyData.train, lossDataDescription: "",
                                     methodEpochs: 0, stepsPerEpoch: 1, seed: 0)
        #expect(throws: LayerwiseError.self) { try LayerwisePruning().prepare(session) }
    }

    @Test("execution order follows the forward pass")
    func executionOrder() throws {
        let model = try tinyLeNet()
        let entries = try ParameterSelector.default.select(from: model)
        let layers = try entries.reversed().map(PrunableLayer.init)
        let example = Tensor(shape: [1, 1, 28, 28], scalars: Array(tinyData.train.images.scalars[0..<784]))
        let order = LayerCalibration.executionOrder(model: model, layers: layers, example: example)
        #expect(order.map { layers[$0].name } == ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight", "fc3.weight"])
    }

    @Test("calibration images: the first N, or a seeded random subset; never more than the set holds")
    func calibrationImages() throws {
        let data = tinyData.train
        let first = try LayerwisePruning(calibrationSamples: 5).calibrationImages(data)
        #expect(first == data.prefix(5).images)
        let seeded = try LayerwisePruning(calibrationSamples: 5, calibrationSeed: 9).calibrationImages(data)
        #expect(seeded.shape == [5, 1, 28, 28])
        #expect(seeded != first)
        #expect(seeded == (try LayerwisePruning(calibrationSamples: 5, calibrationSeed: 9).calibrationImages(data)))
        #expect(try LayerwisePruning(calibrationSamples: 5, calibrationSeed: 10).calibrationImages(data) != seeded)
        #expect(try LayerwisePruning(calibrationSamples: 10_000).calibrationImages(data).shape[0] == data.count)
    }
}
