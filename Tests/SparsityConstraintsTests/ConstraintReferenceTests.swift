import Testing
import TensorEngine
@testable import SparsityConstraints

/// Sort-based reference: the indices of the `keep` largest |w|, ties to the earlier position in `values`.
func referenceTop(_ values: [Float], keep: Int) -> Set<Int> {
    let order = values.indices.sorted { abs(values[$0]) > abs(values[$1]) || (abs(values[$0]) == abs(values[$1]) && $0 < $1) }
    return Set(order.prefix(keep))
}

@Suite("Radix selection matches a sort-based reference on larger tensors")
struct ConstraintReferenceTests {
    /// Values with heavy ties (a few levels), exact zeros, and a spread of exponents.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            switch index % 5 {
            case 0: return Float(Int(generator.next() % 4)) * 0.25 * (generator.next() % 2 == 0 ? 1 : -1)
            case 1: return 0
            case 2: return generator.nextNormal() * 1e-6
            default: return generator.nextNormal() * 10
            }
        }
    }

    @Test("per layer and global, many sparsities")
    func unstructured() throws {
        let a = Self.values(3000, seed: 1)
        let b = Self.values(2000, seed: 2)
        let layers = [NamedTensor(name: "a", tensor: Tensor(shape: [30, 100], scalars: a)),
                      NamedTensor(name: "b", tensor: Tensor(shape: [20, 10, 10], scalars: b))]
        for sparsity in [0.0, 0.1, 0.33, 0.5, 0.79, 0.8, 0.95, 0.999] {
            let perLayer = try SparsityConstraint.unstructured(sparsity: sparsity).keepMasks(layers)
            for (mask, values) in zip(perLayer, [a, b]) {
                let expected = referenceTop(values, keep: KeepCount.keep(sparsity: sparsity, of: values.count))
                #expect(Set(mask.tensor.scalars.indices.filter { mask.tensor.scalars[$0] == 1 }) == expected)
            }
            let global = try SparsityConstraint.unstructured(sparsity: sparsity, scope: .global).keepMasks(layers)
            let expected = referenceTop(a + b, keep: KeepCount.keep(sparsity: sparsity, of: 5000))
            let kept = global[0].tensor.scalars + global[1].tensor.scalars
            #expect(Set(kept.indices.filter { kept[$0] == 1 }) == expected)
        }
    }

    @Test("bounded global matches a greedy reference")
    func bounded() throws {
        let a = Self.values(1200, seed: 3)
        let b = Self.values(800, seed: 4)
        let layers = [NamedTensor(name: "a", tensor: Tensor(shape: [12, 100], scalars: a)),
                      NamedTensor(name: "b", tensor: Tensor(shape: [8, 100], scalars: b))]
        let constraint = try BoundedGlobalConstraint(sparsity: 0.7, defaultBounds: SparsityBounds(minimum: 0.4, maximum: 0.9),
                                                     layerBounds: ["b": SparsityBounds(minimum: 0.75, maximum: 0.8)])
        let masks = try constraint.keepMasks(layers)
        // Reference: forced minimum per layer, then the largest remaining below each maximum, ties to layer a first.
        let ranges = constraint.keepRanges(layers.map(\.layerShape))
        var kept: [Set<Int>] = []
        var pool: [(value: Float, layer: Int, index: Int)] = []
        for (layer, values) in [a, b].enumerated() {
            let order = values.indices.sorted { abs(values[$0]) > abs(values[$1]) || (abs(values[$0]) == abs(values[$1]) && $0 < $1) }
            kept.append(Set(order.prefix(ranges[layer].lowerBound)))
            for index in order[ranges[layer].lowerBound..<ranges[layer].upperBound] { pool.append((abs(values[index]), layer, index)) }
        }
        pool.sort { ($0.value, -$0.layer, -$0.index) > ($1.value, -$1.layer, -$1.index) }
        let extra = constraint.budget(layers.map(\.layerShape)) - ranges.reduce(0) { $0 + $1.lowerBound }
        for entry in pool.prefix(extra) { kept[entry.layer].insert(entry.index) }
        for (mask, expected) in zip(masks, kept) {
            #expect(Set(mask.tensor.scalars.indices.filter { mask.tensor.scalars[$0] == 1 }) == expected)
        }
        #expect(masks.reduce(0) { $0 + $1.tensor.nonZeroCount } == constraint.budget(layers.map(\.layerShape)))
    }
}
