import Testing
import TensorEngine
@testable import SparsityConstraints

// Brute-force checks of optimality: for a few small layers (at most 14 weights in all), enumerate every support
// (every subset of weights to keep), keep the supports that an independent feasibility rule accepts, and compare
// the best distance with the distance of the library's projection.

/// A small random layer; `levels` > 0 draws from ±{1, …, levels} to create ties, 0 draws normals.
func randomLayer(_ name: String, _ shape: [Int], levels: Int = 0, zeros: Bool = false,
                 generator: inout SeededGenerator) -> NamedTensor {
    var tensor = Tensor.normal(shape, generator: &generator)
    if levels > 0 {
        for index in tensor.scalars.indices {
            let magnitude = Float(1 + Int(generator.next() % UInt64(levels)))
            tensor.scalars[index] = generator.next() % 2 == 0 ? magnitude : -magnitude
        }
    }
    if zeros {
        for index in tensor.scalars.indices where generator.next() % 4 == 0 { tensor.scalars[index] = 0 }
    }
    return NamedTensor(name: name, tensor: tensor)
}

/// The squared distance between two lists of tensors, in Double.
func squaredDistance(_ a: [NamedTensor], _ b: [NamedTensor]) -> Double {
    zip(a, b).reduce(0) { total, pair in
        zip(pair.0.tensor.scalars, pair.1.tensor.scalars).reduce(total) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    }
}

/// Every support (subset of weights to keep, as a bit set over the concatenated layers) that a feasibility rule
/// accepts. The set depends only on the shapes, so it is enumerated once and reused for many random weights.
struct SupportSpace {
    let counts: [Int]
    let feasible: [Int]
    let feasibleSet: Set<Int>

    /// Enumerates the supports; `rule` receives, per layer, which weights a support keeps.
    init(shapes: [[Int]], rule: ([[Bool]]) -> Bool) {
        counts = shapes.map { $0.reduce(1, *) }
        let total = counts.reduce(0, +)
        precondition(total <= 14, "brute force over \(total) weights is too slow")
        var accepted: [Int] = []
        for support in 0..<(1 << total) {
            var kept: [[Bool]] = []
            var offset = 0
            for count in counts {
                kept.append((0..<count).map { support & (1 << (offset + $0)) != 0 })
                offset += count
            }
            if rule(kept) { accepted.append(support) }
        }
        feasible = accepted
        feasibleSet = Set(accepted)
    }

    /// Enumerates the supports; `rule` receives the bit set itself (for rules precomputed as bit masks).
    init(shapes: [[Int]], bitRule: (Int) -> Bool) {
        counts = shapes.map { $0.reduce(1, *) }
        let total = counts.reduce(0, +)
        precondition(total <= 14, "brute force over \(total) weights is too slow")
        feasible = (0..<(1 << total)).filter(bitRule)
        feasibleSet = Set(feasible)
    }

    /// The support of the non-zeros of `layers`.
    func support(of layers: [NamedTensor]) -> Int {
        var bits = 0
        for (index, value) in layers.flatMap(\.tensor.scalars).enumerated() where value != 0 { bits |= 1 << index }
        return bits
    }

    /// The smallest squared distance from `layers` to a feasible `layers ⊙ support`.
    func best(_ layers: [NamedTensor]) -> Double {
        let squares = layers.flatMap(\.tensor.scalars).map { Double($0) * Double($0) }
        let all = (1 << squares.count) - 1
        var best = Double.infinity
        for support in feasible {
            var distance = 0.0
            var dropped = all & ~support
            while dropped != 0 {
                distance += squares[dropped.trailingZeroBitCount]
                dropped &= dropped - 1
            }
            best = min(best, distance)
        }
        return best
    }
}

/// Independent group ids (the test's own reading of the documented geometry).
func groupIDs(_ granularity: Granularity, shape: [Int]) -> [Int] {
    let count = shape.reduce(1, *)
    let rows = shape[0]
    let columns = count / rows
    return (0..<count).map { index in
        switch granularity {
        case .element: return index
        case .filter: return index / columns
        case .inputChannel:
            let spatial = shape.dropFirst(2).reduce(1, *)
            return (index / spatial) % shape[1]
        case .block(let height, let width):
            let blockColumns = (columns + width - 1) / width
            return (index / columns / height) * blockColumns + (index % columns) / width
        }
    }
}

/// `ceil((1 − s) · n)` computed independently with exact rational arithmetic on a sparsity given in percent.
func keepFromPercent(_ percent: Int, of groups: Int) -> Int { ((100 - percent) * groups + 99) / 100 }

