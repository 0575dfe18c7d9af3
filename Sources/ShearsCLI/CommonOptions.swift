import ArgumentParser
import Foundation
import Shears

/// Which data to use.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("dataset"), help: "The dataset: fashion-mnist (the default), mnist, cifar10 or synthetic. Inputs are pixel/255, then standardised by the training set's mean and standard deviation.")
    var datasetFlag: String?

    /// The dataset's name: `--dataset`, else fashion-mnist. (The flag is optional so that `--resume` can tell a
    /// given flag from a default.)
    var dataset: String { datasetFlag ?? "fashion-mnist" }

    @Option(name: .customLong("data-dir"),
            help: "The folder with the dataset's files (default for fashion-mnist: Debian's dataset-fashion-mnist folder; required for mnist and cifar10).")
    var dataDirectory: String?

    @Option(name: .customLong("validation-fraction"),
            help: "Hold out this fraction of the training set and report accuracy on it instead of the test set (for hyper-parameter searches).")
    var validationFraction: Double?

    /// Loads and standardises the data.
    func load(seed: UInt64) throws -> (splits: DatasetSplits, standardization: Standardization) {
        try DatasetCatalog.load(dataset, directory: dataDirectory, seed: seed, validationFraction: validationFraction)
    }
}

/// Threads and output format shared by the commands that train.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "Worker threads: each operation splits its batch (or channels) over them, with one BLAS thread each (default: every core). Results do not depend on it.")
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

/// Makes the zoo model for a dataset.
func makeModel(_ name: String, for data: DatasetSplits, seed: UInt64) throws -> Model {
    let model = try ModelZoo.make(name: name, classes: data.train.classCount, inputChannels: data.train.channels,
                                  inputSize: data.train.height, seed: seed)
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

/// Creates the output folder (and parents).
func makeOutputDirectory(_ path: String) throws -> URL {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw ValidationError("--out \(path) is a file; expected a folder")
    }
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
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
