import Foundation
import NeuralNetworks

/// The settings of an SGD optimizer for one phase of a run (dense training, method phase, retraining).
public struct OptimizerSettings: Codable, Equatable, Sendable {
    /// The learning rate η.
    public var learningRate: Float
    /// The momentum μ.
    public var momentum: Float
    /// Nesterov momentum.
    public var nesterov: Bool
    /// L2 weight decay λ, applied to every parameter (PyTorch's convention).
    public var weightDecay: Float
    /// Cosine decay of the rate to zero over the phase, or a constant rate.
    public var cosine: Bool

    /// Creates settings.
    public init(learningRate: Float, momentum: Float = 0.9, nesterov: Bool = false, weightDecay: Float = 0, cosine: Bool = false) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.cosine = cosine
    }

    /// Dense training of the reference protocol: SGD lr 0.05, momentum 0.9.
    public static let denseTraining = OptimizerSettings(learningRate: 0.05, momentum: 0.9)
    /// The method phase of ADMM and SLR in the authors' code: lr 0.01, momentum 0.5, Nesterov, weight decay 5e-4.
    public static let methodPhase = OptimizerSettings(learningRate: 0.01, momentum: 0.5, nesterov: true, weightDecay: 5e-4)
    /// Masked retraining of the reference protocol: lr 0.01, momentum 0.9.
    public static let retraining = OptimizerSettings(learningRate: 0.01, momentum: 0.9)

    /// Checks the values, naming the phase in errors.
    public func validate(phase: String) throws {
        guard learningRate > 0, learningRate.isFinite else {
            throw TrainingError.invalidSettings("\(phase) learning rate must be a positive number, got \(learningRate)")
        }
        guard momentum >= 0, momentum < 1 else { throw TrainingError.invalidSettings("\(phase) momentum must be in [0, 1), got \(momentum)") }
        guard weightDecay >= 0 else { throw TrainingError.invalidSettings("\(phase) weight decay must be ≥ 0, got \(weightDecay)") }
    }

    /// An SGD optimizer over `parameters` with these settings.
    public func makeOptimizer(for parameters: [ParameterEntry]) throws -> SGD {
        try SGD(parameters: parameters, learningRate: learningRate, momentum: momentum,
                nesterov: nesterov && momentum > 0, weightDecay: weightDecay)
    }

    /// The learning rate at a step of a phase of `epochs` epochs.
    public func learningRate(at progress: TrainingProgress, epochs: Int) -> Float {
        guard cosine, epochs > 0 else { return learningRate }
        let total = Double(epochs * max(progress.stepsPerEpoch, 1))
        let fraction = min(Double(progress.step) / total, 1)
        return Float(0.5 * Double(learningRate) * (1 + cos(Double.pi * fraction)))
    }
}
