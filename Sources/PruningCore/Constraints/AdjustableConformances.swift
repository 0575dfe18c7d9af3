import SparsityConstraints
/// Unstructured, block, filter and channel constraints can be scheduled toward their target (gradual and
/// iterative pruning); N:M cannot, its ratio is its pattern.
extension SparsityConstraint: AdjustableSparsity {
    public var targetSparsity: Double { sparsity }

    public func withTargetSparsity(_ target: Double) throws -> any Constraint {
        // Per-layer overrides scale with the global target so their ratios to it are kept.
        let scale = sparsity > 0 ? target / sparsity : 0
        return try SparsityConstraint(granularity: granularity, sparsity: target, scope: scope,
                                      layerSparsity: layerSparsity.mapValues { min($0 * scale, 0.999_999) })
    }
}

extension BoundedGlobalConstraint: AdjustableSparsity {
    public var targetSparsity: Double { sparsity }

    public func withTargetSparsity(_ target: Double) throws -> any Constraint {
        // On the way to the target the per-layer minimums are relaxed; the maximums still hold.
        try BoundedGlobalConstraint(granularity: granularity, sparsity: target,
                                    defaultBounds: SparsityBounds(minimum: 0, maximum: defaultBounds.maximum),
                                    layerBounds: layerBounds.mapValues { SparsityBounds(minimum: 0, maximum: $0.maximum) })
    }
}
