import Datasets
import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Training

/// One run of ``PruningPipeline``: its state between phases, and the phases as separate steps.
///
/// ``PruningPipeline/run(method:model:parameters:constraint:data:denseAccuracy:warmStart:)`` makes one, lets it
/// resume or start, then runs the method phase, the hard prune and the retraining. The method is driven through a
/// ``Pruner``, the same public API a training loop of one's own uses.
final class PipelineRun {
    let pipeline: PruningPipeline
    let method: any PruningMethod
    let model: Model
    let parameters: [ParameterEntry]
    let data: DatasetSplits
    let trainer: Trainer
    let pruner: Pruner
    /// What the run is, checked on resume (empty without a checkpoint folder).
    let identity: RunIdentity

    /// The measurements so far.
    var result: PruningRunResult
    /// The phase the next epoch belongs to, and how many of its epochs are done.
    var phase = PipelinePhase.method
    var epochsDone = 0
    /// The trainer's clock within the current phase (the learning-rate schedule reads it; checkpoints store it).
    var progress: TrainingProgress
    /// The optimizer state of a resumed checkpoint, loaded into the phase's optimizer when it is made.
    var savedOptimizerState: [String: Tensor]?

    var configuration: PipelineConfiguration { pipeline.configuration }
    var session: PruningSession { pruner.session }
    /// The epochs of the method phase: none for methods that do not train in it.
    var methodEpochs: Int { method.trainsDuringMethodPhase ? configuration.methodEpochs : 0 }

    /// Sets the run up on dense weights: the session, the run's identity and the dense accuracy are taken before
    /// the method is prepared (preparing may already prune, as gradual magnitude does).
    init(pipeline: PruningPipeline, method: any PruningMethod, model: Model, parameters: [ParameterEntry],
         constraint: any Constraint, data: DatasetSplits, denseAccuracy: Double?, warmStart: [NamedTensor]?) throws {
        let configuration = pipeline.configuration
        self.pipeline = pipeline
        self.method = method
        self.model = model
        self.parameters = parameters
        self.data = data
        trainer = Trainer(batchSize: configuration.batchSize, seed: configuration.seed,
                          augmentation: configuration.augmentation, reporter: pipeline.reporter)
        let lossData: LabeledImages
        let lossDescription: String
        if let size = configuration.lossSubsetSize, size < data.train.count {
            lossData = data.train.prefix(size)
            lossDescription = "the first \(size) training images (fixed subset)"
        } else {
            lossData = data.train
            lossDescription = "the whole training set (\(data.train.count) images)"
        }
        let stepsPerEpoch = trainer.stepsPerEpoch(data.train)
        let session = PruningSession(model: model, parameters: parameters, constraint: constraint,
                                     trainingData: data.train, lossData: lossData, lossDataDescription: lossDescription,
                                     methodEpochs: method.trainsDuringMethodPhase ? configuration.methodEpochs : 0,
                                     stepsPerEpoch: stepsPerEpoch, seed: configuration.seed)
        session.warmStart = warmStart
        identity = pipeline.checkpointDirectory == nil ? RunIdentity()
            : pipeline.runIdentity(method: method, constraint: constraint, parameters: parameters, model: model, data: data)

        let denseTestAccuracy = try denseAccuracy ?? Evaluation.accuracy(model: model, data: data.test)
        result = PruningRunResult(
            method: method.name, settings: method.settingsSummary, constraint: constraint.summary,
            configuration: configuration, lossData: lossDescription,
            denseTestAccuracy: denseTestAccuracy,
            methodPhase: [], diagnostics: [], accuracyAtEndOfMethodPhase: 0, accuracyAfterHardPrune: 0,
            retraining: [], sparsity: SparsityReport(layers: []), methodPhaseSeconds: 0, hardPruneSeconds: 0,
            retrainingSeconds: 0)
        progress = TrainingProgress(step: 0, epoch: 0, stepsPerEpoch: stepsPerEpoch)
        pruner = try Pruner(method: method, session: session)
    }

    /// Every phase from where the run stands to the end.
    func runToEnd() throws -> (result: PruningRunResult, masks: MaskSet) {
        if phase == .method {
            try runMethodPhase()
            try hardPrune()
        }
        try retrain()
        guard let masks = pruner.masks else { throw PruningError.invalidState("no masks after hard pruning") }
        return (result, masks)
    }

    /// The optimizer of a phase, with a resumed checkpoint's state when there is one.
    func makeOptimizer(_ settings: OptimizerSettings) throws -> any Optimizer {
        let optimizer = try settings.makeOptimizer(for: model.namedParameters())
        if let savedOptimizerState {
            do { try optimizer.loadState(savedOptimizerState) } catch {
                throw PruningError.invalidState("the checkpoint's optimizer state does not fit this run: \(error)")
            }
        }
        return optimizer
    }

    /// Test accuracy of Π(W) without disturbing W.
    func hardPrunedAccuracy() throws -> Double {
        let current = session.currentWeights()
        session.setWeights(try session.projectedWeights())
        defer { session.setWeights(current) }
        return try Evaluation.accuracy(model: model, data: data.test)
    }
}
