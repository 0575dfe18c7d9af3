import Datasets
import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Training

/// The path every method goes through: method phase → hard prune (verified) → test accuracy right there →
/// masked retraining, with the test accuracy and a verification of the sparsity pattern after every epoch.
///
/// With a checkpoint folder, the state is saved after every epoch and `resume` continues a killed run from
/// its last checkpoint, ending with the same result as an uninterrupted run.
///
/// The method is driven through a ``Pruner``: a training loop of one's own can take the pipeline's place.
public struct PruningPipeline {
    /// Budgets and optimizer settings.
    public var configuration: PipelineConfiguration
    /// Receives live progress and per-epoch lines.
    public var reporter: any ProgressReporter
    /// Where checkpoints go (nil: none are written).
    public var checkpointDirectory: URL?
    /// Continue from the checkpoint in ``checkpointDirectory`` when there is one.
    public var resume: Bool
    /// Called after every epoch's checkpoint with the phase (``PipelinePhase/rawValue``: `method` or `retraining`)
    /// and the 1-based epoch; tests throw from it to simulate a killed run.
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
        let run = try PipelineRun(pipeline: self, method: method, model: model, parameters: parameters,
                                  constraint: constraint, data: data, denseAccuracy: denseAccuracy, warmStart: warmStart)
        try run.resumeOrStart()
        return try run.runToEnd()
    }

    /// The run's identity: the caller's facts, then every setting the pipeline sees, the dense starting tensors'
    /// SHA-256 and the data's (see ``RunDigest``).
    func runIdentity(method: any PruningMethod, constraint: any Constraint, parameters: [ParameterEntry],
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
