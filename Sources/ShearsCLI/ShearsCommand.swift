import ArgumentParser
import Foundation
import Shears

/// The `shears` command: train, prune, compare, evaluate and inspect networks.
@main
struct ShearsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shears",
        abstract: "Prune the weights of deep neural networks and compare pruning methods.",
        discussion: """
        Inputs are preprocessed as pixel/255, then standardised by the training set's mean and standard deviation \
        (one value for grey images, one per channel for colour images).
        """,
        subcommands: [CompareCommand.self, TrainCommand.self, PruneCommand.self, EvaluateCommand.self,
                      InspectCommand.self, MethodsCommand.self])

    /// Tunes the allocator before any command runs (large tensors are reused from the heap instead of being
    /// mapped afresh and page-faulted on every batch), runs the command, and reports an error through
    /// ErrorReporting.swift: one message, at most a one-line hint, exit status 1 (run failed) or 2 (bad input).
    static func main() {
        AllocatorTuning.reuseLargeAllocations()
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(reporting: error, arguments: arguments)
        }
    }
}
