import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory compare-pruning [arguments…]`: runs `<cli> compare` with the
/// arguments unchanged, in the package directory (so relative paths such as the default `runs/compare` land there),
/// and fails when it fails. `swift package compare-pruning --help` shows the command's own help.
///
/// The command line it runs is the package's own: `shears` in the Shears package, and in a package that depends on
/// Shears the package's executable product built on the `ShearsCommandLine` product (its catalog then includes the
/// package's own methods). `--cli NAME` as the first arguments picks a product by name when there are several.
///
/// The plugin asks SwiftPM to build that product in release mode and runs the result, rather than declaring a
/// tool dependency and using `context.tool(named:)`, for two reasons: SwiftPM builds a command plugin's tool
/// dependencies by product name, which the plugin cannot know for a package that depends on Shears; and those
/// tools are debug builds, in which training runs about ten times slower.
@main
struct ComparePruning: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var arguments = arguments
        var requested: String?
        if arguments.first == "--cli" {
            guard arguments.count >= 2 else { throw ComparePruningError(description: "--cli needs a product name") }
            requested = arguments[1]
            arguments.removeFirst(2)
        }
        let product = try CommandLineProduct.choose(in: context.package, requested: requested)
        let tool = try build(product, packageManager: packageManager)
        let process = Process()
        process.executableURL = tool
        process.arguments = ["compare"] + arguments
        // Relative paths in the arguments mean the package directory, not wherever SwiftPM started the plugin.
        process.currentDirectoryURL = context.package.directoryURL
        // The child inherits the plugin's standard output and error, so its progress lines stream through SwiftPM.
        try process.run()
        process.waitUntilExit()

        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)"
                : "was stopped by signal \(process.terminationStatus)"
            throw ComparePruningError(description: "\(product) compare \(how)")
        }
    }

    /// Builds the product in release mode and returns the executable's location.
    private func build(_ product: String, packageManager: PackageManager) throws -> URL {
        let parameters = PackageManager.BuildParameters(configuration: .release, logging: .concise, echoLogs: true)
        let result = try packageManager.build(.product(product), parameters: parameters)
        guard result.succeeded else {
            throw ComparePruningError(description: "building \(product) (release) failed:\n\(result.logText)")
        }
        guard let executable = result.builtArtifacts.first(where: { $0.kind == .executable && $0.url.lastPathComponent == product }) else {
            throw ComparePruningError(description: "the release build did not produce the \(product) executable")
        }
        return executable.url
    }
}

/// Which executable product of the package is its Shears command line.
enum CommandLineProduct {
    /// `requested` if given (it must be an executable product of the package); else `shears` when the package has
    /// it (the Shears package itself); else the one executable product whose targets use `ShearsCommandLine`.
    static func choose(in package: Package, requested: String?) throws -> String {
        let executables = package.products.compactMap { $0 as? ExecutableProduct }
        if let requested {
            guard executables.contains(where: { $0.name == requested }) else {
                throw ComparePruningError(description: "--cli \(requested): the package has no executable product of that name; "
                    + "its executable products: \(executables.map(\.name).joined(separator: ", "))")
            }
            return requested
        }
        if executables.contains(where: { $0.name == "shears" }) { return "shears" }
        let candidates = executables.filter { product in
            product.targets.contains { target in
                target.dependencies.contains { dependency in
                    if case .product(let used) = dependency { return used.name == "ShearsCommandLine" }
                    return false
                }
            }
        }
        switch candidates.count {
        case 1: return candidates[0].name
        case 0:
            throw ComparePruningError(description: "the package has no executable product that runs the Shears command line "
                + "(an executable target that depends on the product ShearsCommandLine and calls ShearsCommand.main(catalog:))")
        default:
            throw ComparePruningError(description: "several executable products run the Shears command line ("
                + candidates.map(\.name).joined(separator: ", ") + "); choose one with --cli NAME")
        }
    }
}

/// Why the comparison failed; SwiftPM prints it and exits with a non-zero status.
struct ComparePruningError: Error, CustomStringConvertible {
    let description: String
}
