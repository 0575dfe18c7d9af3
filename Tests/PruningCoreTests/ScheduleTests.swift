import Foundation
import Testing
import _TestSupport
@testable import PruningCore
import Training

/// The conforming example from the `Schedule` documentation.
struct LinearWarmup: Schedule {
    var target: Double
    var epochs: Double
    var summary: String { "linear warm-up to \(target) over \(epochs) epochs" }
    func value(at progress: TrainingProgress) -> Double {
        target * min(1, progress.fractionalEpoch / epochs)
    }
}

func isClose(_ a: Double, _ b: Double, tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

@Suite("Schedules against hand-computed values")
struct ScheduleTests {
    @Test("training progress counts epochs, steps and fractions")
    func progress() {
        let middle = TrainingProgress(step: 250, stepsPerEpoch: 100)
        #expect(middle.epoch == 2)
        #expect(middle.fractionalEpoch == 2.5)
        #expect(middle.time(in: .epochs) == 2 && middle.time(in: .steps) == 250 && middle.time(in: .fractionalEpochs) == 2.5)
        #expect(TrainingProgress(epoch: 3, stepsPerEpoch: 10).step == 30)
        #expect(LinearWarmup(target: 1, epochs: 4).value(at: TrainingProgress(step: 150, stepsPerEpoch: 100)) == 0.375)
    }

    @Test("constant")
    func constant() {
        #expect(FixedSchedule(0.1).value(at: TrainingProgress(epoch: 99)) == 0.1)
    }

    @Test("step: multiply by γ every k epochs")
    func step() throws {
        let schedule = try StepwiseSchedule(initial: 0.1, factor: 0.1, interval: 30)
        #expect(schedule.value(at: TrainingProgress(epoch: 0)) == 0.1)
        #expect(schedule.value(at: TrainingProgress(epoch: 29)) == 0.1)
        #expect(isClose(schedule.value(at: TrainingProgress(epoch: 30)), 0.01))
        #expect(isClose(schedule.value(at: TrainingProgress(epoch: 65)), 0.001))
        let bySteps = try StepwiseSchedule(initial: 1, factor: 10, interval: 100, unit: .steps)
        #expect(bySteps.value(at: TrainingProgress(step: 199, stepsPerEpoch: 50)) == 10)
        #expect(bySteps.value(at: TrainingProgress(step: 200, stepsPerEpoch: 50)) == 100)
    }

    @Test("piecewise values")
    func piecewise() throws {
        let schedule = try PiecewiseSchedule(initial: 0.1, changes: [.init(at: 30, value: 0.01), .init(at: 60, value: 0.001)])
        #expect(schedule.value(at: TrainingProgress(epoch: 29)) == 0.1)
        #expect(schedule.value(at: TrainingProgress(epoch: 30)) == 0.01)
        #expect(schedule.value(at: TrainingProgress(epoch: 59)) == 0.01)
        #expect(schedule.value(at: TrainingProgress(epoch: 200)) == 0.001)
    }

    @Test("AGP cubic at t0, midpoint and end, clamped outside")
    func agp() throws {
        // s_i = 0, s_f = 0.9, t0 = 2, Δt = 1, n = 10: s_t = 0.9 − 0.9 (1 − (t − 2)/10)³.
        let schedule = try PolynomialSchedule.agp(initialSparsity: 0, finalSparsity: 0.9, start: 2, updateInterval: 1, updates: 10)
        #expect(schedule.value(at: TrainingProgress(epoch: 0)) == 0)
        #expect(schedule.value(at: TrainingProgress(epoch: 2)) == 0)
        #expect(isClose(schedule.value(at: TrainingProgress(epoch: 7)), 0.7875))         // 0.9 − 0.9 · 0.125
        #expect(isClose(schedule.value(at: TrainingProgress(epoch: 4)), 0.9 - 0.9 * 0.512))
        #expect(schedule.value(at: TrainingProgress(epoch: 12)) == 0.9)
        #expect(schedule.value(at: TrainingProgress(epoch: 40)) == 0.9)
    }

    @Test("AGP holds its value between updates")
    func agpUpdates() throws {
        // Δt = 2 epochs, n = 5, counted in fractional epochs: t = 3.9 rounds down to the update at t = 2.
        let schedule = try PolynomialSchedule.agp(initialSparsity: 0.1, finalSparsity: 0.5, start: 0, updateInterval: 2,
                                                  updates: 5, unit: .fractionalEpochs)
        let atTwo = 0.5 + (0.1 - 0.5) * pow(0.8, 3)
        #expect(isClose(schedule.value(at: TrainingProgress(step: 39, stepsPerEpoch: 10)), atTwo))
        #expect(isClose(schedule.value(at: TrainingProgress(step: 20, stepsPerEpoch: 10)), atTwo))
        #expect(schedule.value(at: TrainingProgress(step: 19, stepsPerEpoch: 10)) == 0.1)
    }

    @Test("polynomial with another exponent")
    func linearRamp() throws {
        let schedule = try PolynomialSchedule(initial: 1, final: 3, start: 0, span: 100, exponent: 1, unit: .steps)
        #expect(schedule.value(at: TrainingProgress(step: 25, stepsPerEpoch: 10)) == 1.5)
    }

    @Test("geometric growth with a cap")
    func geometric() throws {
        let schedule = try GeometricSchedule(initial: 0.1, factor: 1.1, maximum: 0.13)
        #expect(schedule.value(at: TrainingProgress(epoch: 0)) == 0.1)
        #expect(isClose(schedule.value(at: TrainingProgress(epoch: 2)), 0.121))
        #expect(schedule.value(at: TrainingProgress(epoch: 3)) == 0.13)    // 0.1331 capped
        let decay = try GeometricSchedule(initial: 1, factor: 0.5, minimum: 0.2)
        #expect(decay.value(at: TrainingProgress(epoch: 2)) == 0.25)
        #expect(decay.value(at: TrainingProgress(epoch: 3)) == 0.2)
    }

    @Test("invalid parameters throw naming the parameter")
    func invalid() {
        expectThrows(["interval", "greater than 0"]) { _ = try StepwiseSchedule(initial: 1, factor: 0.1, interval: 0) }
        expectThrows(["span", "greater than 0"]) { _ = try PolynomialSchedule(initial: 0, final: 1, start: 0, span: -1) }
        expectThrows(["AGP updates", "at least 1"]) {
            _ = try PolynomialSchedule.agp(initialSparsity: 0, finalSparsity: 0.9, start: 0, updateInterval: 1, updates: 0)
        }
        expectThrows(["factor", "greater than 0"]) { _ = try GeometricSchedule(initial: 1, factor: 0) }
        expectThrows(["maximum 1.0", "minimum 2.0"]) { _ = try GeometricSchedule(initial: 1, factor: 2, minimum: 2, maximum: 1) }
        expectThrows(["change 1", "strictly increasing"]) {
            _ = try PiecewiseSchedule(initial: 1, changes: [.init(at: 5, value: 2), .init(at: 5, value: 3)])
        }
        expectThrows(["initial", "finite"]) { _ = try ScheduleSpec.step(initial: .nan, factor: 1, interval: 1, unit: .epochs).makeSchedule() }
    }

    @Test("ScheduleSpec round-trips through JSON and rebuilds the same schedule")
    func specs() throws {
        let schedules: [any Schedule] = [
            FixedSchedule(0.5),
            try StepwiseSchedule(initial: 0.1, factor: 0.5, interval: 3),
            try PiecewiseSchedule(initial: 1, changes: [.init(at: 2, value: 3)], unit: .steps),
            try PolynomialSchedule.agp(initialSparsity: 0, finalSparsity: 0.8, start: 1, updateInterval: 1, updates: 4),
            try GeometricSchedule(initial: 0.1, factor: 1.1, maximum: 1),
        ]
        for schedule in schedules {
            let spec: ScheduleSpec
            switch schedule {
            case let s as FixedSchedule: spec = s.spec
            case let s as StepwiseSchedule: spec = s.spec
            case let s as PiecewiseSchedule: spec = s.spec
            case let s as PolynomialSchedule: spec = s.spec
            case let s as GeometricSchedule: spec = s.spec
            default: Issue.record("unexpected schedule"); continue
            }
            let decoded = try JSONDecoder().decode(ScheduleSpec.self, from: JSONEncoder().encode(spec))
            #expect(decoded == spec)
            let rebuilt = try decoded.makeSchedule()
            for epoch in 0..<8 {
                let progress = TrainingProgress(step: epoch * 3, epoch: epoch, stepsPerEpoch: 3)
                #expect(rebuilt.value(at: progress) == schedule.value(at: progress))
            }
            #expect(rebuilt.summary == schedule.summary)
        }
    }
}
