import TensorEngine

/// Stochastic gradient descent with PyTorch's `torch.optim.SGD` semantics.
///
/// Per step: d = g + λ·p; with momentum μ, b = d on the first step and b = μ·b + (1 − τ)·d afterwards;
/// d = d + μ·b (Nesterov) or d = b; finally p = p − η·d.
public final class SGD: Optimizer {
    /// The parameters, with their names (used as keys of the saved state).
    public let parameters: [(name: String, variable: Variable)]
    /// η.
    public var learningRate: Float
    /// μ (0 disables momentum).
    public let momentum: Float
    /// τ, the dampening of new gradients in the momentum buffer.
    public let dampening: Float
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    /// λ, the L2 penalty added to the gradient.
    public let weightDecay: Float

    private var buffers: [StateBuffer?]

    /// Creates the optimizer over (name, variable) pairs.
    /// - Parameters:
    ///   - parameters: The variables to update, under unique names.
    ///   - learningRate: η ≥ 0.
    ///   - momentum: μ ≥ 0.
    ///   - dampening: τ in [0, 1].
    ///   - nesterov: Nesterov momentum (needs μ > 0 and τ = 0, as in PyTorch).
    ///   - weightDecay: λ ≥ 0.
    /// - Throws: ``NeuralNetworkError/invalidArgument(_:)`` for hyper-parameters outside those ranges.
    public init(namedParameters parameters: [(name: String, variable: Variable)], learningRate: Float,
                momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) throws {
        guard learningRate >= 0, learningRate.isFinite else {
            throw NeuralNetworkError.invalidArgument("SGD learning rate must be ≥ 0, got \(learningRate)")
        }
        guard momentum >= 0, momentum.isFinite else {
            throw NeuralNetworkError.invalidArgument("SGD momentum must be ≥ 0, got \(momentum)")
        }
        guard dampening >= 0, dampening <= 1 else {
            throw NeuralNetworkError.invalidArgument("SGD dampening must be in [0, 1], got \(dampening)")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw NeuralNetworkError.invalidArgument("SGD weight decay must be ≥ 0, got \(weightDecay)")
        }
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw NeuralNetworkError.invalidArgument("Nesterov momentum requires momentum > 0 and zero dampening")
        }
        try checkUniqueNames(parameters)
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        buffers = Array(repeating: nil, count: parameters.count)
    }

    /// Creates the optimizer over a model's parameters (`model.namedParameters()`).
    /// - Parameters:
    ///   - parameters: Parameter entries.
    ///   - learningRate: η ≥ 0.
    ///   - momentum: μ ≥ 0.
    ///   - dampening: τ in [0, 1].
    ///   - nesterov: Nesterov momentum.
    ///   - weightDecay: λ ≥ 0.
    public convenience init(parameters: [ParameterEntry], learningRate: Float, momentum: Float = 0,
                            dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) throws {
        try self.init(namedParameters: namedPairs(parameters), learningRate: learningRate, momentum: momentum,
                      dampening: dampening, nesterov: nesterov, weightDecay: weightDecay)
    }

    public func step() {
        let (lr, mu, decay) = (learningRate, momentum, weightDecay)
        let keep = 1 - dampening
        for (index, (name, variable)) in parameters.enumerated() {
            guard let gradient = variable.gradient else { continue }
            precondition(gradient.shape == variable.value.shape,
                         "SGD: gradient \(describeShape(gradient.shape)) for \(name) \(describeShape(variable.value.shape))")
            if mu == 0 {
                gradient.scalars.withUnsafeBufferPointer { g in
                    variable.value.scalars.withUnsafeMutableBufferPointer { p in
                        for i in 0..<p.count { p[i] -= lr * (g[i] + decay * p[i]) }
                    }
                }
                continue
            }
            let fresh = buffers[index] == nil
            let buffer = buffers[index] ?? StateBuffer(count: variable.value.count)
            buffers[index] = buffer
            let useNesterov = nesterov
            gradient.scalars.withUnsafeBufferPointer { g in
                variable.value.scalars.withUnsafeMutableBufferPointer { p in
                    buffer.values.withUnsafeMutableBufferPointer { b in
                        for i in 0..<p.count {
                            let d = g[i] + decay * p[i]
                            let momentumValue = fresh ? d : mu * b[i] + keep * d
                            b[i] = momentumValue
                            p[i] -= lr * (useNesterov ? d + mu * momentumValue : momentumValue)
                        }
                    }
                }
            }
        }
    }

    public func zeroGradients() { for (_, variable) in parameters { variable.zeroGradient() } }

    /// Momentum buffers under `<name>.momentum_buffer`, for parameters that have one.
    public func stateTensors() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (index, (name, variable)) in parameters.enumerated() {
            if let buffer = buffers[index] {
                state[name + ".momentum_buffer"] = Tensor(shape: variable.value.shape, scalars: buffer.values)
            }
        }
        return state
    }

    public func loadState(_ state: [String: Tensor]) throws {
        let parsed = try parseOptimizerState(state, parameters: parameters, tensorSlots: ["momentum_buffer"],
                                             scalarSlots: [])
        buffers = parsed.map { slots in slots.map { StateBuffer(values: $0["momentum_buffer"]!.scalars) } }
    }
}

/// Throws when two parameters share a name: their saved state would collide.
func checkUniqueNames(_ parameters: [(name: String, variable: Variable)]) throws {
    var seen = Set<String>()
    for (name, _) in parameters where !seen.insert(name).inserted {
        throw NeuralNetworkError.invalidArgument("parameter name \(name) appears twice")
    }
}
