import TensorEngine

/// A building block of a network: a function of one input, with named parameters, buffers and sub-layers.
///
/// Names follow PyTorch's `state_dict`: a layer lists its own parameters and buffers under local names
/// (`weight`, `running_mean`), and its children under their attribute names (`conv1`, `0`, `layer1`);
/// the full name of a parameter joins the path with dots (`layer1.0.conv1.weight`).
///
/// ```swift
/// final class Scale: Layer {
///     let factor = Variable(Tensor(scalar: 2), requiresGradient: true)
///     func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
///         input * Variable(Tensor(repeating: factor.value.scalar, shape: input.shape))
///     }
///     var localParameters: [(name: String, variable: Variable)] { [("factor", factor)] }
/// }
/// ```
public protocol Layer: AnyObject {
    /// Computes the layer's output; containers call their children through ``Layer/callAsFunction(_:context:)``.
    /// - Parameters:
    ///   - input: The input batch (images are NCHW).
    ///   - context: Training flag, the generator for random layers, and an optional input observer.
    func forward(_ input: Variable, context: inout ForwardContext) -> Variable

    /// The sub-layers in registration order (PyTorch's `_modules`), each under its attribute name.
    var children: [(name: String, layer: any Layer)] { get }

    /// The layer's own trainable parameters in registration order, under their local names.
    var localParameters: [(name: String, variable: Variable)] { get }

    /// The layer's own non-trainable state (e.g. BatchNorm's running statistics) in registration order.
    var localBuffers: [(name: String, value: Tensor)] { get }

    /// Replaces one of the layer's own buffers; `value` already has the shape `localBuffers` reports.
    /// - Parameters:
    ///   - name: A local name listed by `localBuffers`.
    ///   - value: The new contents.
    func setBuffer(named name: String, to value: Tensor)
}

extension Layer {
    /// No sub-layers.
    public var children: [(name: String, layer: any Layer)] { [] }
    /// No parameters of its own.
    public var localParameters: [(name: String, variable: Variable)] { [] }
    /// No buffers of its own.
    public var localBuffers: [(name: String, value: Tensor)] { [] }
    /// Layers without buffers are never asked to set one.
    public func setBuffer(named name: String, to value: Tensor) {
        preconditionFailure("\(type(of: self)) has no buffer named \(name)")
    }

    /// Runs the layer, first telling the context's observer (if any) which input it sees.
    ///
    /// Containers call children this way so that tools such as layer-wise pruning can record the inputs of
    /// every layer without the layers knowing about them.
    /// - Parameters:
    ///   - input: The input batch.
    ///   - context: The forward context.
    @inlinable
    public func callAsFunction(_ input: Variable, context: inout ForwardContext) -> Variable {
        if let observer = context.inputObserver { observer(self, input.value) }
        return forward(input, context: &context)
    }
}

/// What a forward pass needs besides the input: the mode, the random stream, and an optional observer.
public struct ForwardContext {
    /// Training mode: batch statistics in BatchNorm, active dropout.
    public var training: Bool
    /// The generator random layers (dropout) draw from.
    public var generator: SeededGenerator
    /// Called with each layer and its input before the layer runs (when invoked through `callAsFunction`).
    public var inputObserver: ((any Layer, Tensor) -> Void)?

    /// Creates a context.
    /// - Parameters:
    ///   - training: Whether the pass is a training pass.
    ///   - generator: The random stream for dropout.
    ///   - inputObserver: An optional hook that sees every layer's input.
    public init(training: Bool, generator: SeededGenerator = SeededGenerator(seed: 0),
                inputObserver: ((any Layer, Tensor) -> Void)? = nil) {
        self.training = training
        self.generator = generator
        self.inputObserver = inputObserver
    }
}

/// One trainable parameter as `named_parameters()` lists it.
public struct ParameterEntry {
    /// The full dotted name, e.g. `layer1.0.conv1.weight`.
    public let name: String
    /// The parameter itself; its `value` can be changed in place.
    public let variable: Variable
    /// The layer that owns it (e.g. a ``Conv2d``), for choosing which parameters to prune.
    public let owner: any Layer
    /// The name inside the owner, e.g. `weight`.
    public let localName: String

    /// Creates an entry.
    public init(name: String, variable: Variable, owner: any Layer, localName: String) {
        self.name = name
        self.variable = variable
        self.owner = owner
        self.localName = localName
    }
}

/// One buffer as `named_buffers()` lists it.
public struct BufferEntry {
    /// The full dotted name, e.g. `bn1.running_mean`.
    public let name: String
    /// The buffer's current contents.
    public let value: Tensor
    /// The layer that owns it.
    public let owner: any Layer
    /// The name inside the owner.
    public let localName: String

    /// Creates an entry.
    public init(name: String, value: Tensor, owner: any Layer, localName: String) {
        self.name = name
        self.value = value
        self.owner = owner
        self.localName = localName
    }
}
