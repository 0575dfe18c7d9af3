import SparsityConstraints
/// A constraint whose sparsity target can be changed while its pattern stays the same, as gradual and
/// iterative schedules need (unstructured, blocks, filters, channels; not N:M, whose ratio is its pattern).
public protocol AdjustableSparsity: Constraint {
    /// The requested final sparsity.
    var targetSparsity: Double { get }
    /// The same constraint with the sparsity target `sparsity` (in [0, 1)).
    func withTargetSparsity(_ sparsity: Double) throws -> any Constraint
}

extension Constraint {
    /// The same constraint at another target, or an error naming the constraint when its ratio is fixed.
    public func adjusted(toSparsity sparsity: Double, for purpose: String) throws -> any Constraint {
        guard let adjustable = self as? any AdjustableSparsity else {
            throw PruningError.invalidOption("\(purpose) needs a constraint whose sparsity can be scheduled; '\(summary)' has a fixed pattern")
        }
        return try adjustable.withTargetSparsity(sparsity)
    }

    /// The final sparsity target of an adjustable constraint, or an error naming the constraint.
    public func scheduledTarget(for purpose: String) throws -> Double {
        guard let adjustable = self as? any AdjustableSparsity else {
            throw PruningError.invalidOption("\(purpose) needs a constraint whose sparsity can be scheduled; '\(summary)' has a fixed pattern")
        }
        return adjustable.targetSparsity
    }
}
