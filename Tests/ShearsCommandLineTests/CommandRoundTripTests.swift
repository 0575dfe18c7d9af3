import SparsityConstraints
import _TestSupport
import ArgumentParser
import Foundation
import Shears
import Testing
@testable import ShearsCommandLine

@Suite("shears train → prune → inspect → evaluate on the synthetic task", .serialized)
struct CommandRoundTripTests {
    @Test("train writes weights and metrics; prune writes pruned weights, masks and metrics that inspect and evaluate agree with")
    func roundTrip() throws {
        try withTemporaryDirectory { directory in
            let trained = directory.appendingPathComponent("dense")
            try CLI.run(["train", "--model", "mlp", "--dataset", "synthetic", "--epochs", "1", "--out", trained.path])
            let weights = trained.appendingPathComponent("model.safetensors")
            #expect(Set(CLI.files(under: trained) ?? []) == ["model.safetensors", "metrics.json", RunFolder.markerFileName])
            let trainMetrics = try JSONDecoder().decode(TrainCommand.Metrics.self,
                                                        from: Data(contentsOf: trained.appendingPathComponent("metrics.json")))
            #expect(trainMetrics.epochs.count == 1 && trainMetrics.model == "mlp" && trainMetrics.parameterCount == 266_610)
            // One epoch on the synthetic task is well above chance (10 %).
            #expect(trainMetrics.testAccuracy > 0.3, "dense accuracy \(trainMetrics.testAccuracy)")

            let pruned = directory.appendingPathComponent("pruned")
            try CLI.run(["prune", "--method", "magnitude", "--model", "mlp", "--weights", weights.path, "--dataset", "synthetic",
                         "--sparsity", "0.9", "--retrain-epochs", "1", "--out", pruned.path])
            let written = Set(CLI.files(under: pruned) ?? [])
            #expect(written.isSuperset(of: ["pruned.safetensors", "masks.safetensors", "metrics.json"]), "\(written)")

            let result = try JSONDecoder().decode(PruningRunResult.self, from: Data(contentsOf: pruned.appendingPathComponent("metrics.json")))
            #expect(result.method == "magnitude" && result.retraining.count == 1 && result.methodPhase.isEmpty)
            #expect(abs(result.denseTestAccuracy - trainMetrics.testAccuracy) < 1e-12)
            // fc1 784·300, fc2 300·100, fc3 100·10 at 0.9: keep ceil(0.1 · n).
            #expect(result.sparsity.layers.map(\.name) == ["fc1.weight", "fc2.weight", "fc3.weight"])
            #expect(result.sparsity.layers.map(\.nonZero) == [23_520, 3_000, 100])

            // The masks file holds one 0/1 mask per pruned weight, and the pruned weights are zero outside it.
            let masks = try MaskSet.read(from: pruned.appendingPathComponent("masks.safetensors"))
            let state = try SafeTensors.readFloatTensors(from: pruned.appendingPathComponent("pruned.safetensors"))
            #expect(masks.masks.map(\.name) == ["fc1.weight", "fc2.weight", "fc3.weight"])
            for mask in masks.masks {
                let weight = try #require(state[mask.name])
                #expect(weight.map { $0 != 0 ? 1 : 0 } == mask.tensor)
            }
            #expect(Set(state.keys) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])

            let listing = try CLI.json(InspectCommand.Listing.self,
                                       from: try CLI.output(["inspect", pruned.appendingPathComponent("masks.safetensors").path, "--json"]))
            #expect(listing.tensors.map(\.name) == ["fc1.weight", "fc2.weight", "fc3.weight"])
            #expect(listing.tensors.map(\.nonZero) == [23_520, 3_000, 100])
            #expect(listing.totalCount == 266_200 && listing.totalNonZero == 26_620)

            let evaluation = try CLI.json(EvaluateCommand.Result.self, from: try CLI.output(
                ["evaluate", "--model", "mlp", "--weights", pruned.appendingPathComponent("pruned.safetensors").path,
                 "--dataset", "synthetic", "--json"]))
            #expect(evaluation.testAccuracy == result.finalAccuracy)
            #expect(evaluation.sparsity.layers.map(\.nonZero) == [23_520, 3_000, 100])
            #expect(evaluation.testImages == 512)

            // A finished run keeps no checkpoint: --resume has nothing to continue (RunFolderCommandTests resume a failed one).
            #expect(CLI.files(under: pruned.appendingPathComponent("checkpoint")) == nil)
            expectRefusal(["prune", "--method", "magnitude", "--model", "mlp", "--weights", weights.path, "--dataset", "synthetic",
                           "--sparsity", "0.9", "--retrain-epochs", "1", "--resume", pruned.path]) { error in
                #expect(CLI.message(for: error).contains("is a finished run; nothing to resume"), "\(CLI.message(for: error))")
                #expect(ShearsCommand.exitCode(for: error) == 2)
            }
        }
    }

    @Test("methods lists every registered method with its options")
    func methods() throws {
        let listings = try CLI.json([MethodsCommand.Listing].self, from: try CLI.output(["methods", "--json"]))
        #expect(listings.map(\.name) == BuiltInMethods.registry.names)
        #expect(Set(["slr", "admm", "magnitude", "layerwise"]).isSubset(of: Set(listings.map(\.name))))
        #expect(listings.first { $0.name == "slr" }?.options.map(\.key).contains("slr-m") == true)
    }

    @Test("evaluate refuses weights of another model, naming the file")
    func evaluateWrongModel() throws {
        try withTemporaryDirectory { directory in
            let weights = directory.appendingPathComponent("mlp.safetensors")
            try CLI.writeInitialWeights(model: "mlp", to: weights)
            expectRefusal(["evaluate", "--model", "lenet5", "--weights", weights.path, "--dataset", "synthetic"]) { error in
                let message = CLI.message(for: error)
                #expect(message.contains(weights.path) && message.contains("does not fit model lenet5"), "\(message)")
            }
        }
    }
}
