import ArgumentParser
import Foundation
import Shears

/// The `shears` command: train, prune, compare, evaluate and inspect networks.
///
/// Every subcommand looks methods, models and datasets up in ``catalog``. The `shears` executable runs
/// `ShearsCommand.main(catalog: .builtIn)`; a package of its own runs the same command line with its entries:
///
/// ```swift
/// import Shears
/// import ShearsCommandLine
///
/// ShearsCommand.main(catalog: try ShearsCatalog.builtIn.adding(methods: [MyPruning.registration]))
/// ```
public struct ShearsCommand: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: commandName,
            abstract: "Prune the weights of deep neural networks and compare pruning methods.",
            discussion: """
            Inputs are preprocessed as pixel/255, then standardised by the training set's mean and standard deviation \
            (one value for grey images, one per channel for colour images).
            """,
            subcommands: [CompareCommand.self, TrainCommand.self, PruneCommand.self, EvaluateCommand.self,
                          InspectCommand.self, MethodsCommand.self])
    }

    /// The catalog the commands of this task use (the built-in one unless ``main(catalog:)`` says otherwise).
    /// Task-local rather than global, so that tests may run commands with different catalogs side by side.
    @TaskLocal public static var catalog: ShearsCatalog = .builtIn

    /// The name the command shows in its usage and hints: the executable's own name (`shears`, `shears-custom`).
    static var commandName: String {
        let name = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""
        // Under a test runner the executable is not a shears command line.
        return name.hasPrefix("shears") ? name : "shears"
    }

    public init() {}

    /// Runs the command line of this process with `catalog`.
    ///
    /// Tunes the allocator before any command runs (large tensors are reused from the heap instead of being
    /// mapped afresh and page-faulted on every batch), runs the command, and reports an error through
    /// ErrorReporting.swift: one message, at most a one-line hint, exit status 1 (run failed) or 2 (bad input).
    public static func main(catalog: ShearsCatalog) -> Never {
        AllocatorTuning.reuseLargeAllocations()
        let arguments = Array(CommandLine.arguments.dropFirst())
        $catalog.withValue(catalog) {
            do {
                var command = try parseAsRoot(arguments)
                try command.run()
            } catch {
                exit(reporting: error, arguments: arguments)
            }
        }
        Foundation.exit(ExitStatus.success)
    }

    /// Runs the command line with the built-in catalog.
    public static func main() { main(catalog: .builtIn) }
}
