import NeuralNetworks
import TensorEngine

/// Runs a model on calibration images and accumulates H = 2·Σ x xᵀ of the inputs of chosen layers.
///
/// The model runs in evaluation mode without recording a graph; a `ForwardContext.inputObserver` sees every layer's
/// input and hands the inputs of the chosen layers to their ``HessianAccumulator`` (a `Linear` input as rows, a
/// `Conv2d` input as im2col rows made a few images at a time), so only the [n, n] sums are ever kept. A layer that
/// runs several times in one pass (shared weights) adds every call's inputs.
public enum LayerCalibration {
    /// The batch size of the calibration passes.
    public static let defaultBatchSize = 128

    /// The Hessians of `layers` over `images`, in the order of `layers`.
    /// - Parameters:
    ///   - model: the network, with the weights the inputs should come from.
    ///   - layers: the layers to calibrate (each must belong to `model`).
    ///   - images: calibration images [N] + the model's input shape.
    ///   - batchSize: images per forward pass.
    /// - Throws: ``LayerwiseError/invalidArgument(_:)`` for an empty image set or a layer the pass never reached,
    ///   ``LayerwiseError/shapeMismatch(_:)`` when a layer's input does not fit its weight.
    public static func hessians(model: Model, layers: [PrunableLayer], images: Tensor,
                                batchSize: Int = defaultBatchSize) throws -> [Tensor] {
        guard images.rank >= 1, images.shape[0] >= 1 else {
            throw LayerwiseError.invalidArgument("calibration needs at least one image; got \(describeShape(images.shape))")
        }
        guard batchSize >= 1 else {
            throw LayerwiseError.invalidArgument("calibration batch size \(batchSize); expected ≥ 1")
        }
        let sink = AccumulatorSink(layers: layers)
        let count = images.shape[0]
        let imageSize = images.count / count
        var start = 0
        try GradientTape.withoutRecording {
            while start < count {
                let end = min(count, start + batchSize)
                let batch = Tensor(shape: [end - start] + images.shape.dropFirst()) { target in
                    images.scalars.withUnsafeBufferPointer { source in
                        target.baseAddress!.update(from: source.baseAddress! + start * imageSize,
                                                   count: (end - start) * imageSize)
                    }
                }
                var context = ForwardContext(training: false, inputObserver: { layer, input in sink.observe(layer, input) })
                _ = model.forward(Variable(batch), context: &context)
                if let error = sink.firstError { throw error }
                start = end
            }
        }
        for (index, layer) in layers.enumerated() where sink.accumulators[index].sampleCount == 0 {
            throw LayerwiseError.invalidArgument(
                "layer '\(layer.name)' was never called in the forward pass; expected a layer of the model being pruned")
        }
        return sink.accumulators.map { $0.hessian() }
    }

    /// The order in which the layers first run in a forward pass (indices into `layers`); layers never reached come
    /// last in their given order.
    /// - Parameters:
    ///   - model: the network.
    ///   - layers: the layers to order.
    ///   - example: one input batch (one image is enough).
    public static func executionOrder(model: Model, layers: [PrunableLayer], example: Tensor) -> [Int] {
        var positions: [ObjectIdentifier: [Int]] = [:]
        for (index, layer) in layers.enumerated() { positions[ObjectIdentifier(layer.entry.owner), default: []].append(index) }
        let recorder = OrderRecorder()
        GradientTape.withoutRecording {
            var context = ForwardContext(training: false, inputObserver: { layer, _ in
                if let indices = positions[ObjectIdentifier(layer)] { recorder.record(indices) }
            })
            _ = model.forward(Variable(example), context: &context)
        }
        var seen = Set(recorder.order)
        var order = recorder.order
        for index in layers.indices where seen.insert(index).inserted { order.append(index) }
        return order
    }
}

/// The accumulators of one calibration run, reachable from the observer closure.
private final class AccumulatorSink {
    let layers: [PrunableLayer]
    var accumulators: [HessianAccumulator]
    /// The first failure inside the observer (which cannot throw), rethrown after the pass.
    var firstError: Error?
    /// Accumulator indices by owning layer object.
    private let indices: [ObjectIdentifier: [Int]]

    init(layers: [PrunableLayer]) {
        self.layers = layers
        accumulators = layers.map { HessianAccumulator(features: $0.columns) }
        var indices: [ObjectIdentifier: [Int]] = [:]
        for (index, layer) in layers.enumerated() { indices[ObjectIdentifier(layer.entry.owner), default: []].append(index) }
        self.indices = indices
    }

    func observe(_ layer: any Layer, _ input: Tensor) {
        guard firstError == nil, let targets = indices[ObjectIdentifier(layer)] else { return }
        for index in targets {
            do {
                switch layers[index].inputs {
                case .linear:
                    let features = layers[index].columns
                    guard input.rank >= 1, input.shape.last == features else {
                        throw LayerwiseError.shapeMismatch(
                            "layer '\(layers[index].name)': input \(describeShape(input.shape)); expected [..., \(features)]")
                    }
                    input.scalars.withUnsafeBufferPointer {
                        accumulators[index].add(rows: $0, count: input.count / features)
                    }
                case .convolution(let geometry):
                    try accumulators[index].add(convolutionInput: input, geometry: geometry)
                }
            } catch {
                firstError = error
                return
            }
        }
    }
}

/// Records the first time each layer is seen.
private final class OrderRecorder {
    var order: [Int] = []
    private var seen = Set<Int>()

    func record(_ indices: [Int]) {
        for index in indices where seen.insert(index).inserted { order.append(index) }
    }
}
