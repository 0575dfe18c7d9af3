import Foundation

/// How a constraint of another package makes itself known to a catalog: its name (the first part of the
/// constraint text, as in `--constraint NAME[:ARG…]` or `pattern: NAME[:ARG…]` in an experiment file), one line of
/// description and a factory.
public struct ConstraintRegistration: Sendable {
    /// The name in constraint text (lower case; matched without case).
    public let name: String
    /// One line describing the pattern and its arguments.
    public let summary: String
    /// Builds the constraint from its spec: ``ConstraintSpec/pattern`` is `.registered(name:arguments:)` with the
    /// text's colon-separated arguments (lower-cased), and the spec carries the sparsity, scope and per-layer
    /// fields. Throws a ``ConstraintError`` naming what is wrong.
    public let make: @Sendable (ConstraintSpec) throws -> any Constraint

    /// Describes a constraint.
    public init(name: String, summary: String, make: @escaping @Sendable (ConstraintSpec) throws -> any Constraint) {
        self.name = name
        self.summary = summary
        self.make = make
    }
}

/// The constraints a catalog adds to the built-in patterns (`unstructured`, `nm`, `block`, `filter`, `channel`).
public struct ConstraintRegistry: Sendable {
    /// The names of the built-in patterns, which no registration may take.
    public static let builtInNames = ["unstructured", "nm", "block", "filter", "filters", "channel", "channels"]

    /// The registrations, in listing order.
    public private(set) var registrations: [ConstraintRegistration] = []

    /// An empty registry: only the built-in patterns.
    public init() {}

    /// A registry of `registrations`; throws ``CatalogError/duplicateName(kind:name:)`` when two share a name or
    /// one takes a built-in pattern's name.
    public init(_ registrations: [ConstraintRegistration]) throws {
        for registration in registrations { try register(registration) }
    }

    /// Adds a constraint; throws ``CatalogError/duplicateName(kind:name:)`` when its name is taken (by a
    /// registration or a built-in pattern) or is not usable in constraint text (empty, or with a colon).
    public mutating func register(_ registration: ConstraintRegistration) throws {
        let key = registration.name.lowercased()
        guard !key.isEmpty, !key.contains(":"), !key.contains(where: \.isWhitespace) else {
            throw ConstraintError.malformedSpec("a registered constraint needs a name without colons or spaces, got '\(registration.name)'")
        }
        guard !Self.builtInNames.contains(key), self.registration(named: key) == nil else {
            throw CatalogError.duplicateName(kind: "constraint", name: registration.name)
        }
        registrations.append(registration)
    }

    /// The registered names.
    public var names: [String] { registrations.map(\.name) }

    /// The registration named `name` (without case), or nil.
    public func registration(named name: String) -> ConstraintRegistration? {
        registrations.first { $0.name.lowercased() == name.lowercased() }
    }
}

extension CodingUserInfoKey {
    /// Where a decoder finds the ``ConstraintRegistry`` whose names constraint text may use (none: built-in
    /// patterns only). Experiment files and stored runs are decoded with the catalog's.
    public static let shearsConstraints = CodingUserInfoKey(rawValue: "shears.constraints")!
}
