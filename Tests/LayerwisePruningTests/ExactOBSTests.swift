import Testing
import TensorEngine
@testable import LayerwisePruning

@Suite("Greedy exact OBS against brute force")
struct ExactOBSTests {
    /// A tiny layer and its (undamped) Hessian, in Float for the pruner and Double for brute force.
    func tinyProblem(rows: Int, columns: Int, seed: UInt64) throws -> (Tensor, Tensor, [Double]) {
        let h = try hessian(of: correlatedRows(samples: 20, features: columns, seed: seed))
        var generator = SeededGenerator(seed: seed + 100)
        let weights = Tensor.normal([rows, columns], generator: &generator)
        return (weights, h, h.scalars.map(Double.init))
    }

    @Test("1×6 keep 3: OBS is optimal for its support, and no support beats brute force's best", arguments: [40, 41, 42, 43])
    func keepThreeOfSix(seed: Int) throws {
        let (weights, h, hd) = try tinyProblem(rows: 1, columns: 6, seed: UInt64(seed))
        let w = weights.scalars.map(Double.init)
        let result = try ExactOBS.prune(weights: weights, hessian: h, pattern: .keep(3), dampingFraction: 0)
        let support = (0..<6).filter { result.mask.scalars[$0] == 1 }
        #expect(support.count == 3)
        let optimal = optimalCompensation(w: w, hessian: hd, support: support)
        for column in 0..<6 { #expect(abs(Double(result.weights.scalars[column]) - optimal.weights[column]) < 1e-3) }
        #expect(abs(result.trackedError - optimal.error) <= 1e-6 * optimal.error)
        let best = combinations(6, 3).map { optimalCompensation(w: w, hessian: hd, support: $0).error }.min()!
        #expect(best <= result.trackedError * (1 + 1e-9))
        // SparseGPT compensates only into later columns, so its answer is at best the optimum for its support.
        let sparseGPT = try SparseGPT.prune(weights: weights, hessian: h, pattern: .keep(3),
                                            options: SparseGPTOptions(dampingFraction: 0))
        let sparseSupport = (0..<6).filter { sparseGPT.mask.scalars[$0] == 1 }
        let sparseError = quadraticForm(delta: zip(w, sparseGPT.weights.scalars).map { $0 - Double($1) }, rows: 1,
                                        hessian: hd)
        #expect(sparseError >= optimalCompensation(w: w, hessian: hd, support: sparseSupport).error * (1 - 1e-4))
        #expect(sparseError >= best * (1 - 1e-4))
    }

    @Test("removing a single weight: OBS equals brute force exactly", arguments: [50, 51, 52])
    func singleRemoval(seed: Int) throws {
        let (weights, h, hd) = try tinyProblem(rows: 1, columns: 6, seed: UInt64(seed))
        let w = weights.scalars.map(Double.init)
        let result = try ExactOBS.prune(weights: weights, hessian: h, pattern: .keep(5), dampingFraction: 0)
        let candidates = combinations(6, 5).map { ($0, optimalCompensation(w: w, hessian: hd, support: $0).error) }
        let best = candidates.min { $0.1 < $1.1 }!
        #expect((0..<6).filter { result.mask.scalars[$0] == 1 } == best.0)
        #expect(abs(result.trackedError - best.1) <= 1e-9 * best.1)
    }

    @Test("two rows, keep 5 of 10 over the layer: greedy is optimal for its support and no better than the best")
    func layerWideCount() throws {
        let (weights, h, hd) = try tinyProblem(rows: 2, columns: 5, seed: 60)
        let w = weights.scalars.map(Double.init)
        let result = try ExactOBS.prune(weights: weights, hessian: h, pattern: .keep(5), dampingFraction: 0)
        #expect(result.mask.nonZeroCount == 5)
        func layerError(_ support: [Int]) -> Double {
            (0..<2).map { row in
                optimalCompensation(w: Array(w[(row * 5)..<(row * 5 + 5)]), hessian: hd,
                                    support: support.filter { $0 / 5 == row }.map { $0 % 5 }).error
            }.reduce(0, +)
        }
        let greedySupport = (0..<10).filter { result.mask.scalars[$0] == 1 }
        #expect(abs(layerError(greedySupport) - result.trackedError) <= 1e-6 * result.trackedError)
        let best = combinations(10, 5).map(layerError).min()!
        #expect(best <= result.trackedError * (1 + 1e-9))
        #expect(throws: LayerwiseError.self) {
            try ExactOBS.prune(weights: weights, hessian: h, pattern: .nOutOfM(n: 2, m: 5))
        }
    }
}
