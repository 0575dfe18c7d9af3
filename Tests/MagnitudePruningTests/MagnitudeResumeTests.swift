import SparsityConstraints
import _TestSupport
import Datasets
import Foundation
import NeuralNetworks
import TensorEngine
import Testing
@testable import MagnitudePruning
@testable import PruningCore

@Suite("Magnitude gradual: kill and resume")
struct MagnitudeResumeTests {
    static let configuration = Fixtures.configuration(methodEpochs: 3, retrainEpochs: 2)

    /// Runs gradual magnitude pruning from the dense state on a fresh model.
    static func run(dense: [String: Tensor], data: DatasetSplits, directory: URL? = nil, resume: Bool = false,
                    killAfter: (phase: String, epoch: Int)? = nil) throws -> (result: PruningRunResult, masks: MaskSet, state: [String: Tensor]) {
        let model = Fixtures.mlp(seed: 77)
        try model.loadStateDict(dense)
        var pipeline = PruningPipeline(configuration: configuration, checkpointDirectory: directory, resume: resume)
        if let killAfter {
            pipeline.epochFinished = { phase, epoch in
                if phase == killAfter.phase && epoch == killAfter.epoch { throw SimulatedKill() }
            }
        }
        let method = try MagnitudePruning(schedule: .gradual, updateEvery: 2, initialSparsity: 0.1, ramp: 0.8)
        let (result, masks) = try pipeline.run(method: method, model: model, parameters: Fixtures.weights(of: model),
                                               constraint: try SparsityConstraint.unstructured(sparsity: 0.8), data: data)
        return (result, masks, Fixtures.state(of: model))
    }

    @Test("a run killed in the method phase or in retraining ends, after --resume, with the uninterrupted run's result", arguments: [
        ("method", 1), ("retraining", 1),
    ])
    func killAndResume(phase: String, epoch: Int) throws {
        let data = try Fixtures.data()
        let dense = Fixtures.state(of: Fixtures.mlp())
        let reference = try Self.run(dense: dense, data: data)
        try withTemporaryDirectory { directory in
            #expect(throws: SimulatedKill.self) {
                _ = try Self.run(dense: dense, data: data, directory: directory, killAfter: (phase, epoch))
            }
            let resumed = try Self.run(dense: dense, data: data, directory: directory, resume: true)
            #expect(resumed.state == reference.state, "final weights differ bit for bit")
            #expect(resumed.masks == reference.masks)
            #expect(ComparableResult(resumed.result) == ComparableResult(reference.result))
            #expect(resumed.result.retraining.count == 2 && resumed.result.methodPhase.count == 3)
        }
    }
}
