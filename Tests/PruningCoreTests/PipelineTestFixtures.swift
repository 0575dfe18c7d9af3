import Datasets
import Foundation
import NeuralNetworks
import TensorEngine
@testable import PruningCore

/// Small seeded pieces shared by the pipeline tests: data, a two-layer perceptron and test-only methods.
enum PipelineFixtures {
    /// A 3-class synthetic task of 6×6 grey images, standardised.
    static func data(seed: UInt64 = 1, train: Int = 96, test: Int = 48) throws -> DatasetSplits {
        try DatasetSplits.synthetic(seed: seed, trainCount: train, testCount: test, channels: 1, height: 6, width: 6,
                                    classes: 3, noise: 0.3, maxShift: 1).standardized().splits
    }

    /// A perceptron 36 → 12 → 3 (`fc1.weight` [12, 36], `fc2.weight` [3, 12], with biases), seeded.
    static func mlp(seed: UInt64 = 3) -> Model {
        var generator = SeededGenerator(seed: seed)
        let root = Sequential(named: [
            ("flatten", Flatten()),
            ("fc1", Linear(inFeatures: 36, outFeatures: 12, generator: &generator)),
            ("relu", ReLU()),
            ("fc2", Linear(inFeatures: 12, outFeatures: 3, generator: &generator)),
        ])
        return Model(name: "tiny-mlp", root: root, inputShape: [1, 6, 6], classes: 3, seed: seed)
    }

    /// The `*.weight` parameters of a model, in model order.
    static func weights(of model: Model) -> [ParameterEntry] {
        model.namedParameters().filter { $0.name.hasSuffix(".weight") }
    }

    /// A model's state dict as a dictionary.
    static func state(of model: Model) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, tensor) in model.stateDict() { state[name] = tensor }
        return state
    }

    /// A quick configuration: plain SGD without weight decay, small batches.
    static func configuration(methodEpochs: Int = 2, retrainEpochs: Int = 2, seed: UInt64 = 5) -> PipelineConfiguration {
        PipelineConfiguration(methodEpochs: methodEpochs, retrainEpochs: retrainEpochs, batchSize: 32, seed: seed,
                              methodOptimizer: OptimizerSettings(learningRate: 0.05, momentum: 0.5, nesterov: true),
                              retrainOptimizer: OptimizerSettings(learningRate: 0.05, momentum: 0.9))
    }
}

/// A test-only method: hard-prunes by the projection without a method phase (one-shot magnitude pruning).
final class ProjectAtEnd: PruningMethod {
    let name = "project-at-end"
    var trainsDuringMethodPhase: Bool { false }
}

/// A test-only method whose hard-pruned weights are the dense weights, which no sparsity constraint accepts.
final class ReturnsDenseWeights: PruningMethod {
    let name = "returns-dense-weights"
    var trainsDuringMethodPhase: Bool { false }
    func finalize(_ session: PruningSession) throws -> [NamedTensor] { session.currentWeights() }
}

/// A test-only method that trains during the method phase and keeps a little state (steps seen and a running sum
/// of the weights), so that resuming it has something to restore.
final class CountingMethod: PruningMethod {
    let name: String
    private(set) var steps = 0
    private(set) var runningSum: Tensor?

    init(name: String = "counting") { self.name = name }

    func afterStep(_ session: PruningSession) throws {
        steps += 1
        let first = session.currentWeights()[0].tensor
        runningSum = runningSum.map { $0 + first } ?? first
    }

    func afterEpoch(_ session: PruningSession) throws -> [IterationDiagnostics] {
        var diagnostics = IterationDiagnostics(iteration: session.progress.epoch + 1, epoch: session.progress.epoch + 1)
        diagnostics.extra["steps"] = Double(steps)
        return [diagnostics]
    }

    func saveState() -> MethodState {
        MethodState(tensors: runningSum.map { ["sum": $0] } ?? [:], values: ["steps": Double(steps)])
    }

    func restoreState(_ state: MethodState, session: PruningSession) throws {
        steps = Int(try state.value("steps"))
        runningSum = state.tensors["sum"]
    }
}

/// The error a test throws from `epochFinished` to simulate a killed run.
struct SimulatedKill: Error, Equatable {}

/// The fields of a run's result that must not depend on timing.
struct ComparableResult: Equatable {
    var methodPhaseLoss: [Double]
    var methodPhaseAccuracy: [Double?]
    var diagnostics: [IterationDiagnostics]
    var accuracyAtEndOfMethodPhase: Double
    var accuracyAfterHardPrune: Double
    var retrainingLoss: [Double]
    var retrainingCurve: [Double]
    var sparsity: SparsityReport

    init(_ result: PruningRunResult) {
        methodPhaseLoss = result.methodPhase.map(\.trainingLoss)
        methodPhaseAccuracy = result.methodPhase.map(\.testAccuracy)
        diagnostics = result.diagnostics
        accuracyAtEndOfMethodPhase = result.accuracyAtEndOfMethodPhase
        accuracyAfterHardPrune = result.accuracyAfterHardPrune
        retrainingLoss = result.retraining.map(\.trainingLoss)
        retrainingCurve = result.retrainingCurve
        sparsity = result.sparsity
    }
}
