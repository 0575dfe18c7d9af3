import _TestSupport
import ArgumentParser
import Foundation
import Shears
import Testing
@testable import ShearsCommandLine

/// A bad `shears prune` request: the flags after the common ones, and a fragment the error message must contain.
struct BadPruneRequest: Sendable, CustomTestStringConvertible {
    var label: String
    var model: String
    var flags: [String]
    var expected: String

    var testDescription: String { label }
}

@Suite("shears prune: bad input is refused with a clear message and nothing written", .serialized)
struct PruneCommandErrorTests {
    static let requests: [BadPruneRequest] = [
        BadPruneRequest(label: "sparsity 1.0", model: "mlp", flags: ["--sparsity", "1.0"],
                        expected: "sparsity is 1.0; expected a value in [0, 1)"),
        BadPruneRequest(label: "sparsity −0.1", model: "mlp", flags: ["--sparsity=-0.1"],
                        expected: "sparsity is -0.1; expected a value in [0, 1)"),
        BadPruneRequest(label: "N ≥ M", model: "mlp", flags: ["--constraint", "nm:4:2"],
                        expected: "N:M = 4:2: expected 1 ≤ N < M"),
        BadPruneRequest(label: "block larger than conv1", model: "lenet5", flags: ["--constraint", "block:64x64"],
                        expected: "block 64x64 is larger than conv1.weight, whose [out, in·kh·kw] view is [6, 25]"),
        BadPruneRequest(label: "--exclude matches nothing", model: "mlp", flags: ["--exclude", "fc9.weight"],
                        expected: "pattern 'fc9.weight' matches no prunable parameter"),
        BadPruneRequest(label: "--include glob matches nothing", model: "lenet5", flags: ["--include", "conv9*"],
                        expected: "matches no prunable parameter"),
        BadPruneRequest(label: "--include matches only a bias", model: "mlp", flags: ["--include", "fc1.bias"],
                        expected: "biases, batch-norm parameters and tensors of rank < 2 are never pruned"),
        BadPruneRequest(label: "N:M on conv1 with one input channel", model: "lenet5", flags: ["--constraint", "nm:2:4"],
                        expected: "the input dimension 1 is not divisible by M = 4"),
        BadPruneRequest(label: "unknown method", model: "mlp", flags: ["--method", "obs"],
                        expected: "unknown pruning method 'obs'; known methods: slr, admm, magnitude"),
        BadPruneRequest(label: "an option no method takes", model: "mlp", flags: ["--method", "magnitude", "--rho", "0.1"],
                        expected: "no selected method takes the option 'rho'"),
        BadPruneRequest(label: "an unknown --option", model: "mlp", flags: ["--method", "slr", "--option", "momentum=0.9"],
                        expected: "no selected method takes the option 'momentum'"),
        BadPruneRequest(label: "a bad method option value", model: "mlp", flags: ["--method", "slr", "--slr-m", "0.5"],
                        expected: "--slr-m must be greater than 1, got 0.5"),
        BadPruneRequest(label: "unknown constraint", model: "mlp", flags: ["--constraint", "diagonal"],
                        expected: "unknown constraint 'diagonal'"),
        BadPruneRequest(label: "unknown scope", model: "mlp", flags: ["--scope", "planet"],
                        expected: "--scope expects layer or global, got 'planet'"),
        BadPruneRequest(label: "negative retraining budget", model: "mlp", flags: ["--retrain-epochs=-1"],
                        expected: "retraining epochs must be ≥ 0, got -1"),
        BadPruneRequest(label: "unknown dataset", model: "mlp", flags: ["--dataset", "imagenet"],
                        expected: "unknown dataset 'imagenet'"),
    ]

    /// Runs `shears prune` with the request's flags on initial weights of its model; returns the error message.
    static func refuse(_ request: BadPruneRequest, weights: URL? = nil, in directory: URL) throws -> (message: String, out: URL) {
        let weightsFile = weights ?? directory.appendingPathComponent("\(request.model).safetensors")
        if weights == nil { try CLI.writeInitialWeights(model: request.model, to: weightsFile) }
        let out = directory.appendingPathComponent("out")
        let arguments = ["prune", "--model", request.model, "--weights", weightsFile.path, "--dataset", "synthetic",
                         "--method-epochs", "1", "--retrain-epochs", "1", "--out", out.path] + request.flags
        var message = ""
        expectRefusal(arguments) { message = CLI.message(for: $0) }
        return (message, out)
    }

    @Test("each bad request throws a message that names the problem; no file appears under --out", arguments: requests)
    func badRequest(_ request: BadPruneRequest) throws {
        try withTemporaryDirectory { directory in
            let (message, out) = try Self.refuse(request, in: directory)
            #expect(message.contains(request.expected), "message: \(message)")
            #expect((CLI.files(under: out) ?? []).isEmpty, "files under --out: \(CLI.files(under: out) ?? [])")
            #expect(CLI.files(under: out) == nil, "--out was created")
        }
    }

    @Test("weights whose names or shapes do not fit the model are refused, naming the file and the tensor")
    func weightsDoNotFit() throws {
        try withTemporaryDirectory { directory in
            let model = try ModelZoo.make(name: "mlp", classes: 10, inputChannels: 1, inputSize: 28, seed: 1)
            var state: [String: Tensor] = [:]
            for (key, tensor) in model.stateDict() { state[key] = tensor }

            var renamed = state
            renamed["classifier.weight"] = renamed.removeValue(forKey: "fc3.weight")
            let renamedFile = directory.appendingPathComponent("renamed.safetensors")
            try SafeTensors.writeFloatTensors(renamed, to: renamedFile)

            var reshaped = state
            reshaped["fc2.weight"] = Tensor.zeros([100, 299])
            let reshapedFile = directory.appendingPathComponent("reshaped.safetensors")
            try SafeTensors.writeFloatTensors(reshaped, to: reshapedFile)

            for (file, detail) in [(renamedFile, "fc3.weight"), (reshapedFile, "fc2.weight")] {
                let request = BadPruneRequest(label: file.lastPathComponent, model: "mlp", flags: [], expected: "")
                let (message, out) = try Self.refuse(request, weights: file, in: directory)
                #expect(message.contains(file.path) && message.contains("do not fit model mlp") && message.contains(detail),
                        "message: \(message)")
                #expect(CLI.files(under: out) == nil)
            }
        }
    }

    @Test("a weights file that is not safetensors is refused, naming the file")
    func weightsNotSafetensors() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("model.safetensors")
            try Data("not a safetensors file".utf8).write(to: file)
            let request = BadPruneRequest(label: "garbage", model: "mlp", flags: [], expected: "")
            let (message, out) = try Self.refuse(request, weights: file, in: directory)
            #expect(message.contains(file.path), "message: \(message)")
            #expect(CLI.files(under: out) == nil)
        }
    }

    @Test("prune without --out or --resume is refused")
    func noOutput() throws {
        try withTemporaryDirectory { directory in
            let weights = directory.appendingPathComponent("mlp.safetensors")
            try CLI.writeInitialWeights(model: "mlp", to: weights)
            expectRefusal(["prune", "--model", "mlp", "--weights", weights.path, "--dataset", "synthetic"]) { error in
                #expect(CLI.message(for: error).contains("give --out DIR"))
            }
        }
    }
}


/// Expects `shears ARGUMENTS` (parsing or running) to throw, and hands the error to `check`.
func expectRefusal(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation, _ check: (any Error) -> Void) {
    do {
        try CLI.run(arguments)
        Issue.record("shears \(arguments.joined(separator: " ")) did not throw", sourceLocation: sourceLocation)
    } catch {
        check(error)
    }
}
