import Foundation
import NeuralNetworks
import PruningCore
import SparsityConstraints
import TensorEngine
import Training

/// Magnitude pruning: keep the weights of largest magnitude under the constraint (its Euclidean projection).
///
/// - one-shot: no method phase; hard-prune the dense weights.
/// - iterative: `rounds` rounds over the method phase; round r prunes to 1 − (1 − s)^(r/rounds) and trains with
///   that mask until the next round.
/// - gradual: Zhu & Gupta's AGP schedule, sₜ = s_f + (s_i − s_f)(1 − (t − t₀)/(nΔt))³ over the first
///   `ramp` fraction of the method phase's steps, masks recomputed every `update-every` steps.
public final class MagnitudePruning: PruningMethod {
    /// How sparsity is reached.
    public enum Schedule: String, CaseIterable, Sendable { case oneShot = "one-shot", iterative, gradual }

    public let name = "magnitude"
    /// The schedule.
    public let schedule: Schedule
    /// Rounds of the iterative schedule.
    public let rounds: Int
    /// Steps between mask updates of the gradual schedule.
    public let updateEvery: Int
    /// The starting sparsity of the gradual schedule.
    public let initialSparsity: Double
    /// The fraction of the method phase over which the gradual schedule ramps up.
    public let ramp: Double
    /// A schedule of the sparsity over method-phase steps that replaces the AGP curve of the gradual schedule.
    public let sparsitySchedule: (any PruningCore.Schedule)?

    private var masks: [NamedTensor]?
    private var currentSparsity = 0.0

    /// Creates the method.
    /// - Parameter sparsitySchedule: For the gradual schedule, any ``PruningCore/Schedule`` of the sparsity
    ///   (evaluated at each mask update) in place of the AGP curve; values are clamped to [0, target].
    public init(schedule: Schedule = .oneShot, rounds: Int = 3, updateEvery: Int = 50, initialSparsity: Double = 0,
                ramp: Double = 0.75, sparsitySchedule: (any PruningCore.Schedule)? = nil) throws {
        guard rounds >= 1 else { throw PruningError.invalidOption("--rounds must be ≥ 1, got \(rounds)") }
        guard updateEvery >= 1 else { throw PruningError.invalidOption("--update-every must be ≥ 1 step, got \(updateEvery)") }
        guard (0..<1).contains(initialSparsity) else {
            throw PruningError.invalidOption("--initial-sparsity must be in [0, 1), got \(initialSparsity)")
        }
        guard ramp > 0, ramp <= 1 else { throw PruningError.invalidOption("--ramp must be in (0, 1], got \(ramp)") }
        self.schedule = schedule
        self.rounds = rounds
        self.updateEvery = updateEvery
        self.initialSparsity = initialSparsity
        self.ramp = ramp
        self.sparsitySchedule = sparsitySchedule
    }

    public var settingsSummary: [String: String] {
        var settings = ["schedule": schedule.rawValue]
        switch schedule {
        case .oneShot: break
        case .iterative: settings["rounds"] = String(rounds)
        case .gradual:
            settings["update-every"] = String(updateEvery)
            settings["initial-sparsity"] = String(initialSparsity)
            settings["ramp"] = String(ramp)
        }
        return settings
    }

    public var trainsDuringMethodPhase: Bool { schedule != .oneShot }

    public func prepare(_ session: PruningSession) throws {
        guard schedule != .oneShot, session.methodEpochs > 0 else { return }
        _ = try session.constraint.scheduledTarget(for: "the \(schedule.rawValue) magnitude schedule")
        try updateMasks(session, sparsity: sparsity(atStep: 0, session: session))
    }

    public func afterStep(_ session: PruningSession) throws {
        guard let masks else { return }
        let step = session.progress.step
        let target = sparsity(atStep: step, session: session)
        let due = schedule == .gradual ? step % updateEvery == 0 : target != currentSparsity
        if due && target != currentSparsity {
            try updateMasks(session, sparsity: target)
        } else {
            session.applyMasks(masks)
        }
    }

