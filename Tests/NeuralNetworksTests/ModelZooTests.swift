import Testing
import TensorEngine
@testable import NeuralNetworks

/// Published parameter counts, re-derived with PyTorch 1.13 from the same layer definitions
/// (torchvision's ResNet code, kuangliu/pytorch-cifar's VGG with `cfg['VGG16']`).
@Suite struct ModelZooTests {
    @Test func lenet5NamesAndShapesMatchPyTorch() throws {
        let model = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 1)
        let entries = model.namedParameters().map { ($0.name, $0.variable.value.shape) }
        let expected: [(String, [Int])] = [
            ("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]), ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
            ("fc1.weight", [120, 400]), ("fc1.bias", [120]), ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
            ("fc3.weight", [10, 84]), ("fc3.bias", [10]),
        ]
        #expect(entries.map(\.0) == expected.map(\.0))
        #expect(entries.map(\.1) == expected.map(\.1))
        #expect(model.parameterCount == 61_706)
        #expect(model.inputShape == [1, 28, 28])
        #expect(model.namedParameters()[0].localName == "weight")
        #expect(model.namedParameters()[0].owner is Conv2d)
    }

    @Test func mlpIsLeNet300100() throws {
        let model = try ModelZoo.make(name: "mlp", classes: 10, inputChannels: 1, seed: 1)
        #expect(model.parameterCount == 266_610)
        #expect(model.namedParameters().map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])
        #expect(model.namedParameters()[0].variable.value.shape == [300, 784])
    }

    @Test func vgg16MatchesTheCifarVariant() throws {
        let model = try ModelZoo.make(name: "vgg16", classes: 10, inputChannels: 3, seed: 1)
        #expect(model.parameterCount == 14_728_266)
        let keys = model.stateDict().map(\.name)
        #expect(keys.count == 93)
        #expect(Array(keys.prefix(7)) == ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                                          "features.1.running_mean", "features.1.running_var",
                                          "features.1.num_batches_tracked"])
        #expect(Array(keys.suffix(4)) == ["features.41.running_var", "features.41.num_batches_tracked",
                                          "classifier.weight", "classifier.bias"])
    }

    @Test func resnet18Counts() throws {
        let cifar = try ModelZoo.make(name: "resnet18", classes: 10, inputChannels: 3, seed: 1)
        #expect(cifar.parameterCount == 11_173_962)
        let keys = cifar.stateDict().map(\.name)
        #expect(keys.count == 122)
        #expect(Array(keys.prefix(8)) == ["conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                                          "bn1.num_batches_tracked", "layer1.0.conv1.weight", "layer1.0.bn1.weight"])
        #expect(keys.contains("layer2.0.downsample.0.weight"))
        #expect(keys.contains("layer2.0.downsample.1.running_var"))
        #expect(!keys.contains("layer1.0.downsample.0.weight"))
        #expect(cifar.namedParameters()[0].variable.value.shape == [64, 3, 3, 3])

        let imageNet = try ModelZoo.make(name: "resnet18", classes: 1000, inputChannels: 3, seed: 1, stem: .imageNet)
        #expect(imageNet.parameterCount == 11_689_512)
        #expect(imageNet.namedParameters()[0].variable.value.shape == [64, 3, 7, 7])
    }

    @Test func resnet50Counts() throws {
        let imageNet = try ModelZoo.make(name: "resnet50", classes: 1000, inputChannels: 3, seed: 1, stem: .imageNet)
        #expect(imageNet.parameterCount == 25_557_032)
        let keys = imageNet.stateDict().map(\.name)
        #expect(keys.count == 320)
        let block = keys.filter { $0.hasPrefix("layer2.0.") }
        #expect(block.first == "layer2.0.conv1.weight")
        #expect(block.last == "layer2.0.downsample.1.num_batches_tracked")
        #expect(block.count == 24)
        let cifar = try ModelZoo.make(name: "resnet50", classes: 10, inputChannels: 3, seed: 1)
        #expect(cifar.parameterCount == 23_520_842)
    }

    @Test func resnet20HasThePaperCount() throws {
        let model = try ModelZoo.make(name: "resnet20", classes: 10, inputChannels: 3, seed: 1)
        #expect(model.parameterCount == 269_722)
        #expect(!model.stateDict().contains { $0.name.contains("downsample") })
    }

    @Test func sameSeedSameWeightsDifferentSeedDifferentWeights() throws {
        let a = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 7)
        let b = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 7)
        let c = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 8)
        #expect(a.stateDict().map(\.tensor) == b.stateDict().map(\.tensor))
        #expect(a.stateDict()[0].tensor != c.stateDict()[0].tensor)
    }

    @Test func inputSizeAndChannelsAdaptTheFirstLayers() throws {
        let lenet = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 3, inputSize: 32, seed: 1)
        #expect(lenet.namedParameters()[0].variable.value.shape == [6, 3, 5, 5])
        #expect(lenet.namedParameters()[4].variable.value.shape == [120, 576])
        let mlp = try ModelZoo.make(name: "mlp", classes: 5, inputChannels: 3, inputSize: 8, seed: 1)
        #expect(mlp.namedParameters()[0].variable.value.shape == [300, 192])
        #expect(mlp.namedParameters().last!.variable.value.shape == [5])
    }

    @Test func badRequestsThrowNamedErrors() {
        do {
            _ = try ModelZoo.make(name: "alexnet", classes: 10, inputChannels: 3, seed: 0)
            Issue.record("expected a throw")
        } catch let error as NeuralNetworkError {
            #expect(error == .unknownModel(name: "alexnet", known: ModelZoo.names))
            #expect(error.description.contains("resnet18"))
        } catch { Issue.record("unexpected \(error)") }
        #expect(throws: NeuralNetworkError.self) { try ModelZoo.make(name: "vgg16", classes: 10, inputSize: 28) }
        #expect(throws: NeuralNetworkError.self) { try ModelZoo.make(name: "lenet5", classes: 0) }
        #expect(throws: NeuralNetworkError.self) { try ModelZoo.make(name: "resnet20", stem: .imageNet) }
    }

    @Test func modelValidatesBatchShapes() throws {
        let model = try ModelZoo.make(name: "lenet5", classes: 10, inputChannels: 1, seed: 0)
        try model.validateInput(shape: [4, 1, 28, 28])
        #expect(throws: NeuralNetworkError.self) { try model.validateInput(shape: [4, 3, 28, 28]) }
        #expect(throws: NeuralNetworkError.self) { try model.validateInput(shape: [1, 28, 28]) }
    }

    @Test func namedLayersListsEveryModule() throws {
        let model = try ModelZoo.make(name: "resnet18", classes: 10, inputChannels: 3, seed: 0)
        let layers = model.namedLayers()
        #expect(layers[0].name == "")
        #expect(layers.contains { $0.name == "layer3.1.conv2" && $0.layer is Conv2d })
        #expect(layers.filter { $0.layer is Conv2d }.count == 20)
    }
}
