import TensorEngine

/// A fully connected layer, y = x Wᵀ + b, with PyTorch's layout (`weight` [out, in], `bias` [out]).
public final class Linear: Layer {
    /// The weight, [outFeatures, inFeatures].
    public let weight: Variable
    /// The bias, [outFeatures], or nil.
    public let bias: Variable?

    /// The number of input features.
    public var inFeatures: Int { weight.value.shape[1] }
    /// The number of output features.
    public var outFeatures: Int { weight.value.shape[0] }

    /// Creates a layer with PyTorch's default initialisation, U(−1/√in, 1/√in) for weight and bias.
    /// - Parameters:
    ///   - inFeatures: Input width.
    ///   - outFeatures: Output width.
    ///   - bias: Whether to add a bias.
    ///   - generator: The seeded random stream; weight drawn first, then bias.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, generator: inout SeededGenerator) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear(\(inFeatures), \(outFeatures)) needs positive sizes")
        weight = Variable(DefaultInitialization.uniform([outFeatures, inFeatures], fanIn: inFeatures, generator: &generator),
                          requiresGradient: true)
        self.bias = bias
            ? Variable(DefaultInitialization.uniform([outFeatures], fanIn: inFeatures, generator: &generator), requiresGradient: true)
            : nil
    }

    /// Creates a layer from given tensors.
    /// - Parameters:
    ///   - weight: [out, in].
    ///   - bias: [out], or nil.
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(describeShape(weight.shape))")
        precondition(bias == nil || bias!.shape == [weight.shape[0]],
                     "Linear bias must be [\(weight.shape[0])], got \(describeShape(bias!.shape))")
        self.weight = Variable(weight, requiresGradient: true)
        self.bias = bias.map { Variable($0, requiresGradient: true) }
    }

    /// Applies the layer to a [N, inFeatures] batch.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        linear(input, weight: weight, bias: bias)
    }

    public var localParameters: [(name: String, variable: Variable)] {
        bias.map { [("weight", weight), ("bias", $0)] } ?? [("weight", weight)]
    }
}
