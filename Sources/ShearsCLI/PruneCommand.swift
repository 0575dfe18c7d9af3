import ArgumentParser
import Foundation
import Shears

/// `shears prune`: one method from dense weights → hard prune → masked retraining.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Prune a trained network; writes DIR/pruned.safetensors, DIR/masks.safetensors and DIR/metrics.json.",
        discussion: "Accuracy is measured right after hard pruning (no retraining) and after every retraining epoch; the achieved sparsity and pattern are verified after each.")

    @Option(help: "The pruning method (default magnitude; see `shears methods`).") var method: String?
    @Option(help: "The zoo model the weights belong to (default lenet5).") var model: String?
    @Option(help: "A safetensors file with the dense model's state_dict (required, except with --resume).") var weights: String?
    @OptionGroup var data: DataOptions
    @OptionGroup var pruning: PruningOptions
    @Option(help: "Seeds the data order (default 0).") var seed: UInt64?
    @Option(help: "The output folder (DIR/checkpoint holds the last epoch's checkpoint, for --resume).") var out: String?
    @Option(help: "Continue the run whose output folder is DIR from its last checkpoint; its settings are read from there (a flag given with it must agree).") var resume: String?
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        guard let outPath = out ?? resume else { throw ValidationError("give --out DIR (or --resume DIR to continue a run)") }
        if let resume, let out, resume != out { throw ValidationError("--resume \(resume) and --out \(out) differ; give one folder") }
        if let resume {
            // The run's own settings, checked against the flags given here.
            try resumedCommand(folder: resume).command.start(outPath: outPath)
        } else {
            try start(outPath: outPath)
        }
    }

    /// Runs (or, with --resume, continues) the run these flags describe.
    private func start(outPath: String) throws {
        guard let weights else { throw ValidationError("give --weights FILE (the dense model's safetensors file)") }
        let method = self.method ?? "magnitude", model = self.model ?? "lenet5", seed = self.seed ?? 0
        try runtime.applyThreads()
        let experiment = try pruning.experiment(model: model, data: data, methods: [method], denseWeights: weights, seeds: [seed])
        try experiment.validate(registry: BuiltInMethods.registry)
        let weightsSHA256 = try SHA256.hexDigest(ofFile: URL(fileURLWithPath: weights))
        let settings = try JSONEncoder.sortedPretty.encode(
            PruneRunSettings(arguments: SettingFlag.arguments(settingFlags), weights: weights, weightsSHA256: weightsSHA256,
                             experiment: experiment))

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
                                       resume: resume != nil,
                                       identity: [RunIdentity.Fact("model", model), RunIdentity.Fact("dataset", data.dataset.lowercased()),
                                                  RunIdentity.Fact("weights sha256", weightsSHA256)],
                                       settings: settings)
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

extension JSONEncoder {
    /// Pretty, sorted keys, slashes unescaped: stored settings a person can read.
    static var sortedPretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
