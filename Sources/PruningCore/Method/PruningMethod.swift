import NeuralNetworks
import SparsityConstraints
import TensorEngine

/// A pruning algorithm, as hooks into the training loop of the method phase.
///
/// A ``Pruner`` makes these calls, for ``PruningPipeline`` or for a training loop of one's own: it calls ``prepare(_:)`` once, then for every batch of every method-phase epoch adds ``penalty(_:)``
/// to the loss, steps the optimizer and calls ``afterStep(_:)``; after each epoch it calls ``afterEpoch(_:)``.
/// At the end, ``finalize(_:)`` returns the hard-pruned weights; the pipeline derives the masks (W ≠ 0),
/// verifies them against the constraint and retrains with the masks fixed.
///
/// A method's state is explicit (``saveState()`` / ``restoreState(_:session:)``) so a killed run can resume.
///
/// ```swift
/// /// Prunes once at the end by the constraint's projection: one-shot magnitude pruning.
/// final class ProjectAtEnd: PruningMethod {
///     let name = "project-at-end"
///     func finalize(_ session: PruningSession) throws -> [NamedTensor] { try session.projectedWeights() }
/// }
/// ```
public protocol PruningMethod: AnyObject {
    /// The registry name of the method (`slr`, `admm`, `magnitude`, …).
    var name: String { get }
    /// Settings worth printing in a report, as text.
    var settingsSummary: [String: String] { get }
    /// Whether the method trains during the method phase; one-shot methods return false and their phase is skipped.
    var trainsDuringMethodPhase: Bool { get }
    /// Called once before the method phase, with the weights at their dense values.
    func prepare(_ session: PruningSession) throws
    /// A term added to the loss of each batch (nil for none). The gradient flows to the pruned weights.
    func penalty(_ session: PruningSession) -> Variable?
    /// Called after each optimizer step (e.g. to re-apply masks or count batches).
    func afterStep(_ session: PruningSession) throws
    /// Called after each method-phase epoch; returns the diagnostics of the iterations since the last call.
    func afterEpoch(_ session: PruningSession) throws -> [IterationDiagnostics]
    /// Hard-prunes: returns the final weights, each in the constraint's set.
    func finalize(_ session: PruningSession) throws -> [NamedTensor]
    /// The method's state (tensors and scalars).
    func saveState() -> MethodState
    /// Restores a state saved by ``saveState()``; throws if it does not fit the session.
    func restoreState(_ state: MethodState, session: PruningSession) throws
}

extension PruningMethod {
    public var settingsSummary: [String: String] { [:] }
    public var trainsDuringMethodPhase: Bool { true }
    public func prepare(_ session: PruningSession) throws {}
    public func penalty(_ session: PruningSession) -> Variable? { nil }
    public func afterStep(_ session: PruningSession) throws {}
    public func afterEpoch(_ session: PruningSession) throws -> [IterationDiagnostics] { [] }
    public func finalize(_ session: PruningSession) throws -> [NamedTensor] { try session.projectedWeights() }
    public func saveState() -> MethodState { MethodState() }
    public func restoreState(_ state: MethodState, session: PruningSession) throws {}
}
