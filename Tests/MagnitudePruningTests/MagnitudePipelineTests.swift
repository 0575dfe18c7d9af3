import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Testing
@testable import MagnitudePruning
@testable import PruningCore
import Training

@Suite("Magnitude pruning through the pipeline")
struct MagnitudePipelineTests {
    @Test("one-shot: exact per-layer sparsity by the ceil rule, masks equal the non-zeros, accuracies filled, pattern kept in retraining")
    func oneShot() throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        let parameters = Fixtures.weights(of: model)
        let biasesBefore = model.namedParameters().filter { $0.name.hasSuffix(".bias") }.map(\.variable.value)
        var afterEpochs: [[Tensor]] = []
        var pipeline = PruningPipeline(configuration: Fixtures.configuration(methodEpochs: 3, retrainEpochs: 3))
        pipeline.epochFinished = { phase, _ in
            #expect(phase == "retraining", "one-shot magnitude has no method phase")
            afterEpochs.append(parameters.map(\.variable.value))
        }
        // 0.9: keep ceil(0.1 · 432) = 44 of fc1 and ceil(0.1 · 36) = 4 of fc2.
        let (result, masks) = try pipeline.run(method: try MagnitudePruning(), model: model, parameters: parameters,
                                               constraint: try SparsityConstraint.unstructured(sparsity: 0.9), data: data)
        #expect(Fixtures.keep(numerator: 9, denominator: 10, of: 432) == 44)
        #expect(result.sparsity.layers.map(\.name) == ["fc1.weight", "fc2.weight"])
        #expect(result.sparsity.layers.map(\.nonZero) == [44, 4])
        #expect(parameters.map { $0.variable.value.nonZeroCount } == [44, 4])
        #expect(masks.masks.map { Int($0.tensor.scalars.reduce(0, +)) } == [44, 4])
        for (entry, mask) in zip(parameters, masks.masks) {
            #expect(entry.variable.value.map { $0 != 0 ? 1 : 0 } == mask.tensor)
        }
        #expect(result.method == "magnitude")
        #expect(result.methodPhase.isEmpty && result.diagnostics.isEmpty)
        #expect((0...1).contains(result.denseTestAccuracy))
        #expect(result.accuracyAtEndOfMethodPhase == result.denseTestAccuracy)
        #expect((0...1).contains(result.accuracyAfterHardPrune))
        #expect(result.retraining.map(\.epoch) == [1, 2, 3])
        #expect(result.retraining.allSatisfy { $0.testAccuracy.map { (0...1).contains($0) } == true })
        #expect(result.retrainingCurve.count == 4)
        #expect(result.finalAccuracy == result.retraining.last?.testAccuracy)
        // Retraining trained (biases and kept weights moved) but never revived a pruned weight.
        #expect(model.namedParameters().filter { $0.name.hasSuffix(".bias") }.map(\.variable.value) != biasesBefore)
        #expect(afterEpochs.count == 3)
        for weights in afterEpochs {
            for (weight, mask) in zip(weights, masks.masks) {
                #expect(zip(weight.scalars, mask.tensor.scalars).allSatisfy { $1 == 1 || $0 == 0 })
            }
        }
        #expect(afterEpochs[0] != afterEpochs[2])
    }

    @Test("iterative and gradual runs end at the target sparsity with their targets recorded per epoch", arguments: [
        MagnitudePruning.Schedule.iterative, .gradual,
    ])
    func scheduledRuns(schedule: MagnitudePruning.Schedule) throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        let method = try MagnitudePruning(schedule: schedule, rounds: 3, updateEvery: 2, ramp: 0.5)
        let (result, masks) = try PruningPipeline(configuration: Fixtures.configuration(methodEpochs: 4, retrainEpochs: 1)).run(
            method: method, model: model, parameters: Fixtures.weights(of: model),
            constraint: try SparsityConstraint.unstructured(sparsity: 0.75), data: data)
        // keep ceil(0.25 · 432) = 108 and ceil(0.25 · 36) = 9.
        #expect(result.sparsity.layers.map(\.nonZero) == [108, 9])
        #expect(masks.masks.map { Int($0.tensor.scalars.reduce(0, +)) } == [108, 9])
        let targets = result.diagnostics.compactMap(\.sparsityTarget)
        #expect(targets.count == 4)
        #expect(zip(targets, targets.dropFirst()).allSatisfy { $0 <= $1 }, "\(targets)")
        #expect(abs((targets.last ?? 0) - 0.75) < 1e-12, "\(targets)")
        #expect((targets.first ?? 1) < 0.75, "\(targets)")
    }
}
