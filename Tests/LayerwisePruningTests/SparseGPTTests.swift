import Testing
import TensorEngine
@testable import LayerwisePruning

@Suite("SparseGPT sweep")
struct SparseGPTTests {
    @Test("beats magnitude pruning's reconstruction error on correlated inputs", arguments: [0.5, 0.7])
    func beatsMagnitude(sparsity: Double) throws {
        let rows = correlatedRows(samples: 256, features: 64, seed: 20)
        let h = try hessian(of: rows)
        var generator = SeededGenerator(seed: 21)
        let weights = Tensor.normal([16, 64], generator: &generator)
        let result = try SparseGPT.prune(weights: weights, hessian: h, pattern: .sparsity(sparsity),
                                         options: SparseGPTOptions(blockSize: 16))
        let keep = LayerwiseSparsity.keptCount(sparsity: sparsity, total: 16 * 64)
        #expect(result.keptCount == keep)
        #expect(result.mask.nonZeroCount == keep)
        let sparseGPTError = try reconstructionError(original: weights, pruned: result.weights, hessian: h)
        let magnitudeError = try reconstructionError(original: weights, pruned: magnitudePruned(weights, keep: keep),
                                                     hessian: h)
        #expect(sparseGPTError < 0.8 * magnitudeError)
    }

    @Test("unstructured sparsity keeps exactly ceil((1 − s)·n) weights with uneven blocks")
    func exactCount() throws {
        let h = try hessian(of: correlatedRows(samples: 60, features: 13, seed: 22))
        var generator = SeededGenerator(seed: 23)
        let weights = Tensor.normal([7, 13], generator: &generator)
        for (pattern, keep) in [(LayerwiseSparsity.sparsity(0.7), 28), (.sparsity(0.5), 46), (.keep(9), 9), (.sparsity(0), 91)] {
            let result = try SparseGPT.prune(weights: weights, hessian: h, pattern: pattern,
                                             options: SparseGPTOptions(blockSize: 5))
            #expect(result.keptCount == keep)
            #expect(result.mask.nonZeroCount == keep)
            #expect(result.weights.nonZeroCount <= keep)
            for index in 0..<91 where result.mask.scalars[index] == 0 { #expect(result.weights.scalars[index] == 0) }
        }
        let dense = try SparseGPT.prune(weights: weights, hessian: h, pattern: .sparsity(0))
        #expect(dense.weights == weights)
        #expect(dense.trackedError == 0)
        #expect(throws: LayerwiseError.self) { try SparseGPT.prune(weights: weights, hessian: h, pattern: .sparsity(1)) }
        #expect(throws: LayerwiseError.self) { try SparseGPT.prune(weights: weights, hessian: h, pattern: .keep(92)) }
        #expect(throws: LayerwiseError.self) {
            try SparseGPT.prune(weights: Tensor.zeros([7, 12]), hessian: h, pattern: .sparsity(0.5))
        }
    }

    @Test("Σ e_j² over the sweep equals tr(ΔW H′ ΔWᵀ) for the damped Hessian H′")
    func errorIdentity() throws {
        let h = try hessian(of: correlatedRows(samples: 80, features: 24, seed: 24))
        var generator = SeededGenerator(seed: 25)
        let weights = Tensor.normal([6, 24], generator: &generator)
        for pattern in [LayerwiseSparsity.sparsity(0.6), .nOutOfM(n: 2, m: 4)] {
            let result = try SparseGPT.prune(weights: weights, hessian: h, pattern: pattern,
                                             options: SparseGPTOptions(blockSize: 8))
            let factor = try InverseHessianFactor(hessian: h)
            let damped = factor.dampedHessian(from: h).scalars.map(Double.init)
            let delta = zip(weights.scalars, result.weights.scalars).map { Double($0) - Double($1) }
            let trace = quadraticForm(delta: delta, rows: 6, hessian: damped)
            #expect(result.trackedError > 0)
            #expect(abs(result.trackedError - trace) <= 1e-3 * trace)
        }
    }

