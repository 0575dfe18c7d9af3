import TensorEngine

/// Lower and upper limits on one layer's sparsity under a global budget.
public struct SparsityBounds: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The layer is at least this sparse (it keeps at most `ceil((1 − minimum) · groups)` groups).
    public var minimum: Double
    /// The layer is at most this sparse (it keeps at least `ceil((1 − maximum) · groups)` groups).
    public var maximum: Double

    /// Creates bounds; checked by ``BoundedGlobalConstraint`` (0 ≤ minimum ≤ maximum ≤ 1).
    /// - Parameters:
    ///   - minimum: The smallest sparsity the layer may have.
    ///   - maximum: The largest sparsity the layer may have.
    public init(minimum: Double = 0, maximum: Double = 1) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// No limits: anything from dense to empty.
    public static let unbounded = SparsityBounds()

    /// A readable one-line form for logs and messages.
    public var description: String { "[\(formatRatio(minimum)), \(formatRatio(maximum))]" }

    /// Throws unless 0 ≤ minimum ≤ maximum ≤ 1.
    func validate(what: String) throws {
        guard minimum.isFinite, maximum.isFinite, minimum >= 0, maximum <= 1, minimum <= maximum else {
            throw ConstraintError.invalidSparsity(
                "bounds \(self) for \(what): expected 0 ≤ minimum ≤ maximum ≤ 1")
        }
    }
}

/// A global budget with per-layer limits: keep the largest groups over all layers (a single top-k over the union),
/// except that each layer keeps between its own minimum and maximum.
///
/// With `N` groups in total the layers keep `K = ceil((1 − s) · N)` groups; layer i keeps between
/// `ceil((1 − maximum_i) · n_i)` and `ceil((1 − minimum_i) · n_i)` of its `n_i`. The projection is exact: each layer
/// first keeps its forced minimum (its largest groups), then the rest of the budget goes greedily to the largest
/// remaining groups of layers that are below their maximum. When the maxima cannot absorb the whole budget, fewer
/// than `K` groups are kept (the result is sparser than requested, never denser). Minima whose sum exceeds `K` are
/// an error. Verification counts a layer with fewer non-zeros than its minimum as using its minimum of the budget,
/// since weights that are kept may still be exactly zero.
///
/// ```swift
/// let constraint = try BoundedGlobalConstraint(
///     sparsity: 0.9, defaultBounds: SparsityBounds(minimum: 0.5, maximum: 0.98),
///     layerBounds: ["conv1.weight": SparsityBounds(minimum: 0, maximum: 0.5)])
/// ```
public struct BoundedGlobalConstraint: Constraint, Hashable, Sendable {
    /// The unit kept or removed as a whole.
    public let granularity: Granularity
    /// The global fraction of zero groups, in [0, 1).
    public let sparsity: Double
    /// The bounds of layers not named in `layerBounds`.
    public let defaultBounds: SparsityBounds
    /// Bounds by parameter name.
    public let layerBounds: [String: SparsityBounds]

    /// Creates a bounded global constraint.
    /// - Parameters:
    ///   - granularity: What to keep or remove as a whole (default: single weights).
    ///   - sparsity: The global fraction of zero groups, in [0, 1).
    ///   - defaultBounds: The bounds of every layer not named in `layerBounds`.
    ///   - layerBounds: Bounds for named layers.
    /// - Throws: ``ConstraintError`` for a sparsity outside [0, 1) or bounds outside 0 ≤ minimum ≤ maximum ≤ 1.
    public init(granularity: Granularity = .element, sparsity: Double,
                defaultBounds: SparsityBounds = .unbounded, layerBounds: [String: SparsityBounds] = [:]) throws {
        try KeepCount.validate(sparsity: sparsity, what: "global sparsity")
        try granularity.validatePattern()
        try defaultBounds.validate(what: "the default")
        for (name, bounds) in layerBounds.sorted(by: { $0.key < $1.key }) {
            try bounds.validate(what: "layer '\(name)'")
        }
        self.granularity = granularity
        self.sparsity = sparsity
        self.defaultBounds = defaultBounds
        self.layerBounds = layerBounds
    }

