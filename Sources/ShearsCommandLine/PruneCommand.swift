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
    @Option(parsing: .unconditional, help: "Seeds the data order (default 0).") var seed: UInt64?
    @Option(help: "The output folder: a new or empty folder, or an earlier run with --overwrite. The run works in .DIR.incomplete next to it (with the last epoch's checkpoint, for --resume) and moves it into place when it ends.")
    var out: String?
    @Option(help: "Continue the unfinished run of output folder DIR from its last checkpoint; its settings are read from there (a flag given with it must agree).") var resume: String?
    @Flag(help: overwriteHelp) var overwrite = false
    @OptionGroup var runtime: RuntimeOptions

    /// Called after every epoch's checkpoint with the phase and the epochs done in it; tests interrupt a run by
    /// throwing from it, which leaves an unfinished run to `--resume`. Task-local, so that it reaches only the
    /// test's own command.
    @TaskLocal static var epochFinished: (@Sendable (String, Int) throws -> Void)?

    func run() throws {
        guard let outPath = out ?? resume else { throw ValidationError("give --out DIR (or --resume DIR to continue a run)") }
        if let resume, let out, resume != out { throw ValidationError("--resume \(resume) and --out \(out) differ; give one folder") }
        if let resume {
            // The unfinished run's folder first: it says why there is nothing to resume, and its lock keeps other
            // runs out while the stored settings are read and checked against the flags given here.
            let reporter = runtime.reporter()
            let inputs = (weights.map { [RunFolder.Input(flag: "--weights", path: $0)] } ?? []) + data.inputs
            let folder = try RunFolder.resume(resume, command: "prune", overwrite: overwrite, inputs: inputs,
                                              note: { reporter.note($0) })
            let resumed: PruneCommand
            do {
                resumed = try resumedCommand(folder: resume, checkpoint: folder.checkpointDirectory).command
            } catch {
                folder.abandon()
                throw error
            }
            try resumed.start(outPath: outPath, resumedFolder: folder)
        } else {
            try start(outPath: outPath, resumedFolder: nil)
        }
    }

    /// Runs the run these flags describe in a newly claimed `--out`, or continues it in `resumedFolder`.
    private func start(outPath: String, resumedFolder: RunFolder?) throws {
        guard let weights else { throw ValidationError("give --weights FILE (the dense model's safetensors file)") }
        let method = self.method ?? "magnitude", model = self.model ?? "lenet5", seed = self.seed ?? 0
        try runtime.applyThreads()
        let experiment = try pruning.experiment(model: model, data: data, methods: [method], denseWeights: weights, seeds: [seed])
        try experiment.validate(catalog: ShearsCommand.catalog)
        let weightsSHA256 = try SHA256.hexDigest(ofFile: URL(fileURLWithPath: weights))
        let settings = try JSONEncoder.sortedPretty.encode(
            PruneRunSettings(arguments: SettingFlag.arguments(settingFlags), weights: weights, weightsSHA256: weightsSHA256,
                             experiment: experiment))

        let reporter = runtime.reporter()
        let inputs = [RunFolder.Input(flag: "--weights", path: weights)] + data.inputs
        let folder = try resumedFolder
            ?? claimRunFolder(outPath, command: "prune", overwrite: overwrite, inputs: inputs, resumable: true, reporter: reporter)
        let run = try folder.run { outputDirectory in
            let runner = ExperimentRunner(catalog: ShearsCommand.catalog, reporter: reporter)
            let (splits, _) = try runner.loadData(experiment, seed: seed)
            try runner.validateModelFit(experiment, data: splits)
            let dense = try runner.denseState(experiment, data: splits, seed: seed, cache: nil)
            let run = try runner.runMethod(experiment.methods[0], experiment: experiment, seed: seed, data: splits,
                                           dense: dense.state, denseAccuracy: dense.accuracy,
                                           checkpointDirectory: folder.checkpointDirectory, resume: folder.isResumed,
                                           identity: [RunIdentity.Fact("model", model),
                                                      RunIdentity.Fact("dataset", data.dataset.lowercased()),
                                                      RunIdentity.Fact("weights sha256", weightsSHA256)],
                                           settings: settings, epochFinished: Self.epochFinished)
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

extension JSONEncoder {
    /// Pretty, sorted keys, slashes unescaped: stored settings a person can read.
    static var sortedPretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
