import NeuralNetworks
import PruningCore
import SparsityConstraints
import Testing
import TensorEngine
@testable import LayerwisePruning

@Suite("layerwise method: results satisfy the constraint")
struct LayerwiseMethodTests {
    /// Runs the method on a fresh LeNet-5 and returns the session, the result and the method.
    func run(_ constraint: any Constraint, names: [String]? = nil, mode: LayerwisePruning.Mode = .parallel)
        throws -> (session: PruningSession, pruned: [NamedTensor], method: LayerwisePruning) {
        let session = try makeSession(model: try tinyLeNet(), constraint: constraint, names: names)
        let method = try LayerwisePruning(calibrationSamples: 32, mode: mode)
        try method.prepare(session)
        let pruned = try method.finalize(session)
        return (session, pruned, method)
    }

    @Test("unstructured per layer: feasible, and every layer keeps exactly the projection's count")
    func unstructuredPerLayer() throws {
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.7)
        let (session, pruned, method) = try run(constraint)
        let verification = constraint.verify(pruned)
        #expect(verification.isFeasible, "\(verification)")
        let allowed = constraint.allowedGroups(pruned.map(\.layerShape))!
        let report = try #require(method.lastReport)
        #expect(report.layers.map(\.keptCount) == allowed)
        #expect(report.layers.allSatisfy { $0.solver == "sparsegpt-unstructured" })
        #expect(!report.projectedAfterwards)
        for (weights, count) in zip(pruned, allowed) { #expect(weights.tensor.nonZeroCount <= count) }
        // The session's weights are left dense; the pipeline installs the result.
        #expect(session.currentWeights().allSatisfy { $0.tensor.nonZeroCount == $0.tensor.count })
    }

