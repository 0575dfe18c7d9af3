/// How a sparsity request becomes a number of kept groups, shared by every built-in constraint.
public enum KeepCount {
    /// The number of groups to keep for a sparsity: `ceil((1 − s) · groups)`, so the achieved sparsity never
    /// exceeds the request (it can fall short of it by less than one group).
    ///
    /// A tiny tolerance absorbs floating-point error, so that `(1 − 0.7) · 10` keeps 3 groups, not 4.
    /// - Parameters:
    ///   - sparsity: The requested fraction of zeros, in [0, 1].
    ///   - groups: The number of groups (weights, blocks, filters or channels).
    public static func keep(sparsity: Double, of groups: Int) -> Int {
        precondition(groups >= 0, "negative group count \(groups)")
        let exact = (1 - sparsity) * Double(groups)
        let tolerance = 1e-12 * Double(max(groups, 1))
        let rounded = Int((exact - tolerance).rounded(.up))
        return min(max(rounded, 0), groups)
    }

    /// Throws unless `sparsity` lies in [0, 1).
    /// - Parameters:
    ///   - sparsity: The value to check.
    ///   - what: What the value is, for the message (e.g. `sparsity for layer 'fc1.weight'`).
    public static func validate(sparsity: Double, what: String = "sparsity") throws {
        guard sparsity.isFinite, sparsity >= 0, sparsity < 1 else {
            throw ConstraintError.invalidSparsity("\(what) is \(sparsity); expected a value in [0, 1)")
        }
    }
}
