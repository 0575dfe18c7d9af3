/// The sparsity pattern a layer-wise pruner produces for one weight matrix [rows, columns].
///
/// Columns are the flattened input dimension: for a `Linear` [out, in] the input feature, for a `Conv2d`
/// [out, in, kh, kw] the index ((i·kh)+y)·kw+x, the same order as the im2col rows of ``im2colRows(_:geometry:)``.
public enum LayerwiseSparsity: Equatable, Sendable {
    /// Unstructured, at a fraction `sparsity` ∈ [0, 1) of zeros: exactly ceil((1 − sparsity)·n) weights are kept.
    case sparsity(Double)
    /// Unstructured, keeping exactly `keep` weights of the layer (use it to take the count from a `Constraint`).
    case keep(Int)
    /// N:M: in each row, every group of `m` consecutive columns keeps exactly `n` weights (e.g. 2:4).
    case nOutOfM(n: Int, m: Int)

    /// The number of weights ceil((1 − sparsity)·total) that a fractional sparsity keeps.
    ///
    /// A relative slack of 1e-12 stops rounding noise such as (1 − 0.7)·10 = 3.0000000000000004 from keeping one more.
    /// - Parameters:
    ///   - sparsity: the fraction of zeros, in [0, 1).
    ///   - total: the number of weights.
    public static func keptCount(sparsity: Double, total: Int) -> Int {
        let exact = (1 - sparsity) * Double(total)
        return min(total, max(0, Int((exact - 1e-12 * Double(max(total, 1))).rounded(.up))))
    }

    /// The number of weights this pattern keeps in a [rows, columns] matrix, after checking the pattern fits it.
    /// - Parameters:
    ///   - rows: the number of output rows.
    ///   - columns: the number of flattened input columns.
    ///   - layer: the layer's name, for error messages.
    /// - Throws: ``LayerwiseError/invalidArgument(_:)`` for a sparsity outside [0, 1), a count outside [0, n],
    ///   an N:M with n > m or m < 1, or a column count that is not a multiple of m.
    public func keptCount(rows: Int, columns: Int, layer: String) throws -> Int {
        let total = rows * columns
        switch self {
        case .sparsity(let sparsity):
            guard sparsity.isFinite, sparsity >= 0, sparsity < 1 else {
                throw LayerwiseError.invalidArgument("layer '\(layer)': sparsity \(sparsity) is outside [0, 1)")
            }
            return LayerwiseSparsity.keptCount(sparsity: sparsity, total: total)
        case .keep(let keep):
            guard keep >= 0, keep <= total else {
                throw LayerwiseError.invalidArgument("layer '\(layer)': keep \(keep) weights is outside [0, \(total)]")
            }
            return keep
        case .nOutOfM(let n, let m):
            guard m >= 1, n >= 0, n <= m else {
                throw LayerwiseError.invalidArgument("layer '\(layer)': N:M pattern \(n):\(m) needs 0 ≤ N ≤ M and M ≥ 1")
            }
            guard columns % m == 0 else {
                throw LayerwiseError.invalidArgument(
                    "layer '\(layer)': \(n):\(m) needs the \(columns) flattened input columns to be a multiple of \(m)")
            }
            return rows * (columns / m) * n
        }
    }
}
