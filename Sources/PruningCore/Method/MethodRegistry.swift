/// One option of a pruning method, as `shears methods` lists it.
public struct MethodOption: Codable, Equatable, Sendable {
    /// The key, also the CLI flag without dashes (`rho`, `slr-m`).
    public var key: String
    /// What it does.
    public var summary: String
    /// The default, as text.
    public var defaultValue: String

    /// Describes an option.
    public init(_ key: String, _ summary: String, default defaultValue: String) {
        self.key = key
        self.summary = summary
        self.defaultValue = defaultValue
    }
}

/// Option values given to a method's factory, as text keyed by ``MethodOption/key``; typed getters throw
/// errors that name the option and the value expected.
public struct MethodOptions: Equatable, Sendable {
    /// The raw values.
    public var values: [String: String]

    /// Wraps raw values.
    public init(_ values: [String: String] = [:]) { self.values = values }

    /// A real number, or `defaultValue` when absent.
    public func double(_ key: String, default defaultValue: Double) throws -> Double {
        guard let text = values[key] else { return defaultValue }
        guard let value = Double(text), value.isFinite else {
            throw PruningError.invalidOption("--\(key) expects a number, got '\(text)'")
        }
        return value
    }

    /// An integer, or `defaultValue` when absent.
    public func int(_ key: String, default defaultValue: Int) throws -> Int {
        guard let text = values[key] else { return defaultValue }
        guard let value = Int(text) else { throw PruningError.invalidOption("--\(key) expects an integer, got '\(text)'") }
        return value
    }

    /// Text, or `defaultValue` when absent.
    public func string(_ key: String, default defaultValue: String) -> String { values[key] ?? defaultValue }

    /// One of `choices`, or `defaultValue` when absent.
    public func choice(_ key: String, _ choices: [String], default defaultValue: String) throws -> String {
        let value = values[key] ?? defaultValue
        guard choices.contains(value) else {
            throw PruningError.invalidOption("--\(key) expects one of \(choices.joined(separator: ", ")), got '\(value)'")
        }
        return value
    }

    /// Throws if a key is not one of the method's options (a typo would otherwise be ignored silently).
    public func validateKeys(against options: [MethodOption], method: String) throws {
        let known = Set(options.map(\.key))
        for key in values.keys.sorted() where !known.contains(key) {
            throw PruningError.invalidOption("method '\(method)' has no option '\(key)'; its options: \(options.map(\.key).joined(separator: ", "))")
        }
    }
}

/// How a method module makes itself known: its name, a one-line description, its options and a factory.
///
/// A module exposes one `static let registration`; the built-in catalog (`ShearsCatalog.builtIn`, module `Shears`)
/// lists every built-in registration in one place, and another package registers its own in a catalog of its own.
public struct MethodRegistration: Sendable {
    /// The registry name (`slr`).
    public let name: String
    /// One line for `shears methods`.
    public let summary: String
    /// The options with their defaults.
    public let options: [MethodOption]
    /// Makes a configured method; throws on bad option values.
    public let make: @Sendable (MethodOptions) throws -> any PruningMethod

    /// Describes a method.
    public init(name: String, summary: String, options: [MethodOption],
                make: @escaping @Sendable (MethodOptions) throws -> any PruningMethod) {
        self.name = name
        self.summary = summary
        self.options = options
        self.make = make
    }
}

/// A set of registered methods, looked up by name.
public struct MethodRegistry: Sendable {
    /// The registrations, in listing order.
    public private(set) var registrations: [MethodRegistration] = []

    /// An empty registry.
    public init() {}

    /// A registry of `registrations`; throws ``CatalogError/duplicateName(kind:name:)`` when two share a name.
    public init(_ registrations: [MethodRegistration]) throws {
        for registration in registrations { try register(registration) }
    }

    /// Adds a method; throws ``CatalogError/duplicateName(kind:name:)`` when its name is taken.
    public mutating func register(_ registration: MethodRegistration) throws {
        guard !names.contains(registration.name) else {
            throw CatalogError.duplicateName(kind: "pruning method", name: registration.name)
        }
        registrations.append(registration)
    }

    /// The registered names.
    public var names: [String] { registrations.map(\.name) }

    /// The registration named `name`, or an error listing the known names.
    public func registration(named name: String) throws -> MethodRegistration {
        guard let found = registrations.first(where: { $0.name == name }) else {
            throw PruningError.unknownMethod(name, known: names)
        }
        return found
    }

    /// Makes the method `name` with `options`, after checking that every option key is one of its own.
    public func make(_ name: String, options: MethodOptions = MethodOptions()) throws -> any PruningMethod {
        let registration = try registration(named: name)
        try options.validateKeys(against: registration.options, method: name)
        return try registration.make(options)
    }
}
