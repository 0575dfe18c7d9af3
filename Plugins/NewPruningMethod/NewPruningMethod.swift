import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory new-pruning-method NAME`: scaffolds a pruning-method module.
///
/// It creates `Sources/<Name>Pruning/<Name>Pruning.swift` (a working one-shot method with one option and its
/// registration) and `Tests/<Name>PruningTests/<Name>PruningTests.swift`, declares both targets and a library product
/// in Package.swift and registers it: in the Shears package it adds the module to the `Shears` umbrella's
/// dependencies, re-exports it from `Shears.swift` and registers it in `BuiltInMethods.swift`; in a package that
/// depends on Shears it adds the module to the dependencies of the target that builds the package's catalog and
/// registers it there (Plugins/README.md). Edits go in at `// new-pruning-method: …` marker comments. Everything is
/// checked and computed before the first write, and a failed write restores what was already written, so the package
/// is either fully scaffolded or untouched. `swift build` and `swift test` pass straight afterwards.
@main
struct NewPruningMethod: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(ScaffoldUsage.text)
            return
        }
        let rawName = try ScaffoldUsage.name(from: arguments)
        let root = context.package.directoryURL
        let plan = try ScaffoldPlan.make(rawName: rawName, packageRoot: root, shearsDependency: try Self.shearsDependency(of: context.package))
        try plan.apply()
        print(plan.summary)
    }
}

extension NewPruningMethod {
    /// nil for Shears itself (it has the target `PruningCore`); for a package that depends on Shears directly
    /// (a dependency with the product `PruningCore`), that dependency's identity and products.
    static func shearsDependency(of package: Package) throws -> (identity: String, products: [String])? {
        if package.targets.contains(where: { $0.name == "PruningCore" }) { return nil }
        if let shears = package.dependencies.first(where: { $0.package.products.contains { $0.name == "PruningCore" } }) {
            return (shears.package.id, shears.package.products.map(\.name))
        }
        throw ScaffoldError("the package \(package.displayName) neither is Shears nor depends on it directly; "
            + "add Shears to its dependencies (nothing was changed)")
    }
}

/// The command line: one NAME, nothing else.
enum ScaffoldUsage {
    static let text = """
        USAGE: swift package --allow-writing-to-package-directory new-pruning-method NAME

        Scaffolds the module <Name>Pruning (a one-shot method with a `score` option, a test target, and its
        registration in the package's catalog: Shears' built-in methods, or the catalog of a package that depends
        on Shears). NAME is a Swift identifier starting with a letter, e.g. Random or TopK; a trailing "Pruning"
        is dropped. The method registers as the kebab-case of NAME (TopK → top-k).
        """

    /// The NAME argument; throws for none, several, or an option.
    static func name(from arguments: [String]) throws -> String {
        if let option = arguments.first(where: { $0.hasPrefix("-") }) {
            throw ScaffoldError("unknown option '\(option)'; expected only NAME\n\n\(text)")
        }
        guard arguments.count == 1, let name = arguments.first else {
            throw ScaffoldError(arguments.isEmpty
                ? "missing NAME, the method's name (e.g. Random)\n\n\(text)"
                : "expected one NAME, got \(arguments.count): \(arguments.joined(separator: " "))\n\n\(text)")
        }
        return name
    }
}

/// A failure the user can fix; SwiftPM prints its description and exits non-zero.
struct ScaffoldError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "new-pruning-method: " + description }
}
