/// A figure `shears-figures` can produce.
enum Figure: String, CaseIterable {
    /// sgemm 1024³ GFLOP/s.
    case gemm
    /// conv2d forward / backward GFLOP/s against sgemm at the equivalent GEMM shapes, and their ratio.
    case conv
    /// LeNet-5 training images/s at batch 128.
    case lenet5
}

/// A command-line error, naming the argument and what was expected.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

/// The command line of `shears-figures`.
struct FigureOptions {
    var figures: [Figure] = Figure.allCases
    var threads = 1
    var budget = 1.0
    var warmupSteps = 20
    var steps = 200
    var batchSize = 128
    var showHelp = false

    static let usage = """
        USAGE: shears-figures [gemm|conv|lenet5|all …] [--threads N] [--budget SECONDS] [--warmup N] [--steps N] [--batch N]

          gemm     sgemm 1024³ GFLOP/s
          conv     conv2d forward and forward+backward GFLOP/s vs sgemm at the im2col GEMM shapes, and the ratio
                   (LeNet-5 conv1/conv2 at batch 128; CIFAR ResNet-18 3×3 layers at batch 32)
          lenet5   LeNet-5 training images/s (forward, cross-entropy, backward, SGD momentum 0.9) on a random batch
          all      all of them (the default)

          --threads N       OpenBLAS threads (default 1)
          --budget SECONDS  timed seconds per GEMM / convolution measurement, at least 5 runs (default 1)
          --warmup N        untimed LeNet-5 steps first (default 20)
          --steps N         timed LeNet-5 steps (default 200)
          --batch N         LeNet-5 batch size (default 128)
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
            case "--warmup": options.warmupSteps = try positiveInt(argument)
            case "--steps": options.steps = try positiveInt(argument)
            case "--batch": options.batchSize = try positiveInt(argument)
            case "--budget":
                let text = try value(argument)
                guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                    throw UsageError(description: "--budget expects a number of seconds > 0, got '\(text)'")
                }
                options.budget = seconds
            case "all": chosen.append(contentsOf: Figure.allCases)
            default:
                guard let figure = Figure(rawValue: argument) else {
                    throw UsageError(description: "unknown figure or option '\(argument)'; expected gemm, conv, lenet5 or all")
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
}
