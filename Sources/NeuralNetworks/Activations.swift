import TensorEngine

/// max(x, 0), elementwise (PyTorch's `nn.ReLU`).
public final class ReLU: Layer {
    /// Creates the layer.
    public init() {}

    /// Applies the rectifier.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable { input.relu() }
}

/// Flattens every dimension after the first, in (C, H, W) order (PyTorch's `nn.Flatten()`).
public final class Flatten: Layer {
    /// Creates the layer.
    public init() {}

    /// Reshapes [N, d1, d2, …] to [N, d1·d2·…].
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable { input.flattened() }
}

/// Passes its input through unchanged (PyTorch's `nn.Identity`).
public final class Identity: Layer {
    /// Creates the layer.
    public init() {}

    /// Returns the input.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable { input }
}

/// Inverted dropout: in training, zeroes each element with `probability` and scales the rest by 1/(1 − p).
public final class Dropout: Layer {
    /// The probability of zeroing an element.
    public let probability: Float

    /// Creates the layer.
    /// - Parameter probability: Drop probability in [0, 1).
    public init(probability: Float = 0.5) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// Drops elements in training (drawing from `context.generator`); the identity otherwise.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        dropout(input, probability: probability, training: context.training, generator: &context.generator)
    }
}
