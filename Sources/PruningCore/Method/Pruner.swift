import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Training

/// Drives any ``PruningMethod`` from a training loop you own: the calls `PruningPipeline` makes, as public API.
///
/// The sequence, whatever the method:
///
/// 1. ``init(method:session:)`` prepares the method on the dense weights.
/// 2. Method phase, for every batch: add ``penalty()`` to the loss (when it is not nil), back-propagate, step your
///    optimizer, then call ``stepFinished()``. At the end of every method-phase epoch call ``epochFinished()``,
///    which returns the method's diagnostics.
/// 3. ``hardPrune()`` replaces the weights by the method's hard-pruned ones, verifies them against the constraint
///    and returns the masks (1 keeps a weight).
/// 4. Masked retraining, for every batch: back-propagate, call ``maskGradients()``, step, call ``applyMasks()``.
///
/// The pipeline is one user of this type; a loop that takes the same steps with the same optimizer and batches
/// ends with the same weights, bit for bit. The epochs of the method phase are the session's
/// ``PruningSession/methodEpochs`` (gradual schedules spread over them): take that many.
///
/// ```swift
/// let pruner = try Pruner(method: method, session: session)
/// for epoch in 0..<session.methodEpochs {
///     for batch in try data.train.batches(size: 64, shuffleSeed: 0, epoch: epoch) {
///         var loss = crossEntropy(logits: model(Variable(batch.images), training: true), labels: batch.labels)
///         if let penalty = pruner.penalty() { loss = loss + penalty }
///         optimizer.zeroGradients()
///         loss.backward()
///         optimizer.step()
///         try pruner.stepFinished()
///     }
///     _ = try pruner.epochFinished()
/// }
/// let masks = try pruner.hardPrune()
/// ```
public final class Pruner {
    /// The method being driven.
    public let method: any PruningMethod
    /// What the method sees: the model, the pruned weights, the constraint and the data.
    public let session: PruningSession
    /// Optimizer steps taken in the method phase and method-phase epochs completed.
    public private(set) var progress: TrainingProgress
    /// The masks of the hard-pruned weights, once ``hardPrune()`` has run (or a restored state had them).
    public private(set) var masks: MaskSet?
    /// The sparsity found by the last verification (``hardPrune()`` or ``verify(when:)``).
    public private(set) var sparsity: SparsityReport?

    /// Prepares `method` on the session's weights, which must be at their dense starting values.
    /// - Parameters:
    ///   - method: A fresh method (not yet prepared).
    ///   - session: The model, the selected weights, the constraint and the data; its
    ///     ``PruningSession/progress`` is the starting point (step 0).
    /// - Throws: What the method's ``PruningMethod/prepare(_:)`` throws (e.g. a constraint it cannot schedule).
    public init(method: any PruningMethod, session: PruningSession) throws {
        self.method = method
        self.session = session
        self.progress = session.progress
        try method.prepare(session)
    }

    /// Whether ``hardPrune()`` has run (or a restored state was already hard-pruned).
    public var isHardPruned: Bool { masks != nil }

    /// The term to add to the loss of the current batch, or nil when the method adds none (and after hard
    /// pruning). Its gradient flows to the pruned weights.
    public func penalty() -> Variable? {
        isHardPruned ? nil : method.penalty(session)
    }

    /// The step hook: call it after every optimizer step of the method phase.
    /// - Throws: ``PruningError/invalidState(_:)`` after ``hardPrune()``; what the method's
    ///   ``PruningMethod/afterStep(_:)`` throws.
    public func stepFinished() throws {
        try requireMethodPhase("stepFinished()")
        progress.step += 1
        session.progress = progress
        try method.afterStep(session)
    }

    /// The epoch hook: call it at the end of every method-phase epoch.
    /// - Returns: The diagnostics of the method's iterations since the last call (often one record).
    /// - Throws: ``PruningError/invalidState(_:)`` after ``hardPrune()``; what the method's
    ///   ``PruningMethod/afterEpoch(_:)`` throws.
    @discardableResult
    public func epochFinished() throws -> [IterationDiagnostics] {
        try requireMethodPhase("epochFinished()")
        // The method sees the 0-based index of the epoch that just ended; the next epoch counts from there.
        session.progress = progress
        let diagnostics = try method.afterEpoch(session)
        progress.epoch += 1
        return diagnostics
    }

    /// Ends the method phase: sets the weights to the method's hard-pruned ones, derives the masks (W ≠ 0) and
    /// verifies the weights against the constraint.
    /// - Returns: The masks, one per pruned weight, for masked retraining.
    /// - Throws: ``PruningError/invalidState(_:)`` when called twice or when the method returns weights that do
    ///   not fit the session; ``PruningError/verificationFailed(_:)`` when they are not in the constraint's set.
    @discardableResult
    public func hardPrune() throws -> MaskSet {
        try requireMethodPhase("hardPrune()")
        let pruned = try method.finalize(session)
        try checkFits(pruned)
        session.setWeights(pruned)
        let masks = MaskSet(nonZerosOf: pruned)
        self.masks = masks
        _ = try verify(when: "after hard pruning")
        return masks
    }