/// Asserts that the projection is feasible, optimal (its distance equals the brute-force best) and idempotent.
func checkProjection(_ constraint: any Constraint, _ layers: [NamedTensor], space: SupportSpace,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (projected, masks) = try constraint.projectWithMasks(layers)
    #expect(space.feasibleSet.contains(space.support(of: projected)), "projection infeasible: \(projected)",
            sourceLocation: sourceLocation)
    #expect(constraint.verify(projected).isFeasible, "verify rejects the projection", sourceLocation: sourceLocation)
    for mask in masks {
        #expect(mask.tensor.scalars.allSatisfy { $0 == 0 || $0 == 1 }, sourceLocation: sourceLocation)
    }
    let best = space.best(layers)
    let achieved = squaredDistance(layers, projected)
    #expect(abs(achieved - best) <= 1e-9 * max(1, best), "distance \(achieved), best \(best)", sourceLocation: sourceLocation)
    #expect(try constraint.project(projected) == projected, "not idempotent", sourceLocation: sourceLocation)
}

@Suite("Constraint projections are optimal (brute force)")
struct ConstraintBruteForceTests {
    static let shapeSets: [[[Int]]] = [[[3, 4]], [[2, 3, 1, 2]], [[2, 3], [1, 2, 2, 2]], [[1, 5], [2, 2], [1, 3]]]

    /// Random layers of the given shapes named l0, l1, …; every third trial has ties, every fourth has zeros.
    static func layers(_ shapes: [[Int]], trial: Int, generator: inout SeededGenerator) -> [NamedTensor] {
        shapes.enumerated().map {
            randomLayer("l\($0.offset)", $0.element, levels: trial % 3 == 0 ? 2 : 0, zeros: trial % 4 == 1,
                        generator: &generator)
        }
    }

    @Test("unstructured per layer", arguments: [0, 25, 50, 70, 90])
    func unstructuredPerLayer(percent: Int) throws {
        var generator = SeededGenerator(seed: UInt64(100 + percent))
        let constraint = try SparsityConstraint.unstructured(sparsity: Double(percent) / 100)
        for shapes in Self.shapeSets {
            let limits = shapes.map { keepFromPercent(percent, of: $0.reduce(1, *)) }
            let space = SupportSpace(shapes: shapes) { kept in
                zip(kept, limits).allSatisfy { $0.filter { $0 }.count <= $1 }
            }
            for trial in 0..<12 {
                try checkProjection(constraint, Self.layers(shapes, trial: trial, generator: &generator), space: space)
            }
        }
    }

    @Test("unstructured global", arguments: [0, 30, 50, 80])
    func unstructuredGlobal(percent: Int) throws {
        var generator = SeededGenerator(seed: UInt64(200 + percent))
        let constraint = try SparsityConstraint.unstructured(sparsity: Double(percent) / 100, scope: .global)
        for shapes in Self.shapeSets {
            let limit = keepFromPercent(percent, of: shapes.reduce(0) { $0 + $1.reduce(1, *) })
            let space = SupportSpace(shapes: shapes) { kept in kept.joined().filter { $0 }.count <= limit }
            for trial in 0..<12 {
                try checkProjection(constraint, Self.layers(shapes, trial: trial, generator: &generator), space: space)
            }
        }
    }

    @Test("per-layer sparsity overrides")
    func layerOverrides() throws {
        var generator = SeededGenerator(seed: 7)
        let constraint = try SparsityConstraint(sparsity: 0.5, layerSparsity: ["l1": 0.8])
        let space = SupportSpace(shapes: [[2, 3], [2, 4]]) { kept in
            kept[0].filter { $0 }.count <= 3 && kept[1].filter { $0 }.count <= 2
        }
        for trial in 0..<10 {
            try checkProjection(constraint, Self.layers([[2, 3], [2, 4]], trial: trial, generator: &generator), space: space)
        }
    }

