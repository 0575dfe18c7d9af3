import Testing
import TensorEngine
@testable import NeuralNetworks

@Suite struct StateDictTests {
    func smallNetwork(seed: UInt64) -> Sequential {
        var generator = SeededGenerator(seed: seed)
        return Sequential([Conv2d(1, 2, kernelSize: 3, generator: &generator), BatchNorm2d(channels: 2), ReLU(),
                           Flatten(), Linear(inFeatures: 8, outFeatures: 3, generator: &generator)])
    }

    func snapshot(_ layer: any Layer) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: layer.stateDict().map { ($0.name, $0.tensor) })
    }

    @Test func keysFollowPyTorchOrder() {
        let keys = smallNetwork(seed: 0).stateDict().map(\.name)
        #expect(keys == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                         "1.num_batches_tracked", "4.weight", "4.bias"])
        let named = Sequential(named: [("features", smallNetwork(seed: 0))])
        #expect(named.namedParameters().first?.name == "features.0.weight")
        #expect(named.namedBuffers().map(\.name) == ["features.1.running_mean", "features.1.running_var",
                                                     "features.1.num_batches_tracked"])
    }

    @Test func roundTripCopiesEveryTensor() throws {
        let source = smallNetwork(seed: 1)
        let target = smallNetwork(seed: 2)
        (source[1] as! BatchNorm2d).statistics.batchesTracked = 7
        (source[1] as! BatchNorm2d).statistics.runningMean = Tensor(shape: [2], scalars: [0.5, -0.5])
        #expect(snapshot(source) != snapshot(target))
        try target.loadStateDict(snapshot(source))
        #expect(snapshot(source) == snapshot(target))
        #expect((target[1] as! BatchNorm2d).statistics.batchesTracked == 7)
    }

    @Test func scalarBuffersAcceptShapeOne() throws {
        let network = smallNetwork(seed: 1)
        var state = snapshot(network)
        state["1.num_batches_tracked"] = Tensor(shape: [1], scalars: [42])
        try network.loadStateDict(state)
        #expect((network[1] as! BatchNorm2d).statistics.batchesTracked == 42)
        #expect(snapshot(network)["1.num_batches_tracked"]!.shape == [])
    }

    @Test func failuresListEverythingAndChangeNothing() {
        let network = smallNetwork(seed: 1)
        let before = snapshot(network)
        var state = snapshot(smallNetwork(seed: 2))
        state["0.bias"] = nil
        state["1.running_var"] = nil
        state["extra.weight"] = Tensor.zeros([1])
        state["4.weight"] = Tensor.zeros([8, 3])
        do {
            try network.loadStateDict(state)
            Issue.record("expected a throw")
        } catch let error as StateDictError {
            #expect(error.missingKeys == ["0.bias", "1.running_var"])
            #expect(error.unexpectedKeys == ["extra.weight"])
            #expect(error.shapeMismatches == [.init(name: "4.weight", expected: [3, 8], found: [8, 3])])
            #expect(error.description.contains("4.weight: expected [3, 8], found [8, 3]"))
        } catch { Issue.record("unexpected \(error)") }
        #expect(snapshot(network) == before)
    }

    @Test func eachKindOfFailureAloneThrows() {
        let network = smallNetwork(seed: 1)
        let before = snapshot(network)
        var missing = before
        missing["4.bias"] = nil
        #expect(throws: StateDictError(missingKeys: ["4.bias"])) { try network.loadStateDict(missing) }
        var unexpected = before
        unexpected["5.weight"] = Tensor.zeros([1])
        #expect(throws: StateDictError(unexpectedKeys: ["5.weight"])) { try network.loadStateDict(unexpected) }
        var mismatch = before
        mismatch["1.running_mean"] = Tensor.zeros([3])
        #expect(throws: StateDictError(shapeMismatches: [.init(name: "1.running_mean", expected: [2], found: [3])])) {
            try network.loadStateDict(mismatch)
        }
        #expect(snapshot(network) == before)
    }

    @Test func modelStateDictLoadsIntoAFreshModel() throws {
        let a = try ModelZoo.make(name: "resnet20", classes: 10, inputChannels: 3, seed: 1)
        let b = try ModelZoo.make(name: "resnet20", classes: 10, inputChannels: 3, seed: 2)
        try b.loadStateDict(Dictionary(uniqueKeysWithValues: a.stateDict().map { ($0.name, $0.tensor) }))
        #expect(a.stateDict().map(\.tensor) == b.stateDict().map(\.tensor))
    }
}
