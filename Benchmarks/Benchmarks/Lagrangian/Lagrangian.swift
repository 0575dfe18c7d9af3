import Benchmark
import ShearsBenchmarkSupport

/// One ADMM and one SLR iteration's bookkeeping on ResNet-18's weights (shifted weights, projection, multiplier
/// steps, distances and penalty terms; no loss evaluation), under unstructured 90% per-layer sparsity.
let benchmarks = {
    BenchmarkSettings.applyThreads()
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], warmupIterations: 1,
                                           maxDuration: .seconds(3), maxIterations: 50)
    do {
        let weights = try ResNetWeights.make()
        let unstructured = try ConstraintCase.resnet18Cases(weights)[0]
        let admm = try LagrangianWorkload(weights: weights, constraint: unstructured.constraint)
        let slr = try LagrangianWorkload(weights: weights, constraint: unstructured.constraint)
        Benchmark("ADMM iteration bookkeeping resnet18 (\(unstructured.name))") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try admm.admmIteration()) }
        }
        Benchmark("SLR iteration bookkeeping resnet18 (\(unstructured.name))") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try slr.slrIteration()) }
        }
    } catch {
        fatalError("Lagrangian: cannot set up the ResNet-18 workload: \(error)")
    }
}
