import Datasets
import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import PruningCore
import Training

/// Small seeded pieces the pruning tests share: data, a two-layer perceptron, sessions, configurations and run
/// comparisons. A library target (not a test target) so that several test targets can use it.
public enum PruningFixtures {
    /// A 3-class synthetic task of 6×6 grey images, standardised.
    public static func data(seed: UInt64 = 1, train: Int = 96, test: Int = 48) throws -> DatasetSplits {
        try DatasetSplits.synthetic(seed: seed, trainCount: train, testCount: test, channels: 1, height: 6, width: 6,
                                    classes: 3, noise: 0.3, maxShift: 1).standardized().splits
    }

    /// A perceptron 36 → 12 → 3 (`fc1.weight` [12, 36], `fc2.weight` [3, 12], with biases), seeded.
    public static func mlp(seed: UInt64 = 3) -> Model {
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
    public static func weights(of model: Model) -> [ParameterEntry] {
        model.namedParameters().filter { $0.name.hasSuffix(".weight") }
    }

    /// A model's state dict as a dictionary.
    public static func state(of model: Model) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, tensor) in model.stateDict() { state[name] = tensor }
        return state
    }

    /// A session over the perceptron's weights, outside any pipeline.
    public static func session(model: Model, constraint: any Constraint, data: DatasetSplits, methodEpochs: Int,
                        stepsPerEpoch: Int) -> PruningSession {
        PruningSession(model: model, parameters: weights(of: model), constraint: constraint, trainingData: data.train,
                       lossData: data.train, lossDataDescription: "training set", methodEpochs: methodEpochs,
                       stepsPerEpoch: stepsPerEpoch, seed: 0)
    }

    /// A quick configuration: SGD without weight decay, batches of 32 (3 steps per epoch on 96 images).
    public static func configuration(methodEpochs: Int = 2, retrainEpochs: Int = 2, seed: UInt64 = 5) -> PipelineConfiguration {
        PipelineConfiguration(methodEpochs: methodEpochs, retrainEpochs: retrainEpochs, batchSize: 32, seed: seed,
                              methodOptimizer: OptimizerSettings(learningRate: 0.05, momentum: 0.5, nesterov: true),
                              retrainOptimizer: OptimizerSettings(learningRate: 0.05, momentum: 0.9))
    }

    /// `ceil((1 − s) · n)` computed independently of the library (s given as a fraction p/q to stay exact).
    public static func keep(numerator p: Int, denominator q: Int, of n: Int) -> Int {
        let kept = (q - p) * n
        return (kept + q - 1) / q
    }
}

/// The error a test throws from `epochFinished` to simulate a killed run.
public struct SimulatedKill: Error, Equatable {
    public init() {}
}

/// The fields of a run's result that must not depend on timing.
public struct ComparableResult: Equatable {
    public var methodPhaseLoss: [Double]
    public var methodPhaseAccuracy: [Double?]
    public var diagnostics: [IterationDiagnostics]
    public var accuracyAtEndOfMethodPhase: Double
    public var accuracyAfterHardPrune: Double
    public var retrainingLoss: [Double]
    public var retrainingCurve: [Double]
    public var sparsity: SparsityReport

    public init(_ result: PruningRunResult) {
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
