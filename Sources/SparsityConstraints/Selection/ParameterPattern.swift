/// One way to name parameters: exactly, by glob, by regular expression, or by layer kind.
public enum ParameterPattern: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The whole name, e.g. `fc1.weight`.
    case exact(String)
    /// A glob over the whole name: `*` any run of characters, `?` one character (e.g. `layer*.conv*.weight`).
    case glob(String)
    /// A regular expression that must match the whole name (write `.*conv.*` for "contains conv").
    case regex(String)
    /// Every parameter of layers of this kind.
    case kind(LayerKind)

    /// Reads pattern text: `re:EXPR` (regular expression), `kind:linear|conv2d|batchNorm|other`, text containing
    /// `*` or `?` (glob), anything else (exact name).
    /// - Parameter text: The pattern as written on a command line.
    /// - Throws: ``SelectionError/invalidPattern(_:)`` for empty text, an unknown kind or a bad regular expression.
    public static func parse(_ text: String) throws -> ParameterPattern {
        guard !text.isEmpty else { throw SelectionError.invalidPattern("the pattern is empty") }
        if text.hasPrefix("re:") {
            let expression = String(text.dropFirst(3))
            _ = try compile(expression)
            return .regex(expression)
        }
        if text.hasPrefix("kind:") {
            let name = String(text.dropFirst(5))
            guard let kind = LayerKind.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                throw SelectionError.invalidPattern(
                    "unknown layer kind '\(name)' in '\(text)'; expected one of \(LayerKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return .kind(kind)
        }
        if text.contains("*") || text.contains("?") { return .glob(text) }
        return .exact(text)
    }

    /// The text form that ``parse(_:)`` reads back.
    public var description: String {
        switch self {
        case .exact(let name): return name
        case .glob(let glob): return glob
        case .regex(let expression): return "re:" + expression
        case .kind(let kind): return "kind:" + kind.rawValue
        }
    }

    /// Whether the pattern is matched against the whole name (globs and regular expressions), for error hints.
    var matchesWholeName: Bool {
        switch self {
        case .glob, .regex: return true
        case .exact, .kind: return false
        }
    }

    /// A matcher for this pattern, compiled once.
    /// - Throws: ``SelectionError/invalidPattern(_:)`` for a regular expression that does not compile.
    func matcher() throws -> (ParameterDescription) -> Bool {
        switch self {
        case .exact(let name): return { $0.name == name }
        case .glob(let glob): return { GlobMatcher.matches(glob, $0.name) }
        case .kind(let kind): return { $0.kind == kind }
        case .regex(let expression):
            let regex = try ParameterPattern.compile(expression)
            return { (try? regex.wholeMatch(in: $0.name)) != nil }
        }
    }

    private static func compile(_ expression: String) throws -> Regex<AnyRegexOutput> {
        do {
            return try Regex(expression)
        } catch {
            throw SelectionError.invalidPattern("regular expression '\(expression)' does not compile: \(error)")
        }
    }
}
