import Foundation
import TensorEngine

/// Adam with PyTorch's `torch.optim.Adam` semantics (L2 weight decay added to the gradient), or AdamW's
/// decoupled decay when `decoupledWeightDecay` is set.
///
/// Per step t: g = g + λ·p; m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²;
/// p = p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε).
public final class Adam: Optimizer {
    /// The parameters, with their names (used as keys of the saved state).
    public let parameters: [(name: String, variable: Variable)]
    /// η.
    public var learningRate: Float
    /// β₁.
    public let beta1: Float
    /// β₂.
    public let beta2: Float
    /// ε.
    public let epsilon: Float
    /// λ.
    public let weightDecay: Float
    /// AdamW: p = p·(1 − ηλ) before the Adam update instead of adding λp to the gradient.
    public let decoupledWeightDecay: Bool

    private final class Moments {
        let first: StateBuffer
        let second: StateBuffer
        var step: Int
        init(first: StateBuffer, second: StateBuffer, step: Int) {
            self.first = first
            self.second = second
            self.step = step
        }
    }
    private var moments: [Moments?]

    /// Creates the optimizer over (name, variable) pairs.
    /// - Parameters:
    ///   - parameters: The variables to update, under unique names.
    ///   - learningRate: η ≥ 0.
    ///   - beta1: β₁ in [0, 1).
    ///   - beta2: β₂ in [0, 1).
    ///   - epsilon: ε ≥ 0.
    ///   - weightDecay: λ ≥ 0.
    ///   - decoupledWeightDecay: AdamW-style decay.
    /// - Throws: ``NeuralNetworkError/invalidArgument(_:)`` for hyper-parameters outside those ranges.
    public init(namedParameters parameters: [(name: String, variable: Variable)], learningRate: Float = 1e-3,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                decoupledWeightDecay: Bool = false) throws {
        guard learningRate >= 0, learningRate.isFinite else {
            throw NeuralNetworkError.invalidArgument("Adam learning rate must be ≥ 0, got \(learningRate)")
        }
        guard beta1 >= 0, beta1 < 1, beta2 >= 0, beta2 < 1 else {
            throw NeuralNetworkError.invalidArgument("Adam betas must be in [0, 1), got (\(beta1), \(beta2))")
        }
        guard epsilon >= 0, epsilon.isFinite else {
            throw NeuralNetworkError.invalidArgument("Adam epsilon must be ≥ 0, got \(epsilon)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw NeuralNetworkError.invalidArgument("Adam weight decay must be ≥ 0, got \(weightDecay)")
        }
        try checkUniqueNames(parameters)
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        moments = Array(repeating: nil, count: parameters.count)
    }

    /// Creates the optimizer over a model's parameters (`model.namedParameters()`).
    /// - Parameters:
    ///   - parameters: Parameter entries.
    ///   - learningRate: η ≥ 0.
    ///   - beta1: β₁ in [0, 1).
    ///   - beta2: β₂ in [0, 1).
    ///   - epsilon: ε ≥ 0.
    ///   - weightDecay: λ ≥ 0.
    ///   - decoupledWeightDecay: AdamW-style decay.
    public convenience init(parameters: [ParameterEntry], learningRate: Float = 1e-3, beta1: Float = 0.9,
                            beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                            decoupledWeightDecay: Bool = false) throws {
        try self.init(namedParameters: namedPairs(parameters), learningRate: learningRate, beta1: beta1, beta2: beta2,
                      epsilon: epsilon, weightDecay: weightDecay, decoupledWeightDecay: decoupledWeightDecay)
    }

    public func step() {
        let (b1, b2, eps, lr) = (beta1, beta2, epsilon, learningRate)
        let couplingDecay = decoupledWeightDecay ? 0 : weightDecay
        let shrink = decoupledWeightDecay ? 1 - lr * weightDecay : 1
        for (index, (name, variable)) in parameters.enumerated() {
            guard let gradient = variable.gradient else { continue }
            precondition(gradient.shape == variable.value.shape,
                         "Adam: gradient \(describeShape(gradient.shape)) for \(name) \(describeShape(variable.value.shape))")
            let state = moments[index] ?? Moments(first: StateBuffer(count: variable.value.count),
                                                  second: StateBuffer(count: variable.value.count), step: 0)
            moments[index] = state
            state.step += 1
            // Bias corrections in Double, as PyTorch computes them in Python floats.
            let correction1 = 1 - pow(Double(b1), Double(state.step))
            let correction2 = 1 - pow(Double(b2), Double(state.step))
            let stepSize = Float(Double(lr) / correction1)
            let inverseRootCorrection2 = Float(1 / correction2.squareRoot())
            gradient.scalars.withUnsafeBufferPointer { g in
                variable.value.scalars.withUnsafeMutableBufferPointer { p in
                    state.first.values.withUnsafeMutableBufferPointer { m in
                        state.second.values.withUnsafeMutableBufferPointer { v in
                            for i in 0..<p.count {
                                p[i] *= shrink
                                let gi = g[i] + couplingDecay * p[i]
                                m[i] = b1 * m[i] + (1 - b1) * gi
                                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                                p[i] -= stepSize * m[i] / (v[i].squareRoot() * inverseRootCorrection2 + eps)
                            }
                        }
                    }
                }
            }
        }
    }

    public func zeroGradients() { for (_, variable) in parameters { variable.zeroGradient() } }

    /// `<name>.exp_avg`, `<name>.exp_avg_sq` and `<name>.step` (shape []) for every parameter stepped so far.
    public func stateTensors() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (index, (name, variable)) in parameters.enumerated() {
            guard let moment = moments[index] else { continue }
            state[name + ".exp_avg"] = Tensor(shape: variable.value.shape, scalars: moment.first.values)
            state[name + ".exp_avg_sq"] = Tensor(shape: variable.value.shape, scalars: moment.second.values)
            state[name + ".step"] = Tensor(scalar: Float(moment.step))
        }
        return state
    }

    public func loadState(_ state: [String: Tensor]) throws {
        let parsed = try parseOptimizerState(state, parameters: parameters, tensorSlots: ["exp_avg", "exp_avg_sq"],
                                             scalarSlots: ["step"])
        moments = parsed.map { slots in
            slots.map {
                Moments(first: StateBuffer(values: $0["exp_avg"]!.scalars),
                        second: StateBuffer(values: $0["exp_avg_sq"]!.scalars),
                        step: Int(min($0["step"]!.scalars[0].rounded(), 9.0e15)))
            }
        }
    }
}