    public func afterEpoch(_ session: PruningSession) throws -> [IterationDiagnostics] {
        guard schedule != .oneShot else { return [] }
        var diagnostics = IterationDiagnostics(iteration: session.progress.epoch + 1, epoch: session.progress.epoch + 1)
        diagnostics.sparsityTarget = currentSparsity
        return [diagnostics]
    }

    /// The sparsity the schedule asks for at a method-phase step.
    func sparsity(atStep step: Int, session: PruningSession) -> Double {
        guard let final = try? session.constraint.scheduledTarget(for: "") else { return 0 }
        let totalSteps = max(session.methodEpochs * session.progress.stepsPerEpoch, 1)
        switch schedule {
        case .oneShot:
            return final
        case .iterative:
            let round = min(step * rounds / totalSteps + 1, rounds)
            return 1 - Foundation.pow(1 - final, Double(round) / Double(rounds))
        case .gradual:
            let progress = TrainingProgress(step: step, stepsPerEpoch: max(session.progress.stepsPerEpoch, 1))
            if let sparsitySchedule { return min(max(sparsitySchedule.value(at: progress), 0), final) }
            // Zhu & Gupta's cubic, over the first `ramp` of the phase's steps.
            let agp = try? PolynomialSchedule(initial: initialSparsity, final: final, start: 0,
                                              span: max(Double(totalSteps) * ramp, 1), exponent: 3, unit: .steps)
            return agp?.value(at: progress) ?? final
        }
    }

    private func updateMasks(_ session: PruningSession, sparsity: Double) throws {
        let constraint = try session.constraint.adjusted(toSparsity: sparsity, for: "the \(schedule.rawValue) magnitude schedule")
        let (projected, newMasks) = try constraint.projectWithMasks(session.currentWeights())
        session.setWeights(projected)
        masks = newMasks
        currentSparsity = sparsity
    }

    public func saveState() -> MethodState {
        var tensors: [String: Tensor] = [:]
        for mask in masks ?? [] { tensors["mask." + mask.name] = mask.tensor }
        return MethodState(tensors: tensors, values: ["sparsity": currentSparsity])
    }

    public func restoreState(_ state: MethodState, session: PruningSession) throws {
        currentSparsity = try state.value("sparsity")
        guard schedule != .oneShot, !state.tensors.isEmpty else { masks = nil; return }
        masks = try session.parameters.map { entry in
            NamedTensor(name: entry.name, tensor: try state.tensor("mask." + entry.name, shape: entry.variable.value.shape))
        }
    }
}


extension MagnitudePruning {
    /// The registry entry: `magnitude`.
    public static let registration = MethodRegistration(
        name: "magnitude",
        summary: "Keep the largest-magnitude weights: one-shot, iterative (prune and retrain in rounds) or gradual (AGP cubic).",
        options: [
            MethodOption("schedule", "one-shot, iterative or gradual", default: "one-shot"),
            MethodOption("rounds", "rounds of the iterative schedule", default: "3"),
            MethodOption("update-every", "optimizer steps between mask updates of the gradual schedule", default: "50"),
            MethodOption("initial-sparsity", "starting sparsity of the gradual schedule", default: "0"),
            MethodOption("ramp", "fraction of the method phase over which the gradual schedule ramps up", default: "0.75"),
        ],
        make: { options in
            let scheduleName = try options.choice("schedule", Schedule.allCases.map(\.rawValue), default: "one-shot")
            return try MagnitudePruning(schedule: Schedule(rawValue: scheduleName)!,
                                        rounds: try options.int("rounds", default: 3),
                                        updateEvery: try options.int("update-every", default: 50),
                                        initialSparsity: try options.double("initial-sparsity", default: 0),
                                        ramp: try options.double("ramp", default: 0.75))
        })
}
