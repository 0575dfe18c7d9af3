import TensorEngine

/// Runs its children one after another (PyTorch's `nn.Sequential`).
///
/// Children are named "0", "1", … like `nn.Sequential(a, b)`, or take given names like
/// `nn.Sequential(OrderedDict(...))`.
public final class Sequential: Layer {
    /// The children in order, with their names.
    public let children: [(name: String, layer: any Layer)]

    /// Creates a container whose children are named by their position.
    /// - Parameter layers: The layers in order.
    public init(_ layers: [any Layer]) {
        children = layers.enumerated().map { (String($0.offset), $0.element) }
    }

    /// Creates a container with named children.
    /// - Parameter named: Name and layer pairs, in order; names must be distinct and contain no dot.
    public init(named: [(name: String, layer: any Layer)]) {
        precondition(Set(named.map(\.name)).count == named.count, "Sequential: child names must be distinct")
        precondition(named.allSatisfy { !$0.name.isEmpty && !$0.name.contains(".") },
                     "Sequential: child names must be non-empty and contain no dot")
        children = named
    }

    /// The number of children.
    public var count: Int { children.count }

    /// The child at a position.
    public subscript(index: Int) -> any Layer { children[index].layer }

    /// Feeds the input through every child in order.
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        var x = input
        var index = children.startIndex
        while index < children.endIndex {
            let layer = children[index].layer
            // A convolution followed by a batch norm (and a rectifier) runs as one fused pass in inference (VGG's
            // conv–bn–relu stacks, ResNet's projection shortcuts).
            if let convolution = layer as? Conv2d, index + 1 < children.endIndex,
               let norm = children[index + 1].layer as? BatchNorm2d {
                let relu = index + 2 < children.endIndex ? children[index + 2].layer as? ReLU : nil
                x = convolution.followed(by: norm, relu, x, context: &context)
                index += relu == nil ? 2 : 3
                continue
            }
            // A batch norm followed by a rectifier runs as one fused pass.
            if let norm = layer as? BatchNorm2d, index + 1 < children.endIndex, let relu = children[index + 1].layer as? ReLU {
                x = norm.followed(by: relu, x, context: &context)
                index += 2
                continue
            }
            x = layer(x, context: &context)
            index += 1
        }
        return x
    }
}
