import Training
import _TestSupport
import TensorEngine
import Testing
@testable import PruningCore

@Suite("Lagrangian pieces: ρ schedule, update interval, split variables")
struct LagrangianTests {
    // MARK: ρ schedule

    @Test("constant ρ stays at its initial value")
    func constantRho() throws {
        let schedule = try RhoSchedule.parse("constant", initial: 0.1)
        #expect(schedule.factor == 1 && schedule.cap == nil)
        #expect((0..<5).map { schedule.rho(afterUpdates: $0) } == [0.1, 0.1, 0.1, 0.1, 0.1])
    }

    @Test("geometric ρ grows by its factor per update and stops at the cap")
    func geometricRho() throws {
        let growing = try RhoSchedule.parse("geometric:1.5", initial: 0.1)
        #expect(abs(growing.rho(afterUpdates: 2) - 0.225) < 1e-15)
        #expect(abs(growing.rho(afterUpdates: 3) - 0.3375) < 1e-15)
        let capped = try RhoSchedule.parse("Geometric:2:0.5", initial: 0.1)
        let values = (0..<6).map { capped.rho(afterUpdates: $0) }
        #expect(zip(values, [0.1, 0.2, 0.4, 0.5, 0.5, 0.5]).allSatisfy { abs($0 - $1) < 1e-15 }, "\(values)")
    }

    @Test("any Schedule can drive ρ: its value at epoch u is ρ after u updates")
    func scheduledRho() throws {
        let spec = ScheduleSpec.step(initial: 0.1, factor: 10, interval: 3, unit: .epochs)
        let schedule = try RhoSchedule(schedule: spec)
        let values = (0..<7).map { schedule.rho(afterUpdates: $0) }
        let expected = [0.1, 0.1, 0.1, 1, 1, 1, 10.0]
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(values)")
        #expect(schedule.initial == 0.1)
    }

    @Test("bad ρ schedules throw errors that name the option", arguments: [
        ("linear", "--rho-schedule expects"),
        ("constant:2", "--rho-schedule expects"),
        ("geometric", "--rho-schedule expects"),
        ("geometric:1:2:3", "--rho-schedule expects"),
        ("geometric:fast", "needs a number for FACTOR, got 'fast'"),
        ("geometric:1.1:high", "needs a number for CAP, got 'high'"),
        ("geometric:0", "growth factor must be positive"),
        ("geometric:-2", "growth factor must be positive"),
        ("geometric:1.1:0.05", "cap 0.05 is below the initial ρ 0.1"),
    ])
    func badRhoSchedule(text: String, message: String) {
        let error = #expect(throws: PruningError.self) { _ = try RhoSchedule.parse(text, initial: 0.1) }
        guard case .invalidOption(let description)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(description.contains(message), "\(description)")
    }