    @Test("2:4 keeps exactly two of every four consecutive columns per row, for Linear and conv shapes")
    func nOutOfMValidity() throws {
        let h = try hessian(of: correlatedRows(samples: 100, features: 32, seed: 26))
        var generator = SeededGenerator(seed: 27)
        let weights = Tensor.normal([8, 32], generator: &generator)
        let result = try SparseGPT.prune(weights: weights, hessian: h, pattern: .nOutOfM(n: 2, m: 4),
                                         options: SparseGPTOptions(blockSize: 8))
        #expect(result.keptCount == 8 * 16)
        for row in 0..<8 {
            for group in 0..<8 {
                let indices = (0..<4).map { row * 32 + group * 4 + $0 }
                #expect(indices.filter { result.mask.scalars[$0] == 1 }.count == 2)
                for index in indices where result.mask.scalars[index] == 0 { #expect(result.weights.scalars[index] == 0) }
            }
        }
        // Against 2:4 by magnitude on the same groups.
        var magnitude = weights
        for start in stride(from: 0, to: 8 * 32, by: 4) {
            let order = (start..<(start + 4)).sorted { abs(weights.scalars[$0]) < abs(weights.scalars[$1]) }
            for index in order.prefix(2) { magnitude.scalars[index] = 0 }
        }
        #expect(try reconstructionError(original: weights, pruned: result.weights, hessian: h)
            < reconstructionError(original: weights, pruned: magnitude, hessian: h))

        // A conv weight [4, 2, 2, 2] is grouped along its flattened columns ((i·kh)+y)·kw+x.
        let convH = try hessian(of: correlatedRows(samples: 40, features: 8, seed: 28))
        let convWeights = Tensor.normal([4, 2, 2, 2], generator: &generator)
        let conv = try SparseGPT.prune(weights: convWeights, hessian: convH, pattern: .nOutOfM(n: 1, m: 4),
                                       options: SparseGPTOptions(blockSize: 4))
        #expect(conv.weights.shape == [4, 2, 2, 2])
        for group in 0..<8 { #expect(conv.mask.scalars[(group * 4)..<(group * 4 + 4)].filter { $0 == 1 }.count == 1) }

        #expect(throws: LayerwiseError.self) {  // block size not a multiple of M
            try SparseGPT.prune(weights: weights, hessian: h, pattern: .nOutOfM(n: 2, m: 4), options: SparseGPTOptions(blockSize: 6))
        }
        let odd = try hessian(of: correlatedRows(samples: 40, features: 25, seed: 29))
        #expect(throws: LayerwiseError.self) {  // 25 columns (LeNet conv1) are not a multiple of 4
            try SparseGPT.prune(weights: Tensor.zeros([6, 1, 5, 5]), hessian: odd, pattern: .nOutOfM(n: 2, m: 4))
        }
        #expect(throws: LayerwiseError.self) {
            try SparseGPT.prune(weights: weights, hessian: h, pattern: .nOutOfM(n: 3, m: 2))
        }
    }

    @Test("the lazy block updates are exact: N:M results do not depend on the block size")
    func blockSizeInvariance() throws {
        let h = try hessian(of: correlatedRows(samples: 100, features: 32, seed: 30))
        var generator = SeededGenerator(seed: 31)
        let weights = Tensor.normal([5, 32], generator: &generator)
        let reference = try SparseGPT.prune(weights: weights, hessian: h, pattern: .nOutOfM(n: 2, m: 4),
                                            options: SparseGPTOptions(blockSize: 32))
        for blockSize in [4, 8, 12] {
            let blocked = try SparseGPT.prune(weights: weights, hessian: h, pattern: .nOutOfM(n: 2, m: 4),
                                              options: SparseGPTOptions(blockSize: blockSize))
            #expect(blocked.mask == reference.mask)
            #expect(blocked.weights.maxAbsoluteDifference(to: reference.weights) < 1e-4)
        }
    }

    @Test("dead inputs have their weights zeroed")
    func deadInputsZeroed() throws {
        var rows = correlatedRows(samples: 60, features: 12, seed: 32)
        for sample in 0..<60 { rows.scalars[sample * 12 + 3] = 0; rows.scalars[sample * 12 + 10] = 0 }
        let h = try hessian(of: rows)
        var generator = SeededGenerator(seed: 33)
        let weights = Tensor.normal([4, 12], generator: &generator)
        for pattern in [LayerwiseSparsity.sparsity(0.25), .sparsity(0), .nOutOfM(n: 2, m: 4)] {
            let result = try SparseGPT.prune(weights: weights, hessian: h, pattern: pattern)
            #expect(result.deadInputs == [3, 10])
            for row in 0..<4 {
                #expect(result.weights.scalars[row * 12 + 3] == 0)
                #expect(result.weights.scalars[row * 12 + 10] == 0)
            }
        }
        // At 25 % (12 of 48 pruned), the mask prunes the eight dead weights first: they cost nothing.
        let quarter = try SparseGPT.prune(weights: weights, hessian: h, pattern: .sparsity(0.25))
        for row in 0..<4 { #expect(quarter.mask.scalars[row * 12 + 3] == 0 && quarter.mask.scalars[row * 12 + 10] == 0) }
    }
}
