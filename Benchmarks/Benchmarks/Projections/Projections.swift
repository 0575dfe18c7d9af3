import Benchmark
import ShearsBenchmarkSupport

/// The Euclidean projection of every built-in constraint on CIFAR ResNet-18's conv and linear weights
/// (N:M leaves out the 3-channel stem, whose input dimension 2:4 cannot divide).
let benchmarks = {
    BenchmarkSettings.applyThreads()
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident], warmupIterations: 1,
                                           maxDuration: .seconds(3), maxIterations: 50)
    do {
        let weights = try ResNetWeights.make()
        for item in try ConstraintCase.resnet18Cases(weights) {
            Benchmark("project resnet18 \(item.name) (\(item.weights.count) weights)") { benchmark in
                for _ in benchmark.scaledIterations { blackHole(try item.project()) }
            }
        }
    } catch {
        fatalError("Projections: cannot set up the ResNet-18 workload: \(error)")
    }
}
