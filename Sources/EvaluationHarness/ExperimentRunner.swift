import SafeTensorsFormat
import Datasets
import Foundation
import NeuralNetworks
import PruningCore
import SparsityConstraints
import TensorEngine
import Training

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
    /// The methods, models and datasets the experiment may name.
    public var catalog: ShearsCatalog
    /// Live progress.
    public var reporter: any ProgressReporter

    /// The methods the experiment may name.
    public var registry: MethodRegistry { catalog.methods }

    /// Creates a runner.
    public init(catalog: ShearsCatalog, reporter: any ProgressReporter = SilentProgress()) {
        self.catalog = catalog
        self.reporter = reporter
    }

    /// Loads and standardises the experiment's data.
    public func loadData(_ experiment: Experiment, seed: UInt64 = 0) throws -> (splits: DatasetSplits, standardization: Standardization) {
        try catalog.datasets.load(experiment.dataset, directory: experiment.dataDirectory, seed: seed,
                                  validationFraction: experiment.validationFraction)
    }

    /// A fresh model of the catalog shaped for the data.
    public func makeModel(_ experiment: Experiment, data: DatasetSplits, seed: UInt64) throws -> Model {
        try catalog.models.make(experiment.model, ModelRequest(classes: data.train.classCount, inputChannels: data.train.channels,
                                                               inputSize: data.train.height, seed: seed))
    }

    /// The dense starting weights: loaded from ``Experiment/denseWeights``, or read from the cache file, or trained
    /// (and then written to the cache file atomically).
    /// - Returns: The state dict and its test accuracy.
    public func denseState(_ experiment: Experiment, data: DatasetSplits, seed: UInt64,
                           cache: URL?) throws -> (state: [String: Tensor], accuracy: Double, trainingSeconds: Double) {
        let (state, record) = try loadOrTrainDense(experiment, data: data, seed: seed, cache: cache)
        return (state, record.accuracy, record.trainingSeconds)
    }

    /// The dense starting weights and where they came from: the experiment's weights file if it names one, else
    /// the cache file if it exists and was made by the same setup (model, dataset, seed, pretraining budget and
    /// optimizer; see ``denseCacheMetadata(_:seed:)``), else trained now and written to the cache file atomically.
    /// - Parameters:
    ///   - experiment: The experiment.
    ///   - data: The standardised data.
    ///   - seed: Seeds the initial weights and the data order of dense training.
    ///   - cache: The cache file (nil: train without caching).
    /// - Returns: The state dict and a record of its accuracy and origin.
    public func loadOrTrainDense(_ experiment: Experiment, data: DatasetSplits, seed: UInt64,
                                 cache: URL?) throws -> (state: [String: Tensor], record: DenseResult) {
        var model = try makeModel(experiment, data: data, seed: seed)
        var source = DenseResult.Source.trained
        var path: String?
        var seconds = 0.0
        if let weights = experiment.denseWeights {
            let tensors = try SafeTensors.readFloatTensors(from: URL(fileURLWithPath: weights))
            do { try model.loadStateDict(tensors) } catch {
                throw PruningError.invalidState("dense weights \(weights) do not fit model \(experiment.model): \(error)")
            }
            reporter.note("dense weights: \(weights)")
            source = .file
            path = weights
        } else if let cache, try loadCache(cache, into: model, experiment: experiment, seed: seed) {
            reporter.note("dense weights (cached): \(cache.path)")
            source = .cache
            path = cache.path
        } else {
            // A cache that failed to load may have changed some weights: start from a fresh initialisation.
            model = try makeModel(experiment, data: data, seed: seed)
            reporter.note("training the dense \(experiment.model) for \(experiment.pretrainEpochs) epochs (seed \(seed))")
            let history = try DenseTraining.train(model: model, data: data, epochs: experiment.pretrainEpochs,
                                                  batchSize: experiment.pipeline.batchSize, optimizer: experiment.pretrainOptimizer,
                                                  seed: seed, augmentation: experiment.pipeline.augmentation, reporter: reporter)
            seconds = history.reduce(0) { $0 + $1.seconds }
            if let cache {
                try FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
                try SafeTensors.writeFloatTensors(Self.stateDictionary(model), metadata: Self.denseCacheMetadata(experiment, seed: seed),
                                                  to: cache)
                path = cache.path
            }
        }
        let accuracy = try Evaluation.accuracy(model: model, data: data.test)
        return (Self.stateDictionary(model), DenseResult(accuracy: accuracy, source: source, path: path, trainingSeconds: seconds))
    }

    /// What a dense cache file records about the setup that made it; a cache is reused only when all of it matches.
    /// - Parameters:
    ///   - experiment: The experiment.
    ///   - seed: The seed of the dense training.
    public static func denseCacheMetadata(_ experiment: Experiment, seed: UInt64) -> [String: String] {
        let optimizer = (try? JSONEncoder.sortedKeys.encode(experiment.pretrainOptimizer))
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ["shears": "dense-cache-1", "model": experiment.model, "dataset": experiment.dataset.lowercased(),
                "seed": String(seed), "pretrainEpochs": String(experiment.pretrainEpochs),
                "batchSize": String(experiment.pipeline.batchSize), "optimizer": optimizer,
                "cropAndFlip": String(experiment.pipeline.cropAndFlip),
                "validationFraction": experiment.validationFraction.map { String($0) } ?? "none"]
    }

    /// Loads a cache file into `model` if it exists and was made by the same setup; false otherwise (and says why).
    private func loadCache(_ cache: URL, into model: Model, experiment: Experiment, seed: UInt64) throws -> Bool {
        guard FileManager.default.fileExists(atPath: cache.path) else { return false }
        let expected = Self.denseCacheMetadata(experiment, seed: seed)
        do {
            let file = try SafeTensors.read(from: cache)
            let differing = expected.keys.sorted().filter { file.metadata[$0] != expected[$0] }
            guard differing.isEmpty else {
                reporter.note("the dense cache \(cache.path) was made by a different setup (\(differing.joined(separator: ", ")) differ); training again")
                return false
            }
            try model.loadStateDict(file.weightTensors())
            return true
        } catch {
            reporter.note("the dense cache \(cache.path) cannot be used (\(error)); training again")
            return false
        }
    }

    /// Checks, without training, that the selection matches the model's parameters and that the constraint fits
    /// the selected layers (a block larger than a layer, N:M on a layer whose width is not a multiple of M, …).
    /// Also checks that the images have the shape the model takes (square images of the side it was built for).
    public func validateModelFit(_ experiment: Experiment, data: DatasetSplits) throws {
        let model = try makeModel(experiment, data: data, seed: 0)
        try InputFit.check(data, fit: model, source: experiment.dataDirectory)
        let parameters = try experiment.selection.makeSelector().select(from: model)
        try experiment.constraint.makeConstraint(registry: catalog.constraints).validate(
            parameters.map { LayerShape(name: $0.name, shape: $0.variable.value.shape) })
    }

    /// Runs one method from the dense weights through the whole pipeline.
    /// - Parameters:
    ///   - spec: The method.
    ///   - experiment: The experiment it belongs to.
    ///   - seed: The run's seed.
    ///   - data: The standardised data.
    ///   - dense: The dense starting weights.
    ///   - denseAccuracy: Their test accuracy.
    ///   - checkpointDirectory: Where checkpoints go (nil: none).
    ///   - resume: Continue from the checkpoint there (the folder must exist).
    ///   - identity: Facts the checkpoint records and a resumed run must match (e.g. the weights file's SHA-256).
    ///   - settings: The caller's record of the run, stored in the checkpoint folder (``PruningPipeline/runSettings``).
    ///   - dataDigest: ``RunDigest/data(_:)`` of `data` if already computed.
    ///   - epochFinished: Called after every epoch's checkpoint (tests simulate a kill by throwing).
    public func runMethod(_ spec: MethodSpec, experiment: Experiment, seed: UInt64, data: DatasetSplits,
                          dense: [String: Tensor], denseAccuracy: Double, checkpointDirectory: URL? = nil,
                          resume: Bool = false, identity: [RunIdentity.Fact] = [], settings: Data? = nil,
                          dataDigest: String? = nil, epochFinished: ((String, Int) throws -> Void)? = nil) throws -> MethodRun {
        let model = try makeModel(experiment, data: data, seed: seed)
        try InputFit.check(data, fit: model, source: experiment.dataDirectory)
        try model.loadStateDict(dense)
        let parameters = try experiment.selection.makeSelector().select(from: model)
        let constraint = try experiment.constraint.makeConstraint(registry: catalog.constraints)
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
        pipeline.callerIdentity = identity
        pipeline.runSettings = settings
        pipeline.dataDigest = dataDigest
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

extension JSONEncoder {
    /// An encoder with sorted keys, for text that must not change between runs.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
