/// Chooses which parameters a pruning run constrains.
///
/// Without `include` patterns it selects the default set: every weight of a linear (rank 2) or conv2d (rank 4)
/// layer. Patterns select among the prunable parameters only: biases, batch-norm parameters and rank < 2 tensors
/// are never pruned. `exclude` removes matches from the selection. `keepFirstDense` / `keepLastDense` leave the
/// model's first / last default-prunable weight (in the order given, i.e. model order) dense, e.g. the stem
/// convolution and the classifier. A pattern that matches no prunable parameter is an error naming it, since it is
/// almost always a typo.
///
/// ```swift
/// let selector = ParameterSelector(include: [.glob("layer*.conv*.weight")], exclude: [.exact("layer1.0.conv1.weight")])
/// let chosen = try selector.select(from: parameters)      // [ParameterDescription], model order
/// ```
public struct ParameterSelector: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Patterns whose matches are selected; empty means the default set.
    public var include: [ParameterPattern]
    /// Patterns whose matches are left out.
    public var exclude: [ParameterPattern]
    /// Leave the first default-prunable weight dense.
    public var keepFirstDense: Bool
    /// Leave the last default-prunable weight dense.
    public var keepLastDense: Bool

    /// Creates a selector.
    /// - Parameters:
    ///   - include: Patterns to select (empty: every linear and conv2d weight).
    ///   - exclude: Patterns to leave out.
    ///   - keepFirstDense: Leave the model's first prunable weight dense.
    ///   - keepLastDense: Leave the model's last prunable weight dense.
    public init(include: [ParameterPattern] = [], exclude: [ParameterPattern] = [],
                keepFirstDense: Bool = false, keepLastDense: Bool = false) {
        self.include = include
        self.exclude = exclude
        self.keepFirstDense = keepFirstDense
        self.keepLastDense = keepLastDense
    }

    /// Every linear and conv2d weight.
    public static let `default` = ParameterSelector()

    /// A readable one-line form for logs and messages.
    public var description: String {
        var parts = [include.isEmpty ? "all linear and conv2d weights" : "include " + include.map(\.description).joined(separator: ", ")]
        if !exclude.isEmpty { parts.append("exclude " + exclude.map(\.description).joined(separator: ", ")) }
        if keepFirstDense { parts.append("first layer dense") }
        if keepLastDense { parts.append("last layer dense") }
        return parts.joined(separator: "; ")
    }

    /// The selected parameters, in the order given.
    /// - Parameter parameters: Every parameter of the model, in model order.
    /// - Throws: ``SelectionError`` for a pattern that matches no prunable parameter, a bad pattern, duplicate names,
    ///   or a selection that ends up empty.
    public func select(from parameters: [ParameterDescription]) throws -> [ParameterDescription] {
        var seen = Set<String>()
        for parameter in parameters where !seen.insert(parameter.name).inserted {
            throw SelectionError.invalidParameters("parameter '\(parameter.name)' appears more than once")
        }
        let prunable = parameters.map(\.isPrunable)

        // Each pattern must match some prunable parameter; say why when it only matches protected ones.
        func matches(_ pattern: ParameterPattern) throws -> [Bool] {
            let matcher = try pattern.matcher()
            let hits = parameters.map(matcher)
            if !zip(hits, prunable).contains(where: { $0 && $1 }) {
                let protected = zip(hits, parameters).filter { $0.0 }.map(\.1.name)
                let wholeName = pattern.matchesWholeName ? "; patterns must match the whole name" : ""
                let reason = protected.isEmpty
                    ? " (among \(parameters.count) parameters\(wholeName))"
                    : " (it matches only \(protected.prefix(3).joined(separator: ", "))\(protected.count > 3 ? ", …" : ""): "
                        + "biases, batch-norm parameters and tensors of rank < 2 are never pruned)"
                throw SelectionError.noMatch(pattern: pattern.description, reason: reason)
            }
            return hits
        }

        var selected = include.isEmpty ? parameters.map(\.isDefaultPrunable) : prunable.map { _ in false }
        for pattern in include {
            for (index, hit) in try matches(pattern).enumerated() where hit && prunable[index] { selected[index] = true }
        }
        for pattern in exclude {
            for (index, hit) in try matches(pattern).enumerated() where hit { selected[index] = false }
        }
        let defaults = parameters.indices.filter { parameters[$0].isDefaultPrunable }
        if keepFirstDense, let first = defaults.first { selected[first] = false }
        if keepLastDense, let last = defaults.last { selected[last] = false }

        let result = parameters.indices.filter { selected[$0] }.map { parameters[$0] }
        guard !result.isEmpty else {
            throw SelectionError.invalidParameters(
                "no parameter is left to prune with selection '\(description)' (out of \(parameters.count) parameters)")
        }
        return result
    }
}
