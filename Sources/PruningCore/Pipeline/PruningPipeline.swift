import Checkpoints
import Datasets
import Foundation
import NeuralNetworks
import TensorEngine

/// The path every method goes through: method phase → hard prune (verified) → test accuracy right there →
/// masked retraining, with the test accuracy and a verification of the sparsity pattern after every epoch.
///
/// With a checkpoint folder, the state is saved after every epoch and `resume` continues a killed run from
/// its last checkpoint, ending with the same result as an uninterrupted run.
public struct PruningPipeline {
    /// Budgets and optimizer settings.
    public var configuration: PipelineConfiguration
    /// Receives live progress and per-epoch lines.
    public var reporter: any ProgressReporter
    /// Where checkpoints go (nil: none are written).
    public var checkpointDirectory: URL?
    /// Continue from the checkpoint in ``checkpointDirectory`` when there is one.
    public var resume: Bool
    /// Called after every epoch's checkpoint with the phase name and the 1-based epoch; tests throw from it to
    /// simulate a killed run.
    public var epochFinished: ((String, Int) throws -> Void)?
    /// Facts about the run that only the caller knows (the weights file's SHA-256, the model's name, …); the
    /// checkpoint records them next to the pipeline's own and a resumed run must match them all.
    public var callerIdentity: [RunIdentity.Fact] = []
    /// The caller's record of the run's settings, written as `settings.json` in the checkpoint folder when the run
    /// starts, so that a later resume can read them back (``storedSettings(in:)``) instead of asking for them.
    public var runSettings: Data?
    /// ``RunDigest/data(_:)`` of the run's data if the caller has computed it already (it is computed otherwise,
    /// when checkpoints are written).
    public var dataDigest: String?

    /// Creates a pipeline.
    public init(configuration: PipelineConfiguration, reporter: any ProgressReporter = SilentProgress(),
                checkpointDirectory: URL? = nil, resume: Bool = false) {
        self.configuration = configuration
        self.reporter = reporter
        self.checkpointDirectory = checkpointDirectory
        self.resume = resume
    }

    /// The settings a run stored in its checkpoint folder (``runSettings``), or nil when it stored none.
    /// - Parameter directory: The checkpoint folder.
    public static func storedSettings(in directory: URL) throws -> Data? { try RunCheckpoint.settings(in: directory) }

