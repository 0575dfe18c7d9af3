import SparsityConstraints
import _TestSupport
import SafeTensorsFormat
import Datasets
import Foundation
import TensorEngine
import Testing
@testable import PruningCore

/// A checkpoint edited by hand (or by a bug) is refused with an error naming the file and what is wrong.
@Suite("Tampered checkpoints are refused")
struct TamperedCheckpointTests {
    /// A run of the counting method killed after its first retraining epoch, leaving a checkpoint with masks.
    static func killedRun(in directory: URL) throws -> (data: DatasetSplits, dense: [String: Tensor]) {
        let data = try PipelineFixtures.data()
        let dense = PipelineFixtures.state(of: PipelineFixtures.mlp())
        #expect(throws: SimulatedKill.self) {
            _ = try PipelineResumeTests.run(CountingMethod(), dense: dense, data: data, constraint: try SparsityConstraint.unstructured(sparsity: 0.7),
                                            configuration: PipelineFixtures.configuration(methodEpochs: 2, retrainEpochs: 2),
                                            directory: directory, killAfter: ("retraining", 1))
        }
        return (data, dense)
    }

    /// Resumes the killed run and returns the error's text.
    static func resumeError(in directory: URL, data: DatasetSplits, dense: [String: Tensor]) -> String {
        do {
            _ = try PipelineResumeTests.run(CountingMethod(), dense: dense, data: data, constraint: try SparsityConstraint.unstructured(sparsity: 0.7),
                                            configuration: PipelineFixtures.configuration(methodEpochs: 2, retrainEpochs: 2),
                                            directory: directory, resume: true)
            return "(no error)"
        } catch {
            return "\(error)"
        }
    }

    /// Rewrites one field of checkpoint.json.
    static func editJSON(in directory: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = directory.appendingPathComponent("checkpoint.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// Rewrites the checkpoint's tensor file.
    static func editTensors(in directory: URL, _ edit: (inout [String: Tensor]) -> Void) throws {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("state-") })
        let url = directory.appendingPathComponent(name)
        var tensors = try SafeTensors.readFloatTensors(from: url)
        edit(&tensors)
        try SafeTensors.writeFloatTensors(tensors, to: url)
    }

    @Test("impossible counters are refused", arguments: [1_000_000, -1, 3])
    func impossibleEpochs(epochsDone: Int) throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editJSON(in: directory) { $0["epochsDone"] = epochsDone }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("checkpoint.json") && text.contains("epochsDone is \(epochsDone) in the retraining phase, whose budget is 2"), "\(text)")
        }
    }

    @Test("a tensor file outside the folder is refused", arguments: ["../state-retraining-1.safetensors", "/etc/passwd", "sub/x.safetensors", ".."])
    func tensorFileOutsideFolder(name: String) throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editJSON(in: directory) { $0["tensorFile"] = name }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("tensorFile '\(name)' is not a plain .safetensors file name inside the checkpoint folder"), "\(text)")
        }
    }

    @Test("a mask that is not 0/1 is refused, naming it")
    func nonBinaryMask() throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editTensors(in: directory) { $0["mask.fc2.weight"]!.scalars[3] = 0.5 }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("mask.fc2.weight holds 0.5 at element 3; a mask holds only 0 and 1"), "\(text)")
        }
    }

    @Test("a mask of another shape is refused, naming it and both shapes")
    func maskOfAnotherShape() throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editTensors(in: directory) { $0["mask.fc2.weight"] = Tensor(repeating: 1, shape: [3, 6]) }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("mask.fc2.weight has shape [3, 6]; the parameter's shape is [3, 12]"), "\(text)")
        }
    }

    @Test("a missing mask or model tensor is refused, naming it")
    func missingTensors() throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editTensors(in: directory) { $0["mask.fc1.weight"] = nil }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("the checkpoint has no mask for fc1.weight"), "\(text)")
        }
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editTensors(in: directory) { $0["model.fc1.bias"] = nil }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("the saved model state does not fit the model") && text.contains("fc1.bias"), "\(text)")
        }
    }

    @Test("a model tensor of another shape is refused, naming it")
    func modelTensorOfAnotherShape() throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editTensors(in: directory) { $0["model.fc2.weight"] = Tensor(repeating: 0, shape: [3, 6]) }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("does not fit the model") && text.contains("fc2.weight"), "\(text)")
        }
    }

    @Test("non-finite values are refused, naming the tensor", arguments: [Float.nan, Float.infinity])
    func nonFinite(value: Float) throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editTensors(in: directory) { $0["model.fc1.weight"]!.scalars[7] = value }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            #expect(text.contains("tensor 'model.fc1.weight' holds \(value) at element 7"), "\(text)")
        }
    }

    @Test("a generator without its four words is refused")
    func brokenGenerator() throws {
        try withTemporaryDirectory { directory in
            let (data, dense) = try Self.killedRun(in: directory)
            try Self.editJSON(in: directory) { $0["modelGenerator"] = ["state": [1, 2]] }
            let text = Self.resumeError(in: directory, data: data, dense: dense)
            // Refused as the JSON is decoded, before anything could draw from it.
            #expect(text.contains("modelGenerator.state") && text.contains("a generator's state is four words, not all zero; found [1, 2]"),
                    "\(text)")
        }
    }
}
