import Foundation
import ShearsBenchmarkSupport

/// A figure `shears-figures` can produce.
enum Figure: String, CaseIterable {
    /// sgemm 1024³ GFLOP/s.
    case gemm
    /// conv2d forward / backward GFLOP/s against sgemm at the equivalent GEMM shapes, and their ratio.
    case conv
    /// LeNet-5 training images/s at batch 128.
    case lenet5
    /// Training and evaluation images/s of ResNet-20, VGG-16, ResNet-18 and ResNet-50 against PyTorch.
    case convnets

    /// The figures `all` (and no figure at all) selects: `convnets` takes minutes, so it runs only when named.
    static let quick: [Figure] = [.gemm, .conv, .lenet5]

    /// Untimed steps before the timed ones when `--warmup` is not given: a convnet step takes seconds, a LeNet-5
    /// step milliseconds.
    var defaultWarmupSteps: Int { self == .convnets ? 2 : 20 }
    /// Timed steps when `--steps` is not given.
    var defaultSteps: Int { self == .convnets ? 5 : 200 }
    /// Timed evaluation passes per timed training step in `convnets`: a pass is several times quicker than a step,
    /// and a few tenths of a second are too short to time on a shared machine. The PyTorch script uses the same
    /// factor (`EVALUATION_STEPS_PER_STEP`).
    static let evaluationStepsPerStep = 4
}

/// A command-line error, naming the argument and what was expected.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

/// The command line of `shears-figures`.
struct FigureOptions {
    var figures: [Figure] = Figure.quick
    var threads = 1
    var budget = 1.0
    /// `--warmup`, or nil for each figure's default.
    var warmupOverride: Int?
    /// `--steps`, or nil for each figure's default.
    var stepsOverride: Int?
    var batchSize = 128
    /// The networks of the `convnets` figure.
    var convNets: [ConvNetCase] = ConvNetCase.defaults
    var showHelp = false

    /// Untimed steps for `figure`.
    func warmupSteps(for figure: Figure) -> Int { warmupOverride ?? figure.defaultWarmupSteps }
    /// Timed steps for `figure`.
    func steps(for figure: Figure) -> Int { stepsOverride ?? figure.defaultSteps }

    static let usage = """
        USAGE: shears-figures [gemm|conv|lenet5|convnets|all …] [--threads N] [--budget SECONDS] [--warmup N] [--steps N]
                              [--batch N] [--models LIST]

          gemm     sgemm 1024³ GFLOP/s
          conv     conv2d forward and forward+backward GFLOP/s vs sgemm at the im2col GEMM shapes, and the ratio
                   (LeNet-5 conv1/conv2 at batch 128; CIFAR ResNet-18 3×3 layers at batch 32)
          lenet5   LeNet-5 training images/s (forward, cross-entropy, backward, SGD momentum 0.9) on a random batch
          convnets training and evaluation images/s of resnet20, vgg16, resnet18 (3×32×32) and resnet50 (ImageNet
                   stem, 3×64×64), each followed by the same model in PyTorch
                   (/usr/bin/python3 Scripts/pytorch_convnets_benchmark.py), and the ratios. Slow (up to minutes per
                   model at batch 128), so `all` leaves it out
          all      gemm, conv and lenet5 (the default)

          --threads N       OpenBLAS threads, and PyTorch's for convnets (default 1)
          --budget SECONDS  timed seconds per GEMM / convolution measurement, at least 5 runs (default 1)
          --warmup N        untimed steps first (default 20 for lenet5, 2 for convnets)
          --steps N         timed steps (default 200 for lenet5, 5 for convnets; convnets times 4× as many
                            evaluation passes)
          --batch N         batch size of lenet5 and convnets (default 128)
          --models LIST     convnets' models, comma-separated, from resnet20, vgg16, resnet18, resnet50, lenet5
                            (default resnet20,vgg16,resnet18,resnet50)
        The peak RSS (VmHWM) of the run is printed at the end.
        """

    /// Parses the arguments (without the program name).
    static func parse(_ arguments: [String]) throws -> FigureOptions {
        var options = FigureOptions()
        var chosen: [Figure] = []
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(description: "\(flag) needs a value") }
            return arguments[index]
        }
        func positiveInt(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number >= 1 else {
                throw UsageError(description: "\(flag) expects a whole number ≥ 1, got '\(text)'")
            }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "-h", "--help": options.showHelp = true
            case "--threads": options.threads = try positiveInt(argument)
            case "--warmup": options.warmupOverride = try positiveInt(argument)
            case "--steps": options.stepsOverride = try positiveInt(argument)
            case "--batch": options.batchSize = try positiveInt(argument)
            case "--models": options.convNets = try convNetList(try value(argument))
            case "--budget":
                let text = try value(argument)
                guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                    throw UsageError(description: "--budget expects a number of seconds > 0, got '\(text)'")
                }
                options.budget = seconds
            case "all": chosen.append(contentsOf: Figure.quick)
            default:
                guard let figure = Figure(rawValue: argument) else {
                    throw UsageError(description: "unknown figure or option '\(argument)'; expected gemm, conv, lenet5, convnets or all")
                }
                chosen.append(figure)
            }
            index += 1
        }
        if !chosen.isEmpty {
            // Keep the first mention of each figure, in the order given.
            var seen = Set<Figure>()
            options.figures = chosen.filter { seen.insert($0).inserted }
        }
        return options
    }

    /// The networks of a `--models` list such as `resnet20,vgg16`, in the order given, without repeats.
    private static func convNetList(_ text: String) throws -> [ConvNetCase] {
        var cases: [ConvNetCase] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let network = ConvNetCase.named(name) else {
                let known = ConvNetCase.all.map(\.name).joined(separator: ", ")
                throw UsageError(description: "--models: unknown model '\(name)'; expected some of \(known)")
            }
            if !cases.contains(network) { cases.append(network) }
        }
        guard !cases.isEmpty else { throw UsageError(description: "--models needs at least one model") }
        return cases
    }
}