    @Test("structured per layer and global", arguments: [
        Granularity.filter, .inputChannel, .block(height: 1, width: 2), .block(height: 2, width: 2), .block(height: 2, width: 3),
    ])
    func structured(granularity: Granularity) throws {
        var generator = SeededGenerator(seed: 300)
        let shapeSets: [[[Int]]] = [[[3, 4]], [[2, 3, 1, 2]], [[2, 3], [1, 2, 1, 2]], [[4, 3]]]
        for shapes in shapeSets {
            // Per layer, the bit mask of each group's weights over the concatenated layers.
            var offset = 0
            let groupMasks: [[Int]] = shapes.map { shape in
                let ids = groupIDs(granularity, shape: shape)
                var masks = [Int](repeating: 0, count: Set(ids).count)
                for (index, id) in ids.enumerated() { masks[id] |= 1 << (offset + index) }
                offset += ids.count
                return masks
            }
            let groups = groupMasks.map(\.count)
            func active(_ support: Int) -> [Int] {
                groupMasks.map { masks in masks.reduce(0) { $0 + (support & $1 != 0 ? 1 : 0) } }
            }
            for percent in [0, 34, 50, 75] {
                for scope in ConstraintScope.allCases {
                    let constraint = try SparsityConstraint(granularity: granularity, sparsity: Double(percent) / 100, scope: scope)
                    if (try? constraint.validate(shapes.enumerated().map { LayerShape(name: "l\($0.offset)", shape: $0.element) })) == nil {
                        continue   // e.g. a block wider than the layer; the validation tests cover the error
                    }
                    let space = SupportSpace(shapes: shapes, bitRule: { support in
                        let active = active(support)
                        if scope == .layer {
                            return zip(active, groups).allSatisfy { $0 <= keepFromPercent(percent, of: $1) }
                        }
                        return active.reduce(0, +) <= keepFromPercent(percent, of: groups.reduce(0, +))
                    })
                    for trial in 0..<4 {
                        try checkProjection(constraint, Self.layers(shapes, trial: trial, generator: &generator), space: space)
                    }
                }
            }
        }
    }

    @Test("N:M along the input dimension", arguments: [(1, 2), (2, 4), (1, 3), (2, 3)])
    func nm(n: Int, m: Int) throws {
        var generator = SeededGenerator(seed: UInt64(400 + 10 * n + m))
        let constraint = try NMConstraint(n: n, m: m)
        // Linear [out, in] and conv [out, in, kh, kw] with in divisible by m.
        let shapes: [[Int]] = [[2, 2 * m], [1, m, 1, 2], [1, m, 2, 1], [3, m], [1, 2 * m, 1, 1]]
        for shape in shapes where shape.reduce(1, *) <= 12 {
            let spatial = shape.dropFirst(2).reduce(1, *)
            let space = SupportSpace(shapes: [shape]) { kept in
                // Group of a weight: (out, block of m inputs, spatial position), from the documented layout.
                var counts: [Int: Int] = [:]
                for (index, keep) in kept[0].enumerated() where keep {
                    let out = index / (shape[1] * spatial)
                    let input = (index / spatial) % shape[1]
                    counts[(out * 100 + input / m) * 100 + index % spatial, default: 0] += 1
                }
                return counts.values.allSatisfy { $0 <= n }
            }
            for trial in 0..<8 {
                try checkProjection(constraint, Self.layers([shape], trial: trial, generator: &generator), space: space)
            }
        }
    }

    @Test("per-layer bounds under a global budget")
    func bounded() throws {
        var generator = SeededGenerator(seed: 500)
        let shapes: [[Int]] = [[2, 3], [2, 2], [1, 4]]
        let cases: [(Int, SparsityBounds, [String: SparsityBounds])] = [
            (50, SparsityBounds(minimum: 0.25, maximum: 0.75), [:]),
            (60, .unbounded, ["l0": SparsityBounds(minimum: 0, maximum: 0.2)]),
            (30, SparsityBounds(minimum: 0.5, maximum: 1), [:]),               // the maxima cannot absorb the budget
            (70, SparsityBounds(minimum: 0, maximum: 0.9), ["l1": SparsityBounds(minimum: 0.5, maximum: 0.5)]),
        ]
        for (percent, defaults, overrides) in cases {
            let constraint = try BoundedGlobalConstraint(sparsity: Double(percent) / 100, defaultBounds: defaults,
                                                         layerBounds: overrides)
            // Independent keep ranges from the documented rounding (bounds above are exact in binary or in percent).
            func keep(_ s: Double, _ n: Int) -> Int { Int(((1 - s) * Double(n) - 1e-9).rounded(.up)) }
            let budget = keepFromPercent(percent, of: 14)
            let ranges = shapes.enumerated().map { index, shape -> (low: Int, high: Int) in
                let bounds = overrides["l\(index)"] ?? defaults
                let count = shape.reduce(1, *)
                return (keep(bounds.maximum, count), keep(bounds.minimum, count))
            }
            let space = SupportSpace(shapes: shapes) { kept in
                let counts = kept.map { $0.filter { $0 }.count }
                guard zip(counts, ranges).allSatisfy({ $0 <= $1.high }) else { return false }
                return zip(counts, ranges).reduce(0) { $0 + max($1.0, $1.1.low) } <= budget
            }
            for trial in 0..<10 {
                let layers = Self.layers(shapes, trial: trial, generator: &generator)
                try checkProjection(constraint, layers, space: space)
                // The projection keeps at least each layer's minimum (its forced largest weights).
                let projected = try constraint.project(layers)
                for (layer, (original, range)) in zip(projected, zip(layers, ranges)) {
                    #expect(layer.tensor.nonZeroCount >= min(range.low, original.tensor.nonZeroCount))
                }
            }
        }
    }
}
