import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory compare-pruning [arguments…]`: runs `shears compare` with the
/// arguments unchanged, in the package directory (so relative paths such as the default `runs/compare` land there),
/// and fails when it fails.
///
/// A command plugin can only depend on executables, so this one depends on the `ShearsCLI` target and runs the tool
/// SwiftPM built for it; `swift package compare-pruning --help` shows the command's own help.
@main
struct ComparePruning: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "shears")
        let process = Process()
        process.executableURL = tool.url
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
            Diagnostics.error("shears compare \(how)")
            throw ComparePruningError(status: process.terminationStatus)
        }
    }
}

/// The plugin fails with the tool: SwiftPM then exits with a non-zero status.
struct ComparePruningError: Error, CustomStringConvertible {
    /// The tool's exit status or signal number.
    let status: Int32
    var description: String { "shears compare failed (status \(status))" }
}
