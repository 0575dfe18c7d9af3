import Checkpoints
import Datasets
import Foundation
import PruningCore

/// Runs an experiment side by side and writes its reports.
///
/// For each seed the data are loaded and the dense weights obtained once (from the experiment's weights file, or
/// the cache file `OUT/dense-seed<k>.safetensors`, or trained and then cached); then every method runs from those
/// same weights, with the same data order and budgets. The reports (`report.json`, `report.csv`, `report.md`,
/// `report.html`) and each run's masks go to the output folder.
///
/// ```swift
/// let comparison = Comparison(experiment: experiment, registry: BuiltInMethods.registry,
///                             outputDirectory: URL(fileURLWithPath: "runs/compare"))
/// let output = try comparison.run()
/// print(MarkdownReport.render(output.report))
/// ```
public struct Comparison {
    /// What to run.
    public var experiment: Experiment
    /// Loads data, obtains dense weights and runs each method.
    public var runner: ExperimentRunner
    /// Where the reports, masks and dense caches go.
    public var outputDirectory: URL
    /// Write each run's masks as `masks-<label>-seed<k>.safetensors`.
    public var writeMasks: Bool
    /// Loads the (standardised) data of a seed; nil (the default) uses ``ExperimentRunner/loadData(_:seed:)``.
    /// Tests set it to a small synthetic set.
    public var loadData: ((UInt64) throws -> DatasetSplits)?

    /// Creates a comparison.
    /// - Parameters:
    ///   - experiment: What to run.
    ///   - registry: The methods the experiment may name.
    ///   - outputDirectory: Where everything is written (created when the inputs have been checked).
    ///   - reporter: Live progress.
    ///   - writeMasks: Write each run's masks.
    public init(experiment: Experiment, registry: MethodRegistry, outputDirectory: URL,
                reporter: any ProgressReporter = SilentProgress(), writeMasks: Bool = true) {
        self.experiment = experiment
        runner = ExperimentRunner(registry: registry, reporter: reporter)
        self.outputDirectory = outputDirectory
        self.writeMasks = writeMasks
    }

    /// The dense cache file of a seed.
    public func denseCacheURL(seed: UInt64) -> URL {
        outputDirectory.appendingPathComponent("dense-seed\(seed).safetensors")
    }

    /// Checks the inputs, runs every method on every seed, and writes the reports.
    ///
    /// Nothing is written until the experiment, the data, the output folder and any dense weights file have been
    /// checked, so bad input leaves no folder behind.
    /// - Returns: The report and the files written.
    public func run() throws -> (report: ComparisonReport, files: ReportFiles) {
        let start = Date()
        let reporter = runner.reporter
        try experiment.validate(registry: runner.registry)
        try checkOutputDirectory()
        // The data depend on the seed only for the synthetic task; real datasets are loaded once.
        let seedDependentData = experiment.dataset.lowercased() == "synthetic"
        let load = loadData ?? { seed in try runner.loadData(experiment, seed: seed).splits }
        var data = try load(experiment.seeds[0])
        try checkDenseWeightsFile(data: data)
        try runner.validateModelFit(experiment, data: data)
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)

        var seedResults: [SeedResult] = []
        for (seedIndex, seed) in experiment.seeds.enumerated() {
            if seedDependentData && seedIndex > 0 { data = try load(seed) }
            let seedNote = experiment.seeds.count > 1 ? " (seed \(seed), \(seedIndex + 1) of \(experiment.seeds.count))" : " (seed \(seed))"
            let (dense, denseRecord) = try runner.loadOrTrainDense(experiment, data: data, seed: seed,
                                                                   cache: experiment.denseWeights == nil ? denseCacheURL(seed: seed) : nil)
            reporter.note(String(format: "dense test accuracy %.2f %%", 100 * denseRecord.accuracy) + seedNote)
            var runs: [MethodResult] = []
            for (methodIndex, spec) in experiment.methods.enumerated() {
                reporter.note("— \(spec.displayName) (\(methodIndex + 1) of \(experiment.methods.count))" + seedNote)
                let run = try runner.runMethod(spec, experiment: experiment, seed: seed, data: data, dense: dense,
                                               denseAccuracy: denseRecord.accuracy)
                var masksFile: String?
                if writeMasks {
                    let name = "masks-\(Self.fileSafe(spec.displayName))-seed\(seed).safetensors"
                    try run.masks.write(to: outputDirectory.appendingPathComponent(name))
                    masksFile = name
                }
                runs.append(MethodResult(label: spec.displayName, method: spec.name, result: run.result,
                                         withinPoints: experiment.withinPoints, masksFile: masksFile))
            }
            seedResults.append(SeedResult(seed: seed, dense: denseRecord, runs: runs))
        }
        let report = ComparisonReport(experiment: experiment, seeds: seedResults, totalSeconds: Date().timeIntervalSince(start))
        let files = try ReportWriter.write(report, to: outputDirectory)
        return (report, files)
    }

    /// Throws if the output path exists and is not a folder.
    private func checkOutputDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: outputDirectory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw PruningError.invalidOption("the output folder \(outputDirectory.path) is a file; expected a folder")
        }
    }

    /// Throws if the experiment's dense weights file cannot be read or does not fit the model.
    private func checkDenseWeightsFile(data: DatasetSplits) throws {
        guard let path = experiment.denseWeights else { return }
        let model = try runner.makeModel(experiment, data: data, seed: experiment.seeds[0])
        let tensors = try SafeTensors.readFloatTensors(from: URL(fileURLWithPath: path))
        do { try model.loadStateDict(tensors) } catch {
            throw PruningError.invalidState("dense weights \(path) do not fit model \(experiment.model): \(error)")
        }
    }

    /// A label made safe for a file name: letters, digits, `-`, `_`, `.` and `+` kept, anything else `_`.
    static func fileSafe(_ label: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+")
        let mapped = String(label.map { allowed.contains($0) ? $0 : "_" })
        return mapped.isEmpty || mapped.hasPrefix(".") ? "_" + mapped : mapped
    }
}
