import TensorEngine
@testable import LayerwisePruning

/// Calibration rows [samples, features] with correlated features: X = Z·Aᵀ, Z standard normal, A a random mixing.
func correlatedRows(samples: Int, features: Int, seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let latent = Tensor.normal([samples, features], generator: &generator)
    let mixing = Tensor.normal([features, features], standardDeviation: 1 / Float(features).squareRoot(),
                               generator: &generator)
    // A strong shared component on top of the mixing makes neighbouring features correlated, as real activations are.
    var rows = latent.matmul(mixing, transposeOther: true)
    for sample in 0..<samples {
        let shared = latent.scalars[sample * features]
        for feature in 0..<features { rows.scalars[sample * features + feature] += 0.8 * shared }
    }
    return rows
}

/// The Hessian 2·XᵀX of calibration rows, through the accumulator in two chunks.
func hessian(of rows: Tensor) throws -> Tensor {
    var accumulator = HessianAccumulator(features: rows.shape[1])
    let half = rows.shape[0] / 2
    let features = rows.shape[1]
    try accumulator.add(rows: Tensor(shape: [half, features], scalars: Array(rows.scalars[0..<(half * features)])))
    try accumulator.add(rows: Tensor(shape: [rows.shape[0] - half, features],
                                     scalars: Array(rows.scalars[(half * features)...])))
    return accumulator.hessian()
}

/// ‖(W − Ŵ) X‖² summed over the calibration rows directly, in Double.
func directError(original: Tensor, pruned: Tensor, rows: Tensor) -> Double {
    let out = original.shape[0], features = rows.shape[1]
    var total = 0.0
    for sample in 0..<rows.shape[0] {
        for unit in 0..<out {
            var dot = 0.0
            for feature in 0..<features {
                let delta = Double(original.scalars[unit * features + feature]) - Double(pruned.scalars[unit * features + feature])
                dot += delta * Double(rows.scalars[sample * features + feature])
            }
            total += dot * dot
        }
    }
    return total
}

/// Magnitude pruning of the whole layer to exactly `keep` weights (ties: the lower index is pruned first).
func magnitudePruned(_ weights: Tensor, keep: Int) -> Tensor {
    let order = weights.scalars.indices.sorted { a, b in
        let (x, y) = (abs(weights.scalars[a]), abs(weights.scalars[b]))
        return x != y ? x > y : a > b
    }
    var result = Tensor.zeros(weights.shape)
    for index in order.prefix(keep) { result.scalars[index] = weights.scalars[index] }
    return result
}

/// tr(ΔW H ΔWᵀ) in Double.
func quadraticForm(delta: [Double], rows: Int, hessian: [Double]) -> Double {
    let n = hessian.count.squareRootOfPerfectSquare
    var total = 0.0
    for row in 0..<rows {
        for i in 0..<n {
            for j in 0..<n { total += delta[row * n + i] * hessian[i * n + j] * delta[row * n + j] }
        }
    }
    return total
}

extension Int {
    var squareRootOfPerfectSquare: Int {
        let root = Int(Double(self).squareRoot().rounded())
        precondition(root * root == self)
        return root
    }
}

/// Solves the symmetric positive definite system A x = b (Double, Gaussian elimination; tiny sizes only).
func solve(_ matrix: [Double], _ rhs: [Double]) -> [Double] {
    let n = rhs.count
    var a = matrix, b = rhs
    for pivot in 0..<n {
        for row in (pivot + 1)..<max(pivot + 1, n) {
            let factor = a[row * n + pivot] / a[pivot * n + pivot]
            for column in pivot..<n { a[row * n + column] -= factor * a[pivot * n + column] }
            b[row] -= factor * b[pivot]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
        var sum = b[row]
        for column in (row + 1)..<max(row + 1, n) { sum -= a[row * n + column] * x[column] }
        x[row] = sum / a[row * n + row]
    }
    return x
}

/// For one row w and a support S: the least-squares optimal ŵ (zero off S) minimising (w − ŵ)ᵀ H (w − ŵ), and that value.
///
/// Setting the gradient on S to zero gives H_SS ŵ_S = (H w)_S.
func optimalCompensation(w: [Double], hessian: [Double], support: [Int]) -> (weights: [Double], error: Double) {
    let n = w.count
    var hw = [Double](repeating: 0, count: n)
    for i in 0..<n { for j in 0..<n { hw[i] += hessian[i * n + j] * w[j] } }
    let sub = support.flatMap { i in support.map { j in hessian[i * n + j] } }
    let solution = support.isEmpty ? [] : solve(sub, support.map { hw[$0] })
    var result = [Double](repeating: 0, count: n)
    for (position, column) in support.enumerated() { result[column] = solution[position] }
    let delta = zip(w, result).map { $0 - $1 }
    return (result, quadraticForm(delta: delta, rows: 1, hessian: hessian))
}

/// All subsets of 0..<n with exactly k elements.
func combinations(_ n: Int, _ k: Int) -> [[Int]] {
    if k == 0 { return [[]] }
    if n < k { return [] }
    return combinations(n - 1, k) + combinations(n - 1, k - 1).map { $0 + [n - 1] }
}
