import Checkpoints
import Datasets
import Foundation
import NeuralNetworks
import PruningCore
import TensorEngine

/// One method's run on one seed.
public struct MethodRun: Sendable {
    /// The method as the experiment listed it.
    public var spec: MethodSpec
    /// The seed of the run.
    public var seed: UInt64
    /// Everything the pipeline measured.
    public var result: PruningRunResult
    /// The masks of the pruned weights.
    public var masks: MaskSet
    /// The final (pruned and retrained) state of the model.
    public var finalState: [String: Tensor]
}

/// Runs the pieces of an experiment: data, dense weights, and each method from the same dense weights.
public struct ExperimentRunner {
    /// The methods the experiment may name.
    public var registry: MethodRegistry
    /// Live progress.
    public var reporter: any ProgressReporter

    /// Creates a runner.
    public init(registry: MethodRegistry, reporter: any ProgressReporter = SilentProgress()) {
        self.registry = registry
        self.reporter = reporter
    }

    /// Loads and standardises the experiment's data.
    public func loadData(_ experiment: Experiment, seed: UInt64 = 0) throws -> (splits: DatasetSplits, standardization: Standardization) {
        try DatasetCatalog.load(experiment.dataset, directory: experiment.dataDirectory, seed: seed)
    }

    /// A fresh zoo model shaped for the data.
    public func makeModel(_ experiment: Experiment, data: DatasetSplits, seed: UInt64) throws -> Model {
        try ModelZoo.make(name: experiment.model, classes: data.train.classCount, inputChannels: data.train.channels,
                          inputSize: data.train.height, seed: seed)
    }

    /// The dense starting weights: loaded from ``Experiment/denseWeights``, or read from the cache file, or trained
    /// (and then written to the cache file atomically).
    /// - Returns: The state dict and its test accuracy.
    public func denseState(_ experiment: Experiment, data: DatasetSplits, seed: UInt64,
                           cache: URL?) throws -> (state: [String: Tensor], accuracy: Double, trainingSeconds: Double) {
        let model = try makeModel(experiment, data: data, seed: seed)
        var seconds = 0.0
        if let path = experiment.denseWeights ?? cache.flatMap({ FileManager.default.fileExists(atPath: $0.path) ? $0.path : nil }) {
            let tensors = try SafeTensors.readFloatTensors(from: URL(fileURLWithPath: path))
            do { try model.loadStateDict(tensors) } catch {
                throw PruningError.invalidState("dense weights \(path) do not fit model \(experiment.model): \(error)")
            }
            reporter.note("dense weights: \(path)")
        } else {
            reporter.note("training the dense \(experiment.model) for \(experiment.pretrainEpochs) epochs (seed \(seed))")
            let history = try DenseTraining.train(model: model, data: data, epochs: experiment.pretrainEpochs,
                                                  batchSize: experiment.pipeline.batchSize, optimizer: experiment.pretrainOptimizer,
                                                  seed: seed, augmentation: experiment.pipeline.augmentation, reporter: reporter)
            seconds = history.reduce(0) { $0 + $1.seconds }
            if let cache {
                try FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
                try SafeTensors.writeFloatTensors(Self.stateDictionary(model), metadata: ["model": experiment.model], to: cache)
            }
        }
        let accuracy = try Evaluation.accuracy(model: model, data: data.test)
        return (Self.stateDictionary(model), accuracy, seconds)
    }

    /// Runs one method from the dense weights through the whole pipeline.
    public func runMethod(_ spec: MethodSpec, experiment: Experiment, seed: UInt64, data: DatasetSplits,
                          dense: [String: Tensor], denseAccuracy: Double, checkpointDirectory: URL? = nil,
                          resume: Bool = false, epochFinished: ((String, Int) throws -> Void)? = nil) throws -> MethodRun {
        let model = try makeModel(experiment, data: data, seed: seed)
        try model.loadStateDict(dense)
        let parameters = try experiment.selection.makeSelector().select(from: model)
        let constraint = try experiment.constraint.makeConstraint()
        var configuration = experiment.pipeline
        configuration.seed = seed
        let method = try registry.make(spec.name, options: MethodOptions(spec.options))

        var warmStart: [NamedTensor]?
        if let warmName = spec.warmStart {
            reporter.note("\(spec.displayName): warm start from \(warmName)")
            warmStart = try oneShotWeights(of: warmName, experiment: experiment, seed: seed, data: data, dense: dense,
                                           constraint: constraint, configuration: configuration)
        }
        var pipeline = PruningPipeline(configuration: configuration, reporter: reporter,
                                       checkpointDirectory: checkpointDirectory, resume: resume)
        pipeline.epochFinished = epochFinished
        let (result, masks) = try pipeline.run(method: method, model: model, parameters: parameters, constraint: constraint,
                                               data: data, denseAccuracy: denseAccuracy, warmStart: warmStart)
        return MethodRun(spec: spec, seed: seed, result: result, masks: masks, finalState: Self.stateDictionary(model))
    }

    /// The hard-pruned weights of a one-shot method applied to the dense model (no training).
    private func oneShotWeights(of name: String, experiment: Experiment, seed: UInt64, data: DatasetSplits,
                                dense: [String: Tensor], constraint: any Constraint,
                                configuration: PipelineConfiguration) throws -> [NamedTensor] {
        let model = try makeModel(experiment, data: data, seed: seed)
        try model.loadStateDict(dense)
        let parameters = try experiment.selection.makeSelector().select(from: model)
        let method = try registry.make(name)
        let session = PruningSession(model: model, parameters: parameters, constraint: constraint, trainingData: data.train,
                                     lossData: data.train, lossDataDescription: "the training set", methodEpochs: 0,
                                     stepsPerEpoch: max(1, (data.train.count + configuration.batchSize - 1) / configuration.batchSize),
                                     seed: seed)
        try method.prepare(session)
        return try method.finalize(session)
    }

    /// A model's state dict as a dictionary.
    public static func stateDictionary(_ model: Model) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, tensor) in model.stateDict() { state[name] = tensor }
        return state
    }
}