    /// A one-line description for logs and reports.
    public var summary: String {
        "\(granularity) \(formatRatio(sparsity * 100))% sparsity global, per-layer sparsity in \(defaultBounds)"
            + (layerBounds.isEmpty ? "" : " (\(layerBounds.count) layer override(s))")
    }

    /// The bounds that apply to the named layer.
    /// - Parameter name: The parameter's name.
    public func bounds(for name: String) -> SparsityBounds { layerBounds[name] ?? defaultBounds }

    /// How many groups each layer may keep, from its maximum sparsity (lower end) to its minimum (upper end).
    /// - Parameter layers: The layers' names and shapes.
    public func keepRanges(_ layers: [LayerShape]) -> [ClosedRange<Int>] {
        layers.map { layer in
            let groups = GroupGeometry(granularity, shape: layer.shape).groupCount
            let bounds = bounds(for: layer.name)
            let low = KeepCount.keep(sparsity: bounds.maximum, of: groups)
            let high = KeepCount.keep(sparsity: bounds.minimum, of: groups)
            return low...max(low, high)
        }
    }

    /// The number of groups all layers together may keep.
    /// - Parameter layers: The layers' names and shapes.
    public func budget(_ layers: [LayerShape]) -> Int {
        KeepCount.keep(sparsity: sparsity, of: layers.reduce(0) { $0 + GroupGeometry(granularity, shape: $1.shape).groupCount })
    }

    /// Throws a ``ConstraintError`` naming the layer when a shape or request cannot be honoured.
    public func validate(_ layers: [LayerShape]) throws {
        try validateLayerList(layers)
        for layer in layers { try granularity.validate(layer) }
        let names = Set(layers.map(\.name))
        for name in layerBounds.keys.sorted() where !names.contains(name) {
            throw ConstraintError.invalidLayers("bounds are given for '\(name)', which is not among the selected layers")
        }
        let forced = keepRanges(layers).reduce(0) { $0 + $1.lowerBound }
        let budget = budget(layers)
        guard forced <= budget else {
            throw ConstraintError.invalidSparsity(
                "the layers' maximum sparsities force at least \(forced) \(granularity.unitName) to stay, "
                    + "but global sparsity \(formatRatio(sparsity)) allows only \(budget)")
        }
    }

    /// The 0/1 masks of the exact Euclidean projection (validates first).
    public func keepMasks(_ layers: [NamedTensor]) throws -> [NamedTensor] {
        try validate(layers)
        let shapes = layers.map(\.layerShape)
        let ranges = keepRanges(shapes)
        let plan = KeepPlan.bounded(minimum: ranges.map(\.lowerBound), maximum: ranges.map(\.upperBound),
                                    budget: budget(shapes))
        return GroupSelection.masks(layers, granularity: granularity, plan: plan)
    }

    /// Checks the pattern and the counts; lists every violation with the layer and the numbers.
    public func verify(_ layers: [NamedTensor]) -> ConstraintVerification {
        var violations: [ConstraintViolation] = []
        let active = GroupSelection.activeGroups(layers, granularity: granularity, violations: &violations)
        if violations.isEmpty {
            let shapes = layers.map(\.layerShape)
            let ranges = keepRanges(shapes)
            for index in layers.indices where active[index] > ranges[index].upperBound {
                violations.append(ConstraintViolation(
                    layer: layers[index].name,
                    message: "\(active[index]) non-zero \(granularity.unitName), at most \(ranges[index].upperBound) allowed "
                        + "by its minimum sparsity \(formatRatio(bounds(for: layers[index].name).minimum))",
                    allowed: ranges[index].upperBound, found: active[index]))
            }
            let used = layers.indices.reduce(0) { $0 + max(active[$1], ranges[$1].lowerBound) }
            let budget = budget(shapes)
            if used > budget {
                violations.append(ConstraintViolation(
                    layer: nil,
                    message: "the layers use \(used) \(granularity.unitName) of the budget (non-zeros, or the layer's "
                        + "minimum keep when larger), at most \(budget) allowed at global sparsity \(formatRatio(sparsity))",
                    allowed: budget, found: used))
            }
        }
        return ConstraintVerification(constraint: summary, violations: violations, sparsity: SparsityReport(measuring: layers))
    }
}
