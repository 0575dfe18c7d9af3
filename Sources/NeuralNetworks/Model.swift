import TensorEngine

/// A network ready for training and pruning: the root layer with its name, input shape, class count and the
/// random stream its dropout layers draw from.
public final class Model {
    /// The zoo name (`lenet5`, `resnet18`, …) or a caller's label.
    public let name: String
    /// The layer tree.
    public let root: any Layer
    /// The shape of one example, [C, H, W] (or [features] for flat inputs).
    public let inputShape: [Int]
    /// The number of output classes.
    public let classes: Int
    /// The stream random layers use in ``callAsFunction(_:training:)``; save it to resume exactly.
    public var generator: SeededGenerator

    /// Wraps a layer tree.
    /// - Parameters:
    ///   - name: A label.
    ///   - root: The layer tree.
    ///   - inputShape: The shape of one example.
    ///   - classes: The number of outputs.
    ///   - seed: Seeds the stream for dropout.
    public init(name: String, root: any Layer, inputShape: [Int], classes: Int, seed: UInt64 = 0) {
        self.name = name
        self.root = root
        self.inputShape = inputShape
        self.classes = classes
        generator = SeededGenerator(seed: seed).derived(stream: 0xD20)
    }

    /// Runs the network on a batch, drawing dropout masks from the model's own generator.
    /// - Parameters:
    ///   - input: A batch [N] + ``inputShape``.
    ///   - training: Training mode (batch statistics, dropout) or evaluation mode.
    public func callAsFunction(_ input: Variable, training: Bool) -> Variable {
        var context = ForwardContext(training: training, generator: generator)
        let output = forward(input, context: &context)
        generator = context.generator
        return output
    }

    /// Runs the network with a caller's context (e.g. one with an input observer).
    /// - Parameters:
    ///   - input: A batch [N] + ``inputShape``.
    ///   - context: Mode, random stream and observer.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        root(input, context: &context)
    }

    /// The logits of a batch in evaluation mode, without building a graph for gradients.
    /// - Parameter input: A batch [N] + ``inputShape``.
    public func predict(_ input: Tensor) -> Tensor {
        GradientTape.withoutRecording { self(Variable(input), training: false).value }
    }

    /// Throws unless `shape` is [N] + ``inputShape`` with N ≥ 1.
    /// - Parameter shape: The shape of a batch.
    public func validateInput(shape: [Int]) throws {
        guard shape.count == inputShape.count + 1, shape.first ?? 0 >= 1, Array(shape.dropFirst()) == inputShape else {
            throw NeuralNetworkError.inputShape(expected: inputShape, found: shape)
        }
    }

    /// Every trainable parameter under its `state_dict` name, in PyTorch's order.
    public func namedParameters() -> [ParameterEntry] { root.namedParameters() }
    /// Every buffer under its `state_dict` name.
    public func namedBuffers() -> [BufferEntry] { root.namedBuffers() }
    /// Every layer with its dotted path (the root has the empty name).
    public func namedLayers() -> [(name: String, layer: any Layer)] { root.namedLayers() }
    /// Parameters and buffers under their `state_dict` names, in PyTorch's order.
    public func stateDict() -> [(name: String, tensor: Tensor)] { root.stateDict() }
    /// Loads a full state or, on any missing, unexpected or mis-shaped entry, changes nothing and throws.
    /// - Parameter tensors: The state, keyed by `state_dict` names.
    public func loadStateDict(_ tensors: [String: Tensor]) throws { try root.loadStateDict(tensors) }
    /// The total number of trainable scalars.
    public var parameterCount: Int { root.parameterCount }
    /// Clears every parameter's gradient.
    public func zeroGradients() { for entry in namedParameters() { entry.variable.zeroGradient() } }
}
