import Testing
@testable import NeuralNetworks

@Suite struct LearningRateScheduleTests {
    @Test func constant() {
        #expect(ConstantSchedule().learningRate(epoch: 17, baseRate: 0.1) == 0.1)
    }

    @Test func stepDecaysEveryStepSizeEpochs() throws {
        let schedule = try StepSchedule(stepSize: 3, gamma: 0.1)
        let rates = (0..<7).map { schedule.learningRate(epoch: $0, baseRate: 1) }
        let expected: [Float] = [1, 1, 1, 0.1, 0.1, 0.1, 0.01]
        for (rate, value) in zip(rates, expected) { #expect(abs(rate - value) < 1e-7) }
        #expect(throws: NeuralNetworkError.self) { try StepSchedule(stepSize: 0) }
    }

    @Test func multiStepDecaysAtMilestones() throws {
        let schedule = try MultiStepSchedule(milestones: [4, 2], gamma: 0.5)
        #expect((0..<6).map { schedule.learningRate(epoch: $0, baseRate: 0.8) } == [0.8, 0.8, 0.4, 0.4, 0.2, 0.2])
    }

    @Test func cosineAnnealsToTheMinimum() throws {
        let schedule = try CosineSchedule(totalEpochs: 4, minimumRate: 0.1)
        // η_min + (η0 − η_min)(1 + cos(π e / E)) / 2 with η0 = 1.1, η_min = 0.1.
        let expected: [Float] = [1.1, 0.1 + 0.5 * (1 + 0.70710678), 0.6, 0.1 + 0.5 * (1 - 0.70710678), 0.1, 0.1]
        for (epoch, value) in expected.enumerated() {
            #expect(abs(schedule.learningRate(epoch: epoch, baseRate: 1.1) - value) < 1e-6)
        }
        // Half-way through epoch 1 equals 1.5 epochs: 0.1 + 0.5 (1 + cos(3π/8)).
        let midEpoch = schedule.learningRate(epoch: 1, step: 5, stepsPerEpoch: 10, baseRate: 1.1)
        #expect(abs(midEpoch - (0.1 + 0.5 * (1 + 0.38268343))) < 1e-6)
        #expect(throws: NeuralNetworkError.self) { try CosineSchedule(totalEpochs: 0) }
    }

    @Test func epochSchedulesIgnoreTheStepByDefault() throws {
        let schedule = try StepSchedule(stepSize: 1, gamma: 0.5)
        #expect(schedule.learningRate(epoch: 1, step: 9, stepsPerEpoch: 10, baseRate: 1) == 0.5)
    }
}
