import CTensorKernels

/// Batch normalisation over the channel dimension of NCHW tensors, PyTorch semantics.

/// The running statistics of one batch-norm layer, updated in place by ``batchNorm2d`` in training mode.
///
/// A class, so that a layer and the function it calls share one set of statistics; a checkpoint saves
/// `runningMean` and `runningVariance` as PyTorch's `running_mean` and `running_var`.
public final class BatchNormStatistics {
    /// The exponential moving average of the batch means, [C].
    public var runningMean: Tensor
    /// The exponential moving average of the unbiased batch variances, [C].
    public var runningVariance: Tensor
    /// How many training batches have updated the statistics (PyTorch's `num_batches_tracked`).
    public var batchesTracked: Int = 0

    /// Fresh statistics for `channels` channels: mean 0, variance 1, as PyTorch initialises them.
    public init(channels: Int) {
        runningMean = Tensor.zeros([channels])
        runningVariance = Tensor(repeating: 1, shape: [channels])
    }
}

/// Batch normalisation per channel over (N, H, W): y = weight · (x − mean) / √(variance + ε) + bias.
///
/// In training mode the mean and the biased variance of the batch normalise the input, and the running statistics
/// move towards the batch mean and the *unbiased* batch variance with `momentum` (PyTorch's convention:
/// running ← (1 − momentum) · running + momentum · batch); `batchesTracked` grows by one. In evaluation mode the
/// running statistics normalise and nothing is updated.
///
/// Channels are split over ``Parallelism/workerCount`` workers; every channel's arithmetic is the same whatever
/// the worker count, so the results are too.
///
/// - Parameters:
///   - input: [N, C, H, W] (or [N, C], treated as H = W = 1).
///   - weight: the scale γ, [C].
///   - bias: the shift β, [C].
///   - statistics: the layer's running statistics, [C] each.
///   - training: whether to use (and update with) batch statistics.
///   - momentum: the weight of the new batch in the running averages.
///   - epsilon: added to the variance for numerical stability.
///   - relu: apply max(·, 0) to the result in the same pass (the same values as a separate ``Variable/relu()``,
///     without a second pass over the activations forward and backward).
public func batchNorm2d(_ input: Variable, weight: Variable, bias: Variable, statistics: BatchNormStatistics,
                        training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5, relu: Bool = false) -> Variable {
    let x = input.value
    precondition(x.rank == 4 || x.rank == 2, "batchNorm2d: input must be [N, C, H, W], got \(describeShape(x.shape))")
    let layout = ChannelLayout(batch: x.shape[0], channels: x.shape[1], plane: x.rank == 4 ? x.shape[2] * x.shape[3] : 1)
    let channels = layout.channels
    for (name, tensor) in [("weight", weight.value), ("bias", bias.value),
                           ("running mean", statistics.runningMean), ("running variance", statistics.runningVariance)] {
        precondition(tensor.shape == [channels], "batchNorm2d: \(name) \(describeShape(tensor.shape)) for \(channels) channels")
    }
    let mean: [Float], inverseDeviation: [Float]
    if training {
        precondition(layout.perChannel > 1, "batchNorm2d: training needs more than one value per channel, got input \(describeShape(x.shape))")
        let (batchMean, batchVariance) = channelMeanAndVariance(x, layout: layout)
        mean = batchMean.map { Float($0) }
        inverseDeviation = batchVariance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
        statistics.update(mean: batchMean, biasedVariance: batchVariance, count: layout.perChannel, momentum: momentum)
    } else {
        mean = statistics.runningMean.scalars
        inverseDeviation = statistics.runningInverseDeviation(epsilon: epsilon)
    }

    // y = x · scale + shift per channel, with scale = γ / σ and shift = β − mean · scale.
    let affine = ChannelAffine(normalizingWith: mean, inverseDeviation: inverseDeviation, gamma: weight.value.scalars,
                               beta: bias.value.scalars, rectify: relu)
    let scale = affine.scale
    let output = x.scalars.withUnsafeBufferPointer { source in
        Tensor(shape: x.shape) { target in
            Parallelism.forEachRange(channels) { channelRange in
                for channel in channelRange {
                    layout.forEachSlice(of: channel) { offset in
                        affine.apply(from: source.baseAddress! + offset, to: target.baseAddress! + offset,
                                     count: layout.plane, channel: channel)
                    }
                }
            }
        }
    }

    return Variable(value: output, operands: [input, weight, bias]) { gradient in
        // With a fused ReLU, the gradient reaching the normalisation is zero wherever the output is (y > 0 ⟺ the
        // rectifier passed its input).
        let rectified: Tensor? = relu ? output : nil
        var sumGradient = [Double](repeating: 0, count: channels)
        var sumGradientNormalized = [Double](repeating: 0, count: channels)
        let needsInput = input.requiresGradient
        var inputGradient = needsInput ? Tensor(shape: x.shape) { _ in } : nil
        gradient.scalars.withUnsafeBufferPointer { dy in
            x.scalars.withUnsafeBufferPointer { source in
                withOptionalBuffer(rectified) { mask in
                    withOptionalMutableBuffer(&inputGradient) { dx in
                        sumGradient.withUnsafeMutableBufferPointer { sums in
                            sumGradientNormalized.withUnsafeMutableBufferPointer { weightedSums in
                                // One channel at a time, its sums and then its input gradient, so the second pass
                                // reads the channel's values from cache rather than from memory.
                                Parallelism.forEachRange(channels) { channelRange in
                                    for channel in channelRange {
                                        let (total, weighted) = channelGradientSums(
                                            dy: dy.baseAddress!, x: source.baseAddress!, mask: mask, layout: layout,
                                            channel: channel, center: mean[channel])
                                        sums[channel] = total
                                        weightedSums[channel] = weighted * Double(inverseDeviation[channel])
                                        guard let dx else { continue }
                                        // Training: dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), since the batch
                                        // statistics depend on x too. Evaluation: dx = γ/σ · dy.
                                        let meanGradient = training ? Float(sums[channel] / Double(layout.perChannel)) : 0
                                        let meanWeighted = training ? Float(weightedSums[channel] / Double(layout.perChannel)) : 0
                                        layout.forEachSlice(of: channel) { offset in
                                            shears_normalization_gradient(
                                                dy.baseAddress! + offset, source.baseAddress! + offset, mask.map { $0 + offset },
                                                dx + offset, layout.plane, mean[channel], inverseDeviation[channel],
                                                scale[channel], meanGradient, meanWeighted, training ? 1 : 0)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return [inputGradient,
                weight.requiresGradient ? Tensor(shape: [channels], scalars: sumGradientNormalized.map { Float($0) }) : nil,
                bias.requiresGradient ? Tensor(shape: [channels], scalars: sumGradient.map { Float($0) }) : nil]
    }
}

/// Σ g and Σ g · (x − center) over one channel (g: the output gradient, zero where a fused ReLU's output is not
/// positive), each image's slice summed in Float and the slices in Double.
private func channelGradientSums(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mask: UnsafePointer<Float>?,
                                 layout: ChannelLayout, channel: Int, center: Float) -> (Double, Double) {
    var total = 0.0, weighted = 0.0
    layout.forEachSlice(of: channel) { offset in
        var partialTotal: Float = 0, partialDot: Float = 0
        shears_sum_and_centered_dot(dy + offset, x + offset, mask.map { $0 + offset }, layout.plane, center,
                                    &partialTotal, &partialDot)
        total += Double(partialTotal)
        weighted += Double(partialDot)
    }
    return (total, weighted)
}

/// Where one channel's values lie in an [N, C, plane] tensor: one contiguous slice of `plane` floats per image.
struct ChannelLayout {
    let batch: Int
    let channels: Int
    let plane: Int

    /// Values per channel over the batch.
    var perChannel: Int { batch * plane }

    /// Calls `body` with the offset of each image's slice of `channel`.
    @inline(__always)
    func forEachSlice(of channel: Int, _ body: (Int) -> Void) {
        for image in 0..<batch { body((image * channels + channel) * plane) }
    }
}

extension BatchNormStatistics {
    /// 1 / √(running variance + ε) per channel, as evaluation mode normalises.
    func runningInverseDeviation(epsilon: Float) -> [Float] {
        runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    }

    /// Moves the running statistics towards a batch's; the variance is made unbiased first, as PyTorch does.
    func update(mean: [Double], biasedVariance: [Double], count: Int, momentum: Float) {
        let correction = Double(count) / Double(count - 1)
        runningMean.scalars.withUnsafeMutableBufferPointer { running in
            for channel in running.indices {
                running[channel] = (1 - momentum) * running[channel] + momentum * Float(mean[channel])
            }
        }
        runningVariance.scalars.withUnsafeMutableBufferPointer { running in
            for channel in running.indices {
                running[channel] = (1 - momentum) * running[channel] + momentum * Float(biasedVariance[channel] * correction)
            }
        }
        batchesTracked += 1
    }
}

/// Calls `body` with the tensor's mutable storage, or with nil.
private func withOptionalMutableBuffer<Result>(_ tensor: inout Tensor?,
                                               _ body: (UnsafeMutablePointer<Float>?) -> Result) -> Result {
    guard tensor != nil else { return body(nil) }
    return tensor!.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}

/// Calls `body` with the tensor's storage, or with nil.
private func withOptionalBuffer<Result>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> Result) -> Result {
    guard let tensor else { return body(nil) }
    return tensor.scalars.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// The per-channel mean and biased variance of an [N, C, plane] tensor, two-pass in Double for accuracy.
func channelMeanAndVariance(_ x: Tensor, layout: ChannelLayout) -> ([Double], [Double]) {
    var means = [Double](repeating: 0, count: layout.channels)
    var variances = [Double](repeating: 0, count: layout.channels)
    let perChannel = Double(max(layout.perChannel, 1))
    x.scalars.withUnsafeBufferPointer { source in
        means.withUnsafeMutableBufferPointer { means in
            variances.withUnsafeMutableBufferPointer { variances in
                Parallelism.forEachRange(layout.channels) { channelRange in
                    for channel in channelRange {
                        var total = 0.0
                        layout.forEachSlice(of: channel) { offset in
                            total += Double(shears_sum(source.baseAddress! + offset, layout.plane))
                        }
                        let mean = total / perChannel
                        let center = Float(mean)
                        var squares = 0.0
                        layout.forEachSlice(of: channel) { offset in
                            squares += Double(shears_sum_squared_deviations(source.baseAddress! + offset, layout.plane, center))
                        }
                        means[channel] = mean
                        variances[channel] = squares / perChannel
                    }
                }
            }
        }
    }
    return (means, variances)
}
