import RunFiles
import SafeTensorsFormat
import Datasets
import Foundation
import NeuralNetworks
import PruningCore
import TensorEngine
import Training

/// Runs an experiment side by side and writes its reports.
///
/// For each seed the data are loaded and the dense weights obtained once (from the experiment's weights file, or
/// the cache file `OUT/dense-seed<k>.safetensors`, or trained and then cached); then every method runs from those
/// same weights, with the same data order and budgets. The reports (`report.json`, `report.csv`, `report.md`,
/// `report.html`) and each run's masks go to the output folder.
///
/// A run that throws (diverges, refuses its options, …) is recorded as failed with its error and the others go
/// on; the report compares the runs that finished and lists the failures. Each finished run's result is stored
/// as `runs/<label>-seed<k>.json` the moment it finishes, and each run checkpoints every epoch in
/// `runs/<label>-seed<k>.checkpoint/`; with ``resume`` a comparison skips the stored runs, continues an
/// interrupted one from its checkpoint, runs the rest and writes the full report. `comparison.json` records the
/// experiment (read back by ``storedExperiment(in:)``), the weights file's SHA-256 and the data's.
///
/// ```swift
/// let comparison = Comparison(experiment: experiment, catalog: .builtIn,
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
    /// Where the resumable state lives (`comparison.json`, and `runs/` with each finished run and each run's
    /// checkpoint); nil for ``outputDirectory``. The CLI points it at its run folder's checkpoint, which is kept
    /// when a comparison stops unfinished and removed when it completes.
    public var stateDirectory: URL?
    /// Continue the comparison stored in the state directory: finished runs are kept, the rest run.
    public var resume: Bool = false
    /// Called after every epoch of every run with the method's label, the seed, the phase and the 1-based epoch;
    /// an error thrown from it stops the whole comparison (tests simulate a kill this way).
    public var epochFinished: ((String, UInt64, String, Int) throws -> Void)?

    /// What `comparison.json` holds.
    public struct Record: Codable, Equatable, Sendable {
        /// The experiment as run.
        public var experiment: Experiment
        /// SHA-256 of the experiment's dense weights file, if it names one.
        public var weightsSHA256: String?
        /// ``RunDigest/data(_:)`` of the first seed's data.
        public var dataSHA256: String
    }

    /// The file that records a comparison's experiment.
    public static func recordURL(in directory: URL) -> URL { directory.appendingPathComponent("comparison.json") }

    /// The experiment of the comparison stored in `directory` (to resume it without repeating its settings).
    /// - Parameter constraints: Constraints whose names the stored constraint may use besides the built-in ones.
    /// - Throws: When the folder holds no comparison, or its record does not decode.
    public static func storedExperiment(in directory: URL,
                                        constraints: ConstraintRegistry = ConstraintRegistry()) throws -> Experiment {
        try storedRecord(in: directory, constraints: constraints).experiment
    }

    static func storedRecord(in directory: URL, constraints: ConstraintRegistry) throws -> Record {
        let url = recordURL(in: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PruningError.invalidOption("cannot resume: the comparison folder \(directory.path) does not exist (or is not a folder)")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PruningError.invalidOption("cannot resume: \(directory.path) holds no comparison (\(url.lastPathComponent) is missing)")
        }
        let decoder = JSONDecoder()
        decoder.userInfo = [.shearsConstraints: constraints]
        do { return try decoder.decode(Record.self, from: data) } catch {
            throw PruningError.invalidState("\(url.path) is not a Shears comparison record: \(error)")
        }
    }

    /// Creates a comparison.
    /// - Parameters:
    ///   - experiment: What to run.
    ///   - catalog: The methods, models and datasets the experiment may name.
    ///   - outputDirectory: Where everything is written (created when the inputs have been checked).
    ///   - reporter: Live progress.
    ///   - writeMasks: Write each run's masks.
    public init(experiment: Experiment, catalog: ShearsCatalog, outputDirectory: URL,
                reporter: any ProgressReporter = SilentProgress(), writeMasks: Bool = true) {
        self.experiment = experiment
        runner = ExperimentRunner(catalog: catalog, reporter: reporter)
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
    /// checked, so bad input leaves no folder behind. A run that fails is recorded in the report (see
    /// ``ComparisonReport/failures``); the caller decides what a failure means for it.
    /// - Returns: The report and the files written.
    public func run() throws -> (report: ComparisonReport, files: ReportFiles) {
        let start = Date()
        let reporter = runner.reporter
        try experiment.validate(catalog: runner.catalog)
        try checkOutputDirectory()
        let stored = resume ? try Self.storedRecord(in: stateRoot, constraints: runner.catalog.constraints) : nil
        // The data depend on the seed only for generated data (the synthetic task); real datasets are loaded once.
        // (An unknown name fails in `load` below, which tests may replace.)
        let seedDependentData = (try? runner.catalog.datasets.registration(named: experiment.dataset))?.dependsOnSeed ?? false
        let load = loadData ?? { seed in try runner.loadData(experiment, seed: seed).splits }
        var data = try load(experiment.seeds[0])
        try checkDenseWeightsFile(data: data)
        try runner.validateModelFit(experiment, data: data)
        let record = Record(experiment: experiment,
                            weightsSHA256: try experiment.denseWeights.map { try SHA256.hexDigest(ofFile: URL(fileURLWithPath: $0)) },
                            dataSHA256: RunDigest.data(data))
        if let stored { try Self.check(record, against: stored, in: stateRoot) }
        try FileManager.default.createDirectory(at: runsDirectory, withIntermediateDirectories: true)
        if stored == nil { try AtomicFile.writeJSON(record, to: Self.recordURL(in: stateRoot)) }

        var seedResults: [SeedResult] = []
        var failures: [RunFailure] = []
        var dataDigest = record.dataSHA256
        for (seedIndex, seed) in experiment.seeds.enumerated() {
            let seedNote = experiment.seeds.count > 1 ? " (seed \(seed), \(seedIndex + 1) of \(experiment.seeds.count))" : " (seed \(seed))"
            let dense: [String: Tensor], denseRecord: DenseResult
            do {
                // A seed's own data (the synthetic task) is part of what its dense model needs: a seed whose data
                // cannot be made fails like its pretraining, and the other seeds go on.
                if seedDependentData && seedIndex > 0 {
                    data = try load(seed)
                    dataDigest = RunDigest.data(data)
                    try runner.validateModelFit(experiment, data: data)
                }
                (dense, denseRecord) = try runner.loadOrTrainDense(experiment, data: data, seed: seed,
                                                                   cache: experiment.denseWeights == nil ? denseCacheURL(seed: seed) : nil)
            } catch {
                reporter.note("dense pretraining failed\(seedNote): \(error); its methods are skipped")
                failures.append(RunFailure(seed: seed, label: nil, method: nil, error: "\(error)"))
                continue
            }
            reporter.note(String(format: "dense test accuracy %.2f %%", 100 * denseRecord.accuracy) + seedNote)
            var runs: [MethodResult] = []
            for (methodIndex, spec) in experiment.methods.enumerated() {
                let stem = "\(Self.fileSafe(spec.displayName))-seed\(seed)"
                if resume, let finished = storedResult(stem: stem, spec: spec) {
                    reporter.note("— \(spec.displayName)\(seedNote): finished earlier, kept")
                    runs.append(finished)
                    continue
                }
                reporter.note("— \(spec.displayName) (\(methodIndex + 1) of \(experiment.methods.count))" + seedNote)
                let checkpoint = runsDirectory.appendingPathComponent(stem + ".checkpoint")
                let run: MethodRun
                do {
                    let hook = epochFinished
                    run = try runner.runMethod(
                        spec, experiment: experiment, seed: seed, data: data, dense: dense, denseAccuracy: denseRecord.accuracy,
                        checkpointDirectory: checkpoint,
                        resume: resume && FileManager.default.fileExists(atPath: checkpoint.path),
                        identity: [RunIdentity.Fact("comparison label", spec.displayName)], dataDigest: dataDigest,
                        epochFinished: hook.map { hook in
                            { phase, epoch in
                                do { try hook(spec.displayName, seed, phase, epoch) } catch { throw Interruption(error: error) }
                            }
                        })
                } catch let interruption as Interruption {
                    throw interruption.error
                } catch {
                    reporter.note("\(spec.displayName)\(seedNote) failed: \(error)")
                    failures.append(RunFailure(seed: seed, label: spec.displayName, method: spec.name, error: "\(error)"))
                    continue
                }
                var masksFile: String?
                if writeMasks {
                    let name = "masks-\(stem).safetensors"
                    try run.masks.write(to: outputDirectory.appendingPathComponent(name))
                    masksFile = name
                }
                let result = MethodResult(label: spec.displayName, method: spec.name, result: run.result,
                                          withinPoints: experiment.withinPoints, masksFile: masksFile)
                try AtomicFile.writeJSON(StoredRun(seed: seed, run: result), to: runsDirectory.appendingPathComponent(stem + ".json"))
                try? FileManager.default.removeItem(at: checkpoint)
                runs.append(result)
            }
            seedResults.append(SeedResult(seed: seed, dense: denseRecord, runs: runs))
        }
        let report = ComparisonReport(experiment: experiment, seeds: seedResults, totalSeconds: Date().timeIntervalSince(start),
                                      failures: failures)
        let files = try ReportWriter.write(report, to: outputDirectory)
        return (report, files)
    }

    /// Where finished runs' results and running runs' checkpoints are kept.
    var runsDirectory: URL { stateRoot.appendingPathComponent("runs") }

    /// The state directory in force.
    var stateRoot: URL { stateDirectory ?? outputDirectory }

    /// A finished run as stored in `runs/`.
    struct StoredRun: Codable {
        var seed: UInt64
        var run: MethodResult
    }

    /// Wraps an error thrown by ``epochFinished`` so that it stops the comparison instead of failing one run.
    private struct Interruption: Error { var error: any Error }

    /// The stored result of a finished run, or nil when there is none (or it does not belong to this run).
    private func storedResult(stem: String, spec: MethodSpec) -> MethodResult? {
        let url = runsDirectory.appendingPathComponent(stem + ".json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let stored = try? JSONDecoder().decode(StoredRun.self, from: data),
              stored.run.label == spec.displayName, stored.run.method == spec.name,
              stem.hasSuffix("-seed\(stored.seed)") else {
            runner.reporter.note("\(url.path) is not a finished run of \(spec.displayName); running it again")
            return nil
        }
        return stored.run
    }

    /// Throws unless a resumed comparison has the stored experiment, weights and data, naming what differs.
    static func check(_ record: Record, against stored: Record, in directory: URL) throws {
        let file = recordURL(in: directory).path
        guard record.experiment == stored.experiment else {
            throw PruningError.invalidState("the comparison in \(directory.path) was made with another experiment (\(file)); resume it with its own settings")
        }
        if record.weightsSHA256 != stored.weightsSHA256 {
            throw PruningError.invalidState("the comparison in \(directory.path) was made with weights sha256 \(stored.weightsSHA256.map(SHA256.short) ?? "(none)"); \(record.experiment.denseWeights ?? "the weights") now has \(record.weightsSHA256.map(SHA256.short) ?? "(none)")")
        }
        if record.dataSHA256 != stored.dataSHA256 {
            throw PruningError.invalidState("the comparison in \(directory.path) was made with data \(stored.experiment.dataset) sha256 \(SHA256.short(stored.dataSHA256)); the data loaded now (\(record.experiment.dataset)\(record.experiment.dataDirectory.map { " from \($0)" } ?? "")) have \(SHA256.short(record.dataSHA256))")
        }
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
