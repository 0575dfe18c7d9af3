import ArgumentParser
import Foundation
import Shears

/// `shears evaluate`: the test accuracy of saved weights.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "Print the test accuracy of saved weights.")

    @Option(help: "The zoo model the weights belong to.") var model = "lenet5"
    @Option(help: "A safetensors file with the model's state_dict.") var weights: String
    @OptionGroup var data: DataOptions
    @Option(help: "Seeds the synthetic dataset.") var seed: UInt64 = 0
    @OptionGroup var runtime: RuntimeOptions

    struct Result: Codable {
        var model: String
        var weights: String
        var dataset: String
        var testImages: Int
        var testAccuracy: Double
        var sparsity: SparsityReport
    }

    func run() throws {
        try runtime.applyThreads()
        let (splits, _) = try data.load(seed: seed)
        let network = try makeModel(model, for: splits, seed: seed)
        try loadWeights(weights, into: network)
        let accuracy = try Evaluation.accuracy(model: network, data: splits.test)
        let prunable = try ParameterSelector.default.select(from: network)
        let sparsity = SparsityReport(measuring: prunable.map { NamedTensor(name: $0.name, tensor: $0.variable.value) })
        let result = Result(model: model, weights: weights, dataset: data.dataset, testImages: splits.test.count,
                            testAccuracy: accuracy, sparsity: sparsity)
        if runtime.json {
            try printJSON(result)
        } else {
            print("test accuracy: \(percent(accuracy)) on \(splits.test.count) images; sparsity of conv/linear weights \(String(format: "%.4f", sparsity.overallSparsity))")
        }
    }
}
