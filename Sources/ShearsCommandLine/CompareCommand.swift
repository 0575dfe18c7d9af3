import ArgumentParser
import Foundation
import Shears

/// `shears compare`: every method on the same model, data, seeds and budgets, with a convergence report.
struct CompareCommand: ParsableCommand {
    // Computed, so that the discussion lists the default methods of the catalog the command runs with.
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "compare",
        abstract: "Compare pruning methods side by side (the default runs a small Fashion-MNIST experiment).",
        discussion: """
        With no flags: lenet5 on Fashion-MNIST, unstructured sparsity 0.9 in every layer, methods \
        \(QuickDefaults.methodNames(in: ShearsCommand.catalog.methods).joined(separator: ", ")); the dense network is \
        pretrained for \(QuickDefaults.pretrainEpochs) epochs and cached in OUT/dense-seed<k>.safetensors (reused by \
        later runs), then each method runs \(QuickDefaults.methodEpochs) method-phase and \(QuickDefaults.retrainEpochs) \
        retraining epochs from the same dense weights, with the Lagrangian loss over the first \
        \(QuickDefaults.lossSubset) training images. Budget flags that are not given take these values, not the \
        defaults `shears prune` uses.

        Writes OUT/report.json (everything), report.csv (one row per method, seed and epoch), report.md (the table) \
        and report.html (table and plots), and the masks of every run. `--experiment FILE` reads the whole experiment \
        from a JSON or YAML file (see docs/experiment-example.yaml); only --out, --overwrite, --threads and --json combine \
        with it.

        The comparison works in .OUT.incomplete next to OUT and moves it into place when it ends; an OUT that holds \
        an earlier comparison is replaced only with --overwrite, whose cached dense weights are then reused.
        """) }

    /// The budgets of `shears compare` without flags: a few minutes on two cores in a release build.
    enum QuickDefaults {
        static let pretrainEpochs = 4
        static let methodEpochs = 3
        static let retrainEpochs = 3
        static let lossSubset = 10_000

        /// slr, admm, magnitude, and layerwise when it is registered.
        static func methodNames(in registry: MethodRegistry) -> [String] {
            ["slr", "admm", "magnitude", "layerwise"].filter { registry.names.contains($0) }
        }
    }

    @Option(help: "Comma-separated methods (default: slr, admm, magnitude, and layerwise when registered); see `shears methods`.")
    var methods: String?
    @Option(help: "The model: \(ShearsCommand.catalog.models.names.joined(separator: ", ")).") var model = "lenet5"
    @OptionGroup var data: DataOptions
    @OptionGroup var pruning: PruningOptions
    @Option(parsing: .unconditional, help: "Comma-separated seeds; each is a full repetition (dense training included unless cached).") var seeds = "0"
    @Option(help: "A safetensors file with the dense weights (default: train them and cache them in the output folder).")
    var weights: String?
    @Option(name: .customLong("pretrain-epochs"), parsing: .unconditional, help: "Epochs of dense training when no --weights are given (default \(QuickDefaults.pretrainEpochs)).")
    var pretrainEpochs: Int?
    @Option(name: .customLong("within-points"), parsing: .unconditional, help: "Report the retraining epochs and time to come within this many accuracy points of dense.")
    var withinPoints: Double = 1
    @Option(help: "The output folder (reports, masks and the dense cache): a new or empty folder, or an earlier comparison with --overwrite.")
    var out = "runs/compare"
    @Flag(help: "Replace the earlier comparison in the output folder, reusing its cached dense weights when they were made by the same setup. Without it such a folder is refused.")
    var overwrite = false
    @Option(name: .customLong("experiment"), help: "A JSON or YAML experiment file; replaces the experiment flags.")
    var experimentFile: String?
    @Option(help: "Continue the comparison in DIR: runs that finished are kept, an interrupted one continues from its checkpoint, the rest run; the settings are DIR's own.")
    var resume: String?
    @OptionGroup var runtime: RuntimeOptions

    /// What `--json` prints: where the reports are, the per-method summaries and the verdict.
    struct Output: Codable {
        var reports: [String: String]
        var summaries: [MethodSummary]
        var conclusion: String
        var totalSeconds: Double
    }

    func run() throws {
        let out = try resumeFolder() ?? self.out
        let reporter = runtime.reporter()
        // With --resume the unfinished comparison's folder comes first: it says why there is nothing to resume, and
        // its lock keeps other runs out while the stored experiment is read.
        let resumed = try resume.map {
            try RunFolder.resume($0, command: "compare", overwrite: overwrite, note: { reporter.note($0) })
        }
        let experiment: Experiment
        do {
            experiment = try resumed.map { try Comparison.storedExperiment(in: $0.checkpointDirectory,
                                                                                constraints: ShearsCommand.catalog.constraints) } ?? makeExperiment()
            try experiment.validate(catalog: ShearsCommand.catalog)
            try runtime.applyThreads()
        } catch {
            resumed?.abandon()
            throw error
        }
        let folder = try resumed ?? claimRunFolder(out, command: "compare", overwrite: overwrite,
                                                   inputs: inputs(of: experiment), reporter: reporter,
                                                   announceReplacement: false)
        if folder.replacesEarlierRun && !folder.isResumed {
            // The dense weights are what takes longest; they are reused when made by the same setup (ExperimentRunner
            // checks the cache's metadata, and says so and retrains otherwise). With --weights there is no cache.
            let reused = experiment.denseWeights != nil ? [] : folder.reuseEarlierFiles {
                $0.hasPrefix("dense-seed") && $0.hasSuffix(".safetensors")
            }
            reporter.note("replacing the earlier comparison in \(out)" + (reused.isEmpty ? "" : " (its cached dense weights are reused)"))
        }
        let (report, files) = try folder.run { directory in
            var comparison = Comparison(experiment: experiment, catalog: ShearsCommand.catalog,
                                        outputDirectory: directory, reporter: reporter)
            // Finished runs and checkpoints live in the run folder's checkpoint, which survives a failure (for
            // --resume) and goes when the comparison is complete.
            comparison.stateDirectory = folder.checkpointDirectory
            comparison.resume = folder.isResumed
            reporter.note("comparing \(experiment.methods.map(\.displayName).joined(separator: ", ")) on \(experiment.model) / \(experiment.dataset); output in \(out)")
            return try comparison.run()
        }

        let paths = ["json": files.json, "csv": files.csv, "markdown": files.markdown, "html": files.html]
            .mapValues { out + "/" + $0.lastPathComponent }
        if runtime.json {
            try printJSON(Output(reports: paths, summaries: report.summaries, conclusion: report.conclusion,
                                 totalSeconds: report.totalSeconds))
        } else {
            print("")
            print(MarkdownReport.methodsTable(report))
            print("")
            print(report.conclusion)
            print("")
            print(String(format: "Total %.0f s. Reports: ", report.totalSeconds)
                  + ["markdown", "html", "json", "csv"].compactMap { paths[$0] }.joined(separator: ", "))
        }
        // The report is written; a failed run still makes the command fail.
        if !report.failures.isEmpty { throw RunsFailed(failures: report.failures, reports: out) }
    }

    /// The error `shears compare` ends with when some runs failed (their results are in the reports).
    struct RunsFailed: Error, CustomStringConvertible {
        var failures: [RunFailure]
        var reports: String
        var description: String {
            "\(failures.count) run\(failures.count == 1 ? "" : "s") failed (the others are reported in \(reports)): "
                + failures.map { "\($0.what): \($0.error)" }.joined(separator: "; ")
        }
    }

    /// With --resume DIR: DIR, after checking that no experiment flag and no other --out come with it.
    func resumeFolder() throws -> String? {
        guard let resume else { return nil }
        let plain = try CompareCommand.parse([])
        if out != plain.out && out != resume { throw ValidationError("--resume \(resume) and --out \(out) differ; give one folder") }
        var given = try experimentFlagsGiven()
        if experimentFile != nil { given.append("--experiment") }
        guard given.isEmpty else {
            throw ValidationError("--resume \(resume) continues the comparison with its own settings (\(resume)/comparison.json); drop \(given.sorted().joined(separator: ", "))")
        }
        return resume
    }

    /// The comparison's input files and folders, none of which may lie inside the output folder.
    func inputs(of experiment: Experiment) -> [RunFolder.Input] {
        var inputs: [RunFolder.Input] = []
        if let experimentFile { inputs.append(RunFolder.Input(flag: "--experiment", path: experimentFile)) }
        if let weights = experiment.denseWeights { inputs.append(RunFolder.Input(flag: experimentFile == nil ? "--weights" : "denseWeights", path: weights)) }
        if let directory = experiment.dataDirectory { inputs.append(RunFolder.Input(flag: experimentFile == nil ? "--data-dir" : "dataDirectory", path: directory)) }
        return inputs
    }

    /// The experiment the file or the flags describe.
    func makeExperiment() throws -> Experiment {
        if let experimentFile {
            let conflicting = try experimentFlagsGiven()
            guard conflicting.isEmpty else {
                throw ValidationError("--experiment \(experimentFile) describes the whole experiment; drop \(conflicting.joined(separator: ", ")) (only --out, --overwrite, --threads and --json combine with it)")
            }
            let experiment = try ExperimentFile.load(from: URL(fileURLWithPath: experimentFile),
                                                     constraints: ShearsCommand.catalog.constraints)
            do {
                try experiment.validate(catalog: ShearsCommand.catalog)
            } catch {
                // A value the file gives is the culprit: name the file, as its parse errors do.
                throw ValidationError("experiment file \(experimentFile): \(ShearsCommand.message(for: error))")
            }
            return experiment
        }

        let registry = ShearsCommand.catalog.methods
        let methodNames = try methods.map(Self.parseList) ?? QuickDefaults.methodNames(in: registry)
        guard !methodNames.isEmpty else { throw ValidationError("--methods lists no method; e.g. --methods slr,admm,magnitude") }
        for name in methodNames { _ = try registry.registration(named: name) }
        let seedValues = try Self.parseList(seeds).map { text -> UInt64 in
            guard let seed = UInt64(text) else { throw ValidationError("--seeds expects comma-separated non-negative integers, got '\(text)'") }
            return seed
        }
        guard !seedValues.isEmpty else { throw ValidationError("--seeds lists no seed; e.g. --seeds 0,1,2") }
        if let pretrainEpochs, pretrainEpochs < 0 { throw ValidationError("--pretrain-epochs must be ≥ 0, got \(pretrainEpochs)") }
        guard withinPoints >= 0, withinPoints.isFinite else { throw ValidationError("--within-points must be a number ≥ 0, got \(withinPoints)") }

        var experiment = try pruning.experiment(
            model: model, data: data, methods: methodNames, denseWeights: weights, seeds: seedValues,
            pretrainEpochs: pretrainEpochs ?? QuickDefaults.pretrainEpochs,
            defaults: PruningOptions.Budgets(methodEpochs: QuickDefaults.methodEpochs, retrainEpochs: QuickDefaults.retrainEpochs,
                                             lossSubset: QuickDefaults.lossSubset))
        experiment.withinPoints = withinPoints
        return experiment
    }

    /// The experiment flags whose values differ from their defaults (as `--name`), found by comparing this command
    /// with one parsed from `--experiment` alone, so that it works however the command was invoked.
    func experimentFlagsGiven() throws -> [String] {
        let plain = try CompareCommand.parse(["--experiment", experimentFile ?? ""])
        func differing(_ value: Any, _ reference: Any) -> [String] {
            zip(Mirror(reflecting: value).children, Mirror(reflecting: reference).children).compactMap { mine, theirs in
                guard let label = mine.label, String(describing: mine.value) != String(describing: theirs.value) else { return nil }
                return label
            }
        }
        let ignored: Set<String> = ["_experimentFile", "_out", "_runtime", "_resume", "_overwrite", "_data", "_pruning"]
        // `_pretrainEpochs` → `--pretrain-epochs`.
        let own = differing(self, plain).filter { !ignored.contains($0) }.map { label in
            "--" + label.dropFirst().reduce(into: "") { text, character in
                if character.isUppercase { text += "-" + character.lowercased() } else { text.append(character) }
            }
        }
        // The shared groups list their flags, optional underneath, so a flag given with its default counts too.
        return (own + (data.settingFlags + pruning.settingFlags).filter { $0.given != nil }.map(\.flag)).sorted()
    }

    /// Comma-separated items, trimmed, empty ones dropped.
    static func parseList(_ text: String) throws -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
