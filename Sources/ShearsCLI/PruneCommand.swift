import ArgumentParser
import Foundation
import Shears

/// `shears prune`: one method from dense weights → hard prune → masked retraining.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Prune a trained network; writes DIR/pruned.safetensors, DIR/masks.safetensors and DIR/metrics.json.",
        discussion: "Accuracy is measured right after hard pruning (no retraining) and after every retraining epoch; the achieved sparsity and pattern are verified after each.")

    @Option(help: "The pruning method (see `shears methods`).") var method = "magnitude"
    @Option(help: "The zoo model the weights belong to.") var model = "lenet5"
    @Option(help: "A safetensors file with the dense model's state_dict.") var weights: String
    @OptionGroup var data: DataOptions
    @OptionGroup var pruning: PruningOptions
    @Option(help: "Seeds the data order.") var seed: UInt64 = 0
    @Option(help: "The output folder (DIR/checkpoint holds the last epoch's checkpoint, for --resume).") var out: String?
    @Option(help: "Continue the run whose output folder is DIR from its last checkpoint.") var resume: String?
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        guard let outPath = out ?? resume else { throw ValidationError("give --out DIR (or --resume DIR to continue a run)") }
        if let resume, let out, resume != out { throw ValidationError("--resume \(resume) and --out \(out) differ; give one folder") }
        try runtime.applyThreads()
        let experiment = try pruning.experiment(model: model, data: data, methods: [method], denseWeights: weights, seeds: [seed])
        try experiment.validate(registry: BuiltInMethods.registry)

        let reporter = runtime.reporter()
        let runner = ExperimentRunner(registry: BuiltInMethods.registry, reporter: reporter)
        let (splits, _) = try runner.loadData(experiment, seed: seed)
        try runner.validateModelFit(experiment, data: splits)
        let dense = try runner.denseState(experiment, data: splits, seed: seed, cache: nil)
        // Everything is checked; only now does the output folder appear.
        let outputDirectory = try makeOutputDirectory(outPath)
        let run = try runner.runMethod(experiment.methods[0], experiment: experiment, seed: seed, data: splits,
                                       dense: dense.state, denseAccuracy: dense.accuracy,
                                       checkpointDirectory: outputDirectory.appendingPathComponent("checkpoint"),
                                       resume: resume != nil)
        try SafeTensors.writeFloatTensors(run.finalState, metadata: ["model": model, "method": method],
                                          to: outputDirectory.appendingPathComponent("pruned.safetensors"))
        try run.masks.write(to: outputDirectory.appendingPathComponent("masks.safetensors"))
        try AtomicFile.writeJSON(run.result, to: outputDirectory.appendingPathComponent("metrics.json"))

        if runtime.json {
            try printJSON(run.result)
        } else {
            let result = run.result
            print("dense \(percent(result.denseTestAccuracy)); end of method phase \(percent(result.accuracyAtEndOfMethodPhase)); right after hard pruning \(percent(result.accuracyAfterHardPrune)); after retraining \(percent(result.finalAccuracy))")
            print("sparsity \(String(format: "%.4f", result.sparsity.overallSparsity)) (verified); wrote \(outPath)/pruned.safetensors, masks.safetensors, metrics.json")
        }
    }
}
