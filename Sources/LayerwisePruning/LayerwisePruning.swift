import Datasets
import Foundation
import NeuralNetworks
import PruningCore
import SparsityConstraints
import TensorEngine

/// One-shot layer-wise pruning (Optimal Brain Surgeon / SparseGPT): each selected layer is pruned to minimise
/// ‖W X − Ŵ X‖² on calibration inputs X, with no training.
///
/// ``finalize(_:)`` does all the work:
/// 1. Calibration images: the first `calibrationSamples` images of the session's training data, or with a
///    `calibrationSeed` a seeded random subset of that many (all of them when the set is smaller).
/// 2. Targets: ``LayerTarget/plan(constraint:layers:)`` turns the constraint into a kept count, an N:M pattern or a
///    fixed mask per layer, from the constraint's own projection of the dense weights.
/// 3. Hessians: in `parallel` mode one evaluation pass of the dense model gives every layer's H = 2·Σ x xᵀ; in
///    `sequential` mode the layers are pruned in the order they run, each calibrated on a pass through the model with
///    the layers before it already pruned (one pass per layer).
/// 4. Each layer is pruned by ``LayerSolver`` (SparseGPT, or least squares on a fixed mask) and the result is
///    checked with the constraint's `verify`; should it ever fail, the weights are projected onto the constraint.
///
/// The session's weights are left as they were; the pipeline installs the returned ones. Parallel mode holds every
/// layer's [n, n] Hessian at once (n = in·kh·kw), sequential mode one at a time.
///
/// ```swift
/// let method = try LayerwisePruning(calibrationSamples: 512, mode: .sequential)
/// let pruned = try method.finalize(session)   // satisfies session.constraint
/// ```
public final class LayerwisePruning: PruningMethod {
    /// Where each layer's calibration inputs come from.
    public enum Mode: String, CaseIterable, Sendable {
        /// Every layer sees the dense model's inputs (one calibration pass).
        case parallel
        /// Every layer sees the inputs produced by the already pruned layers before it (one pass per layer).
        case sequential
    }

    /// The registry name, `layerwise`.
    public let name = "layerwise"
    /// The number of calibration images (at most the training set's size is used).
    public let calibrationSamples: Int
    /// nil: the first images of the training set; a seed: a seeded random subset.
    public let calibrationSeed: UInt64?
    /// Parallel or sequential calibration.
    public let mode: Mode
    /// λ as a fraction of mean(diag H).
    public let damping: Double
    /// SparseGPT's lazy-update block, in columns.
    public let blockSize: Int
    /// Images per calibration forward pass.
    public let calibrationBatchSize: Int

    /// What the last ``finalize(_:)`` did, layer by layer (nil before the first).
    public private(set) var lastReport: LayerwiseRunReport?

    /// Creates the method.
    /// - Parameters:
    ///   - calibrationSamples: calibration images, ≥ 1 (default 1024).
    ///   - mode: parallel or sequential (default parallel).
    ///   - damping: λ / mean(diag H), finite and ≥ 0 (default 0.01).
    ///   - blockSize: SparseGPT's block in columns, ≥ 1 (default 128; for N:M a multiple of M).
    ///   - calibrationSeed: nil for the first images, or the seed of a random subset.
    ///   - calibrationBatchSize: images per forward pass, ≥ 1 (default 128).
    /// - Throws: ``PruningError/invalidOption(_:)`` naming the option and the values allowed.
    public init(calibrationSamples: Int = 1024, mode: Mode = .parallel, damping: Double = 0.01, blockSize: Int = 128,
                calibrationSeed: UInt64? = nil, calibrationBatchSize: Int = LayerCalibration.defaultBatchSize) throws {
        guard calibrationSamples >= 1 else {
            throw PruningError.invalidOption("--calibration-samples must be ≥ 1 image, got \(calibrationSamples)")
        }
        guard damping.isFinite, damping >= 0 else {
            throw PruningError.invalidOption("--damping must be a finite number ≥ 0 (a fraction of mean(diag H)), got \(damping)")
        }
        guard blockSize >= 1 else { throw PruningError.invalidOption("--block-size must be ≥ 1 column, got \(blockSize)") }
        guard calibrationBatchSize >= 1 else {
            throw PruningError.invalidOption("calibration batch size must be ≥ 1, got \(calibrationBatchSize)")
        }
        self.calibrationSamples = calibrationSamples
        self.calibrationSeed = calibrationSeed
        self.mode = mode
        self.damping = damping
        self.blockSize = blockSize
        self.calibrationBatchSize = calibrationBatchSize
    }

