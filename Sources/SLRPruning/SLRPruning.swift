import Foundation
import NeuralNetworks
import PruningCore
import SparsityConstraints
import TensorEngine
import Training

/// Surrogate Lagrangian Relaxation pruning (Zhou et al., 2023): the W-step of ADMM, then two multiplier
/// updates per iteration, each taken only when its surrogate optimality condition holds, with a contracting
/// step size s that is separate from ρ. See ALGORITHMS.md for the equations this follows.
public final class SLRPruning: PruningMethod {
    /// What happens when a surrogate optimality condition fails.
    public enum FailurePolicy: String, CaseIterable, Sendable {
        /// Skip that multiplier update and go on.
        case lenient
        /// Condition 1 fails: back to the W-step (no Z-step, no update). Condition 2 fails: restore k, α, s and Λ.
        case strict
    }

    public let name = "slr"
    /// ρ, its growth and the update interval.
    public let options: LagrangianOptions
    /// M > 1 of the step-size rule.
    public let m: Double
    /// 0 < r < 1 of the step-size rule.
    public let r: Double
    /// The initial step size s⁰.
    public let initialStepSize: Double
    /// The failure policy.
    public let policy: FailurePolicy

    private var split: SplitVariables?
    /// The iteration counter k (starts at 1, advances after an iteration whose update was accepted).
    private var k = 1
    /// The latest step size.
    private var stepSize: Double
    /// Multiplier updates performed (drives the ρ schedule).
    private var updates = 0
    /// W^{k−1} and f(W^{k−1}): the weights and loss of the last iteration.
    private var previousWeights: [Tensor] = []
    private var previousLoss = 0.0
    private var pending: [IterationDiagnostics] = []

    /// Creates the method; throws when M ≤ 1, r outside (0, 1) or s⁰ ≤ 0.
    public init(options: LagrangianOptions, m: Double = 300, r: Double = 0.1, initialStepSize: Double = 0.01,
                policy: FailurePolicy = .lenient) throws {
        guard m > 1 else { throw PruningError.invalidOption("--slr-m must be greater than 1, got \(m)") }
        guard r > 0, r < 1 else { throw PruningError.invalidOption("--slr-r must be in (0, 1), got \(r)") }
        guard initialStepSize > 0 else { throw PruningError.invalidOption("--slr-s0 must be positive, got \(initialStepSize)") }
        self.options = options
        self.m = m
        self.r = r
        self.initialStepSize = initialStepSize
        self.policy = policy
        self.stepSize = initialStepSize
    }

    public var settingsSummary: [String: String] {
        options.summary.merging(["slr-m": String(m), "slr-r": String(r), "slr-s0": String(initialStepSize),
                                 "on-failure": policy.rawValue]) { first, _ in first }
    }

    public func prepare(_ session: PruningSession) throws {
        let start = try session.warmStart ?? session.projectedWeights()
        split = SplitVariables(names: session.parameterNames, z: start.map(\.tensor), rho: options.rho.rho(afterUpdates: 0))
        k = 1
        stepSize = initialStepSize
        updates = 0
        previousWeights = session.currentWeights().map(\.tensor)
        previousLoss = try session.lossOnLossData()
        pending = []
    }

    public func penalty(_ session: PruningSession) -> Variable? {
        split?.penalty(session.parameters.map(\.variable))
    }

    public func afterStep(_ session: PruningSession) throws {
        if options.updateInterval.isDue(afterStep: session.progress.step) { try iterate(session) }
    }

    public func afterEpoch(_ session: PruningSession) throws -> [IterationDiagnostics] {
        if options.updateInterval.isDue(afterEpoch: session.progress.epoch + 1) { try iterate(session) }
        defer { pending = [] }
        return pending
    }

