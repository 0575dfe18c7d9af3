import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory compare-pruning [arguments…]`: runs `shears compare` with the
/// arguments unchanged, in the package directory (so relative paths such as the default `runs/compare` land there),
/// and fails when it fails. `swift package compare-pruning --help` shows the command's own help.
///
/// The plugin asks SwiftPM to build the `shears` product in release mode and runs the result, rather than declaring
/// a dependency on the `ShearsCLI` target and using `context.tool(named:)`, for two reasons: SwiftPM builds a command
/// plugin's tool dependencies by product name, and the executable target `ShearsCLI` vends the product `shears`
/// (so that lookup fails with "no product named 'ShearsCLI'"); and those tools are debug builds, in which training
/// runs about ten times slower.
@main
struct ComparePruning: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try buildShears(packageManager: packageManager)
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
            throw ComparePruningError(description: "shears compare \(how)")
        }
    }

    /// Builds the `shears` product in release mode and returns the executable's location.
    private func buildShears(packageManager: PackageManager) throws -> URL {
        let parameters = PackageManager.BuildParameters(configuration: .release, logging: .concise, echoLogs: true)
        let result = try packageManager.build(.product("shears"), parameters: parameters)
        guard result.succeeded else {
            throw ComparePruningError(description: "building shears (release) failed:\n\(result.logText)")
        }
        guard let executable = result.builtArtifacts.first(where: { $0.kind == .executable && $0.url.lastPathComponent == "shears" }) else {
            throw ComparePruningError(description: "the release build did not produce the shears executable")
        }
        return executable.url
    }
}

/// Why the comparison failed; SwiftPM prints it and exits with a non-zero status.
struct ComparePruningError: Error, CustomStringConvertible {
    let description: String
}