    @Test("a non-positive initial ρ is refused")
    func badInitialRho() {
        #expect(throws: PruningError.invalidOption("--rho must be a positive number, got 0.0")) {
            _ = try RhoSchedule.parse("constant", initial: 0)
        }
        #expect(throws: PruningError.self) { _ = try RhoSchedule(initial: -1) }
        #expect(throws: PruningError.self) { _ = try RhoSchedule(initial: .infinity) }
    }

    // MARK: Update interval

    @Test("update intervals parse as epochs or batches", arguments: [
        ("2", UpdateInterval.epochs(2)), ("2e", .epochs(2)), (" 3E ", .epochs(3)), ("1", .epochs(1)),
        ("200b", .batches(200)), ("1B", .batches(1)),
    ])
    func parseInterval(text: String, expected: UpdateInterval) throws {
        #expect(try UpdateInterval.parse(text) == expected)
    }

    @Test("bad update intervals throw an error naming --update-every and the text", arguments: [
        "0", "-1", "0b", "b", "e", "", "2x", "1.5", "2eb", "two",
    ])
    func badInterval(text: String) {
        let error = #expect(throws: PruningError.self) { _ = try UpdateInterval.parse(text) }
        guard case .invalidOption(let description)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(description.hasPrefix("--update-every expects") && description.contains("got '\(text)'"), "\(description)")
    }

    @Test("epoch intervals are due after every k-th epoch, batch intervals after every N-th step")
    func intervalsDue() {
        let everyTwoEpochs = UpdateInterval.epochs(2)
        #expect((1...6).map { everyTwoEpochs.isDue(afterEpoch: $0) } == [false, true, false, true, false, true])
        #expect(!(1...10).contains { everyTwoEpochs.isDue(afterStep: $0) })
        let everyThreeBatches = UpdateInterval.batches(3)
        #expect((1...7).map { everyThreeBatches.isDue(afterStep: $0) } == [false, false, true, false, false, true, false])
        #expect(!(1...4).contains { everyThreeBatches.isDue(afterEpoch: $0) })
    }

    // MARK: Options

    @Test("the shared options default to the papers' values and read the given ones")
    func lagrangianOptions() throws {
        let defaults = try LagrangianOptions(MethodOptions())
        #expect(defaults.rho == (try RhoSchedule(initial: 0.1)))
        #expect(defaults.updateInterval == .epochs(1))
        let given = try LagrangianOptions(MethodOptions(["rho": "0.5", "rho-schedule": "geometric:1.1:2", "update-every": "50b"]))
        #expect(given.rho == (try RhoSchedule(initial: 0.5, factor: 1.1, cap: 2)))
        #expect(given.updateInterval == .batches(50))
        #expect(throws: PruningError.invalidOption("--rho expects a number, got 'big'")) {
            _ = try LagrangianOptions(MethodOptions(["rho": "big"]))
        }
    }

    // MARK: Split variables

    /// W, Z and Λ of two small layers with hand-checkable values.
    static let weights = [Tensor(shape: [2, 2], scalars: [1, -2, 3, 0.5]), Tensor(shape: [3], scalars: [0.25, -1, 2])]
    static let z = [Tensor(shape: [2, 2], scalars: [0, -2, 3, 0]), Tensor(shape: [3], scalars: [0, 0, 2])]
    static let lambda = [Tensor(shape: [2, 2], scalars: [0.5, 0, 0, -1]), Tensor(shape: [3], scalars: [1, 2, 0])]

    @Test("the Lagrangian's Λ and ρ terms, distances and multiplier steps match a hand computation")
    func splitArithmetic() {
        let split = SplitVariables(names: ["a", "b"], z: Self.z, rho: 0.5)
        #expect(split.lambda == [Tensor.zeros([2, 2]), Tensor.zeros([3])])
        // W − Z = [1, 0, 0, 0.5] and [0.25, −1, 0]; tr(Λᵀ(W − Z)) = 0.5 − 0.5 + 0.25 − 2 = −1.75;
        // ‖W − Z‖² = 1 + 0.25 + 0.0625 + 1 = 2.3125; (ρ/2)·2.3125 = 0.578125.
        let terms = split.penaltyTerms(weights: Self.weights, z: Self.z, lambda: Self.lambda)
        #expect(abs(terms - (-1.75 + 0.578125)) < 1e-12)
        let (total, perLayer) = SplitVariables.distances(Self.weights, Self.z)
        #expect(abs(total - 2.3125.squareRoot()) < 1e-7)
        #expect(abs(perLayer[0] - 1.25.squareRoot()) < 1e-7 && abs(perLayer[1] - 1.0625.squareRoot()) < 1e-7)
        // Λ + 2 (W − Z).
        let stepped = split.steppedMultipliers(from: Self.lambda, step: 2, weights: Self.weights, z: Self.z)
        #expect(stepped == [Tensor(shape: [2, 2], scalars: [2.5, 0, 0, 0]), Tensor(shape: [3], scalars: [1.5, 0, 0])])
        // W + Λ/ρ = W + 2Λ.
        let shifted = split.shiftedWeights(Self.weights, lambda: Self.lambda)
        #expect(shifted.map(\.name) == ["a", "b"])
        #expect(shifted.map(\.tensor) == [Tensor(shape: [2, 2], scalars: [2, -2, 3, -1.5]), Tensor(shape: [3], scalars: [2.25, 3, 2])])
        #expect(abs(SplitVariables(names: ["a", "b"], z: Self.lambda, rho: 1).multiplierNorm) == 0)
    }

    @Test("the W-step penalty is (ρ/2)‖W − Z + Λ/ρ‖² with gradient ρ(W − Z + Λ/ρ)")
    func wStepPenalty() {
        let split = SplitVariables(names: ["a", "b"], z: Self.z, rho: 0.5)
        split.update(lambda: Self.lambda)
        #expect(abs(split.multiplierNorm - (0.25 + 1 + 1 + 4).squareRoot()) < 1e-7)
        let variables = Self.weights.map { Variable($0, requiresGradient: true) }
        let penalty = split.penalty(variables)
        // W − Z + Λ/ρ = [2, 0, 0, −1.5] and [2.25, 3, 0]: squares sum to 4 + 2.25 + 5.0625 + 9 = 20.3125.
        #expect(isClose(penalty.value.scalar, Float(0.25 * 20.3125)))
        penalty.backward()
        #expect(variables[0].gradient.map { isClose($0, Tensor(shape: [2, 2], scalars: [1, 0, 0, -0.75])) } == true)
        #expect(variables[1].gradient.map { isClose($0, Tensor(shape: [3], scalars: [1.125, 1.5, 0])) } == true)
    }

    @Test("Z, Λ and ρ survive a save and restore; a saved tensor of the wrong shape is refused")
    func splitRestore() throws {
        let split = SplitVariables(names: ["a", "b"], z: Self.z, rho: 0.5)
        split.update(lambda: Self.lambda, rho: 0.7)
        let state = MethodState(tensors: split.stateTensors, values: ["rho": split.rho])
        #expect(Set(state.tensors.keys) == ["Z.a", "Z.b", "Lambda.a", "Lambda.b"])
        let restored = SplitVariables(names: ["a", "b"], z: Self.weights, rho: 0.1)
        try restored.restore(from: state)
        #expect(restored.z == Self.z && restored.lambda == Self.lambda && restored.rho == 0.7)

        var wrongShape = state
        wrongShape.tensors["Lambda.b"] = Tensor.zeros([4])
        #expect(throws: PruningError.invalidState("saved tensor 'Lambda.b' has shape [4], expected [3]")) {
            try restored.restore(from: wrongShape)
        }
        var missing = state
        missing.values = [:]
        #expect(throws: PruningError.invalidState("the saved method state has no value 'rho'")) {
            try restored.restore(from: missing)
        }
    }
}
