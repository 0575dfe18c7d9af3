import SparsityConstraints
import Training
import _TestSupport
import Datasets
import Foundation
import NeuralNetworks
import TensorEngine
import Testing
@testable import ADMMPruning
@testable import PruningCore

/// A session over one bias-free linear layer `fc.weight` [2, 3] whose weights the test sets by hand; the
/// constraint keeps 3 of the 6 weights.
private func tinySession(weights: [Float], warmStart: [Float]? = nil) throws -> PruningSession {
    let root = Sequential(named: [("flatten", Flatten()), ("fc", Linear(weight: Tensor(shape: [2, 3], scalars: weights), bias: nil))])
    let model = Model(name: "tiny", root: root, inputShape: [1, 1, 3], classes: 2)
    let data = try LabeledImages(name: "tiny", images: Tensor(shape: [2, 1, 1, 3], scalars: [1, 0, -1, 0.5, 2, 0]),
                                 labels: [0, 1], classCount: 2)
    let session = PruningSession(model: model, parameters: model.namedParameters(),
                                 constraint: try SparsityConstraint.unstructured(sparsity: 0.5), trainingData: data,
                                 lossData: data, lossDataDescription: "two images", methodEpochs: 4, stepsPerEpoch: 1, seed: 0)
    session.warmStart = warmStart.map { [NamedTensor(name: "fc.weight", tensor: Tensor(shape: [2, 3], scalars: $0))] }
    return session
}

private func setWeights(_ session: PruningSession, _ values: [Float]) {
    session.setWeights([NamedTensor(name: "fc.weight", tensor: Tensor(shape: [2, 3], scalars: values))])
}

private func admm(_ values: [String: String]) throws -> ADMMPruning {
    try #require(try ADMMPruning.registration.make(MethodOptions(values)) as? ADMMPruning)
}

@Suite("ADMM")
struct ADMMTests {
    @Test("Z⁰ = Π(W⁰), Λ⁰ = 0; each update sets Z ← Π(W + Λ/ρ) and Λ ← Λ + ρ(W − Z), as computed by hand")
    func updatesByHand() throws {
        let session = try tinySession(weights: [0.1, -0.7, 0.3, 0.2, 0.05, -0.4])
        let method = try admm(["rho": "0.5"])
        try method.prepare(session)
        var state = method.saveState()
        #expect(state.tensors["Z.fc.weight"] == Tensor(shape: [2, 3], scalars: [0, -0.7, 0.3, 0, 0, -0.4]))
        #expect(state.tensors["Lambda.fc.weight"] == Tensor.zeros([2, 3]))
        #expect(state.values == ["rho": 0.5, "updates": 0])

        // Update 1: W¹ + Λ⁰/ρ = W¹ keeps 0.9, 0.4, −0.6; Λ¹ = 0.5 (W¹ − Z¹) = [0, −0.05, 0, 0, 0.1, 0.025].
        setWeights(session, [0.9, -0.1, 0.4, -0.6, 0.2, 0.05])
        let first = try method.afterEpoch(session)
        state = method.saveState()
        #expect(state.tensors["Z.fc.weight"] == Tensor(shape: [2, 3], scalars: [0.9, 0, 0.4, -0.6, 0, 0]))
        #expect(state.tensors["Lambda.fc.weight"].map { isClose($0, Tensor(shape: [2, 3], scalars: [0, -0.05, 0, 0, 0.1, 0.025])) } == true)
        #expect(first.count == 1 && first[0].iteration == 1 && first[0].epoch == 1 && first[0].rho == 0.5 && first[0].stepSize == 0.5)
        // ‖W¹ − Z¹‖ = ‖(−0.1, 0.2, 0.05)‖.
        #expect(abs((first[0].distanceToConstraint ?? 0) - (0.01 + 0.04 + 0.0025).squareRoot()) < 1e-6)
        #expect(abs((first[0].multiplierNorm ?? 0) - 0.5 * (0.01 + 0.04 + 0.0025).squareRoot()) < 1e-6)

        // Update 2: the multipliers change the support. W² keeps {0.8, −0.45, 0.32}, but W² + Λ¹/ρ =
        // [0.8, −0.3, 0.32, −0.45, 0.5, 0.05] keeps {0.8, −0.45, 0.5}; Λ² = Λ¹ + 0.5 (W² − Z²) = [0, −0.15, 0.16, 0, 0, 0.025].
        setWeights(session, [0.8, -0.2, 0.32, -0.45, 0.3, 0])
        let second = try method.afterEpoch(session)
        state = method.saveState()
        #expect(state.tensors["Z.fc.weight"].map { isClose($0, Tensor(shape: [2, 3], scalars: [0.8, 0, 0, -0.45, 0.5, 0])) } == true)
        #expect(state.tensors["Lambda.fc.weight"].map { isClose($0, Tensor(shape: [2, 3], scalars: [0, -0.15, 0.16, 0, 0, 0.025])) } == true)
        #expect(second.map(\.iteration) == [2])
        #expect(state.values == ["rho": 0.5, "updates": 2])

        // The W-step penalty now pulls W toward Z − Λ/ρ: its gradient is ρ(W − Z) + Λ.
        let penalty = try #require(method.penalty(session))
        session.model.zeroGradients()
        penalty.backward()
        let gradient = try #require(session.parameters[0].variable.gradient)
        #expect(isClose(gradient, Tensor(shape: [2, 3], scalars: [0, -0.25, 0.32, 0, -0.1, 0.025])))
        // Hard pruning is the projection of W, not Z.
        #expect(try method.finalize(session).map(\.tensor) == [Tensor(shape: [2, 3], scalars: [0.8, 0, 0.32, -0.45, 0, 0])])
    }

