import PruningCore
import SparsityConstraints
import TensorEngine

/// What one layer must become so that the pruned model satisfies the constraint, and which solver gets it there.
///
/// ``plan(constraint:layers:)`` derives the targets from the constraint's own projection of the dense weights, so
/// the kept count of every layer is exactly what the constraint's projection keeps:
/// - unstructured (`SparsityConstraint` or `BoundedGlobalConstraint` with single-weight granularity, per layer or
///   global): ``keep(_:)`` with the layer's count of ones in the projection's mask; SparseGPT chooses which weights.
///   Under a global budget the budget's split over the layers is the magnitude projection's.
/// - `NMConstraint`: ``nOutOfM(n:m:)``; SparseGPT chooses the N of every group (for a conv on channels-last columns,
///   so that its groups are the constraint's: M consecutive input channels at one kernel offset).
/// - anything else (blocks, filters, input channels, constraints this module does not know): ``fixedMask(_:)``,
///   the projection's mask of the dense weights, with the kept weights compensated by ``MaskedCompensation``.
public enum LayerTarget: Equatable {
    /// Unstructured: keep exactly this many weights, chosen by SparseGPT.
    case keep(Int)
    /// N out of every M along the input channels, chosen by SparseGPT.
    case nOutOfM(n: Int, m: Int)
    /// Keep exactly these weights (a 0/1 tensor of the weight's shape) and compensate them by least squares.
    case fixedMask(Tensor)

    /// A short name for reports: `sparsegpt-unstructured`, `sparsegpt-n:m`, `fixed-mask-obs`.
    public var solverName: String {
        switch self {
        case .keep: return "sparsegpt-unstructured"
        case .nOutOfM(let n, let m): return "sparsegpt-\(n):\(m)"
        case .fixedMask: return "fixed-mask-obs"
        }
    }

    /// The target of every layer under `constraint`, from the constraint's projection of the layers' current weights.
    /// - Parameters:
    ///   - constraint: the set the pruned weights must lie in.
    ///   - layers: the selected layers, with their dense weights.
    /// - Throws: ``LayerwiseError/invalidArgument(_:)`` for an N:M constraint on a layer whose input channels are not a
    ///   multiple of M (naming the layer), and the constraint's own errors from `keepMasks`.
    public static func plan(constraint: any Constraint, layers: [PrunableLayer]) throws -> [LayerTarget] {
        if let nm = constraint as? NMConstraint {
            for layer in layers where layer.weights.rank < 2 || layer.weights.shape[1] % nm.m != 0 {
                let inputs = layer.weights.rank >= 2 ? layer.weights.shape[1] : 0
                throw LayerwiseError.invalidArgument(
                    "layer '\(layer.name)': \(nm.n):\(nm.m) needs its input dimension (\(inputs)) to be a multiple of "
                        + "\(nm.m); leave the layer dense (e.g. --exclude \(layer.name))")
            }
            return layers.map { _ in .nOutOfM(n: nm.n, m: nm.m) }
        }
        let dense = layers.map { NamedTensor(name: $0.name, tensor: $0.weights) }
        let masks = try constraint.keepMasks(dense)
        guard masks.count == layers.count else {
            throw LayerwiseError.shapeMismatch("\(constraint.summary): \(masks.count) masks for \(layers.count) layers")
        }
        let unstructured: Bool
        switch constraint {
        case let sparsity as SparsityConstraint: unstructured = sparsity.granularity == .element
        case let bounded as BoundedGlobalConstraint: unstructured = bounded.granularity == .element
        default: unstructured = false
        }
        return masks.map { mask in
            unstructured ? .keep(mask.tensor.nonZeroCount) : .fixedMask(mask.tensor)
        }
    }
}
