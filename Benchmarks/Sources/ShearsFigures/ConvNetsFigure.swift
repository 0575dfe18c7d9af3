import Foundation
import ShearsBenchmarkSupport

/// One model's row of the `convnets` table.
private struct ConvNetRow {
    let network: ConvNetCase
    let shearsTrain: Double
    let shearsEval: Double
    /// Nil when PyTorch was skipped or failed.
    let pytorch: PyTorchThroughput?
}

extension Figures {
    /// Training and evaluation throughput of the zoo's convolutional networks against the same networks in
    /// PyTorch. Each model runs in Shears and then, right after, in PyTorch, so that both see the same load on a
    /// shared machine; the PyTorch run is a fresh process, so its peak RSS is that model's alone.
    static func convnets(_ options: FigureOptions) throws {
        let (warmup, steps) = (options.warmupSteps(for: .convnets), options.steps(for: .convnets))
        print("## Convolutional networks, Shears vs PyTorch: batch \(options.batchSize), \(options.threads) thread(s), "
            + "\(warmup) warm-up + \(steps) timed steps for training (SGD momentum 0.9), "
            + "\(Figure.evaluationStepsPerStep * steps) for evaluation")
        let pytorch: PyTorchConvNets?
        do {
            pytorch = try PyTorchConvNets.locate()
        } catch {
            pytorch = nil
            print("PyTorch skipped: \(error)")
        }
        var rows: [ConvNetRow] = []
        for network in options.convNets {
            let (train, evaluation) = try measureShears(network, options: options)
            rows.append(ConvNetRow(network: network, shearsTrain: train, shearsEval: evaluation,
                                   pytorch: pytorch.flatMap { measurePyTorch(network, with: $0, options: options) }))
        }
        print("")
        printConvNetTable(rows, threads: options.threads)
    }

    /// Shears' training and evaluation images/s for one model, with a progress line.
    private static func measureShears(_ network: ConvNetCase, options: FigureOptions) throws -> (train: Double, eval: Double) {
        let (warmup, steps) = (options.warmupSteps(for: .convnets), options.steps(for: .convnets))
        let workload = try ConvNetWorkload(network, batchSize: options.batchSize)
        let train = workload.trainingImagesPerSecond(warmup: warmup, steps: steps)
        let evaluation = workload.evaluationImagesPerSecond(warmup: warmup, steps: Figure.evaluationStepsPerStep * steps)
        // VmHWM only grows, so after several models it is the largest of them, not this one's.
        let peak = ProcessMemory.peakResidentBytes.map { String(format: "%.0f MiB", Double($0) / 1_048_576) } ?? "unknown"
        print("- \(network), \(grouped(workload.parameterCount)) parameters: Shears train \(format(train)) images/s, "
            + "eval \(format(evaluation)) images/s; peak RSS of this process so far \(peak)")
        return (train, evaluation)
    }

    /// PyTorch's figures for one model, or nil (with a note) when its run failed.
    private static func measurePyTorch(_ network: ConvNetCase, with pytorch: PyTorchConvNets,
                                       options: FigureOptions) -> PyTorchThroughput? {
        do {
            let result = try pytorch.measure(network, options: options)
            print("- \(network): PyTorch train \(format(result.trainImagesPerSecond)) images/s, "
                + "eval \(format(result.evalImagesPerSecond)) images/s; peak RSS \(format(result.peakRSSMegabytes, 0)) MiB")
            return result
        } catch {
            print("- \(network): PyTorch failed: \(error)")
            return nil
        }
    }

    /// The Markdown table; ratios are Shears / PyTorch, so above 1 means Shears is faster.
    private static func printConvNetTable(_ rows: [ConvNetRow], threads: Int) {
        print("| model | threads | Shears train img/s | PyTorch train img/s | train ratio "
            + "| Shears eval img/s | PyTorch eval img/s | eval ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let torchTrain = row.pytorch?.trainImagesPerSecond, torchEval = row.pytorch?.evalImagesPerSecond
            let cells = [row.network.description, String(threads),
                         format(row.shearsTrain), torchTrain.map { format($0) } ?? "—", ratio(row.shearsTrain, torchTrain),
                         format(row.shearsEval), torchEval.map { format($0) } ?? "—", ratio(row.shearsEval, torchEval)]
            print("| " + cells.joined(separator: " | ") + " |")
        }
    }

    /// `value / reference` with two decimals, or a dash without a reference.
    private static func ratio(_ value: Double, _ reference: Double?) -> String {
        guard let reference, reference > 0 else { return "—" }
        return format(value / reference, 2)
    }

    /// An integer with thousands separators, e.g. 11,173,962.
    private static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        return digits.enumerated().map { index, digit in
            index > 0 && (digits.count - index) % 3 == 0 ? ",\(digit)" : String(digit)
        }.joined()
    }
}
