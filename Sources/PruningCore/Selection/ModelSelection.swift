import NeuralNetworks
import SparsityConstraints
import TensorEngine

extension LayerKind {
    /// The kind of a NeuralNetworks layer.
    public init(of layer: any Layer) {
        switch layer {
        case is Linear: self = .linear
        case is Conv2d: self = .conv2d
        case is BatchNorm2d: self = .batchNorm
        default: self = .other
        }
    }
}

extension ParameterSelector {
    /// The model's parameters this selector picks, as the entries a pruning run works on (in model order).
    public func select(from model: Model) throws -> [ParameterEntry] {
        let entries = model.namedParameters()
        let descriptions = entries.map {
            ParameterDescription(name: $0.name, shape: $0.variable.value.shape, kind: LayerKind(of: $0.owner))
        }
        let chosen = Set(try select(from: descriptions).map(\.name))
        return entries.filter { chosen.contains($0.name) }
    }
}
