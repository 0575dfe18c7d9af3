import Benchmark
import Foundation
import ShearsBenchmarkSupport

/// LeNet-5 training-step throughput at batch 128 (forward, cross-entropy, backward, SGD momentum 0.9), with a
/// custom `images/s` metric. One BLAS thread unless SHEARS_BENCH_THREADS says otherwise.
let benchmarks = {
    BenchmarkSettings.applyThreads()
    let imagesPerSecond = BenchmarkMetric.custom("images/s", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .peakMemoryResident, imagesPerSecond],
                                           warmupIterations: 5, maxDuration: .seconds(5), maxIterations: 200)
    do {
        let training = try LeNetTrainingStep(batchSize: 128)
        Benchmark("lenet5 training step batch 128") { benchmark in
            for _ in benchmark.scaledIterations {
                let start = DispatchTime.now().uptimeNanoseconds
                blackHole(training.step())
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                benchmark.measurement(imagesPerSecond, Int(Double(training.batchSize) / seconds))
            }
        }
    } catch {
        fatalError("Training: cannot set up LeNet-5: \(error)")
    }
}
