import Benchmark
import ShearsBenchmarkSupport

/// The conv-net kernels of issue #9: 3×3 convolutions forward + backward through Winograd F(2×2, 3×3) and through
/// im2col + GEMM, and batch norm + ReLU, on one worker and on two (one BLAS thread each, as `shears --threads 2`).
let benchmarks = {
    BenchmarkSettings.setThreads(1)
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], warmupIterations: 2,
                                           maxDuration: .seconds(2), maxIterations: 100)
    for workers in [1, 2] {
        for shape in KernelWorkloads.convolutionShapes {
            let workload = ConvolutionWorkload(shape)
            for winograd in [true, false] {
                Benchmark("conv2d \(winograd ? "winograd" : "im2col") forward+backward \(shape), \(workers) worker(s)") { benchmark in
                    KernelWorkloads.with(winograd: winograd, workers: workers) {
                        for _ in benchmark.scaledIterations { blackHole(workload.forwardBackward()) }
                    }
                }
            }
        }
        let batchNorm = BatchNormWorkload(shape: [128, 16, 32, 32])
        Benchmark("batchNorm2d+ReLU forward+backward 128×16×32×32, \(workers) worker(s)") { benchmark in
            KernelWorkloads.with(winograd: true, workers: workers) {
                for _ in benchmark.scaledIterations { blackHole(batchNorm.forwardBackward()) }
            }
        }
    }
}
