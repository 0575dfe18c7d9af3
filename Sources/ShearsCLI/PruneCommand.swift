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
    @Option(parsing: .unconditional, help: "Seeds the data order.") var seed: UInt64 = 0
    @Option(help: "The output folder: a new or empty folder, or an earlier run with --overwrite. The run works in .DIR.incomplete next to it (with the last epoch's checkpoint, for --resume) and moves it into place when it ends.")
    var out: String?
    @Option(help: "Continue the unfinished run of output folder DIR from its last checkpoint.") var resume: String?
    @Flag(help: overwriteHelp) var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        guard let outPath = out ?? resume else { throw ValidationError("give --out DIR (or --resume DIR to continue a run)") }
        if let resume, let out, resume != out { throw ValidationError("--resume \(resume) and --out \(out) differ; give one folder") }
        try runtime.applyThreads()
        let experiment = try pruning.experiment(model: model, data: data, methods: [method], denseWeights: weights, seeds: [seed])
        try experiment.validate(registry: BuiltInMethods.registry)

        let reporter = runtime.reporter()
        let inputs = [RunFolder.Input(flag: "--weights", path: weights)] + data.inputs
        let folder = try resume != nil
            ? RunFolder.resume(outPath, command: "prune", overwrite: overwrite, inputs: inputs, note: { reporter.note($0) })
            : claimRunFolder(outPath, command: "prune", overwrite: overwrite, inputs: inputs, resumable: true, reporter: reporter)
        let run = try folder.run { outputDirectory in
            let runner = ExperimentRunner(registry: BuiltInMethods.registry, reporter: reporter)
            let (splits, _) = try runner.loadData(experiment, seed: seed)
            try runner.validateModelFit(experiment, data: splits)
            let dense = try runner.denseState(experiment, data: splits, seed: seed, cache: nil)
            let run = try runner.runMethod(experiment.methods[0], experiment: experiment, seed: seed, data: splits,
                                           dense: dense.state, denseAccuracy: dense.accuracy,
                                           checkpointDirectory: folder.checkpointDirectory, resume: folder.isResumed)
            try SafeTensors.writeFloatTensors(run.finalState, metadata: ["model": model, "method": method],
                                              to: outputDirectory.appendingPathComponent("pruned.safetensors"))
            try run.masks.write(to: outputDirectory.appendingPathComponent("masks.safetensors"))
            try AtomicFile.writeJSON(run.result, to: outputDirectory.appendingPathComponent("metrics.json"))
            return run
        }

        if runtime.json {
            try printJSON(run.result)
        } else {
            let result = run.result
            print("dense \(percent(result.denseTestAccuracy)); end of method phase \(percent(result.accuracyAtEndOfMethodPhase)); right after hard pruning \(percent(result.accuracyAfterHardPrune)); after retraining \(percent(result.finalAccuracy))")
            print("sparsity \(String(format: "%.4f", result.sparsity.overallSparsity)) (verified); wrote \(outPath)/pruned.safetensors, masks.safetensors, metrics.json")
        }
    }
}
