import Foundation

/// Maps training progress to a learning rate.
///
/// ```swift
/// struct Halving: LearningRateSchedule {
///     func learningRate(epoch: Int, baseRate: Float) -> Float { baseRate / Float(1 << min(epoch, 30)) }
/// }
/// ```
public protocol LearningRateSchedule {
    /// The rate for a whole epoch (epochs count from 0).
    /// - Parameters:
    ///   - epoch: The epoch index, from 0.
    ///   - baseRate: The initial rate.
    func learningRate(epoch: Int, baseRate: Float) -> Float

    /// The rate for one step inside an epoch; by default the epoch's rate.
    /// - Parameters:
    ///   - epoch: The epoch index, from 0.
    ///   - step: The step inside the epoch, from 0.
    ///   - stepsPerEpoch: Steps in one epoch.
    ///   - baseRate: The initial rate.
    func learningRate(epoch: Int, step: Int, stepsPerEpoch: Int, baseRate: Float) -> Float
}

extension LearningRateSchedule {
    public func learningRate(epoch: Int, step: Int, stepsPerEpoch: Int, baseRate: Float) -> Float {
        learningRate(epoch: epoch, baseRate: baseRate)
    }
}

/// The base rate throughout.
public struct ConstantSchedule: LearningRateSchedule, Sendable {
    /// Creates the schedule.
    public init() {}
    public func learningRate(epoch: Int, baseRate: Float) -> Float { baseRate }
}

/// The base rate times `gamma` for every `stepSize` epochs completed (PyTorch's `StepLR`).
public struct StepSchedule: LearningRateSchedule, Sendable {
    /// Epochs between decays.
    public let stepSize: Int
    /// The decay factor.
    public let gamma: Float

    /// Creates the schedule.
    /// - Parameters:
    ///   - stepSize: Epochs between decays, ≥ 1.
    ///   - gamma: Decay factor, > 0.
    /// - Throws: ``NeuralNetworkError/invalidArgument(_:)`` otherwise.
    public init(stepSize: Int, gamma: Float = 0.1) throws {
        guard stepSize >= 1 else { throw NeuralNetworkError.invalidArgument("step schedule: step size must be ≥ 1, got \(stepSize)") }
        guard gamma > 0, gamma.isFinite else { throw NeuralNetworkError.invalidArgument("step schedule: gamma must be > 0, got \(gamma)") }
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(epoch: Int, baseRate: Float) -> Float {
        baseRate * Float(pow(Double(gamma), Double(max(epoch, 0) / stepSize)))
    }
}

/// The base rate times `gamma` for every milestone epoch reached (PyTorch's `MultiStepLR`).
public struct MultiStepSchedule: LearningRateSchedule, Sendable {
    /// Epochs at which the rate is multiplied by `gamma`, ascending.
    public let milestones: [Int]
    /// The decay factor.
    public let gamma: Float

    /// Creates the schedule.
    /// - Parameters:
    ///   - milestones: Epochs ≥ 1 at which to decay.
    ///   - gamma: Decay factor, > 0.
    /// - Throws: ``NeuralNetworkError/invalidArgument(_:)`` for non-positive milestones or gamma.
    public init(milestones: [Int], gamma: Float = 0.1) throws {
        guard milestones.allSatisfy({ $0 >= 1 }) else {
            throw NeuralNetworkError.invalidArgument("multi-step schedule: milestones must be ≥ 1, got \(milestones)")
        }
        guard gamma > 0, gamma.isFinite else {
            throw NeuralNetworkError.invalidArgument("multi-step schedule: gamma must be > 0, got \(gamma)")
        }
        self.milestones = milestones.sorted()
        self.gamma = gamma
    }

    public func learningRate(epoch: Int, baseRate: Float) -> Float {
        baseRate * Float(pow(Double(gamma), Double(milestones.filter { $0 <= epoch }.count)))
    }
}

/// Cosine annealing from the base rate at epoch 0 to `minimumRate` at epoch `totalEpochs`, then flat
/// (PyTorch's `CosineAnnealingLR` with `T_max = totalEpochs`, without its restart after T_max).
public struct CosineSchedule: LearningRateSchedule, Sendable {
    /// Epochs over which to anneal.
    public let totalEpochs: Int
    /// The final rate.
    public let minimumRate: Float

    /// Creates the schedule.
    /// - Parameters:
    ///   - totalEpochs: Annealing length, ≥ 1.
    ///   - minimumRate: The final rate, ≥ 0.
    /// - Throws: ``NeuralNetworkError/invalidArgument(_:)`` otherwise.
    public init(totalEpochs: Int, minimumRate: Float = 0) throws {
        guard totalEpochs >= 1 else {
            throw NeuralNetworkError.invalidArgument("cosine schedule: total epochs must be ≥ 1, got \(totalEpochs)")
        }
        guard minimumRate >= 0, minimumRate.isFinite else {
            throw NeuralNetworkError.invalidArgument("cosine schedule: minimum rate must be ≥ 0, got \(minimumRate)")
        }
        self.totalEpochs = totalEpochs
        self.minimumRate = minimumRate
    }

    public func learningRate(epoch: Int, baseRate: Float) -> Float {
        rate(progress: Double(epoch), baseRate: baseRate)
    }

    /// Anneals per step, using the fractional epoch `epoch + step / stepsPerEpoch`.
    public func learningRate(epoch: Int, step: Int, stepsPerEpoch: Int, baseRate: Float) -> Float {
        rate(progress: Double(epoch) + Double(step) / Double(max(stepsPerEpoch, 1)), baseRate: baseRate)
    }

    private func rate(progress: Double, baseRate: Float) -> Float {
        let t = min(max(progress, 0), Double(totalEpochs)) / Double(totalEpochs)
        return minimumRate + (baseRate - minimumRate) * Float((1 + cos(Double.pi * t)) / 2)
    }
}
