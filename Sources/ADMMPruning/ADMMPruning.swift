import PruningCore
import SparsityConstraints
import TensorEngine
import Training

/// ADMM weight pruning (Zhang et al., ECCV 2018): SGD on f(W) + (ρ/2)‖W − Z + Λ/ρ‖², and at every update
/// Z ← Π(W + Λ/ρ), Λ ← Λ + ρ(W − Z) — one unconditional dual step of size ρ.
public final class ADMMPruning: PruningMethod {
    public let name = "admm"
    /// ρ, its growth and the update interval.
    public let options: LagrangianOptions

    private var split: SplitVariables?
    private var updates = 0
    private var pending: [IterationDiagnostics] = []

    /// Creates the method.
    public init(options: LagrangianOptions) { self.options = options }

    public var settingsSummary: [String: String] { options.summary }

    public func prepare(_ session: PruningSession) throws {
        let start = try session.warmStart ?? session.projectedWeights()
        split = SplitVariables(names: session.parameterNames, z: start.map(\.tensor), rho: options.rho.rho(afterUpdates: 0))
        updates = 0
        pending = []
    }

    public func penalty(_ session: PruningSession) -> Variable? {
        split?.penalty(session.parameters.map(\.variable))
    }

    public func afterStep(_ session: PruningSession) throws {
        if options.updateInterval.isDue(afterStep: session.progress.step) { try update(session) }
    }

    public func afterEpoch(_ session: PruningSession) throws -> [IterationDiagnostics] {
        if options.updateInterval.isDue(afterEpoch: session.progress.epoch + 1) { try update(session) }
        defer { pending = [] }
        return pending
    }

    /// One ADMM iteration: the Z-step and the dual step.
    private func update(_ session: PruningSession) throws {
        guard let split else { throw PruningError.invalidState("ADMM was not prepared") }
        let weights = session.currentWeights().map(\.tensor)
        let z = try session.constraint.project(split.shiftedWeights(weights, lambda: split.lambda)).map(\.tensor)
        let lambda = split.steppedMultipliers(from: split.lambda, step: split.rho, weights: weights, z: z)
        let usedRho = split.rho
        updates += 1
        split.update(z: z, lambda: lambda, rho: options.rho.rho(afterUpdates: updates))

        var diagnostics = IterationDiagnostics(iteration: updates, epoch: session.progress.epoch + 1)
        let (total, perLayer) = SplitVariables.distances(weights, z)
        diagnostics.distanceToConstraint = total
        diagnostics.layerDistances = Dictionary(uniqueKeysWithValues: zip(split.names, perLayer))
        diagnostics.multiplierNorm = split.multiplierNorm
        diagnostics.rho = usedRho
        diagnostics.stepSize = usedRho
        pending.append(diagnostics)
    }

    /// Hard prune: Π(W).
    public func finalize(_ session: PruningSession) throws -> [NamedTensor] { try session.projectedWeights() }

    public func saveState() -> MethodState {
        var state = MethodState(tensors: split?.stateTensors ?? [:], values: ["updates": Double(updates)])
        state.values["rho"] = split?.rho
        return state
    }

    public func restoreState(_ state: MethodState, session: PruningSession) throws {
        guard let split else { throw PruningError.invalidState("ADMM was not prepared before restoring") }
        try split.restore(from: state)
        updates = Int(try state.value("updates"))
    }
}

extension ADMMPruning {
    /// The registry entry: `admm`.
    public static let registration = MethodRegistration(
        name: "admm",
        summary: "ADMM (Zhang et al. 2018): quadratic penalty toward Z = Π(W + U), unconditional dual step of size ρ.",
        options: LagrangianOptions.descriptions,
        make: { options in ADMMPruning(options: try LagrangianOptions(options)) })
}