    /// Runs one method on a model whose weights are the dense starting point.
    /// - Parameters:
    ///   - method: The pruning method (fresh, not yet prepared).
    ///   - model: The network with dense weights; it ends hard-pruned and retrained.
    ///   - parameters: The selected prunable weights of `model`.
    ///   - constraint: The set the pruned weights must end in.
    ///   - data: Training and test data.
    ///   - denseAccuracy: The dense test accuracy if already known (measured otherwise).
    ///   - warmStart: Weights in the constraint set a method may start from (see ``PruningSession/warmStart``).
    /// - Returns: The measurements and the masks of the pruned weights.
    public func run(method: any PruningMethod, model: Model, parameters: [ParameterEntry], constraint: any Constraint,
                    data: DatasetSplits, denseAccuracy: Double? = nil, warmStart: [NamedTensor]? = nil) throws -> (result: PruningRunResult, masks: MaskSet) {
        try configuration.validate()
        guard !parameters.isEmpty else { throw PruningError.invalidOption("no parameters are selected for pruning") }
        try constraint.validate(parameters.map { LayerShape(name: $0.name, shape: $0.variable.value.shape) })

        let trainer = Trainer(batchSize: configuration.batchSize, seed: configuration.seed,
                              augmentation: configuration.augmentation, reporter: reporter)
        let lossData: LabeledImages
        let lossDescription: String
        if let size = configuration.lossSubsetSize, size < data.train.count {
            lossData = data.train.prefix(size)
            lossDescription = "the first \(size) training images (fixed subset)"
        } else {
            lossData = data.train
            lossDescription = "the whole training set (\(data.train.count) images)"
        }
        let session = PruningSession(model: model, parameters: parameters, constraint: constraint,
                                     trainingData: data.train, lossData: lossData, lossDataDescription: lossDescription,
                                     methodEpochs: method.trainsDuringMethodPhase ? configuration.methodEpochs : 0,
                                     stepsPerEpoch: trainer.stepsPerEpoch(data.train), seed: configuration.seed)
        session.warmStart = warmStart
        let identity = checkpointDirectory == nil ? RunIdentity()
            : runIdentity(method: method, constraint: constraint, parameters: parameters, model: model, data: data)

        let denseTestAccuracy = try denseAccuracy ?? Evaluation.accuracy(model: model, data: data.test)
        var result = PruningRunResult(
            method: method.name, settings: method.settingsSummary, constraint: constraint.summary,
            configuration: configuration, lossData: lossDescription,
            denseTestAccuracy: denseTestAccuracy,
            methodPhase: [], diagnostics: [], accuracyAtEndOfMethodPhase: 0, accuracyAfterHardPrune: 0,
            retraining: [], sparsity: SparsityReport(layers: []), methodPhaseSeconds: 0, hardPruneSeconds: 0,
            retrainingSeconds: 0)

        // Resume or start fresh.
        var phase = RunCheckpoint.Phase.method
        var epochsDone = 0
        var progress = TrainingProgress(step: 0, epoch: 0, stepsPerEpoch: session.progress.stepsPerEpoch)
        var masks: MaskSet?
        var savedOptimizerState: [String: Tensor]?
        try method.prepare(session)
        if resume, let directory = checkpointDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw PruningError.invalidOption("cannot resume: the checkpoint folder \(directory.path) does not exist (or is not a folder)")
            }
        }
        if resume, let directory = checkpointDirectory, let (checkpoint, tensors) = try RunCheckpoint.load(from: directory) {
            let file = directory.appendingPathComponent(RunCheckpoint.fileName).path
            let differences = checkpoint.identity.differences(from: identity)
            guard differences.isEmpty else {
                throw PruningError.invalidState("the checkpoint in \(directory.path) belongs to a different run: \(differences.joined(separator: "; "))")
            }
            let expectations = RunCheckpoint.Expectations(
                methodEpochs: method.trainsDuringMethodPhase ? configuration.methodEpochs : 0,
                retrainEpochs: configuration.retrainEpochs, stepsPerEpoch: session.progress.stepsPerEpoch,
                parameters: parameters.map { (name: $0.name, shape: $0.variable.value.shape) })
            masks = try checkpoint.validate(against: expectations, tensors: tensors, file: file)
            do { try model.loadStateDict(RunCheckpoint.section("model", of: tensors)) } catch {
                throw PruningError.invalidState("\(file): the saved model state does not fit the model: \(error)")
            }
            model.generator = checkpoint.modelGenerator
            session.generator = checkpoint.sessionGenerator
            try method.restoreState(MethodState(tensors: RunCheckpoint.section("method", of: tensors),
                                                values: checkpoint.methodValues), session: session)
            savedOptimizerState = RunCheckpoint.section("optimizer", of: tensors)
            phase = checkpoint.phase
            epochsDone = checkpoint.epochsDone
            progress = checkpoint.progress
            result = checkpoint.partialResult
            reporter.note("resumed from \(directory.path): \(phase.rawValue) phase, \(epochsDone) epoch(s) done")
        } else if let directory = checkpointDirectory, let runSettings {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try AtomicFile.write(runSettings, to: directory.appendingPathComponent(RunCheckpoint.settingsFileName))
        }

        func saveCheckpoint(optimizer: any Optimizer) throws {
            guard let directory = checkpointDirectory else { return }
            var tensors = RunCheckpoint.prefixed("model", Dictionary(model.stateDict().map { ($0.name, $0.tensor) },
                                                                     uniquingKeysWith: { first, _ in first }))
            tensors.merge(RunCheckpoint.prefixed("optimizer", optimizer.stateTensors())) { first, _ in first }
            let methodState = method.saveState()
            tensors.merge(RunCheckpoint.prefixed("method", methodState.tensors)) { first, _ in first }
            if let masks {
                tensors.merge(RunCheckpoint.prefixed("mask", Dictionary(masks.masks.map { ($0.name, $0.tensor) },
                                                                        uniquingKeysWith: { first, _ in first }))) { first, _ in first }
            }
            let checkpoint = RunCheckpoint(
                phase: phase, epochsDone: epochsDone, progress: progress, modelGenerator: model.generator,
                sessionGenerator: session.generator, methodValues: methodState.values, partialResult: result,
                tensorFile: "state-\(phase.rawValue)-\(epochsDone).safetensors", identity: identity)
            try RunCheckpoint.save(checkpoint, tensors: tensors, in: directory)
        }

        // Method phase.
        if phase == .method {
            let epochs = method.trainsDuringMethodPhase ? configuration.methodEpochs : 0
            let optimizer = try configuration.methodOptimizer.makeOptimizer(for: model.namedParameters())
            if let savedOptimizerState { try loadOptimizerState(savedOptimizerState, into: optimizer) }
            let hooks = TrainingHooks(penalty: { method.penalty(session) }, afterStep: { stepProgress in
                session.progress = stepProgress
                try method.afterStep(session)
            })
            while epochsDone < epochs {
                var statistics = try trainer.trainEpoch(
                    model: model, data: data.train, optimizer: optimizer, epoch: epochsDone, epochs: epochs,
                    phase: "\(method.name) method phase", settings: configuration.methodOptimizer,
                    progress: &progress, hooks: hooks)
                session.progress = progress
                statistics.testAccuracy = try Evaluation.accuracy(model: model, data: data.test)
                var diagnostics = try method.afterEpoch(session)
                if !diagnostics.isEmpty {
                    // The pipeline measures what only it can: the accuracy of W (and of Π(W)) at the epoch's end.
                    diagnostics[diagnostics.count - 1].testAccuracy = statistics.testAccuracy
                    if configuration.evaluateHardPrunedEachEpoch {
                        diagnostics[diagnostics.count - 1].hardPrunedTestAccuracy = try hardPrunedAccuracy(session: session, test: data.test)
                    }
                    for index in diagnostics.indices where diagnostics[index].trainingLoss == nil {
                        diagnostics[index].trainingLoss = statistics.trainingLoss
                    }
                    result.diagnostics += diagnostics
                }
                result.methodPhase.append(statistics)
                result.methodPhaseSeconds += statistics.seconds
                reporter.note(String(format: "%@ method epoch %d/%d: loss %.4f, test accuracy %.2f %%, %.0f images/s",
                                     method.name, epochsDone + 1, epochs, statistics.trainingLoss,
                                     100 * (statistics.testAccuracy ?? 0), statistics.imagesPerSecond))
                epochsDone += 1
                try saveCheckpoint(optimizer: optimizer)
                try epochFinished?("method", epochsDone)
            }
            result.accuracyAtEndOfMethodPhase = result.methodPhase.last?.testAccuracy ?? result.denseTestAccuracy

            // Hard prune, verify, evaluate right here.
            let start = Date()
            let pruned = try method.finalize(session)
            session.setWeights(pruned)
            result.hardPruneSeconds = Date().timeIntervalSince(start)
            masks = MaskSet(nonZerosOf: pruned)
            result.sparsity = try verify(session: session, masks: masks!, when: "after hard pruning")
            result.accuracyAfterHardPrune = try Evaluation.accuracy(model: model, data: data.test)
            reporter.note(String(format: "%@ hard-pruned to sparsity %.4f: test accuracy %.2f %% before retraining",
                                 method.name, result.sparsity.overallSparsity, 100 * result.accuracyAfterHardPrune))
            phase = .retraining
            epochsDone = 0
            progress = TrainingProgress(step: 0, epoch: 0, stepsPerEpoch: progress.stepsPerEpoch)
            savedOptimizerState = nil
        }

        // Masked retraining: the pattern never changes.
        guard let masks else { throw PruningError.invalidState("no masks after hard pruning") }
        let optimizer = try configuration.retrainOptimizer.makeOptimizer(for: model.namedParameters())
        if let savedOptimizerState { try loadOptimizerState(savedOptimizerState, into: optimizer) }
        if epochsDone == 0 { try saveCheckpoint(optimizer: optimizer) }
        let hooks = TrainingHooks(
            beforeStep: {
                for (entry, mask) in zip(parameters, masks.masks) where entry.variable.gradient != nil {
                    MaskSet.multiply(&entry.variable.gradient!, by: mask.tensor)
                }
            },
            afterStep: { _ in
                for (entry, mask) in zip(parameters, masks.masks) { MaskSet.multiply(&entry.variable.value, by: mask.tensor) }
            })
        while epochsDone < configuration.retrainEpochs {
            var statistics = try trainer.trainEpoch(
                model: model, data: data.train, optimizer: optimizer, epoch: epochsDone,
                epochs: configuration.retrainEpochs, phase: "\(method.name) retraining",
                settings: configuration.retrainOptimizer, progress: &progress, hooks: hooks)
            statistics.testAccuracy = try Evaluation.accuracy(model: model, data: data.test)
            result.sparsity = try verify(session: session, masks: masks, when: "after retraining epoch \(epochsDone + 1)")
            result.retraining.append(statistics)
            result.retrainingSeconds += statistics.seconds
            reporter.note(String(format: "%@ retraining epoch %d/%d: loss %.4f, test accuracy %.2f %%",
                                 method.name, epochsDone + 1, configuration.retrainEpochs, statistics.trainingLoss,
                                 100 * (statistics.testAccuracy ?? 0)))
            epochsDone += 1
            try saveCheckpoint(optimizer: optimizer)
            try epochFinished?("retraining", epochsDone)
        }
        return (result, masks)
    }

    /// Test accuracy of Π(W) without disturbing W.
    private func hardPrunedAccuracy(session: PruningSession, test: LabeledImages) throws -> Double {
        let current = session.currentWeights()
        session.setWeights(try session.projectedWeights())
        defer { session.setWeights(current) }
        return try Evaluation.accuracy(model: session.model, data: test)
    }

    /// Checks the weights against the constraint and the masks; throws on any mismatch.
    private func verify(session: PruningSession, masks: MaskSet, when: String) throws -> SparsityReport {
        let weights = session.currentWeights()
        let verification = session.constraint.verify(weights)
        guard verification.isFeasible else {
            throw PruningError.verificationFailed("\(when): \(verification.violations.map(\.description).joined(separator: "; "))")
        }
        for (weight, mask) in zip(weights, masks.masks) {
            let outside = zip(weight.tensor.scalars, mask.tensor.scalars).contains { w, m in m == 0 && w != 0 }
            if outside { throw PruningError.verificationFailed("\(when): \(weight.name) has non-zero weights outside its mask") }
        }
        return verification.sparsity
    }

    /// A checkpoint's optimizer state, with errors that say where it came from.
    private func loadOptimizerState(_ state: [String: Tensor], into optimizer: any Optimizer) throws {
        do { try optimizer.loadState(state) } catch {
            throw PruningError.invalidState("the checkpoint's optimizer state does not fit this run: \(error)")
        }
    }

    /// The run's identity: the caller's facts, then every setting the pipeline sees, the dense starting tensors'
    /// SHA-256 and the data's (see ``RunDigest``).
    private func runIdentity(method: any PruningMethod, constraint: any Constraint, parameters: [ParameterEntry],
                             model: Model, data: DatasetSplits) -> RunIdentity {
        func json<T: Encodable>(_ value: T) -> String {
            (try? JSONEncoder.sorted.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        }
        var facts = callerIdentity
        facts.append(RunIdentity.Fact("method", method.name))
        for (key, value) in method.settingsSummary.sorted(by: { $0.key < $1.key }) {
            facts.append(RunIdentity.Fact("method setting \(key)", value))
        }
        facts += [
            RunIdentity.Fact("constraint", constraint.summary),
            RunIdentity.Fact("method epochs", String(configuration.methodEpochs)),
            RunIdentity.Fact("retraining epochs", String(configuration.retrainEpochs)),
            RunIdentity.Fact("batch size", String(configuration.batchSize)),
            RunIdentity.Fact("seed", String(configuration.seed)),
            RunIdentity.Fact("method-phase optimizer", json(configuration.methodOptimizer)),
            RunIdentity.Fact("retraining optimizer", json(configuration.retrainOptimizer)),
            RunIdentity.Fact("loss subset", configuration.lossSubsetSize.map(String.init) ?? "all"),
            RunIdentity.Fact("hard-pruned evaluation each epoch", String(configuration.evaluateHardPrunedEachEpoch)),
            RunIdentity.Fact("crop and flip", String(configuration.cropAndFlip)),
            RunIdentity.Fact("pruned layers", parameters.map { "\($0.name)\($0.variable.value.shape)" }.joined(separator: ",")),
            RunIdentity.Fact("dense weights sha256", RunDigest.tensors(Dictionary(model.stateDict().map { ($0.name, $0.tensor) },
                                                                                   uniquingKeysWith: { first, _ in first }))),
            RunIdentity.Fact("data sha256", dataDigest ?? RunDigest.data(data)),
        ]
        return RunIdentity(facts: facts)
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys, for stable text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
