import SparsityConstraints
import _TestSupport
import Datasets
import Foundation
import NeuralNetworks
import TensorEngine
import Testing
@testable import PruningCore

@Suite("Pipeline checkpoints and resume")
struct PipelineResumeTests {
    /// Runs `method` from the dense state on a fresh model.
    /// The run the refusal tests interrupt and resume: the fixture mlp at sparsity 0.7, two method epochs and one
    /// retraining epoch.
    static func standardRun() throws -> (DatasetSplits, [String: Tensor], SparsityConstraint, PipelineConfiguration) {
        (try PipelineFixtures.data(), PipelineFixtures.state(of: PipelineFixtures.mlp()),
         try SparsityConstraint.unstructured(sparsity: 0.7), PipelineFixtures.configuration(methodEpochs: 2, retrainEpochs: 1))
    }

    /// Runs ``standardRun()`` into `directory` and kills it after its first method epoch.
    static func interruptStandardRun(in directory: URL) throws {
        let (data, dense, constraint, configuration) = try standardRun()
        #expect(throws: SimulatedKill.self) {
            _ = try run(CountingMethod(), dense: dense, data: data, constraint: constraint,
                        configuration: configuration, directory: directory, killAfter: ("method", 1))
        }
    }

    static func run(_ method: any PruningMethod, dense: [String: Tensor], data: DatasetSplits,
                    constraint: any Constraint, configuration: PipelineConfiguration, directory: URL? = nil,
                    resume: Bool = false, killAfter: (phase: String, epoch: Int)? = nil) throws -> (result: PruningRunResult, masks: MaskSet, state: [String: Tensor]) {
        let model = PipelineFixtures.mlp(seed: 99)
        try model.loadStateDict(dense)
        var pipeline = PruningPipeline(configuration: configuration, checkpointDirectory: directory, resume: resume)
        if let killAfter {
            pipeline.epochFinished = { phase, epoch in
                if phase == killAfter.phase && epoch == killAfter.epoch { throw SimulatedKill() }
            }
        }
        let (result, masks) = try pipeline.run(method: method, model: model, parameters: PipelineFixtures.weights(of: model),
                                               constraint: constraint, data: data)
        return (result, masks, PipelineFixtures.state(of: model))
    }

    @Test("a run killed in the method phase or in retraining resumes to the uninterrupted result", arguments: [
        ("method", 1), ("method", 2), ("method", 3), ("retraining", 1), ("retraining", 2),
    ])
    func resumeMatchesUninterrupted(phase: String, epoch: Int) throws {
        let data = try PipelineFixtures.data()
        let dense = PipelineFixtures.state(of: PipelineFixtures.mlp())
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.7)
        let configuration = PipelineFixtures.configuration(methodEpochs: 3, retrainEpochs: 2)
        let reference = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint, configuration: configuration)

        try withTemporaryDirectory { directory in
            #expect(throws: SimulatedKill.self) {
                _ = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint,
                                 configuration: configuration, directory: directory, killAfter: (phase, epoch))
            }
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("checkpoint.json").path))
            let method = CountingMethod()
            let resumed = try Self.run(method, dense: dense, data: data, constraint: constraint,
                                       configuration: configuration, directory: directory, resume: true)
            #expect(resumed.state == reference.state)
            #expect(resumed.masks == reference.masks)
            #expect(ComparableResult(resumed.result) == ComparableResult(reference.result))
            // The method's own state came back too: it counted every step of the three epochs exactly once.
            #expect(method.steps == 9)
        }
    }

    @Test("resume on a folder without a checkpoint starts from the beginning; on a missing folder it is refused")
    func resumeWithoutCheckpoint() throws {
        let data = try PipelineFixtures.data()
        let dense = PipelineFixtures.state(of: PipelineFixtures.mlp())
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.7)
        let configuration = PipelineFixtures.configuration(methodEpochs: 1, retrainEpochs: 1)
        let reference = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint, configuration: configuration)
        try withTemporaryDirectory { directory in
            let fresh = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint,
                                     configuration: configuration, directory: directory, resume: true)
            #expect(fresh.state == reference.state)
            let missing = directory.appendingPathComponent("new")
            let error = #expect(throws: PruningError.self) {
                _ = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint,
                                 configuration: configuration, directory: missing, resume: true)
            }
            #expect(error.map { "\($0)".contains(missing.path) && "\($0)".contains("does not exist") } == true, "\(String(describing: error))")
            #expect(!FileManager.default.fileExists(atPath: missing.path))
        }
    }

    @Test("resume with other dense weights or other data is refused, naming the digest that differs")
    func otherWeightsOrDataRefused() throws {
        let (data, dense, constraint, configuration) = try Self.standardRun()
        try withTemporaryDirectory { directory in
            try Self.interruptStandardRun(in: directory)
            let otherDense = PipelineFixtures.state(of: PipelineFixtures.mlp(seed: 4))
            let weightsError = #expect(throws: PruningError.self) {
                _ = try Self.run(CountingMethod(), dense: otherDense, data: data, constraint: constraint,
                                 configuration: configuration, directory: directory, resume: true)
            }
            let weightsText = weightsError.map { "\($0)" } ?? ""
            #expect(weightsText.contains("the checkpoint was made with dense weights sha256 \(SHA256.short(RunDigest.tensors(dense)))"), "\(weightsText)")
            #expect(weightsText.contains("this run has \(SHA256.short(RunDigest.tensors(otherDense)))") && !weightsText.contains("data sha256"), "\(weightsText)")

            let otherData = try PipelineFixtures.data(seed: 2)
            let dataError = #expect(throws: PruningError.self) {
                _ = try Self.run(CountingMethod(), dense: dense, data: otherData, constraint: constraint,
                                 configuration: configuration, directory: directory, resume: true)
            }
            let dataText = dataError.map { "\($0)" } ?? ""
            #expect(dataText.contains("the checkpoint was made with data sha256") && !dataText.contains("dense weights"), "\(dataText)")
        }
    }

    @Test("a checkpoint of another run is refused with an error that says so")
    func differentRunRefused() throws {
        let (data, dense, constraint, configuration) = try Self.standardRun()
        try withTemporaryDirectory { directory in
            try Self.interruptStandardRun(in: directory)
            func expectDifferentRun(_ error: PruningError?, sourceLocation: SourceLocation = #_sourceLocation) {
                guard case .invalidState(let text)? = error else {
                    Issue.record("expected invalidState, got \(String(describing: error))", sourceLocation: sourceLocation)
                    return
                }
                #expect(text.contains("belongs to a different run") && text.contains(directory.path), "\(text)",
                        sourceLocation: sourceLocation)
            }
            // Another sparsity.
            let otherSparsity = try SparsityConstraint.unstructured(sparsity: 0.5)
            expectDifferentRun(#expect(throws: PruningError.self) {
                _ = try Self.run(CountingMethod(), dense: dense, data: data, constraint: otherSparsity,
                                 configuration: configuration, directory: directory, resume: true)
            })
            // Another method.
            expectDifferentRun(#expect(throws: PruningError.self) {
                _ = try Self.run(CountingMethod(name: "other"), dense: dense, data: data, constraint: constraint,
                                 configuration: configuration, directory: directory, resume: true)
            })
            // Another seed.
            var reseeded = configuration
            reseeded.seed += 1
            expectDifferentRun(#expect(throws: PruningError.self) {
                _ = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint,
                                 configuration: reseeded, directory: directory, resume: true)
            })
        }
    }

    @Test("a corrupt checkpoint.json gives an error naming the file")
    func corruptCheckpoint() throws {
        let (data, dense, constraint, configuration) = try Self.standardRun()
        try withTemporaryDirectory { directory in
            let json = directory.appendingPathComponent("checkpoint.json")
            try Data("{ \"phase\": \"method\", \"epochsDone\": ".utf8).write(to: json)
            let error = #expect(throws: PruningError.self) {
                _ = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint,
                                 configuration: configuration, directory: directory, resume: true)
            }
            guard case .invalidState(let text)? = error else {
                Issue.record("expected invalidState, got \(String(describing: error))")
                return
            }
            #expect(text.contains(json.path) && text.contains("is not a Shears run checkpoint"), "\(text)")
        }
    }

    @Test("a checkpoint whose tensor file is missing gives an error naming the file")
    func missingTensorFile() throws {
        let (data, dense, constraint, configuration) = try Self.standardRun()
        try withTemporaryDirectory { directory in
            try Self.interruptStandardRun(in: directory)
            let tensorFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("state-") }
            #expect(tensorFiles == ["state-method-1.safetensors"])
            for name in tensorFiles { try FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
            let error = #expect(throws: (any Error).self) {
                _ = try Self.run(CountingMethod(), dense: dense, data: data, constraint: constraint,
                                 configuration: configuration, directory: directory, resume: true)
            }
            #expect(error.map { "\($0)".contains("state-method-1.safetensors") } == true, "\(String(describing: error))")
        }
    }
}
