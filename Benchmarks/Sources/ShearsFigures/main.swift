import Foundation
import ShearsBenchmarkSupport
import TensorEngine

// shears-figures: the release-mode numbers that need ratios or rates, which package-benchmark's absolute times do
// not give directly. Build and run from the Benchmarks folder: `swift run -c release shears-figures [FIGURE…]`.

do {
    let options = try FigureOptions.parse(Array(CommandLine.arguments.dropFirst()))
    if options.showHelp {
        print(FigureOptions.usage)
        exit(0)
    }
    BenchmarkSettings.setThreads(options.threads)
    // As the `shears` command does: large tensors are reused from the heap, not mapped and page-faulted anew.
    AllocatorTuning.reuseLargeAllocations()
    print("shears-figures: \(options.threads) worker(s) with one BLAS thread each, kernels \(Parallelism.kernelInstructionSet), "
        + "timing budget \(options.budget) s per measurement")
    for figure in options.figures {
        print("")
        switch figure {
        case .gemm: Figures.gemm(options)
        case .conv: Figures.convolution(options)
        case .lenet5: try Figures.lenet5(options)
        case .convnets: try Figures.convnets(options)
        }
    }
    print("")
    let peak = ProcessMemory.peakResidentBytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "unknown"
    print("peak RSS (VmHWM) of this run: \(peak)")
} catch {
    FileHandle.standardError.write(Data("shears-figures: \(error)\n\n\(FigureOptions.usage)\n".utf8))
    exit(2)
}
