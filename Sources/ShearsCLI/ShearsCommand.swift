import ArgumentParser

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
}
