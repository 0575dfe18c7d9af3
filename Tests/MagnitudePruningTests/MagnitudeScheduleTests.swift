import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Testing
@testable import MagnitudePruning
@testable import PruningCore
import Training

@Suite("Magnitude schedules")
struct MagnitudeScheduleTests {
    @Test("gradual: the sparsity follows the AGP cubic at the start, middle and end of the ramp, and stays at the target after it")
    func gradualCubic() throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        // 4 epochs × 10 steps = 40 steps; ramp 0.5 → the cubic runs over steps 0…20.
        let session = Fixtures.session(model: model, constraint: try SparsityConstraint.unstructured(sparsity: 0.8),
                                       data: data, methodEpochs: 4, stepsPerEpoch: 10)
        let method = try MagnitudePruning(schedule: .gradual, updateEvery: 5, initialSparsity: 0.2, ramp: 0.5)
        func s(_ step: Int) -> Double { method.sparsity(atStep: step, session: session) }
        // s_t = 0.8 + (0.2 − 0.8)(1 − t/20)³.
        #expect(abs(s(0) - 0.2) < 1e-12)
        #expect(abs(s(5) - (0.8 - 0.6 * 0.421875)) < 1e-12)
        #expect(abs(s(10) - (0.8 - 0.6 * 0.125)) < 1e-12)
        #expect(abs(s(20) - 0.8) < 1e-12)
        #expect(abs(s(33) - 0.8) < 1e-12)
        #expect(abs(s(40) - 0.8) < 1e-12)
    }

    @Test("gradual: any Schedule can drive the sparsity in place of AGP, clamped to [0, target]")
    func gradualCustomSchedule() throws {
        let data = try Fixtures.data()
        let session = Fixtures.session(model: Fixtures.mlp(), constraint: try SparsityConstraint.unstructured(sparsity: 0.8),
                                       data: data, methodEpochs: 4, stepsPerEpoch: 10)
        // 0.3, then × 2 every 10 steps: 0.3, 0.6, 1.2 (clamped to the target 0.8).
        let schedule = try StepwiseSchedule(initial: 0.3, factor: 2, interval: 10, unit: .steps)
        let method = try MagnitudePruning(schedule: .gradual, updateEvery: 5, sparsitySchedule: schedule)
        func s(_ step: Int) -> Double { method.sparsity(atStep: step, session: session) }
        #expect(abs(s(0) - 0.3) < 1e-12 && abs(s(9) - 0.3) < 1e-12)
        #expect(abs(s(10) - 0.6) < 1e-12)
        #expect(abs(s(25) - 0.8) < 1e-12)
    }

    @Test("gradual: the masks follow the schedule every update-every steps and are re-applied in between")
    func gradualMasks() throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        let session = Fixtures.session(model: model, constraint: try SparsityConstraint.unstructured(sparsity: 0.8),
                                       data: data, methodEpochs: 4, stepsPerEpoch: 10)
        let method = try MagnitudePruning(schedule: .gradual, updateEvery: 5, initialSparsity: 0.2, ramp: 0.5)
        try method.prepare(session)
        func nonZeros() -> [Int] { session.parameters.map { $0.variable.value.nonZeroCount } }
        // Step 0: 20 % of fc1's 432 and fc2's 36 weights: keep ceil(0.8 · 432) = 346 and ceil(0.8 · 36) = 29.
        #expect(nonZeros() == [346, 29])

        // Step 5: s = 0.546875 = 35/64 → keep ceil(29/64 · 432) = 196 and ceil(29/64 · 36) = 17.
        session.progress.step = 5
        try method.afterStep(session)
        #expect(nonZeros() == [Fixtures.keep(numerator: 35, denominator: 64, of: 432), Fixtures.keep(numerator: 35, denominator: 64, of: 36)])
        #expect(nonZeros() == [196, 17])
        let masked = session.currentWeights()

        // Step 6 is no update step: a training step that revived pruned weights is masked back to the same pattern.
        session.setWeights(masked.map { NamedTensor(name: $0.name, tensor: $0.tensor.map { $0 == 0 ? 0.5 : $0 }) })
        session.progress.step = 6
        try method.afterStep(session)
        #expect(session.currentWeights() == masked)

        // Step 10: s = 0.725 = 29/40 → keep ceil(11/40 · 432) = 119 and ceil(11/40 · 36) = 10.
        session.progress.step = 10
        try method.afterStep(session)
        #expect(nonZeros() == [119, 10])
        // Step 20, the end of the ramp: s = 0.8 → keep ceil(0.2 · 432) = 87 and ceil(0.2 · 36) = 8.
        session.progress.step = 20
        try method.afterStep(session)
        #expect(nonZeros() == [87, 8])
        let diagnostics = try method.afterEpoch(session)
        #expect(diagnostics.map(\.sparsityTarget) == [0.8])
    }

    @Test("iterative: round r of k prunes to 1 − (1 − s)^(r/k)")
    func iterativeRounds() throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        // s = 0.875 in 3 rounds: 1 − 0.125^(r/3) = 1 − 0.5^r = 0.5, 0.75, 0.875; 30 steps, 10 per round.
        let session = Fixtures.session(model: model, constraint: try SparsityConstraint.unstructured(sparsity: 0.875),
                                       data: data, methodEpochs: 3, stepsPerEpoch: 10)
        let method = try MagnitudePruning(schedule: .iterative, rounds: 3)
        func s(_ step: Int) -> Double { method.sparsity(atStep: step, session: session) }
        for (step, expected) in [(0, 0.5), (9, 0.5), (10, 0.75), (19, 0.75), (20, 0.875), (29, 0.875), (30, 0.875)] {
            #expect(abs(s(step) - expected) < 1e-12, "step \(step): \(s(step))")
        }

        try method.prepare(session)
        func nonZeros() -> [Int] { session.parameters.map { $0.variable.value.nonZeroCount } }
        #expect(nonZeros() == [216, 18])
        session.progress.step = 9
        try method.afterStep(session)
        #expect(nonZeros() == [216, 18])
        session.progress.step = 10
        try method.afterStep(session)
        #expect(nonZeros() == [108, 9])
        session.progress.step = 20
        try method.afterStep(session)
        #expect(nonZeros() == [54, 5])
        // Hard pruning at the end keeps the last round's pattern.
        #expect(try method.finalize(session) == session.currentWeights())
    }

    @Test("gradual and iterative schedules refuse an N:M constraint with an error that names it", arguments: [
        MagnitudePruning.Schedule.gradual, .iterative,
    ])
    func scheduledNMRefused(schedule: MagnitudePruning.Schedule) throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        let before = Fixtures.state(of: model)
        let pipeline = PruningPipeline(configuration: Fixtures.configuration())
        let constraint = try NMConstraint(n: 2, m: 4)
        let error = #expect(throws: PruningError.self) {
            _ = try pipeline.run(method: try MagnitudePruning(schedule: schedule), model: model,
                                 parameters: Fixtures.weights(of: model), constraint: constraint, data: data)
        }
        guard case .invalidOption(let text)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(text.contains("the \(schedule.rawValue) magnitude schedule needs a constraint whose sparsity can be scheduled"), "\(text)")
        #expect(text.contains("2:4"), "\(text)")
        #expect(Fixtures.state(of: model) == before)
    }

    @Test("one-shot magnitude accepts an N:M constraint")
    func oneShotNM() throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        let (result, _) = try PruningPipeline(configuration: Fixtures.configuration(retrainEpochs: 1)).run(
            method: try MagnitudePruning(), model: model, parameters: Fixtures.weights(of: model),
            constraint: try NMConstraint(n: 2, m: 4), data: data)
        #expect(result.sparsity.layers.map(\.nonZero) == [216, 18])
    }

    @Test("bad magnitude options throw errors that name the option", arguments: [
        (["schedule": "cubic"], "--schedule expects one of one-shot, iterative, gradual, got 'cubic'"),
        (["rounds": "0"], "--rounds must be ≥ 1, got 0"),
        (["rounds": "two"], "--rounds expects an integer, got 'two'"),
        (["update-every": "0"], "--update-every must be ≥ 1 step, got 0"),
        (["initial-sparsity": "1"], "--initial-sparsity must be in [0, 1), got 1.0"),
        (["ramp": "0"], "--ramp must be in (0, 1], got 0.0"),
        (["ramp": "1.5"], "--ramp must be in (0, 1], got 1.5"),
    ])
    func badOptions(values: [String: String], message: String) {
        #expect(throws: PruningError.invalidOption(message)) {
            _ = try MagnitudePruning.registration.make(MethodOptions(values))
        }
    }

    @Test("the registration reads its options")
    func registration() throws {
        let method = try #require(try MagnitudePruning.registration.make(
            MethodOptions(["schedule": "gradual", "update-every": "7", "initial-sparsity": "0.1", "ramp": "0.6"])) as? MagnitudePruning)
        #expect(method.schedule == .gradual && method.updateEvery == 7 && method.initialSparsity == 0.1 && method.ramp == 0.6)
        #expect(method.settingsSummary == ["schedule": "gradual", "update-every": "7", "initial-sparsity": "0.1", "ramp": "0.6"])
        #expect(try MagnitudePruning.registration.make(MethodOptions()).trainsDuringMethodPhase == false)
    }

    @Test("the gradual schedule's masks and sparsity survive a save and restore")
    func stateRoundTrip() throws {
        let data = try Fixtures.data()
        let model = Fixtures.mlp()
        let session = Fixtures.session(model: model, constraint: try SparsityConstraint.unstructured(sparsity: 0.8),
                                       data: data, methodEpochs: 4, stepsPerEpoch: 10)
        let method = try MagnitudePruning(schedule: .gradual, updateEvery: 5, initialSparsity: 0.2, ramp: 0.5)
        try method.prepare(session)
        session.progress.step = 10
        try method.afterStep(session)
        let state = method.saveState()
        #expect(state.values.count == 1 && abs((state.values["sparsity"] ?? 0) - 0.725) < 1e-12)
        #expect(Set(state.tensors.keys) == ["mask.fc1.weight", "mask.fc2.weight"])

        let restored = try MagnitudePruning(schedule: .gradual, updateEvery: 5, initialSparsity: 0.2, ramp: 0.5)
        try restored.restoreState(state, session: session)
        #expect(restored.saveState() == state)
        var wrong = state
        wrong.tensors["mask.fc2.weight"] = Tensor.zeros([12, 3])
        #expect(throws: PruningError.invalidState("saved tensor 'mask.fc2.weight' has shape [12, 3], expected [3, 12]")) {
            try restored.restoreState(wrong, session: session)
        }
    }
}
