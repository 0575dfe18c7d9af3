import ArgumentParser
import Foundation
import Shears

/// Which data to use.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("dataset"), help: "The dataset: \(ShearsCommand.catalog.datasets.names.joined(separator: ", ")) (default fashion-mnist). Inputs are pixel/255, then standardised by the training set's mean and standard deviation.")
    var datasetFlag: String?

    /// The dataset's name: `--dataset`, else fashion-mnist. (The flag is optional so that `--resume` can tell a
    /// given flag from a default.)
    var dataset: String { datasetFlag ?? "fashion-mnist" }

    @Option(name: .customLong("data-dir"),
            help: "The folder with the dataset's files (default for fashion-mnist: Debian's dataset-fashion-mnist folder; required for mnist and cifar10).")
    var dataDirectory: String?

    @Option(name: .customLong("validation-fraction"), parsing: .unconditional,
            help: "Hold out this fraction of the training set and report accuracy on it instead of the test set (for hyper-parameter searches).")
    var validationFraction: Double?

    /// Loads and standardises the data.
    func load(seed: UInt64) throws -> (splits: DatasetSplits, standardization: Standardization) {
        try ShearsCommand.catalog.datasets.load(dataset, directory: dataDirectory, seed: seed,
                                                validationFraction: validationFraction)
    }
}

/// Threads and output format shared by the commands that train.
struct RuntimeOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads: each operation splits its batch (or channels) over them, with one BLAS thread each (default: every core). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Convolution kernels: automatic (Winograd F(2x2,3x3) for 3x3 stride-1 layers with 16+ channels, im2col + GEMM elsewhere) or im2col (everywhere; slower, and the arithmetic of runs before the Winograd kernels).")
    var convolution: ConvolutionAlgorithm = .automatic

    @Flag(help: "Print one JSON object on stdout; progress goes to stderr.")
    var json = false

    /// Sets the engine's worker count: `--threads`, else every core. Each worker runs BLAS on one thread (measured
    /// on 2 cores: resnet20 trained at 444–482 images/s this way against 389 with OpenBLAS's own threads as well,
    /// whose idle threads spin and yield against the workers).
    func applyThreads() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        BLAS.threadCount = 1
        Parallelism.defaultWorkerCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
        ConvolutionAlgorithm.preferred = convolution
    }

    /// A progress reporter for this output mode.
    func reporter() -> TerminalProgress { TerminalProgress(notesToStandardError: json) }
}

/// Makes the catalog's model `name` for a dataset.
func makeModel(_ name: String, for data: DatasetSplits, seed: UInt64) throws -> Model {
    let model = try ShearsCommand.catalog.models.make(
        name, ModelRequest(classes: data.train.classCount, inputChannels: data.train.channels,
                           inputSize: data.train.height, seed: seed))
    try InputFit.check(data, fit: model)
    return model
}

/// Loads a weights file into a model, with errors that name the file.
func loadWeights(_ path: String, into model: Model) throws {
    let url = URL(fileURLWithPath: path)
    let tensors = try SafeTensors.readFloatTensors(from: url)
    do {
        try model.loadStateDict(tensors)
    } catch {
        throw ValidationError("\(path) does not fit model \(model.name): \(error)")
    }
}

/// The help of `--overwrite`, the same for every command that writes a run folder.
let overwriteHelp: ArgumentHelp = """
    Replace the earlier run in the output folder (and discard an unfinished one next to it). Without it such a \
    folder is refused; a folder with files shears did not write is refused always.
    """

/// Claims a run's output folder (see RunFolder): refused when it holds another run (unless `overwrite`), when one
/// of `inputs` lies inside it, or when another run holds its lock; the folder's notes go to `reporter`.
func claimRunFolder(_ path: String, command: String, overwrite: Bool, inputs: [RunFolder.Input],
                    resumable: Bool = false, reporter: TerminalProgress, announceReplacement: Bool = true) throws -> RunFolder {
    let folder = try RunFolder.claim(path, command: command, overwrite: overwrite, inputs: inputs, resumable: resumable,
                                     note: { reporter.note($0) })
    if folder.replacesEarlierRun && announceReplacement { reporter.note("replacing the earlier run in \(path) (--overwrite)") }
    return folder
}

/// The run's input files and folders named by the data flags.
extension DataOptions {
    var inputs: [RunFolder.Input] { dataDirectory.map { [RunFolder.Input(flag: "--data-dir", path: $0)] } ?? [] }
}

/// Writes a JSON object to stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Formats a fraction as a percentage with two decimals.
func percent(_ value: Double) -> String { String(format: "%.2f %%", 100 * value) }

extension ConvolutionAlgorithm: ExpressibleByArgument {}