    /// Checks the pruned weights against the constraint and, after hard pruning, against the masks.
    /// - Parameter when: Words for the error message ("after retraining epoch 3").
    /// - Returns: The sparsity per layer and overall.
    /// - Throws: ``PruningError/verificationFailed(_:)`` naming the moment and the violation.
    @discardableResult
    public func verify(when: String = "now") throws -> SparsityReport {
        let weights = session.currentWeights()
        let verification = session.constraint.verify(weights)
        guard verification.isFeasible else {
            throw PruningError.verificationFailed("\(when): \(verification.violations.map(\.description).joined(separator: "; "))")
        }
        for (weight, mask) in zip(weights, masks?.masks ?? []) {
            let outside = zip(weight.tensor.scalars, mask.tensor.scalars).contains { w, m in m == 0 && w != 0 }
            if outside { throw PruningError.verificationFailed("\(when): \(weight.name) has non-zero weights outside its mask") }
        }
        sparsity = verification.sparsity
        return verification.sparsity
    }

    /// Retraining, before each optimizer step: zeroes the gradients of pruned weights, so momentum never moves them.
    /// - Throws: ``PruningError/invalidState(_:)`` before ``hardPrune()``.
    public func maskGradients() throws {
        try requireMasks("maskGradients()").maskGradients(of: session.parameters)
    }

    /// Retraining, after each optimizer step: sets pruned weights back to zero (weight decay would move them).
    /// - Throws: ``PruningError/invalidState(_:)`` before ``hardPrune()``.
    public func applyMasks() throws {
        try requireMasks("applyMasks()").apply(to: session.parameters)
    }

    /// The method's state, for a checkpoint of your own (save the model, the optimizer, ``progress``,
    /// ``masks`` and the session's generator beside it).
    public func saveState() -> MethodState { method.saveState() }

    /// Restores what ``saveState()`` returned, with the counters and masks saved beside it, so that the loop
    /// continues exactly where the saved one stopped. Restore the model's weights first.
    /// - Parameters:
    ///   - state: The method's state.
    ///   - progress: ``progress`` when the state was saved.
    ///   - masks: ``masks`` when the state was saved (nil in the method phase).
    /// - Throws: What the method's ``PruningMethod/restoreState(_:session:)`` throws when the state does not fit.
    public func restore(_ state: MethodState, progress: TrainingProgress, masks: MaskSet?) throws {
        try method.restoreState(state, session: session)
        self.progress = progress
        session.progress = progress
        self.masks = masks
    }

    /// Throws unless the method phase is still on.
    private func requireMethodPhase(_ call: String) throws {
        guard !isHardPruned else {
            throw PruningError.invalidState("Pruner.\(call) was called after hardPrune(); the method phase of '\(method.name)' is over")
        }
    }

    /// The masks, or an error naming the call made too early.
    private func requireMasks(_ call: String) throws -> MaskSet {
        guard let masks else {
            throw PruningError.invalidState("Pruner.\(call) needs the masks of hardPrune(), which has not run yet for '\(method.name)'")
        }
        return masks
    }

    /// Throws unless a method's hard-pruned weights have the session's names and shapes, in order.
    private func checkFits(_ weights: [NamedTensor]) throws {
        guard weights.count == session.parameters.count else {
            throw PruningError.invalidState("method '\(method.name)' hard-pruned \(weights.count) tensors; the session prunes \(session.parameters.count)")
        }
        for (entry, weight) in zip(session.parameters, weights)
        where entry.name != weight.name || entry.variable.value.shape != weight.tensor.shape {
            throw PruningError.invalidState("method '\(method.name)' hard-pruned \(weight.name) \(describeShape(weight.tensor.shape)) where the session expects \(entry.name) \(describeShape(entry.variable.value.shape))")
        }
    }
}

extension MaskSet {
    /// Multiplies the gradients of `parameters` by the masks (parameters without a gradient are left alone).
    func maskGradients(of parameters: [ParameterEntry]) {
        for (entry, mask) in zip(parameters, masks) where entry.variable.gradient != nil {
            MaskSet.multiply(&entry.variable.gradient!, by: mask.tensor)
        }
    }

    /// Multiplies the values of `parameters` by the masks.
    func apply(to parameters: [ParameterEntry]) {
        for (entry, mask) in zip(parameters, masks) { MaskSet.multiply(&entry.variable.value, by: mask.tensor) }
    }
}
