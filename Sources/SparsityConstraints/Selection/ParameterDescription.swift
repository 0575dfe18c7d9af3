/// The kind of layer a parameter belongs to; the integrator maps the NeuralNetworks layer classes onto it.
public enum LayerKind: String, Hashable, Codable, Sendable, CaseIterable {
    /// A fully connected layer (`weight` is `[out, in]`).
    case linear
    /// A 2-D convolution (`weight` is `[out, in, kh, kw]`).
    case conv2d
    /// Batch normalisation (never pruned).
    case batchNorm
    /// Anything else.
    case other
}

/// A parameter as parameter selection sees it: name, shape and the kind of its layer.
public struct ParameterDescription: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The `state_dict`-style name, e.g. `layer1.0.conv1.weight`.
    public var name: String
    /// The tensor's shape.
    public var shape: [Int]
    /// The kind of layer that owns it.
    public var kind: LayerKind

    /// Creates a description.
    /// - Parameters:
    ///   - name: The parameter's name.
    ///   - shape: Its shape.
    ///   - kind: The kind of its layer.
    public init(name: String, shape: [Int], kind: LayerKind) {
        self.name = name
        self.shape = shape
        self.kind = kind
    }

    /// The name and shape, as constraints take them.
    public var layerShape: LayerShape { LayerShape(name: name, shape: shape) }

    /// Whether this is a bias (`bias` or `*.bias`).
    public var isBias: Bool { name == "bias" || name.hasSuffix(".bias") }

    /// Whether this is a weight (`weight` or `*.weight`).
    public var isWeight: Bool { name == "weight" || name.hasSuffix(".weight") }

    /// Whether any selection may prune it: not a bias, not batch-norm, rank at least 2.
    public var isPrunable: Bool { !isBias && kind != .batchNorm && shape.count >= 2 }

    /// Whether the default selection prunes it: the weight of a linear (rank 2) or conv2d (rank 4) layer.
    public var isDefaultPrunable: Bool {
        guard isPrunable, isWeight else { return false }
        return (kind == .linear && shape.count == 2) || (kind == .conv2d && shape.count == 4)
    }

    /// A readable one-line form for logs and messages.
    public var description: String { "\(name) \(shape) (\(kind.rawValue))" }
}
