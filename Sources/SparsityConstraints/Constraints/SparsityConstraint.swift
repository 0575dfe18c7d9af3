import TensorEngine

/// Keep the largest groups (weights, blocks, filters or input channels) so that a fraction `sparsity` of them is
/// zero, per layer or over all layers together.
///
/// Each layer (or, with global scope, the union of layers) keeps `ceil((1 − s) · groups)` groups, the ones with the
/// largest sum of squares; for single weights that is the largest `|w|`. Ties go to the lower index, and across
/// layers to the earlier layer. This is the exact Euclidean projection onto "at most that many groups non-zero".
/// For structured granularities the achieved weight sparsity can differ from `s` by the size of a group (and edge
/// blocks are smaller than the others). With global scope the budget counts groups, not weights: groups of different
/// layers can differ in size (a 3×3 conv filter of 256 channels against a classifier row), so the weight sparsity can
/// differ much from `s`; the group count keeps the projection exact (a weight-count budget over unequal groups would
/// be a knapsack problem).
///
/// ```swift
/// let perLayer = try SparsityConstraint(granularity: .element, sparsity: 0.9)
/// let global = try SparsityConstraint(granularity: .filter, sparsity: 0.5, scope: .global)
/// let pruned = try perLayer.project(layers)
/// ```
public struct SparsityConstraint: Constraint, Hashable, Sendable {
    /// The unit kept or removed as a whole.
    public let granularity: Granularity
    /// The requested fraction of zero groups, in [0, 1).
    public let sparsity: Double
    /// Per layer, or one budget over all layers.
    public let scope: ConstraintScope
    /// Sparsities that replace `sparsity` for the named layers (layer scope only).
    public let layerSparsity: [String: Double]

    /// Creates a sparsity constraint.
    /// - Parameters:
    ///   - granularity: What to keep or remove as a whole.
    ///   - sparsity: The fraction of zero groups, in [0, 1).
    ///   - scope: `.layer` (each layer on its own) or `.global` (one threshold over the union).
    ///   - layerSparsity: Per-layer sparsities by parameter name, overriding `sparsity` (layer scope only; for bounds
    ///     under a global budget use ``BoundedGlobalConstraint``).
    /// - Throws: ``ConstraintError`` for a sparsity outside [0, 1), a block side below 1, or overrides with global scope.
    public init(granularity: Granularity = .element, sparsity: Double, scope: ConstraintScope = .layer,
                layerSparsity: [String: Double] = [:]) throws {
        try KeepCount.validate(sparsity: sparsity)
        try granularity.validatePattern()
        for (name, value) in layerSparsity.sorted(by: { $0.key < $1.key }) {
            try KeepCount.validate(sparsity: value, what: "sparsity for layer '\(name)'")
        }
        if scope == .global && !layerSparsity.isEmpty {
            throw ConstraintError.invalidSparsity(
                "per-layer sparsities need scope 'layer'; for per-layer bounds under a global budget use BoundedGlobalConstraint")
        }
        self.granularity = granularity
        self.sparsity = sparsity
        self.scope = scope
        self.layerSparsity = layerSparsity
    }

    /// Unstructured: keep the largest `|w|`.
    /// - Parameters:
    ///   - sparsity: The fraction of zeros, in [0, 1).
    ///   - scope: Per layer or global.
    public static func unstructured(sparsity: Double, scope: ConstraintScope = .layer) throws -> SparsityConstraint {
        try SparsityConstraint(granularity: .element, sparsity: sparsity, scope: scope)
    }

    /// Whole `height × width` blocks of the `[out, in·kh·kw]` view.
    /// - Parameters:
    ///   - height: Block rows.
    ///   - width: Block columns.
    ///   - sparsity: The fraction of zero blocks, in [0, 1).
    ///   - scope: Per layer or global.
    public static func blocks(height: Int, width: Int, sparsity: Double,
                              scope: ConstraintScope = .layer) throws -> SparsityConstraint {
        try SparsityConstraint(granularity: .block(height: height, width: width), sparsity: sparsity, scope: scope)
    }

    /// Whole output channels, by L2 norm.
    /// - Parameters:
    ///   - sparsity: The fraction of zero filters, in [0, 1).
    ///   - scope: Per layer or global.
    public static func filters(sparsity: Double, scope: ConstraintScope = .layer) throws -> SparsityConstraint {
        try SparsityConstraint(granularity: .filter, sparsity: sparsity, scope: scope)
    }

