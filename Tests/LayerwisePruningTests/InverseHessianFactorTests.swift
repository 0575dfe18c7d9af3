import Testing
import TensorEngine
@testable import LayerwisePruning

@Suite("Damped inverse Hessian factor")
struct InverseHessianFactorTests {
    @Test("Uᵀ U is the inverse of the damped Hessian, U upper triangular")
    func factorInvertsDampedHessian() throws {
        let h = try hessian(of: correlatedRows(samples: 50, features: 10, seed: 10))
        let factor = try InverseHessianFactor(hessian: h)
        #expect(factor.dampingRetries == 0)
        #expect(factor.deadInputs.isEmpty)
        var meanDiagonal: Float = 0
        for i in 0..<10 { meanDiagonal += h.scalars[i * 10 + i] / 10 }
        #expect(abs(factor.damping - 0.01 * meanDiagonal) <= 1e-6 * meanDiagonal)
        let u = Tensor(shape: [10, 10], scalars: factor.upper)
        for i in 0..<10 { for j in 0..<i { #expect(u.scalars[i * 10 + j] == 0) } }
        let inverse = u.matmul(u, transposeSelf: true)
        let identity = inverse.matmul(factor.dampedHessian(from: h))
        for i in 0..<10 {
            for j in 0..<10 { #expect(abs(identity.scalars[i * 10 + j] - (i == j ? 1 : 0)) < 1e-3) }
        }
    }

    @Test("a matrix that needs more damping is retried with ten times the damping")
    func retryWithMoreDamping() throws {
        // Eigenvalues 2.02 and −0.02: 1 % of the mean diagonal is not enough, 10 % is.
        let h = Tensor(shape: [2, 2], scalars: [1, 1.02, 1.02, 1])
        let factor = try InverseHessianFactor(hessian: h, layer: "fc9")
        #expect(factor.dampingRetries == 1)
        #expect(abs(factor.dampingFraction - 0.1) < 1e-6)
        #expect(abs(factor.damping - 0.1) < 1e-6)
        // Without retries the same matrix fails with the clear error.
        #expect(throws: LayerwiseError.notPositiveDefinite(layer: "fc9", damping: 0.01)) {
            try InverseHessianFactor(hessian: h, maxDampingRetries: 0, layer: "fc9")
        }
    }

    @Test("a negative diagonal beyond any damping and NaN give clear errors naming the layer")
    func indefiniteAndNaN() throws {
        let negative = Tensor(shape: [4, 4], scalars: [100, 0, 0, 0, 0, 100, 0, 0, 0, 0, 100, 0, 0, 0, 0, -90])
        do {
            _ = try InverseHessianFactor(hessian: negative, layer: "conv2")
            Issue.record("an indefinite Hessian was factorised")
        } catch let error as LayerwiseError {
            guard case .notPositiveDefinite(let layer, let damping) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(layer == "conv2")
            #expect(abs(damping - 52.5) < 1e-3)  // the last attempt: fraction 1 × mean diagonal 52.5
            #expect(error.description.contains("conv2"))
        }
        let allNegative = Tensor(shape: [2, 2], scalars: [-1, 0, 0, -1])
        #expect(throws: LayerwiseError.self) { try InverseHessianFactor(hessian: allNegative) }
        var withNaN = Tensor(shape: [3, 3], scalars: [2, 0, 0, 0, 2, 0, 0, 0, 2])
        withNaN.scalars[1] = .nan
        #expect(throws: LayerwiseError.nonFiniteHessian(layer: "fc1")) {
            try InverseHessianFactor(hessian: withNaN, layer: "fc1")
        }
        #expect(throws: LayerwiseError.self) { try InverseHessianFactor(hessian: Tensor.zeros([2, 3])) }
    }

    @Test("dead inputs get a unit diagonal and are listed")
    func deadInputsListed() throws {
        var rows = correlatedRows(samples: 30, features: 6, seed: 11)
        for sample in 0..<30 { rows.scalars[sample * 6 + 2] = 0; rows.scalars[sample * 6 + 5] = 0 }
        let h = try hessian(of: rows)
        let factor = try InverseHessianFactor(hessian: h)
        #expect(factor.deadInputs == [2, 5])
        let damped = factor.dampedHessian(from: h)
        #expect(abs(damped.scalars[2 * 6 + 2] - (1 + factor.damping)) < 1e-6)
    }
}