    @Test("a warm start replaces Π(W⁰) as the first Z")
    func warmStart() throws {
        let session = try tinySession(weights: [0.1, -0.7, 0.3, 0.2, 0.05, -0.4], warmStart: [0.1, 0, 0.3, 0.2, 0, 0])
        let method = try admm([:])
        try method.prepare(session)
        #expect(method.saveState().tensors["Z.fc.weight"] == Tensor(shape: [2, 3], scalars: [0.1, 0, 0.3, 0.2, 0, 0]))
    }

    @Test("geometric ρ grows by its factor after every update and stops at the cap; the dual step uses the ρ in force")
    func rhoGrowth() throws {
        let session = try tinySession(weights: [0.1, -0.7, 0.3, 0.2, 0.05, -0.4])
        let method = try admm(["rho": "0.1", "rho-schedule": "geometric:2:0.3"])
        try method.prepare(session)
        var used: [Double] = [], after: [Double] = []
        for _ in 0..<4 {
            used += try method.afterEpoch(session).compactMap(\.rho)
            after.append(method.saveState().values["rho"] ?? 0)
        }
        #expect(zip(used, [0.1, 0.2, 0.3, 0.3]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(used)")
        #expect(zip(after, [0.2, 0.3, 0.3, 0.3]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(after)")
        #expect(method.saveState().values["updates"] == 4)
    }

    @Test("with an interval in batches the update happens after every N-th step and not at the epoch's end")
    func batchInterval() throws {
        let session = try tinySession(weights: [0.1, -0.7, 0.3, 0.2, 0.05, -0.4])
        let method = try admm(["update-every": "2b"])
        try method.prepare(session)
        setWeights(session, [0.9, -0.1, 0.4, -0.6, 0.2, 0.05])
        session.progress.step = 1
        try method.afterStep(session)
        #expect(method.saveState().values["updates"] == 0)
        session.progress.step = 2
        try method.afterStep(session)
        #expect(method.saveState().values["updates"] == 1)
        session.progress.step = 3
        try method.afterStep(session)
        let diagnostics = try method.afterEpoch(session)
        #expect(diagnostics.map(\.iteration) == [1])
        #expect(method.saveState().values["updates"] == 1)
    }

    @Test("with an interval of 2 epochs the update happens after every second epoch")
    func epochInterval() throws {
        let session = try tinySession(weights: [0.1, -0.7, 0.3, 0.2, 0.05, -0.4])
        let method = try admm(["update-every": "2e"])
        try method.prepare(session)
        var counts: [Int] = []
        for epoch in 0..<4 {
            session.progress.epoch = epoch
            counts.append(try method.afterEpoch(session).count)
        }
        #expect(counts == [0, 1, 0, 1])
    }