    /// The options as `shears` prints them.
    public var settingsSummary: [String: String] {
        ["calibration-samples": String(calibrationSamples),
         "calibration-seed": calibrationSeed.map { String($0) } ?? "none (first images)",
         "mode": mode.rawValue, "damping": String(damping), "block-size": String(blockSize)]
    }

    /// Always false: layer-wise pruning is one-shot, the pipeline skips the method phase.
    public var trainsDuringMethodPhase: Bool { false }

    /// Checks early that every selected parameter is a weight layer-wise pruning can calibrate.
    public func prepare(_ session: PruningSession) throws {
        _ = try session.parameters.map(PrunableLayer.init)
        guard session.trainingData.count >= 1 else {
            throw PruningError.invalidOption("layer-wise pruning needs calibration images; the training set is empty")
        }
    }

    /// Calibrates, prunes every selected layer to its target and returns weights in the constraint's set.
    /// - Parameter session: the model, its selected weights (dense), the constraint and the training data.
    /// - Throws: ``LayerwiseError`` for unsupported layers, N:M on a layer whose inputs are not a multiple of M, or a
    ///   degenerate Hessian; the constraint's own errors.
    public func finalize(_ session: PruningSession) throws -> [NamedTensor] {
        let clock = ContinuousClock()
        let start = clock.now
        try prepare(session)
        let layers = try session.parameters.map(PrunableLayer.init)
        let original = session.currentWeights()
        // Sequential mode installs pruned layers in the model as it goes; the caller gets its weights back.
        defer { session.setWeights(original) }

        let targets = try LayerTarget.plan(constraint: session.constraint, layers: layers)
        let images = calibrationImages(session.trainingData)
        let options = SparseGPTOptions(blockSize: blockSize, dampingFraction: Float(damping))
        var results = [LayerwisePruneResult?](repeating: nil, count: layers.count)
        var reports = [LayerwiseLayerReport?](repeating: nil, count: layers.count)
        var calibrationSeconds = 0.0

        func solve(_ index: Int, hessian: Tensor) throws {
            let solveStart = clock.now
            let result = try LayerSolver.prune(weights: original[index].tensor, target: targets[index], hessian: hessian,
                                               options: options, layer: layers[index].name)
            let seconds = (clock.now - solveStart).seconds
            results[index] = result
            reports[index] = try report(layers[index], target: targets[index], original: original[index].tensor,
                                        result: result, hessian: hessian, seconds: seconds)
        }

        switch mode {
        case .parallel:
            let calibrationStart = clock.now
            let hessians = try LayerCalibration.hessians(model: session.model, layers: layers, images: images,
                                                        batchSize: calibrationBatchSize)
            calibrationSeconds = (clock.now - calibrationStart).seconds
            for index in layers.indices { try solve(index, hessian: hessians[index]) }
        case .sequential:
            let example = Tensor(shape: [1] + images.shape.dropFirst(),
                                 scalars: Array(images.scalars[0..<(images.count / images.shape[0])]))
            for index in LayerCalibration.executionOrder(model: session.model, layers: layers, example: example) {
                let calibrationStart = clock.now
                let hessian = try LayerCalibration.hessians(model: session.model, layers: [layers[index]], images: images,
                                                           batchSize: calibrationBatchSize)[0]
                calibrationSeconds += (clock.now - calibrationStart).seconds
                try solve(index, hessian: hessian)
                layers[index].entry.variable.value = results[index]!.weights
            }
        }

        var pruned = layers.indices.map { NamedTensor(name: layers[$0].name, tensor: results[$0]!.weights) }
        var projected = false
        if !session.constraint.verify(pruned).isFeasible {
            pruned = try session.constraint.project(pruned)
            projected = true
            let verification = session.constraint.verify(pruned)
            guard verification.isFeasible else {
                throw PruningError.verificationFailed("layer-wise result, even after projection: \(verification)")
            }
        }
        lastReport = LayerwiseRunReport(mode: mode.rawValue, calibrationImages: images.shape[0],
                                        layers: reports.map { $0! }, calibrationSeconds: calibrationSeconds,
                                        totalSeconds: (clock.now - start).seconds, projectedAfterwards: projected)
        return pruned
    }

