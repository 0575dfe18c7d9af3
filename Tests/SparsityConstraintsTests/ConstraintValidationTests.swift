import Testing
import _TestSupport
import TensorEngine
@testable import SparsityConstraints

@Suite("Constraint requests that cannot be honoured throw")
struct ConstraintValidationTests {
    let linear = LayerShape(name: "fc1.weight", shape: [6, 10])
    let conv = LayerShape(name: "conv1.weight", shape: [4, 6, 3, 3])

    @Test("sparsity outside [0, 1)", arguments: [-0.1, 1.0, 1.5, Double.nan, Double.infinity])
    func sparsityOutOfRange(value: Double) {
        expectThrows(["sparsity", "[0, 1)"]) { _ = try SparsityConstraint.unstructured(sparsity: value) }
        expectThrows(["sparsity", "[0, 1)"]) { _ = try SparsityConstraint.filters(sparsity: value, scope: .global) }
        expectThrows(["global sparsity", "[0, 1)"]) { _ = try BoundedGlobalConstraint(sparsity: value) }
        expectThrows(["sparsity", "[0, 1)"]) { _ = try ConstraintSpec.parse("block:2x2", sparsity: value) }
        expectThrows(["layer 'fc1.weight'", "[0, 1)"]) {
            _ = try SparsityConstraint(sparsity: 0.5, layerSparsity: ["fc1.weight": value])
        }
    }

    @Test("N:M with N ≥ M or N < 1", arguments: [(4, 4), (3, 2), (0, 4), (-1, 2)])
    func invalidNM(n: Int, m: Int) {
        expectThrows(["\(n):\(m)", "1 ≤ N < M"]) { _ = try NMConstraint(n: n, m: m) }
        expectThrows(["\(n):\(m)"]) { _ = try ConstraintSpec.parse("nm:\(n):\(m)", sparsity: 0) }
    }

    @Test("N:M on an input dimension not divisible by M")
    func nmNotDivisible() throws {
        let constraint = try NMConstraint(n: 2, m: 4)
        expectThrows(["fc1.weight", "input dimension 10", "M = 4"]) { try constraint.validate([linear]) }
        expectThrows(["conv1.weight", "input dimension 6", "M = 4"]) { try constraint.validate([conv]) }
        expectThrows(["bias", "rank 1"]) { try constraint.validate([LayerShape(name: "bias", shape: [8])]) }
        try NMConstraint(n: 1, m: 3).validate([conv])           // 6 divisible by 3
        try NMConstraint(n: 2, m: 5).validate([linear])         // 10 divisible by 5
        // project refuses the layer too instead of crashing.
        expectThrows(["input dimension 10"]) { _ = try constraint.project([NamedTensor(name: "fc1.weight", tensor: .zeros([6, 10]))]) }
    }

    @Test("block larger than the layer or with a zero side")
    func blocks() throws {
        expectThrows(["block 8x2", "fc1.weight", "[6, 10]"]) {
            try SparsityConstraint.blocks(height: 8, width: 2, sparsity: 0.5).validate([linear])
        }
        expectThrows(["block 2x60", "conv1.weight", "[4, 54]"]) {
            try SparsityConstraint.blocks(height: 2, width: 60, sparsity: 0.5).validate([conv])
        }
        expectThrows(["block 0x4", "at least 1"]) { _ = try SparsityConstraint.blocks(height: 0, width: 4, sparsity: 0.5) }
        // Edge blocks are allowed: 4x4 on [6, 10].
        try SparsityConstraint.blocks(height: 4, width: 4, sparsity: 0.5).validate([linear])
    }

    @Test("structured granularities need rank ≥ 2")
    func structuredRank() throws {
        let vector = LayerShape(name: "embedding.scale", shape: [7])
        for constraint in [try SparsityConstraint.filters(sparsity: 0.5), try SparsityConstraint.inputChannels(sparsity: 0.5)] {
            expectThrows(["embedding.scale", "rank 1"]) { try constraint.validate([vector]) }
        }
        try SparsityConstraint.unstructured(sparsity: 0.5).validate([vector])   // unstructured takes any rank
    }

    @Test("layer lists: empty, duplicates, overrides for unknown layers")
    func layerLists() throws {
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.5)
        expectThrows(["no layers"]) { try constraint.validate([LayerShape]()) }
        expectThrows(["fc1.weight", "more than once"]) { try constraint.validate([linear, linear]) }
        expectThrows(["fc9.weight", "not among the selected layers"]) {
            try SparsityConstraint(sparsity: 0.5, layerSparsity: ["fc9.weight": 0.9]).validate([linear])
        }
        expectThrows(["fc9.weight", "not among the selected layers"]) {
            try BoundedGlobalConstraint(sparsity: 0.5, layerBounds: ["fc9.weight": .unbounded]).validate([linear])
        }
        expectThrows(["scope 'layer'"]) {
            _ = try SparsityConstraint(sparsity: 0.5, scope: .global, layerSparsity: ["fc1.weight": 0.9])
        }
    }

    @Test("bounds: out of order, out of range, or forcing more than the budget")
    func bounds() throws {
        expectThrows(["[0.8, 0.2]", "minimum ≤ maximum"]) {
            _ = try BoundedGlobalConstraint(sparsity: 0.5, defaultBounds: SparsityBounds(minimum: 0.8, maximum: 0.2))
        }
        expectThrows(["layer 'x'", "≤ 1"]) {
            _ = try BoundedGlobalConstraint(sparsity: 0.5, layerBounds: ["x": SparsityBounds(minimum: 0, maximum: 1.2)])
        }
        // Each layer must stay at most 10% sparse, but the budget asks for 90% overall.
        let tight = try BoundedGlobalConstraint(sparsity: 0.9, defaultBounds: SparsityBounds(minimum: 0, maximum: 0.1))
        expectThrows(["force at least 108 weights", "allows only 12"]) { try tight.validate([linear, LayerShape(name: "fc2.weight", shape: [6, 10])]) }
    }

    @Test("keep counts round up and absorb floating-point error")
    func keepCounts() {
        #expect(KeepCount.keep(sparsity: 0.7, of: 10) == 3)      // (1 − 0.7) · 10 = 3.0000000000000004
        #expect(KeepCount.keep(sparsity: 0.9, of: 10) == 1)      // 0.9999999999999998
        #expect(KeepCount.keep(sparsity: 0.5, of: 5) == 3)
        #expect(KeepCount.keep(sparsity: 0, of: 7) == 7)
        #expect(KeepCount.keep(sparsity: 0.999, of: 10) == 1)
        #expect(KeepCount.keep(sparsity: 1, of: 10) == 0)
        #expect(KeepCount.keep(sparsity: 0.9, of: 11_173_962) == 1_117_397)
    }
}
