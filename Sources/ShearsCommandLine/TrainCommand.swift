import ArgumentParser
import Foundation
import Shears

/// `shears train`: trains a dense network and writes its weights and per-epoch metrics.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a dense network; writes DIR/model.safetensors and DIR/metrics.json.")

    @Option(help: "The model: \(ShearsCommand.catalog.models.names.joined(separator: ", ")).") var model = "lenet5"
    @OptionGroup var data: DataOptions
    @Option(parsing: .unconditional, help: "Training epochs.") var epochs = 10
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Mini-batch size.") var batchSize = 128
    @Option(parsing: .unconditional, help: "SGD learning rate, in \(OptionRange.learningRate).") var lr: Float = 0.05
    @Option(parsing: .unconditional, help: "SGD momentum, in [0, 1).") var momentum: Float = 0.9
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "L2 weight decay, in \(OptionRange.weightDecay).")
    var weightDecay: Float = 0
    @Flag(help: "Decay the learning rate to zero on a cosine curve.") var cosine = false
    @Option(parsing: .unconditional, help: "Seeds the initial weights and the data order.") var seed: UInt64 = 0
    @Option(help: "The output folder (a new or empty folder, or an earlier run with --overwrite).") var out: String
    @Flag(help: overwriteHelp) var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    /// What metrics.json holds.
    struct Metrics: Codable {
        var model: String
        var dataset: String
        var seed: UInt64
        var batchSize: Int
        var optimizer: OptimizerSettings
        var standardization: Standardization
        var parameterCount: Int
        var epochs: [EpochStatistics]
        var testAccuracy: Double
    }

    func run() throws {
        try runtime.applyThreads()
        try OptionRange.learningRate.check(lr, flag: "--lr")
        try OptionRange.weightDecay.check(weightDecay, flag: "--weight-decay")
        let settings = OptimizerSettings(learningRate: lr, momentum: momentum, weightDecay: weightDecay, cosine: cosine)
        try settings.validate(phase: "training")
        let reporter = runtime.reporter()
        // Claimed before the data are loaded: a folder that cannot be written is refused before any training.
        let folder = try claimRunFolder(out, command: "train", overwrite: overwrite, inputs: data.inputs, reporter: reporter)
        let metrics = try folder.run { directory in
            let (splits, standardization) = try data.load(seed: seed)
            let network = try makeModel(model, for: splits, seed: seed)
            reporter.note("training \(model) (\(network.parameterCount) parameters) on \(data.dataset): \(splits.train.count) training, \(splits.test.count) test images")
            let history = try DenseTraining.train(
                model: network, data: splits, epochs: epochs, batchSize: batchSize, optimizer: settings, seed: seed,
                augmentation: splits.train.channels == 3 ? .cifar : .none, reporter: reporter)
            let accuracy = try history.last?.testAccuracy ?? Evaluation.accuracy(model: network, data: splits.test)
            try SafeTensors.writeFloatTensors(
                Dictionary(uniqueKeysWithValues: network.stateDict().map { ($0.name, $0.tensor) }),
                metadata: ["model": model, "dataset": data.dataset], to: directory.appendingPathComponent("model.safetensors"))
            let metrics = Metrics(model: model, dataset: data.dataset, seed: seed, batchSize: batchSize, optimizer: settings,
                                  standardization: standardization, parameterCount: network.parameterCount,
                                  epochs: history, testAccuracy: accuracy)
            try AtomicFile.writeJSON(metrics, to: directory.appendingPathComponent("metrics.json"))
            return metrics
        }
        let accuracy = metrics.testAccuracy
        if runtime.json {
            try printJSON(metrics)
        } else {
            print("test accuracy: \(percent(accuracy)); wrote \(out)/model.safetensors and \(out)/metrics.json")
        }
    }
}
