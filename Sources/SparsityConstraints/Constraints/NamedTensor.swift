import TensorEngine

/// The name and shape of one prunable tensor: what a constraint needs to check a request before any weights exist.
public struct LayerShape: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The parameter's name, e.g. `layer1.0.conv1.weight`.
    public var name: String
    /// The tensor's shape in PyTorch layout (`[out, in]` or `[out, in, kh, kw]`).
    public var shape: [Int]

    /// Creates a description of one prunable tensor.
    /// - Parameters:
    ///   - name: The parameter's name.
    ///   - shape: The tensor's shape.
    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    /// The number of weights.
    public var count: Int { shape.reduce(1, *) }

    /// A readable one-line form for logs and messages.
    public var description: String { "\(name) \(describeShape(shape))" }
}

/// A prunable tensor with its name: the unit every ``Constraint`` projects, masks and verifies.
public struct NamedTensor: Equatable, Sendable, CustomStringConvertible {
    /// The parameter's name, e.g. `fc1.weight`.
    public var name: String
    /// The weights (or a mask of zeros and ones).
    public var tensor: Tensor

    /// Pairs a name with a tensor.
    /// - Parameters:
    ///   - name: The parameter's name.
    ///   - tensor: Its weights.
    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }

    /// The tensor's shape.
    public var shape: [Int] { tensor.shape }

    /// The name and shape, for validation.
    public var layerShape: LayerShape { LayerShape(name: name, shape: tensor.shape) }

    /// A readable one-line form for logs and messages.
    public var description: String { "\(name) \(describeShape(tensor.shape))" }
}
