/// The names derived from the NAME argument, after checking it is usable.
struct MethodName {
    /// NAME with its first letter upper-cased and a trailing "Pruning" dropped (`Random`).
    let base: String
    /// The module, the class and the folder (`RandomPruning`).
    let module: String
    /// The test target (`RandomPruningTests`).
    let testModule: String
    /// The registry name: kebab-case of `base` (`TopK` → `top-k`).
    let registryName: String

    /// Checks NAME: ASCII letters, digits and underscores, starting with a letter.
    init(_ raw: String) throws {
        let letters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let allowed = letters.union("0123456789_")
        guard let first = raw.first, letters.contains(first) else {
            throw ScaffoldError("NAME '\(raw)' must start with an ASCII letter (e.g. Random)")
        }
        if let bad = raw.first(where: { !allowed.contains($0) }) {
            throw ScaffoldError("NAME '\(raw)' contains '\(bad)'; expected a Swift identifier of ASCII letters, digits and underscores")
        }
        var base = raw.prefix(1).uppercased() + raw.dropFirst()
        if base.hasSuffix("Pruning") { base.removeLast("Pruning".count) }
        guard !base.isEmpty else { throw ScaffoldError("NAME '\(raw)' is empty once the suffix 'Pruning' is dropped") }
        self.base = base
        module = base + "Pruning"
        testModule = module + "Tests"
        registryName = MethodName.kebabCase(base)
    }

    /// `TopK` → `top-k`, `SNIPPlus` → `snip-plus`, `my_method` → `my-method`.
    static func kebabCase(_ text: String) -> String {
        let characters = Array(text)
        var result = ""
        for (index, character) in characters.enumerated() {
            if character == "_" {
                if !result.isEmpty && !result.hasSuffix("-") { result.append("-") }
                continue
            }
            if character.isUppercase && index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A word starts at an upper-case letter after a lower-case one or a digit, or at the last capital
                // of an acronym that a lower-case letter follows (SNIPPlus → snip-plus).
                let startsWord = previous.isLowercase || previous.isNumber
                    || (previous.isUppercase && (next?.isLowercase ?? false))
                if startsWord && !result.hasSuffix("-") { result.append("-") }
            }
            result.append(contentsOf: character.lowercased())
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }
}
