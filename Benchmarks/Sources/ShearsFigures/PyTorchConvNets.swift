import Foundation
import ShearsBenchmarkSupport

/// One model's line of `pytorch_convnets_benchmark.py --json`.
struct PyTorchThroughput: Decodable {
    let model: String
    let threads: Int
    let batch: Int
    let trainImagesPerSecond: Double
    let evalImagesPerSecond: Double
    /// The script process's peak RSS, in MiB.
    let peakRSSMegabytes: Double

    enum CodingKeys: String, CodingKey {
        case model, threads, batch
        case trainImagesPerSecond = "train_images_per_second"
        case evalImagesPerSecond = "eval_images_per_second"
        case peakRSSMegabytes = "peak_rss_mb"
    }
}

/// Why the PyTorch side cannot run, or why one of its runs failed.
struct PyTorchUnavailable: Error, CustomStringConvertible {
    let description: String
}

/// The PyTorch side of the `convnets` figure: `Scripts/pytorch_convnets_benchmark.py` under Debian's
/// `/usr/bin/python3`, which is the interpreter `python3-torch` installs for.
struct PyTorchConvNets {
    static let python = "/usr/bin/python3"
    static let scriptPath = "Scripts/pytorch_convnets_benchmark.py"

    /// The script's location.
    let script: URL

    /// Finds the script and checks that the interpreter has torch and torchvision.
    /// - Throws: ``PyTorchUnavailable`` saying what is missing.
    static func locate() throws -> PyTorchConvNets {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw PyTorchUnavailable(description: "\(python) does not exist")
        }
        guard let script = scriptCandidates().first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw PyTorchUnavailable(description: "\(scriptPath) not found; run from the package root or Benchmarks/")
        }
        guard try run(arguments: ["-c", "import torch, torchvision"], quiet: true).status == 0 else {
            throw PyTorchUnavailable(description: "\(python) cannot import torch and torchvision "
                + "(apt-get install python3-torch python3-torchvision)")
        }
        return PyTorchConvNets(script: script)
    }

    /// Where the script may be: below the current directory (the package root), its parent (Benchmarks/), or the
    /// package root this source file was compiled from (a binary run from anywhere else).
    private static func scriptCandidates() -> [URL] {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // This file is <root>/Benchmarks/Sources/ShearsFigures/PyTorchConvNets.swift.
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return [current, current.deletingLastPathComponent(), root].map { $0.appendingPathComponent(scriptPath) }
    }

    /// Measures one model with the figure's threads, batch and step counts.
    /// - Parameters:
    ///   - network: The model; the script builds the same architecture at the same input shape.
    ///   - options: Threads, batch, warm-up and timed steps.
    /// - Throws: ``PyTorchUnavailable`` when the script fails or prints no result.
    func measure(_ network: ConvNetCase, options: FigureOptions) throws -> PyTorchThroughput {
        let arguments = [
            script.path, "--json", "--models", network.name, "--threads", String(options.threads),
            "--batch", String(options.batchSize), "--warmup", String(options.warmupSteps(for: .convnets)),
            "--steps", String(options.steps(for: .convnets)),
            "--resnet50-size", String(ConvNetCase.resnet50.inputShape[1]),
        ]
        let (status, output) = try Self.run(arguments: arguments, quiet: false)
        guard status == 0 else {
            throw PyTorchUnavailable(description: "\(Self.scriptPath) exited with status \(status)")
        }
        // Standard output holds only the JSON lines; the readable ones went to standard error.
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw PyTorchUnavailable(description: "\(Self.scriptPath) printed no result for \(network.name)")
        }
        return try JSONDecoder().decode(PyTorchThroughput.self, from: Data(line.utf8))
    }

    /// Runs the interpreter and collects its standard output; its standard error goes to ours unless `quiet`.
    private static func run(arguments: [String], quiet: Bool) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        if quiet { process.standardError = FileHandle.nullDevice }
        // Our buffered lines first, so that the child's progress lines appear after them.
        fflush(stdout)
        try process.run()
        // Read before waiting: a child blocked on a full pipe would never exit.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
