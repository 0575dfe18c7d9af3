import Testing
import _TestSupport
import NeuralNetworks
import TensorEngine

/// In inference, convolution + batch norm (+ ReLU) run as one pass; the logits keep the bits of the layers run one
/// by one. An input observer forces the layer-by-layer path, since it must see every layer's input.
@Suite struct InferenceFusionTests {
    /// A zoo model whose batch norms have moved off their initial statistics (two seeded training passes).
    static func modelWithStatistics(_ name: String, channels: Int, side: Int) throws -> Model {
        let model = try ModelZoo.make(name: name, classes: 10, inputChannels: channels, inputSize: side, seed: 9)
        GradientTape.withoutRecording {
            for seed in UInt64(80)..<82 {
                _ = model(Variable(seededNormalTensor([4, channels, side, side], seed: seed)), training: true)
            }
        }
        return model
    }

    /// Evaluation-mode logits, fused (no observer) or layer by layer (an observer that does nothing).
    static func logits(of model: Model, _ images: Tensor, fused: Bool) -> Tensor {
        GradientTape.withoutRecording {
            var context = ForwardContext(training: false, inputObserver: fused ? nil : { _, _ in })
            return model.forward(Variable(images), context: &context).value
        }
    }

    @Test(arguments: [("resnet20", 3, 8), ("vgg16", 3, 32), ("resnet50", 3, 32), ("resnet18", 3, 8)])
    func fusedInferenceKeepsTheBitsOfTheLayers(model name: String, channels: Int, side: Int) throws {
        let model = try Self.modelWithStatistics(name, channels: channels, side: side)
        let images = seededNormalTensor([3, channels, side, side], seed: 90)
        let fused = Self.logits(of: model, images, fused: true)
        #expect(fused == Self.logits(of: model, images, fused: false))
        #expect(fused == model.predict(images), "predict takes the fused path")
    }

    @Test func aRecordedForwardPassKeepsItsGradients() throws {
        // With the tape recording, evaluation mode still builds the graph (SLR and ADMM differentiate through it).
        let model = try Self.modelWithStatistics("resnet20", channels: 3, side: 8)
        let loss = crossEntropy(logits: model(Variable(seededNormalTensor([2, 3, 8, 8], seed: 91)), training: false),
                                labels: [1, 2])
        loss.backward()
        #expect(model.namedParameters().allSatisfy { $0.variable.gradient != nil })
    }
}
