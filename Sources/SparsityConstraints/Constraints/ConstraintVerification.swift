/// One way in which weights break a constraint.
public struct ConstraintViolation: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The offending layer, or nil for a violation of a budget shared by all layers.
    public var layer: String?
    /// What is wrong, in words, with the numbers.
    public var message: String
    /// The largest (or smallest, for lower bounds) count the constraint allows, when a count is involved.
    public var allowed: Int?
    /// The count found in the weights, when a count is involved.
    public var found: Int?

    /// Creates a violation record.
    /// - Parameters:
    ///   - layer: The offending layer, or nil for a global budget.
    ///   - message: What is wrong.
    ///   - allowed: The allowed count, if any.
    ///   - found: The count found, if any.
    public init(layer: String?, message: String, allowed: Int? = nil, found: Int? = nil) {
        self.layer = layer
        self.message = message
        self.allowed = allowed
        self.found = found
    }

    /// A readable one-line form for logs and messages.
    public var description: String { "\(layer ?? "all layers"): \(message)" }
}

/// The result of checking weights against a constraint: feasible, or the list of violations, plus the achieved sparsity.
public struct ConstraintVerification: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The summary of the constraint that was checked.
    public var constraint: String
    /// Every violation found; empty when the weights are feasible.
    public var violations: [ConstraintViolation]
    /// The achieved sparsity of the checked weights.
    public var sparsity: SparsityReport

    /// Creates a verification result.
    /// - Parameters:
    ///   - constraint: The constraint's summary.
    ///   - violations: The violations found.
    ///   - sparsity: The measured sparsity.
    public init(constraint: String, violations: [ConstraintViolation], sparsity: SparsityReport) {
        self.constraint = constraint
        self.violations = violations
        self.sparsity = sparsity
    }

    /// Whether the weights lie in the constraint set.
    public var isFeasible: Bool { violations.isEmpty }

    /// A readable one-line form for logs and messages.
    public var description: String {
        if isFeasible {
            return "feasible for \(constraint) (overall sparsity \(formatRatio(sparsity.overallSparsity)))"
        }
        return "\(violations.count) violation(s) of \(constraint):\n"
            + violations.map { "  " + $0.description }.joined(separator: "\n")
    }
}
