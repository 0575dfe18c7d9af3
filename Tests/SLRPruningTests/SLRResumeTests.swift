import SparsityConstraints
import Training
import _TestSupport
import ADMMPruning
import Datasets
import Foundation
import NeuralNetworks
import TensorEngine
import Testing
@testable import PruningCore
@testable import SLRPruning
@_exported import _PruningTestSupport

@Suite("SLR: kill and resume")
struct SLRResumeTests {
    static let data = try! DatasetSplits.synthetic(seed: 1, trainCount: 96, testCount: 48, channels: 1, height: 6, width: 6,
                                                   classes: 3, noise: 0.3, maxShift: 1).standardized().splits

    /// A perceptron 36 → 12 → 3, seeded.
    static func mlp(seed: UInt64) -> Model {
        var generator = SeededGenerator(seed: seed)
        let root = Sequential(named: [
            ("flatten", Flatten()),
            ("fc1", Linear(inFeatures: 36, outFeatures: 12, generator: &generator)),
            ("relu", ReLU()),
            ("fc2", Linear(inFeatures: 12, outFeatures: 3, generator: &generator)),
        ])
        return Model(name: "tiny-mlp", root: root, inputShape: [1, 6, 6], classes: 3, seed: seed)
    }

    static func state(of model: Model) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, tensor) in model.stateDict() { state[name] = tensor }
        return state
    }

    /// Dense weights: two epochs of training from a seeded start.
    static let dense: [String: Tensor] = {
        let model = mlp(seed: 3)
        _ = try! DenseTraining.train(model: model, data: data, epochs: 2, batchSize: 32,
                                     optimizer: OptimizerSettings(learningRate: 0.05), seed: 9)
        return state(of: model)
    }()

    /// SLR with growing ρ, strict failure handling, Z and Λ updated every epoch, the Lagrangian's f on 48 images.
    static let configuration = PipelineConfiguration(
        methodEpochs: 3, retrainEpochs: 2, batchSize: 32, seed: 21,
        methodOptimizer: OptimizerSettings(learningRate: 0.05, momentum: 0.5, nesterov: true, weightDecay: 5e-4),
        retrainOptimizer: OptimizerSettings(learningRate: 0.05, momentum: 0.9), lossSubsetSize: 48,
        evaluateHardPrunedEachEpoch: true)

    static func run(method: (any PruningMethod)? = nil, sparsity: Double = 0.8, directory: URL? = nil, resume: Bool = false,
                    killAfter: (phase: String, epoch: Int)? = nil) throws -> (result: PruningRunResult, masks: MaskSet, state: [String: Tensor]) {
        let model = mlp(seed: 50)
        try model.loadStateDict(dense)
        var pipeline = PruningPipeline(configuration: configuration, checkpointDirectory: directory, resume: resume)
        if let killAfter {
            pipeline.epochFinished = { phase, epoch in
                if phase == killAfter.phase && epoch == killAfter.epoch { throw SimulatedKill() }
            }
        }
        let slr = try SLRPruning.registration.make(MethodOptions(["rho": "0.1", "rho-schedule": "geometric:1.3", "on-failure": "strict"]))
        let (result, masks) = try pipeline.run(method: method ?? slr, model: model,
                                               parameters: model.namedParameters().filter { $0.name.hasSuffix("weight") },
                                               constraint: try SparsityConstraint.unstructured(sparsity: sparsity), data: data)
        return (result, masks, state(of: model))
    }

    @Test("a run killed in the method phase or in retraining ends, after resume, bit for bit as the uninterrupted run", arguments: [
        ("method", 1), ("method", 2), ("retraining", 1),
    ])
    func killAndResume(phase: String, epoch: Int) throws {
        let reference = try Self.run()
        #expect(reference.result.diagnostics.count == 3)
        #expect(reference.result.diagnostics.allSatisfy { $0.condition1Values != nil && $0.hardPrunedTestAccuracy != nil })
        try withTemporaryDirectory { directory in
            #expect(throws: SimulatedKill.self) { _ = try Self.run(directory: directory, killAfter: (phase, epoch)) }
            let resumed = try Self.run(directory: directory, resume: true)
            #expect(resumed.state == reference.state, "final weights differ")
            #expect(resumed.masks == reference.masks)
            #expect(ComparableResult(resumed.result) == ComparableResult(reference.result))
        }
    }

    @Test("a checkpoint of another method or sparsity is refused")
    func otherRunRefused() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: SimulatedKill.self) { _ = try Self.run(directory: directory, killAfter: ("method", 1)) }
            for attempt in [{ try Self.run(sparsity: 0.5, directory: directory, resume: true) },
                            { try Self.run(method: ADMMPruning(options: try LagrangianOptions(MethodOptions())), directory: directory, resume: true) }] {
                let error = #expect(throws: PruningError.self) { _ = try attempt() }
                guard case .invalidState(let text)? = error else { Issue.record("\(String(describing: error))"); continue }
                #expect(text.contains("belongs to a different run"), "\(text)")
            }
        }
    }
}
