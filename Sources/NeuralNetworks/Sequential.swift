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
        for (_, layer) in children { x = layer(x, context: &context) }
        return x
    }
}
