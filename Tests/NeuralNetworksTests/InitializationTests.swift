import Testing
import TensorEngine
@testable import NeuralNetworks

@Suite struct InitializationTests {
    @Test func linearFollowsKaimingUniformWithRootFiveGain() {
        var generator = SeededGenerator(seed: 3)
        let layer = Linear(inFeatures: 400, outFeatures: 300, generator: &generator)
        let bound: Float = 1 / 20   // 1/√400
        let weights = layer.weight.value.scalars
        #expect(weights.allSatisfy { abs($0) <= bound })
        // U(−b, b) has variance b²/3; with 120,000 draws the sample variance is within a few percent.
        let variance = weights.reduce(0) { $0 + Double($1) * Double($1) } / Double(weights.count)
        #expect(abs(variance - Double(bound * bound) / 3) < 0.03 * Double(bound * bound) / 3)
        #expect(weights.max()! > 0.99 * bound && weights.min()! < -0.99 * bound)
        #expect(layer.bias!.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(Set(layer.bias!.value.scalars).count == 300)
    }

    @Test func convBoundUsesFanInPerGroup() {
        var generator = SeededGenerator(seed: 4)
        let layer = Conv2d(inChannels: 8, outChannels: 16, kernelSize: (3, 3), groups: 2, generator: &generator)
        #expect(layer.weight.value.shape == [16, 4, 3, 3])
        let bound = 1 / Float(36).squareRoot()
        #expect(layer.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(layer.weight.value.scalars.contains { abs($0) > 0.9 * bound })
        #expect(layer.bias!.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(DefaultInitialization.bound(fanIn: 25) == 0.2)
    }

    @Test func batchNormStartsAtIdentity() {
        let layer = BatchNorm2d(channels: 4)
        #expect(layer.weight.value.scalars == [1, 1, 1, 1])
        #expect(layer.bias.value.scalars == [0, 0, 0, 0])
        let buffers = layer.localBuffers
        #expect(buffers.map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(buffers[1].value.scalars == [1, 1, 1, 1])
        #expect(buffers[2].value == Tensor(scalar: 0))
    }

    @Test func convWithoutBiasListsOnlyItsWeight() {
        var generator = SeededGenerator(seed: 5)
        let layer = Conv2d(3, 4, kernelSize: 1, bias: false, generator: &generator)
        #expect(layer.localParameters.map(\.name) == ["weight"])
        #expect(layer.inChannels == 3 && layer.outChannels == 4)
    }
}