    @Test("the state survives a save and restore; restoring before prepare is an error")
    func stateRoundTrip() throws {
        let session = try tinySession(weights: [0.1, -0.7, 0.3, 0.2, 0.05, -0.4])
        let method = try admm(["rho-schedule": "geometric:1.5"])
        try method.prepare(session)
        setWeights(session, [0.9, -0.1, 0.4, -0.6, 0.2, 0.05])
        _ = try method.afterEpoch(session)
        let state = method.saveState()

        let restored = try admm(["rho-schedule": "geometric:1.5"])
        #expect(throws: PruningError.invalidState("ADMM was not prepared before restoring")) {
            try restored.restoreState(state, session: session)
        }
        try restored.prepare(session)
        try restored.restoreState(state, session: session)
        #expect(restored.saveState() == state)
        // Both continue identically.
        setWeights(session, [0.8, -0.2, 0.32, -0.45, 0.3, 0])
        _ = try method.afterEpoch(session)
        _ = try restored.afterEpoch(session)
        #expect(restored.saveState() == method.saveState())
    }

    @Test("bad options throw errors that name them", arguments: [
        (["rho": "-1"], "--rho must be a positive number, got -1.0"),
        (["rho": "x"], "--rho expects a number, got 'x'"),
        (["update-every": "0"], "--update-every expects a positive count of epochs ('2' or '2e') or batches ('200b'), got '0'"),
        (["slr-m": "300"], "method 'admm' has no option 'slr-m'; its options: rho, rho-schedule, update-every"),
    ])
    func badOptions(values: [String: String], message: String) {
        #expect(throws: PruningError.invalidOption(message)) {
            _ = try MethodRegistry([ADMMPruning.registration]).make("admm", options: MethodOptions(values))
        }
    }

    /// A perceptron 16 → 8 → 2 and 64 training images of 4×4.
    static func smallTask() throws -> (data: DatasetSplits, model: Model, parameters: [ParameterEntry]) {
        let data = try DatasetSplits.synthetic(seed: 2, trainCount: 64, testCount: 32, channels: 1, height: 4, width: 4,
                                               classes: 2, noise: 0.3, maxShift: 0).standardized().splits
        var generator = SeededGenerator(seed: 4)
        let root = Sequential(named: [("flatten", Flatten()), ("fc1", Linear(inFeatures: 16, outFeatures: 8, generator: &generator)),
                                      ("relu", ReLU()), ("fc2", Linear(inFeatures: 8, outFeatures: 2, generator: &generator))])
        let model = Model(name: "mlp", root: root, inputShape: [1, 4, 4], classes: 2)
        return (data, model, model.namedParameters().filter { $0.name.hasSuffix("weight") })
    }

    @Test("through the pipeline, an interval in batches updates after every N-th step of every epoch")
    func pipelineBatchInterval() throws {
        let (data, model, parameters) = try Self.smallTask()
        // 64 images in batches of 16: 4 steps per epoch, an update after steps 2, 4, 6 and 8.
        let configuration = PipelineConfiguration(methodEpochs: 2, retrainEpochs: 0, batchSize: 16, seed: 1)
        let (result, _) = try PruningPipeline(configuration: configuration).run(
            method: try admm(["update-every": "2b"]), model: model, parameters: parameters,
            constraint: try SparsityConstraint.unstructured(sparsity: 0.5), data: data)
        #expect(result.diagnostics.map(\.iteration) == [1, 2, 3, 4])
        #expect(result.diagnostics.map(\.epoch) == [1, 1, 2, 2])
        #expect(result.retraining.isEmpty && result.finalAccuracy == result.accuracyAfterHardPrune)
    }

    @Test("through the pipeline ADMM ends feasible with one diagnostics record per epoch")
    func pipelineRun() throws {
        let (data, model, parameters) = try Self.smallTask()
        let configuration = PipelineConfiguration(methodEpochs: 4, retrainEpochs: 1, batchSize: 16, seed: 1,
                                                  methodOptimizer: OptimizerSettings(learningRate: 0.05, momentum: 0.5, nesterov: true))
        let (result, _) = try PruningPipeline(configuration: configuration).run(
            method: try admm(["rho": "0.5", "rho-schedule": "geometric:1.5"]), model: model, parameters: parameters,
            constraint: try SparsityConstraint.unstructured(sparsity: 0.75), data: data)
        #expect(result.diagnostics.map(\.iteration) == [1, 2, 3, 4])
        #expect(result.diagnostics.allSatisfy { $0.distanceToConstraint != nil && $0.testAccuracy != nil && $0.trainingLoss != nil })
        // keep ceil(0.25 · 128) = 32 and ceil(0.25 · 16) = 4.
        #expect(result.sparsity.layers.map(\.nonZero) == [32, 4])
        #expect(result.settings == ["rho": "0.5", "rho-schedule": "0.5 × 1.5 per update", "update-every": "every epoch"])
    }
}