    /// The calibration images: the first `calibrationSamples`, or a seeded random subset of that size.
    func calibrationImages(_ data: LabeledImages) -> Tensor {
        let count = min(calibrationSamples, data.count)
        guard let seed = calibrationSeed, count < data.count else { return data.prefix(count).images }
        // A partial Fisher–Yates shuffle: the first `count` positions are a uniform random subset.
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<data.count)
        for position in 0..<count {
            let pick = position + Int(generator.next() % UInt64(data.count - position))
            order.swapAt(position, pick)
        }
        return data.subset(indices: order[0..<count].sorted()).images
    }

    /// The report of one pruned layer, with its reconstruction error on the calibration inputs.
    private func report(_ layer: PrunableLayer, target: LayerTarget, original: Tensor, result: LayerwisePruneResult,
                        hessian: Tensor, seconds: Double) throws -> LayerwiseLayerReport {
        let error = try reconstructionError(original: original, pruned: result.weights, hessian: hessian)
        let energy = try reconstructionError(original: original, pruned: Tensor.zeros(original.shape), hessian: hessian)
        return LayerwiseLayerReport(name: layer.name, solver: target.solverName, keptCount: result.keptCount,
                                    weightCount: original.count, reconstructionError: error,
                                    relativeError: energy > 0 ? error / energy : 0,
                                    deadInputCount: result.deadInputs.count, damping: result.damping,
                                    dampingRetries: result.dampingRetries, seconds: seconds)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    fileprivate var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}

extension LayerwisePruning {
    /// The registry entry: `layerwise`.
    public static let registration = MethodRegistration(
        name: "layerwise",
        summary: "One-shot layer-wise OBS/SparseGPT: prune each layer to minimise its output error on calibration "
            + "images, no training (unstructured, N:M; structured patterns on the projection's mask).",
        options: [
            MethodOption("calibration-samples", "calibration images taken from the training set", default: "1024"),
            MethodOption("calibration-seed", "'none' takes the first images; an integer seeds a random subset",
                         default: "none"),
            MethodOption("mode", "parallel (dense inputs) or sequential (inputs from the already pruned layers)",
                         default: "parallel"),
            MethodOption("damping", "λ added to diag H, as a fraction of its mean", default: "0.01"),
            MethodOption("block-size", "SparseGPT's lazy-update block in columns (a multiple of M for N:M)",
                         default: "128"),
        ],
        make: { options in
            let modeName = try options.choice("mode", Mode.allCases.map(\.rawValue), default: "parallel")
            let seedText = options.string("calibration-seed", default: "none")
            var seed: UInt64?
            if seedText != "none" {
                guard let value = UInt64(seedText) else {
                    throw PruningError.invalidOption(
                        "--calibration-seed expects 'none' or a non-negative integer, got '\(seedText)'")
                }
                seed = value
            }
            return try LayerwisePruning(calibrationSamples: try options.int("calibration-samples", default: 1024),
                                        mode: Mode(rawValue: modeName)!,
                                        damping: try options.double("damping", default: 0.01),
                                        blockSize: try options.int("block-size", default: 128),
                                        calibrationSeed: seed)
        })
}
