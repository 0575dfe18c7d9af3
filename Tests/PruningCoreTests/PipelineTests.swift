import Datasets
import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Testing
@testable import PruningCore
import Training

@Suite("Pruning pipeline")
struct PipelineTests {
    @Test("a one-shot projection meets the ceil rule per layer, masks match the zeros and retraining keeps the pattern")
    func oneShotProjection() throws {
        let data = try PipelineFixtures.data()
        let model = PipelineFixtures.mlp()
        let parameters = PipelineFixtures.weights(of: model)
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.8)
        let hardPruned = try constraint.project(parameters.map { NamedTensor(name: $0.name, tensor: $0.variable.value) })
        var snapshots: [[Tensor]] = []
        var pipeline = PruningPipeline(configuration: PipelineFixtures.configuration(retrainEpochs: 2))
        pipeline.epochFinished = { phase, _ in
            if phase == "retraining" { snapshots.append(parameters.map(\.variable.value)) }
        }
        let (result, masks) = try pipeline.run(method: ProjectAtEnd(), model: model, parameters: parameters,
                                               constraint: constraint, data: data)
        // fc1 [12, 36]: ceil(0.2 · 432) = 87; fc2 [3, 12]: ceil(0.2 · 36) = 8.
        #expect(result.sparsity["fc1.weight"]?.nonZero == 87)
        #expect(result.sparsity["fc2.weight"]?.nonZero == 8)
        #expect(parameters.map { $0.variable.value.nonZeroCount } == [87, 8])
        #expect(masks.masks.map(\.name) == ["fc1.weight", "fc2.weight"])
        for (entry, mask) in zip(parameters, masks.masks) {
            #expect(entry.variable.value.scalars.map { $0 != 0 ? Float(1) : 0 } == mask.tensor.scalars)
        }
        #expect(result.methodPhase.isEmpty)
        #expect(result.retraining.count == 2)
        #expect(result.retraining.allSatisfy { $0.testAccuracy != nil })
        #expect(result.accuracyAtEndOfMethodPhase == result.denseTestAccuracy)
        // After every retraining epoch, the weights outside the mask are still exactly zero, and retraining did move
        // the kept ones away from their hard-pruned values.
        #expect(snapshots.count == 2)
        for snapshot in snapshots {
            for (weight, mask) in zip(snapshot, masks.masks) {
                #expect(zip(weight.scalars, mask.tensor.scalars).allSatisfy { w, m in m == 1 || w == 0 })
            }
        }
        #expect(snapshots.first.map { $0 != hardPruned.map(\.tensor) } == true)
        #expect(masks.masks.map(\.tensor) == hardPruned.map { $0.tensor.map { $0 != 0 ? 1 : 0 } })
    }

    @Test("a method whose hard-pruned weights break the constraint makes the run throw verificationFailed")
    func verificationFailure() throws {
        let data = try PipelineFixtures.data()
        let model = PipelineFixtures.mlp()
        let pipeline = PruningPipeline(configuration: PipelineFixtures.configuration())
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.5)
        let error = #expect(throws: PruningError.self) {
            _ = try pipeline.run(method: ReturnsDenseWeights(), model: model, parameters: PipelineFixtures.weights(of: model),
                                 constraint: constraint, data: data)
        }
        guard case .verificationFailed(let text)? = error else {
            Issue.record("expected verificationFailed, got \(String(describing: error))")
            return
        }
        #expect(text.contains("after hard pruning") && text.contains("fc1.weight"), "\(text)")
    }

    @Test("budgets and settings that make no sense throw before anything trains", arguments: [
        ("method epochs", PipelineConfiguration(methodEpochs: -1)),
        ("retraining epochs", PipelineConfiguration(retrainEpochs: -2)),
        ("batch size", PipelineConfiguration(batchSize: 0)),
        ("loss subset", PipelineConfiguration(lossSubsetSize: 0)),
        ("learning rate", PipelineConfiguration(methodOptimizer: OptimizerSettings(learningRate: 0))),
        ("momentum", PipelineConfiguration(retrainOptimizer: OptimizerSettings(learningRate: 0.1, momentum: 1))),
    ])
    func badConfiguration(what: String, configuration: PipelineConfiguration) throws {
        let data = try PipelineFixtures.data()
        let model = PipelineFixtures.mlp()
        let before = PipelineFixtures.state(of: model)
        let pipeline = PruningPipeline(configuration: configuration)
        #expect(throws: PruningError.self, "\(what)") {
            _ = try pipeline.run(method: CountingMethod(), model: model, parameters: PipelineFixtures.weights(of: model),
                                 constraint: try SparsityConstraint.unstructured(sparsity: 0.5), data: data)
        }
        #expect(PipelineFixtures.state(of: model) == before)
    }

    @Test("the error for a bad budget names the budget and the value")
    func badBudgetMessage() throws {
        #expect(throws: PruningError.invalidOption("method epochs must be ≥ 0, got -1")) {
            try PipelineConfiguration(methodEpochs: -1).validate()
        }
        #expect(throws: PruningError.invalidOption("batch size must be ≥ 1, got 0")) {
            try PipelineConfiguration(batchSize: 0).validate()
        }
    }

    @Test("a run with no selected parameters throws")
    func noParameters() throws {
        let data = try PipelineFixtures.data()
        let pipeline = PruningPipeline(configuration: PipelineFixtures.configuration())
        #expect(throws: PruningError.invalidOption("no parameters are selected for pruning")) {
            _ = try pipeline.run(method: ProjectAtEnd(), model: PipelineFixtures.mlp(), parameters: [],
                                 constraint: try SparsityConstraint.unstructured(sparsity: 0.5), data: data)
        }
    }

    @Test("a constraint that does not fit a layer throws before anything trains")
    func constraintDoesNotFit() throws {
        let data = try PipelineFixtures.data()
        let model = PipelineFixtures.mlp()
        let before = PipelineFixtures.state(of: model)
        let pipeline = PruningPipeline(configuration: PipelineFixtures.configuration())
        // fc1 has 36 inputs, not divisible by 8.
        #expect(throws: ConstraintError.self) {
            _ = try pipeline.run(method: CountingMethod(), model: model, parameters: PipelineFixtures.weights(of: model),
                                 constraint: try NMConstraint(n: 2, m: 8), data: data)
        }
        #expect(PipelineFixtures.state(of: model) == before)
    }

    @Test("a training method runs its method phase: one diagnostics record and one statistics entry per epoch")
    func methodPhaseRecords() throws {
        let data = try PipelineFixtures.data()
        let model = PipelineFixtures.mlp()
        let method = CountingMethod()
        var configuration = PipelineFixtures.configuration(methodEpochs: 3, retrainEpochs: 1)
        configuration.evaluateHardPrunedEachEpoch = true
        let (result, _) = try PruningPipeline(configuration: configuration).run(
            method: method, model: model, parameters: PipelineFixtures.weights(of: model),
            constraint: try SparsityConstraint.unstructured(sparsity: 0.5), data: data)
        // 96 images in batches of 32: 3 steps per epoch.
        #expect(method.steps == 9)
        #expect(result.methodPhase.map(\.epoch) == [1, 2, 3])
        #expect(result.diagnostics.map { $0.extra["steps"] } == [3, 6, 9])
        #expect(result.diagnostics.allSatisfy { $0.testAccuracy != nil && $0.hardPrunedTestAccuracy != nil && $0.trainingLoss != nil })
        #expect(result.diagnostics.map(\.testAccuracy) == result.methodPhase.map(\.testAccuracy))
        #expect(result.accuracyAtEndOfMethodPhase == result.methodPhase.last?.testAccuracy)
        #expect(result.lossData == "the whole training set (96 images)")
    }
}