    @Test("global unstructured: feasible, with the projection's split of the budget over the layers")
    func globalUnstructured() throws {
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.8, scope: .global)
        let (session, pruned, method) = try run(constraint)
        #expect(constraint.verify(pruned).isFeasible)
        let masks = try constraint.keepMasks(session.currentWeights())
        #expect(method.lastReport!.layers.map(\.keptCount) == masks.map { $0.tensor.nonZeroCount })
    }

    @Test("bounded global unstructured: feasible")
    func boundedGlobal() throws {
        let constraint = try BoundedGlobalConstraint(sparsity: 0.85, defaultBounds: SparsityBounds(minimum: 0.5, maximum: 0.95))
        let (_, pruned, _) = try run(constraint)
        #expect(constraint.verify(pruned).isFeasible)
    }

    @Test("2:4 on the Linear layers: feasible, every group keeps at most 2")
    func twoFourLinear() throws {
        let constraint = try NMConstraint(n: 2, m: 4)
        let (_, pruned, method) = try run(constraint, names: fullyConnected)
        let verification = constraint.verify(pruned)
        #expect(verification.isFeasible, "\(verification)")
        #expect(method.lastReport!.layers.allSatisfy { $0.solver == "sparsegpt-2:4" && $0.keptCount * 2 == $0.weightCount })
    }

    @Test("1:2 on conv2 and the Linear layers: conv groups are input channels at one kernel offset")
    func oneTwoWithConvolution() throws {
        let constraint = try NMConstraint(n: 1, m: 2)
        let (_, pruned, _) = try run(constraint, names: ["conv2.weight"] + fullyConnected)
        let verification = constraint.verify(pruned)
        #expect(verification.isFeasible, "\(verification)")
        #expect(pruned[0].tensor.nonZeroCount <= pruned[0].tensor.count / 2)
    }

    @Test("N:M on a layer whose inputs are not a multiple of M is a clear error naming the layer")
    func nmIndivisible() throws {
        let session = try makeSession(model: try tinyLeNet(), constraint: try NMConstraint(n: 2, m: 4))
        let method = try LayerwisePruning(calibrationSamples: 8)
        let error = try #require(throws: LayerwiseError.self) { try method.finalize(session) }
        #expect("\(error)".contains("conv1.weight"))
        #expect("\(error)".contains("multiple of 4"))
    }

    @Test("filters per layer: feasible, pruned rows zero, kept rows unchanged (nothing to compensate into)")
    func filters() throws {
        let constraint = try SparsityConstraint.filters(sparsity: 0.5)
        let (session, pruned, method) = try run(constraint)
        #expect(constraint.verify(pruned).isFeasible)
        let masks = try constraint.keepMasks(session.currentWeights())
        for ((result, dense), mask) in zip(zip(pruned, session.currentWeights()), masks) {
            for index in 0..<result.tensor.count {
                #expect(result.tensor.scalars[index] == dense.tensor.scalars[index] * mask.tensor.scalars[index])
            }
        }
        #expect(method.lastReport!.layers.allSatisfy { $0.solver == "fixed-mask-obs" })
    }

    @Test("input channels and blocks: feasible, and the compensation beats the projection's error")
    func structuredCompensation() throws {
        for constraint in [try SparsityConstraint.inputChannels(sparsity: 0.5),
                           try SparsityConstraint.blocks(height: 2, width: 4, sparsity: 0.6)] {
            let (session, pruned, method) = try run(constraint)
            #expect(constraint.verify(pruned).isFeasible, "\(constraint.summary)")
            let layers = try session.parameters.map(PrunableLayer.init)
            let hessians = try LayerCalibration.hessians(model: session.model, layers: layers,
                                                         images: method.calibrationImages(session.trainingData))
            let projected = try constraint.project(session.currentWeights())
            for index in layers.indices {
                let dense = session.currentWeights()[index].tensor
                let compensated = try reconstructionError(original: dense, pruned: pruned[index].tensor,
                                                          hessian: hessians[index])
                let plain = try reconstructionError(original: dense, pruned: projected[index].tensor,
                                                    hessian: hessians[index])
                #expect(compensated <= plain * (1 + 1e-4) + 1e-6, "\(constraint.summary) \(layers[index].name)")
            }
        }
    }

    @Test("per layer, the reconstruction error is at most magnitude pruning's at the same kept count")
    func beatsMagnitude() throws {
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.7)
        let (session, pruned, method) = try run(constraint)
        let layers = try session.parameters.map(PrunableLayer.init)
        let hessians = try LayerCalibration.hessians(model: session.model, layers: layers,
                                                     images: method.calibrationImages(session.trainingData))
        let magnitude = try constraint.project(session.currentWeights())
        for index in layers.indices {
            let dense = session.currentWeights()[index].tensor
            let layerwise = try reconstructionError(original: dense, pruned: pruned[index].tensor, hessian: hessians[index])
            let baseline = try reconstructionError(original: dense, pruned: magnitude[index].tensor, hessian: hessians[index])
            #expect(magnitude[index].tensor.nonZeroCount == method.lastReport!.layers[index].keptCount)
            #expect(layerwise <= baseline, "\(layers[index].name): \(layerwise) vs magnitude \(baseline)")
            // The report's figure is the same quantity (parallel mode: dense inputs).
            #expect(abs(method.lastReport!.layers[index].reconstructionError - layerwise) <= 1e-3 * max(layerwise, 1))
        }
    }

    @Test("sequential and parallel both run, agree on the first layer and differ after it")
    func sequentialDiffers() throws {
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.7)
        let (_, parallel, _) = try run(constraint, mode: .parallel)
        let (_, sequential, method) = try run(constraint, mode: .sequential)
        #expect(constraint.verify(sequential).isFeasible)
        #expect(method.lastReport?.mode == "sequential")
        // conv1 sees the images in both modes; every later layer sees pruned activations in sequential mode.
        #expect(parallel[0] == sequential[0])
        for index in 1..<parallel.count { #expect(parallel[index] != sequential[index], "\(parallel[index].name)") }
    }

    @Test("sequential mode calibrates a layer on the outputs of the pruned layers before it")
    func sequentialUsesPrunedInputs() throws {
        let constraint = try SparsityConstraint.unstructured(sparsity: 0.7)
        let (session, sequential, method) = try run(constraint, mode: .sequential)
        // Install the sequential results of conv1…fc1, then prune fc2 by hand on the resulting inputs.
        let layers = try session.parameters.map(PrunableLayer.init)
        for index in 0..<3 { layers[index].entry.variable.value = sequential[index].tensor }
        let hessian = try LayerCalibration.hessians(model: session.model, layers: [layers[3]],
                                                    images: method.calibrationImages(session.trainingData))[0]
        let byHand = try LayerSolver.prune(weights: session.currentWeights()[3].tensor,
                                           target: .keep(method.lastReport!.layers[3].keptCount), hessian: hessian,
                                           options: SparseGPTOptions(), layer: "fc2.weight")
        #expect(byHand.weights == sequential[3].tensor)
    }
}