    /// One SLR iteration after a W-step: condition 1 and the first multiplier update, the Z-step, condition 2 and
    /// the second multiplier update.
    func iterate(_ session: PruningSession) throws {
        guard let split else { throw PruningError.invalidState("SLR was not prepared") }
        let weights = session.currentWeights().map(\.tensor)
        let loss = try session.lossOnLossData()
        let (zBefore, lambdaBefore, stepBefore, kBefore) = (split.z, split.lambda, stepSize, k)
        let alpha = SLRStepSize.alpha(k: k, m: m, r: r)
        var diagnostics = IterationDiagnostics(iteration: k, epoch: session.progress.epoch + 1)
        diagnostics.alpha = alpha
        diagnostics.rho = split.rho
        diagnostics.trainingLoss = loss

        // Condition 1: L(Wᵏ, Zᵏ⁻¹, Λᵏ) < L(Wᵏ⁻¹, Zᵏ⁻¹, Λᵏ).
        let left1 = loss + split.penaltyTerms(weights: weights, z: zBefore, lambda: lambdaBefore)
        let right1 = previousLoss + split.penaltyTerms(weights: previousWeights, z: zBefore, lambda: lambdaBefore)
        let condition1 = left1 < right1
        diagnostics.condition1Values = [left1, right1]
        diagnostics.condition1Held = condition1

        var lambdaPrime = lambdaBefore
        let distanceToOldZ = SplitVariables.distances(weights, zBefore).total
        if condition1 {
            let previousDistance = SplitVariables.distances(previousWeights, zBefore).total
            stepSize = SLRStepSize.next(previous: stepSize, alpha: alpha, normBefore: previousDistance, normAfter: distanceToOldZ)
            lambdaPrime = split.steppedMultipliers(from: lambdaBefore, step: stepSize, weights: weights, z: zBefore)
        } else if policy == .strict {
            // Back to the W-step: nothing changes, and Wᵏ⁻¹ stays the last accepted point.
            finish(&diagnostics, split: split, weights: weights, z: zBefore)
            return
        }

        // Z-step: Zᵏ = Π(Wᵏ + Λ'/ρ).
        let z = try session.constraint.project(split.shiftedWeights(weights, lambda: lambdaPrime)).map(\.tensor)

        // Condition 2: L(Wᵏ, Zᵏ, Λ') < L(Wᵏ, Zᵏ⁻¹, Λ'). The loss term is the same on both sides.
        let left2 = loss + split.penaltyTerms(weights: weights, z: z, lambda: lambdaPrime)
        let right2 = loss + split.penaltyTerms(weights: weights, z: zBefore, lambda: lambdaPrime)
        let condition2 = left2 < right2
        diagnostics.condition2Values = [left2, right2]
        diagnostics.condition2Held = condition2

        var lambdaNext = lambdaPrime
        if condition2 {
            let distanceToNewZ = SplitVariables.distances(weights, z).total
            stepSize = SLRStepSize.next(previous: stepSize, alpha: alpha, normBefore: distanceToOldZ, normAfter: distanceToNewZ)
            lambdaNext = split.steppedMultipliers(from: lambdaPrime, step: stepSize, weights: weights, z: z)
        } else if policy == .strict {
            lambdaNext = lambdaBefore
            stepSize = stepBefore
            k = kBefore
        }
        let accepted = policy == .strict ? condition2 : (condition1 || condition2)
        if accepted { k += 1 }
        updates += 1
        previousWeights = weights
        previousLoss = loss
        split.update(z: z, lambda: lambdaNext, rho: options.rho.rho(afterUpdates: updates))
        finish(&diagnostics, split: split, weights: weights, z: z)
    }

    private func finish(_ diagnostics: inout IterationDiagnostics, split: SplitVariables, weights: [Tensor], z: [Tensor]) {
        let (total, perLayer) = SplitVariables.distances(weights, z)
        diagnostics.distanceToConstraint = total
        diagnostics.layerDistances = Dictionary(uniqueKeysWithValues: zip(split.names, perLayer))
        diagnostics.multiplierNorm = split.multiplierNorm
        diagnostics.stepSize = stepSize
        pending.append(diagnostics)
    }

    /// Hard prune: Π(W).
    public func finalize(_ session: PruningSession) throws -> [NamedTensor] { try session.projectedWeights() }

    public func saveState() -> MethodState {
        var tensors = split?.stateTensors ?? [:]
        for (name, weight) in zip(split?.names ?? [], previousWeights) { tensors["Wprev." + name] = weight }
        var values: [String: Double] = ["k": Double(k), "s": stepSize, "updates": Double(updates), "previousLoss": previousLoss]
        values["rho"] = split?.rho
        return MethodState(tensors: tensors, values: values)
    }

    public func restoreState(_ state: MethodState, session: PruningSession) throws {
        guard let split else { throw PruningError.invalidState("SLR was not prepared before restoring") }
        try split.restore(from: state)
        previousWeights = try session.parameters.map { try state.tensor("Wprev." + $0.name, shape: $0.variable.value.shape) }
        k = Int(try state.value("k"))
        stepSize = try state.value("s")
        updates = Int(try state.value("updates"))
        previousLoss = try state.value("previousLoss")
    }

    /// The iteration counter k and the latest step size s (for tests and reports).
    public var iterationState: (k: Int, stepSize: Double) { (k, stepSize) }
}

extension SLRPruning {
    /// The registry entry: `slr`.
    public static let registration = MethodRegistration(
        name: "slr",
        summary: "Surrogate Lagrangian Relaxation (Zhou et al. 2023): multiplier updates only when surrogate optimality conditions hold, contracting step size.",
        options: LagrangianOptions.descriptions + [
            MethodOption("slr-m", "M > 1 of the step-size rule αₖ = 1 − 1/(M·k^(1−1/k^r))", default: "300"),
            MethodOption("slr-r", "0 < r < 1 of the step-size rule", default: "0.1"),
            MethodOption("slr-s0", "the initial step size s⁰", default: "0.01"),
            MethodOption("on-failure", "lenient (skip the update) or strict (back to the W-step; restore k, α, s, Λ)", default: "lenient"),
        ],
        make: { options in
            try SLRPruning(options: try LagrangianOptions(options), m: try options.double("slr-m", default: 300),
                           r: try options.double("slr-r", default: 0.1), initialStepSize: try options.double("slr-s0", default: 0.01),
                           policy: FailurePolicy(rawValue: try options.choice("on-failure", FailurePolicy.allCases.map(\.rawValue), default: "lenient"))!)
        })
}
