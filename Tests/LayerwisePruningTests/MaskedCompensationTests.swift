import Testing
import TensorEngine
@testable import LayerwisePruning

@Suite("OBS compensation on a fixed mask")
struct MaskedCompensationTests {
    @Test("each row's kept weights are the least-squares optimum on its support")
    func matchesReference() throws {
        let features = 7, rows = 5
        let h = try hessian(of: correlatedRows(samples: 40, features: features, seed: 30))
        var generator = SeededGenerator(seed: 31)
        let weights = Tensor.normal([rows, features], generator: &generator)
        // Rows 0 and 3 share a support (one factorisation), row 1 keeps all, row 2 none, row 4 its own.
        let pattern: [[Float]] = [[1, 0, 1, 1, 0, 0, 1], [1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0],
                                  [1, 0, 1, 1, 0, 0, 1], [0, 1, 0, 0, 1, 1, 0]]
        let mask = Tensor(shape: [rows, features], scalars: pattern.flatMap { $0 })
        let result = try MaskedCompensation.prune(weights: weights, mask: mask, hessian: h, dampingFraction: 0)
        #expect(result.keptCount == Int(mask.scalars.reduce(0, +)))
        #expect(result.mask == mask)
        let hd = h.scalars.map(Double.init)
        for row in 0..<rows {
            let w = (0..<features).map { Double(weights.scalars[row * features + $0]) }
            let support = (0..<features).filter { pattern[row][$0] == 1 }
            let reference = optimalCompensation(w: w, hessian: hd, support: support).weights
            for column in 0..<features {
                let value = Double(result.weights.scalars[row * features + column])
                #expect(abs(value - reference[column]) <= 1e-3 * max(1, abs(reference[column])), "row \(row) column \(column)")
            }
        }
        // The full row is untouched and the empty row is zero.
        #expect(Array(result.weights.scalars[features..<(2 * features)]) == Array(weights.scalars[features..<(2 * features)]))
        #expect(result.weights.scalars[(2 * features)..<(3 * features)].allSatisfy { $0 == 0 })
    }

    @Test("a conv-shaped weight keeps its shape; pruned weights are exactly zero; dead inputs stay unchanged")
    func convShapeAndDeadInputs() throws {
        var rows = correlatedRows(samples: 30, features: 8, seed: 32)
        for sample in 0..<30 { rows.scalars[sample * 8 + 5] = 0 }
        let h = try hessian(of: rows)
        var generator = SeededGenerator(seed: 33)
        let weights = Tensor.normal([3, 2, 2, 2], generator: &generator)
        let mask = Tensor(shape: [3, 2, 2, 2], scalars: (0..<24).map { $0 % 3 == 0 ? 0 : 1 })
        let result = try MaskedCompensation.prune(weights: weights, mask: mask, hessian: h)
        #expect(result.weights.shape == [3, 2, 2, 2])
        #expect(result.deadInputs == [5])
        for index in 0..<24 {
            if mask.scalars[index] == 0 { #expect(result.weights.scalars[index] == 0) }
            if index % 8 == 5 && mask.scalars[index] == 1 {
                #expect(abs(result.weights.scalars[index] - weights.scalars[index]) <= 1e-6 * abs(weights.scalars[index]))
            }
        }
        #expect(throws: LayerwiseError.self) {
            try MaskedCompensation.prune(weights: weights, mask: Tensor.zeros([3, 8]), hessian: h)
        }
    }
}
