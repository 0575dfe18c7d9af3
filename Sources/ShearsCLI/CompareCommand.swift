import ArgumentParser
import Foundation
import Shears

/// `shears compare`: every method on the same model, data, seeds and budgets, with a convergence report.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare pruning methods side by side (the default runs a small Fashion-MNIST experiment).")

    func run() throws {
        throw ValidationError("compare is not available yet")
    }
}
