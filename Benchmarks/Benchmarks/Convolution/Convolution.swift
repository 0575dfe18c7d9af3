import Benchmark
import ShearsBenchmarkSupport

/// conv2d forward, and forward + backward (weight and input gradients), at LeNet-5 (batch 128) and CIFAR
/// ResNet-18 (batch 32) layer shapes. One BLAS thread unless SHEARS_BENCH_THREADS says otherwise.
let benchmarks = {
    BenchmarkSettings.applyThreads()
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], warmupIterations: 2,
                                           maxDuration: .seconds(2), maxIterations: 100)
    for shape in ConvolutionShape.all {
        let workload = ConvolutionWorkload(shape)
        Benchmark("conv2d forward \(shape)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(workload.forward()) }
        }
        Benchmark("conv2d forward+backward \(shape)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(workload.forwardBackward()) }
        }
    }
}
