import Foundation
import ShearsBenchmarkSupport

/// The measurements behind each figure, printed as Markdown tables.
enum Figures {
    static func gigaflops(_ flops: Double, _ seconds: Double) -> Double { flops / seconds / 1e9 }
    static func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    /// The median time of one GEMM.
    static func gemmTime(_ shape: GEMMShape, _ options: FigureOptions) -> Timing {
        let workload = GEMMWorkload(shape)
        return Timing.measure(budget: options.budget) { workload.run() }
    }

    /// sgemm 1024³.
    static func gemm(_ options: FigureOptions) {
        let shape = GEMMShape(m: 1024, n: 1024, k: 1024)
        let timing = gemmTime(shape, options)
        print("## sgemm 1024³")
        print("median \(format(gigaflops(shape.flops, timing.median))) GFLOP/s, best \(format(gigaflops(shape.flops, timing.best))) GFLOP/s "
            + "(\(timing.seconds.count) runs)")
    }

    /// conv2d against its im2col GEMMs, per shape. The five operations of a shape are timed in interleaved rounds,
    /// and each is represented by its fastest run: on a shared machine the fastest run is the one least disturbed
    /// by other processes, and interleaving exposes conv and sgemm to the same load.
    static func convolution(_ options: FigureOptions) {
        print("## conv2d vs sgemm at the im2col GEMM shapes (GFLOP/s from the fastest of interleaved runs; ratio = conv / sgemm)")
        print("| layer | conv fwd | sgemm fwd | fwd ratio | conv bwd | sgemm bwd | bwd ratio | conv fwd+bwd | sgemm fwd+bwd | fwd+bwd ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for shape in ConvolutionShape.all {
            let conv = ConvolutionWorkload(shape)
            let gemms = [shape.forwardGEMM, shape.weightGradientGEMM, shape.inputGradientGEMM].map { GEMMWorkload($0) }
            let timings = Timing.interleaved(budget: 5 * options.budget, [
                { _ = conv.forward() }, { _ = conv.forwardBackward() },
                { gemms[0].run() }, { gemms[1].run() }, { gemms[2].run() },
            ]).map(\.best)
            let (forward, both) = (timings[0], timings[1])
            // The backward pass alone: forward+backward minus forward (conv2d has no backward-only entry point).
            let backward = max(both - forward, 1e-9)
            let gemmForward = timings[2], gemmBackward = timings[3] + timings[4]

            let convF = gigaflops(shape.forwardFlops, forward), gemmF = gigaflops(shape.forwardFlops, gemmForward)
            let convB = gigaflops(shape.backwardFlops, backward), gemmB = gigaflops(shape.backwardFlops, gemmBackward)
            let total = shape.forwardFlops + shape.backwardFlops
            let convT = gigaflops(total, both), gemmT = gigaflops(total, gemmForward + gemmBackward)
            let cells = [shape.description, format(convF), format(gemmF), format(convF / gemmF, 2),
                         format(convB), format(gemmB), format(convB / gemmB, 2),
                         format(convT), format(gemmT), format(convT / gemmT, 2)]
            print("| " + cells.joined(separator: " | ") + " |")
        }
    }

    /// LeNet-5 training throughput.
    static func lenet5(_ options: FigureOptions) throws {
        let training = try LeNetTrainingStep(batchSize: options.batchSize)
        let (warmupSteps, steps) = (options.warmupSteps(for: .lenet5), options.steps(for: .lenet5))
        for _ in 0..<warmupSteps { training.step() }
        var stepSeconds: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps {
            let stepStart = DispatchTime.now().uptimeNanoseconds
            training.step()
            stepSeconds.append(Double(DispatchTime.now().uptimeNanoseconds - stepStart) / 1e9)
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let median = Timing(seconds: stepSeconds).median
        let images = Double(steps * options.batchSize)
        print("## LeNet-5 training, batch \(options.batchSize), SGD momentum 0.9, random 1×28×28 images")
        let best = stepSeconds.min()!
        let batch = Double(options.batchSize)
        print("\(format(images / total, 0)) images/s over \(steps) steps after \(warmupSteps) warm-up steps; "
            + "median step \(format(median * 1000, 2)) ms → \(format(batch / median, 0)) images/s; "
            + "fastest step \(format(best * 1000, 2)) ms → \(format(batch / best, 0)) images/s")
    }
}
