import PruningCore
import TensorEngine

/// Row-balanced sparsity: every row of a layer's `[out, in·kh·kw]` view keeps the same number of weights, its
/// largest magnitudes (so each output neuron or filter keeps an equal share, which balances the work of a sparse
/// kernel across rows). Its projection is exact: per row, the largest |w| are the closest feasible point.
public struct RowBalancedConstraint: Constraint {
    /// The fraction of each row that is zero, in [0, 1).
    public let sparsity: Double

    /// Creates the constraint; throws a ``ConstraintError`` naming the value when it is out of range.
    public init(sparsity: Double) throws {
        guard sparsity >= 0, sparsity < 1 else {
            throw ConstraintError.malformedSpec("row-balanced sparsity must be in [0, 1), got \(sparsity)")
        }
        self.sparsity = sparsity
    }

    public var summary: String { "row-balanced \(sparsity * 100)% sparsity in every row" }

    /// The weights a row of `columns` keeps (at least one, so no row is cut off entirely).
    func kept(columns: Int) -> Int { max(1, Int((Double(columns) * (1 - sparsity)).rounded())) }

    public func validate(_ layers: [LayerShape]) throws {
        for layer in layers where layer.shape.count < 2 {
            throw ConstraintError.incompatibleLayer("\(layer.name): row-balanced sparsity needs rows, got a layer of rank \(layer.shape.count)")
        }
    }

    public func keepMasks(_ layers: [NamedTensor]) throws -> [NamedTensor] {
        try validate(layers.map(\.layerShape))
        return layers.map { layer in
            let rows = layer.shape[0], columns = layer.tensor.scalars.count / max(rows, 1)
            let keep = kept(columns: columns)
            var mask = [Float](repeating: 0, count: layer.tensor.scalars.count)
            for row in 0..<rows {
                let start = row * columns
                let magnitudes = (0..<columns).map { abs(layer.tensor.scalars[start + $0]) }
                // Ties go to the lower column, so the mask is deterministic.
                let order = magnitudes.indices.sorted { magnitudes[$0] > magnitudes[$1] || (magnitudes[$0] == magnitudes[$1] && $0 < $1) }
                for column in order.prefix(keep) { mask[start + column] = 1 }
            }
            return NamedTensor(name: layer.name, tensor: Tensor(shape: layer.shape, scalars: mask))
        }
    }

    public func verify(_ layers: [NamedTensor]) -> ConstraintVerification {
        var violations: [ConstraintViolation] = []
        for layer in layers where layer.shape.count >= 2 {
            let rows = layer.shape[0], columns = layer.tensor.scalars.count / max(rows, 1)
            let keep = kept(columns: columns)
            for row in 0..<rows {
                let nonZero = layer.tensor.scalars[row * columns ..< (row + 1) * columns].filter { $0 != 0 }.count
                if nonZero > keep {
                    violations.append(ConstraintViolation(layer: layer.name, message: "row \(row) has \(nonZero) non-zeros",
                                                          allowed: keep, found: nonZero))
                }
            }
        }
        return ConstraintVerification(constraint: summary, violations: violations, sparsity: SparsityReport(measuring: layers))
    }
}

extension RowBalancedConstraint {
    /// The catalog entry: `row-balanced` takes the run's sparsity, `row-balanced:S` sparsity S.
    public static let registration = ConstraintRegistration(
        name: "row-balanced",
        summary: "the same fraction of zeros in every row (row-balanced:S for sparsity S; default: the run's)") { spec in
        guard case .registered(_, let arguments) = spec.pattern, arguments.count <= 1 else {
            throw ConstraintError.malformedSpec("row-balanced takes at most one argument, the sparsity (e.g. row-balanced:0.8)")
        }
        guard spec.scope == .layer, spec.layerSparsity.isEmpty, spec.defaultBounds == nil, spec.layerBounds.isEmpty else {
            throw ConstraintError.malformedSpec("row-balanced applies to every row on its own; scope 'global', per-layer sparsities and bounds do not apply")
        }
        guard let text = arguments.first else { return try RowBalancedConstraint(sparsity: spec.sparsity) }
        guard let sparsity = Double(text) else {
            throw ConstraintError.malformedSpec("row-balanced:\(text): the sparsity '\(text)' is not a number")
        }
        return try RowBalancedConstraint(sparsity: sparsity)
    }
}
