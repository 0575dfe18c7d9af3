import Benchmark
import ShearsBenchmarkSupport

/// sgemm through the engine's BLAS wrapper: 1024³ and the GEMMs that im2col makes of the LeNet-5 and ResNet-18
/// convolutions (forward, weight gradient, input gradient). One BLAS thread unless SHEARS_BENCH_THREADS says otherwise.
let benchmarks = {
    BenchmarkSettings.applyThreads()
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput], warmupIterations: 2,
                                           maxDuration: .seconds(2), maxIterations: 200)
    for (label, shape) in GEMMCases.all {
        // Operands are made once, outside the timed closure.
        let workload = GEMMWorkload(shape)
        Benchmark("sgemm \(label)") { benchmark in
            for _ in benchmark.scaledIterations { workload.run() }
            blackHole(workload.firstResult)
        }
    }
}
