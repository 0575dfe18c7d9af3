import Foundation

/// A Codable description of a constraint (a built-in pattern, or one registered in a ``ConstraintRegistry``), parsed from command-line text and saved with checkpoints so that
/// a run can be resumed with the same constraint.
///
/// ```swift
/// let spec = try ConstraintSpec.parse("nm:2:4", sparsity: 0.5)
/// let constraint = try spec.makeConstraint()       // NMConstraint(n: 2, m: 4)
/// let global = try ConstraintSpec.parse("unstructured", sparsity: 0.9, scope: .global).makeConstraint()
/// ```
public struct ConstraintSpec: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The pattern part of the text.
    public enum Pattern: Hashable, Codable, Sendable, CustomStringConvertible {
        /// `unstructured`: single weights.
        case unstructured
        /// `nm:N:M`: N non-zeros in every M consecutive inputs.
        case nm(n: Int, m: Int)
        /// `block:HxW`: whole blocks of the `[out, in·kh·kw]` view.
        case block(height: Int, width: Int)
        /// `filter`: whole output channels.
        case filter
        /// `channel`: whole input channels.
        case channel
        /// `NAME[:ARG…]`: a constraint of a ``ConstraintRegistry``, with the text's arguments.
        case registered(name: String, arguments: [String])

        /// The canonical text, which ``ConstraintSpec/parsePattern(_:)`` reads back.
        public var description: String {
            switch self {
            case .unstructured: return "unstructured"
            case .nm(let n, let m): return "nm:\(n):\(m)"
            case .block(let height, let width): return "block:\(height)x\(width)"
            case .filter: return "filter"
            case .channel: return "channel"
            case .registered(let name, let arguments): return ([name] + arguments).joined(separator: ":")
            }
        }

        /// The granularity of the sparsity patterns (nil for N:M).
        var granularity: Granularity? {
            switch self {
            case .unstructured: return .element
            case .nm: return nil
            case .block(let height, let width): return .block(height: height, width: width)
            case .filter: return .filter
            case .channel: return .inputChannel
            case .registered: return nil
            }
        }
    }

    /// The pattern.
    public var pattern: Pattern
    /// The fraction of zero groups, in [0, 1); ignored by N:M, whose sparsity is `1 − N/M`.
    public var sparsity: Double
    /// Per layer or one global budget.
    public var scope: ConstraintScope
    /// Per-layer sparsities overriding `sparsity` (layer scope).
    public var layerSparsity: [String: Double]
    /// Per-layer sparsity bounds for every layer under a global budget (global scope).
    public var defaultBounds: SparsityBounds?
    /// Per-layer sparsity bounds by name under a global budget (global scope).
    public var layerBounds: [String: SparsityBounds]

    /// Creates a description.
    /// - Parameters:
    ///   - pattern: The pattern.
    ///   - sparsity: The fraction of zero groups (ignored by N:M).
    ///   - scope: Per layer or global.
    ///   - layerSparsity: Per-layer sparsities (layer scope).
    ///   - defaultBounds: Bounds for every layer (global scope; makes a ``BoundedGlobalConstraint``).
    ///   - layerBounds: Bounds by layer name (global scope; makes a ``BoundedGlobalConstraint``).
    public init(pattern: Pattern, sparsity: Double, scope: ConstraintScope = .layer,
                layerSparsity: [String: Double] = [:], defaultBounds: SparsityBounds? = nil,
                layerBounds: [String: SparsityBounds] = [:]) {
        self.pattern = pattern
        self.sparsity = sparsity
        self.scope = scope
        self.layerSparsity = layerSparsity
        self.defaultBounds = defaultBounds
        self.layerBounds = layerBounds
    }

    private enum CodingKeys: String, CodingKey {
        case pattern, sparsity, scope, layerSparsity, defaultBounds, layerBounds
    }

    /// Decodes a description; the per-layer fields may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .pattern)
        pattern = try ConstraintSpec.parsePattern(text, registry: decoder.userInfo[.shearsConstraints] as? ConstraintRegistry ?? ConstraintRegistry())
        sparsity = try container.decode(Double.self, forKey: .sparsity)
        scope = try container.decodeIfPresent(ConstraintScope.self, forKey: .scope) ?? .layer
        layerSparsity = try container.decodeIfPresent([String: Double].self, forKey: .layerSparsity) ?? [:]
        defaultBounds = try container.decodeIfPresent(SparsityBounds.self, forKey: .defaultBounds)
        layerBounds = try container.decodeIfPresent([String: SparsityBounds].self, forKey: .layerBounds) ?? [:]
    }

    /// Encodes the pattern as its text (`nm:2:4`), so saved files read like the command line.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pattern.description, forKey: .pattern)
        try container.encode(sparsity, forKey: .sparsity)
        try container.encode(scope, forKey: .scope)
        if !layerSparsity.isEmpty { try container.encode(layerSparsity, forKey: .layerSparsity) }
        try container.encodeIfPresent(defaultBounds, forKey: .defaultBounds)
        if !layerBounds.isEmpty { try container.encode(layerBounds, forKey: .layerBounds) }
    }

    /// A readable one-line form for logs and messages.
    public var description: String {
        if case .nm = pattern { return pattern.description }
        return pattern.description + " sparsity \(formatRatio(sparsity)) scope \(scope.rawValue)"
    }

    /// Parses constraint text and checks it.
    /// - Parameters:
    ///   - text: `unstructured`, `nm:N:M` (or `N:M`), `block:HxW` (or `block:N` for N×N), `filter`, `channel`
    ///     (case-insensitive; `filters`, `channels` also accepted).
    ///   - sparsity: The fraction of zero groups, in [0, 1) (ignored by N:M).
    ///   - scope: Per layer or global (N:M accepts only per layer).
    ///   - registry: Constraints whose names the text may use besides the built-in patterns.
    /// - Throws: ``ConstraintError`` naming the text and what was expected.
    public static func parse(_ text: String, sparsity: Double, scope: ConstraintScope = .layer,
                             registry: ConstraintRegistry = ConstraintRegistry()) throws -> ConstraintSpec {
        let spec = ConstraintSpec(pattern: try parsePattern(text, registry: registry), sparsity: sparsity, scope: scope)
        _ = try spec.makeConstraint(registry: registry)
        return spec
    }

    /// Parses the pattern part of constraint text (see ``parse(_:sparsity:scope:registry:)``).
    /// - Parameters:
    ///   - text: The pattern text.
    ///   - registry: Constraints whose names the text may use besides the built-in patterns (`NAME[:ARG…]`).
    public static func parsePattern(_ text: String, registry: ConstraintRegistry = ConstraintRegistry()) throws -> Pattern {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let expected = "expected one of unstructured, nm:N:M, block:HxW, filter, channel"
            + registry.names.map { ", " + $0 }.joined()
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func integer(_ part: String, _ what: String) throws -> Int {
            guard let value = Int(part) else {
                throw ConstraintError.malformedSpec("'\(text)': \(what) '\(part)' is not an integer")
            }
            return value
        }
        switch parts[0] {
        case "unstructured" where parts.count == 1: return .unstructured
        case "filter" where parts.count == 1, "filters" where parts.count == 1: return .filter
        case "channel" where parts.count == 1, "channels" where parts.count == 1: return .channel
        case "nm":
            guard parts.count == 3 else {
                throw ConstraintError.malformedSpec("'\(text)': expected nm:N:M with two integers, e.g. nm:2:4")
            }
            return .nm(n: try integer(parts[1], "N"), m: try integer(parts[2], "M"))
        case "block":
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ConstraintError.malformedSpec("'\(text)': expected block:HxW, e.g. block:4x4")
            }
            let sides = parts[1].split(separator: "x", omittingEmptySubsequences: false).map(String.init)
            guard sides.count <= 2 else {
                throw ConstraintError.malformedSpec("'\(text)': expected block:HxW, e.g. block:4x4")
            }
            let height = try integer(sides[0], "block height")
            let width = sides.count == 2 ? try integer(sides[1], "block width") : height
            return .block(height: height, width: width)
        default:
            if parts.count == 2, let n = Int(parts[0]), let m = Int(parts[1]) { return .nm(n: n, m: m) }
            if let registration = registry.registration(named: parts[0]) {
                return .registered(name: registration.name, arguments: Array(parts.dropFirst()))
            }
            if ["unstructured", "filter", "filters", "channel", "channels"].contains(parts[0]) {
                throw ConstraintError.malformedSpec("'\(text)': '\(parts[0])' takes no parameters")
            }
            throw ConstraintError.malformedSpec("unknown constraint '\(text)'; \(expected)")
        }
    }

    /// Builds the constraint this text describes.
    /// - Parameter registry: Where a `.registered` pattern's factory is found.
    /// - Throws: ``ConstraintError`` for values out of range or fields that do not apply to the pattern or scope.
    public func makeConstraint(registry: ConstraintRegistry = ConstraintRegistry()) throws -> any Constraint {
        if case .registered(let name, _) = pattern {
            guard let registration = registry.registration(named: name) else {
                let known = registry.names.isEmpty ? "none is registered" : "registered: " + registry.names.joined(separator: ", ")
                throw ConstraintError.malformedSpec("constraint '\(name)' is not registered (\(known))")
            }
            return try registration.make(self)
        }
        guard let granularity = pattern.granularity else {
            guard case .nm(let n, let m) = pattern else { preconditionFailure("only N:M has no granularity") }
            guard scope == .layer else {
                throw ConstraintError.malformedSpec("\(pattern) applies to every group of \(m) on its own; scope 'global' does not apply")
            }
            guard layerSparsity.isEmpty, defaultBounds == nil, layerBounds.isEmpty else {
                throw ConstraintError.malformedSpec("\(pattern) has a fixed sparsity; per-layer sparsities and bounds do not apply")
            }
            return try NMConstraint(n: n, m: m)
        }
        let hasBounds = defaultBounds != nil || !layerBounds.isEmpty
        switch scope {
        case .global where hasBounds:
            return try BoundedGlobalConstraint(granularity: granularity, sparsity: sparsity,
                                               defaultBounds: defaultBounds ?? .unbounded, layerBounds: layerBounds)
        case .layer where hasBounds:
            throw ConstraintError.malformedSpec("per-layer sparsity bounds need scope 'global' (a budget to share)")
        default:
            return try SparsityConstraint(granularity: granularity, sparsity: sparsity, scope: scope,
                                          layerSparsity: layerSparsity)
        }
    }
}