    /// Whole input channels, by L2 norm across `(out, kh, kw)`.
    /// - Parameters:
    ///   - sparsity: The fraction of zero input channels, in [0, 1).
    ///   - scope: Per layer or global.
    public static func inputChannels(sparsity: Double, scope: ConstraintScope = .layer) throws -> SparsityConstraint {
        try SparsityConstraint(granularity: .inputChannel, sparsity: sparsity, scope: scope)
    }

    /// A one-line description for logs and reports.
    public var summary: String {
        let percent = formatRatio(sparsity * 100)
        let overrides = layerSparsity.isEmpty ? "" : " (\(layerSparsity.count) layer override(s))"
        return "\(granularity) \(percent)% sparsity \(scope == .layer ? "per layer" : "global")\(overrides)"
    }

    /// The sparsity that applies to the named layer.
    /// - Parameter name: The parameter's name.
    public func sparsity(for name: String) -> Double { layerSparsity[name] ?? sparsity }

    /// Throws a ``ConstraintError`` naming the layer when a shape or request cannot be honoured.
    public func validate(_ layers: [LayerShape]) throws {
        try validateLayerList(layers)
        for layer in layers { try granularity.validate(layer) }
        let names = Set(layers.map(\.name))
        for name in layerSparsity.keys.sorted() where !names.contains(name) {
            throw ConstraintError.invalidLayers("a sparsity is given for '\(name)', which is not among the selected layers")
        }
    }

    /// The number of groups each layer may keep (layer scope), or nil with global scope.
    /// - Parameter layers: The layers' names and shapes.
    public func allowedGroups(_ layers: [LayerShape]) -> [Int]? {
        guard scope == .layer else { return nil }
        return layers.map {
            KeepCount.keep(sparsity: sparsity(for: $0.name), of: GroupGeometry(granularity, shape: $0.shape).groupCount)
        }
    }

    /// The number of groups all layers together may keep (global scope), or nil with layer scope.
    /// - Parameter layers: The layers' names and shapes.
    public func allowedGroupsInTotal(_ layers: [LayerShape]) -> Int? {
        guard scope == .global else { return nil }
        let total = layers.reduce(0) { $0 + GroupGeometry(granularity, shape: $1.shape).groupCount }
        return KeepCount.keep(sparsity: sparsity, of: total)
    }

    /// The 0/1 masks of the exact Euclidean projection (validates first).
    public func keepMasks(_ layers: [NamedTensor]) throws -> [NamedTensor] {
        try validate(layers)
        let shapes = layers.map(\.layerShape)
        let plan: KeepPlan = scope == .layer ? .perSegment(allowedGroups(shapes)!) : .shared(allowedGroupsInTotal(shapes)!)
        return GroupSelection.masks(layers, granularity: granularity, plan: plan)
    }

    /// Checks the pattern and the counts; lists every violation with the layer and the numbers.
    public func verify(_ layers: [NamedTensor]) -> ConstraintVerification {
        var violations: [ConstraintViolation] = []
        let active = GroupSelection.activeGroups(layers, granularity: granularity, violations: &violations)
        if violations.isEmpty {
            let shapes = layers.map(\.layerShape)
            if let allowed = allowedGroups(shapes) {
                for index in layers.indices where active[index] > allowed[index] {
                    violations.append(ConstraintViolation(
                        layer: layers[index].name,
                        message: "\(active[index]) non-zero \(granularity.unitName), at most \(allowed[index]) allowed "
                            + "at sparsity \(formatRatio(sparsity(for: layers[index].name)))",
                        allowed: allowed[index], found: active[index]))
                }
            } else if let allowed = allowedGroupsInTotal(shapes) {
                let total = active.reduce(0, +)
                if total > allowed {
                    violations.append(ConstraintViolation(
                        layer: nil,
                        message: "\(total) non-zero \(granularity.unitName) over all layers, at most \(allowed) allowed "
                            + "at global sparsity \(formatRatio(sparsity))",
                        allowed: allowed, found: total))
                }
            }
        }
        return ConstraintVerification(constraint: summary, violations: violations, sparsity: SparsityReport(measuring: layers))
    }
}

/// Throws for an empty layer list or duplicate names (shared by the built-in constraints).
func validateLayerList(_ layers: [LayerShape]) throws {
    guard !layers.isEmpty else {
        throw ConstraintError.invalidLayers("no layers were selected; expected at least one weight to constrain")
    }
    var seen = Set<String>()
    for layer in layers where !seen.insert(layer.name).inserted {
        throw ConstraintError.invalidLayers("layer '\(layer.name)' appears more than once")
    }
}
