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
/// - Parameters:
///   - input: [N, C, H, W] (or [N, C], treated as H = W = 1).
///   - weight: the scale γ, [C].
///   - bias: the shift β, [C].
///   - statistics: the layer's running statistics, [C] each.
///   - training: whether to use (and update with) batch statistics.
///   - momentum: the weight of the new batch in the running averages.
///   - epsilon: added to the variance for numerical stability.
public func batchNorm2d(_ input: Variable, weight: Variable, bias: Variable, statistics: BatchNormStatistics,
                        training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) -> Variable {
    let x = input.value
    precondition(x.rank == 4 || x.rank == 2, "batchNorm2d: input must be [N, C, H, W], got \(describeShape(x.shape))")
    let batch = x.shape[0], channels = x.shape[1]
    let plane = x.rank == 4 ? x.shape[2] * x.shape[3] : 1
    for (name, tensor) in [("weight", weight.value), ("bias", bias.value),
                           ("running mean", statistics.runningMean), ("running variance", statistics.runningVariance)] {
        precondition(tensor.shape == [channels], "batchNorm2d: \(name) \(describeShape(tensor.shape)) for \(channels) channels")
    }
    let perChannel = batch * plane
    let mean: [Float], inverseDeviation: [Float]
    if training {
        precondition(perChannel > 1, "batchNorm2d: training needs more than one value per channel, got input \(describeShape(x.shape))")
        let (batchMean, batchVariance) = channelMeanAndVariance(x, batch: batch, channels: channels, plane: plane)
        mean = batchMean.map { Float($0) }
        inverseDeviation = batchVariance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
        // Running statistics take the unbiased variance, as PyTorch does.
        let correction = Double(perChannel) / Double(perChannel - 1)
        statistics.runningMean.scalars.withUnsafeMutableBufferPointer { running in
            for channel in 0..<channels {
                running[channel] = (1 - momentum) * running[channel] + momentum * Float(batchMean[channel])
            }
        }
        statistics.runningVariance.scalars.withUnsafeMutableBufferPointer { running in
            for channel in 0..<channels {
                running[channel] = (1 - momentum) * running[channel] + momentum * Float(batchVariance[channel] * correction)
            }
        }
        statistics.batchesTracked += 1
    } else {
        mean = statistics.runningMean.scalars
        inverseDeviation = statistics.runningVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    }

    let gamma = weight.value, beta = bias.value
    // y = x · scale + shift per channel, with scale = γ / σ and shift = β − mean · scale.
    let output = x.scalars.withUnsafeBufferPointer { source in
        Tensor(shape: x.shape) { target in
            Parallelism.forEachRange(channels) { channelRange in
            for channel in channelRange {
                let scale = gamma.scalars[channel] * inverseDeviation[channel]
                let shift = beta.scalars[channel] - mean[channel] * scale
                for image in 0..<batch {
                    let base = (image * channels + channel) * plane
                    for index in base..<(base + plane) { target[index] = source[index] * scale + shift }
                }
            }
            }
        }
    }

    return Variable(value: output, operands: [input, weight, bias]) { gradient in
        // Per channel: Σ dy and Σ dy · x̂, with x̂ = (x − mean) / σ recomputed rather than stored.
        var sumGradient = [Double](repeating: 0, count: channels)
        var sumGradientNormalized = [Double](repeating: 0, count: channels)
        gradient.scalars.withUnsafeBufferPointer { dy in
            x.scalars.withUnsafeBufferPointer { source in
              sumGradient.withUnsafeMutableBufferPointer { sumGradient in
                sumGradientNormalized.withUnsafeMutableBufferPointer { sumGradientNormalized in
                  Parallelism.forEachRange(channels) { channelRange in
                for channel in channelRange {
                    let center = mean[channel], invStd = inverseDeviation[channel]
                    var total = 0.0, weighted = 0.0
                    for image in 0..<batch {
                        let base = (image * channels + channel) * plane
                        let (partialTotal, partialDot) = sumAndCenteredDot(dy.baseAddress! + base, source.baseAddress! + base,
                                                                           count: plane, center: center)
                        total += Double(partialTotal)
                        weighted += Double(partialDot)
                    }
                    sumGradient[channel] = total
                    sumGradientNormalized[channel] = weighted * Double(invStd)
                }
                  }
                }
              }
            }
        }
        var inputGradient: Tensor? = nil
        if input.requiresGradient {
            inputGradient = gradient.scalars.withUnsafeBufferPointer { dy in
                x.scalars.withUnsafeBufferPointer { source in
                    Tensor(shape: x.shape) { dx in
                        Parallelism.forEachRange(channels) { channelRange in
                        for channel in channelRange {
                            let invStd = inverseDeviation[channel], center = mean[channel]
                            let scale = gamma.scalars[channel] * invStd
                            if training {
                                // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)): the batch statistics depend on x too.
                                let meanGradient = Float(sumGradient[channel] / Double(perChannel))
                                let meanWeighted = Float(sumGradientNormalized[channel] / Double(perChannel))
                                for image in 0..<batch {
                                    let base = (image * channels + channel) * plane
                                    for index in base..<(base + plane) {
                                        let normalized = (source[index] - center) * invStd
                                        dx[index] = scale * (dy[index] - meanGradient - normalized * meanWeighted)
                                    }
                                }
                            } else {
                                for image in 0..<batch {
                                    let base = (image * channels + channel) * plane
                                    for index in base..<(base + plane) { dx[index] = scale * dy[index] }
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

/// The per-channel mean and biased variance of an [N, C, plane] tensor, two-pass in Double for accuracy.
func channelMeanAndVariance(_ x: Tensor, batch: Int, channels: Int, plane: Int) -> ([Double], [Double]) {
    var means = [Double](repeating: 0, count: channels)
    var variances = [Double](repeating: 0, count: channels)
    let perChannel = Double(max(batch * plane, 1))
    x.scalars.withUnsafeBufferPointer { source in
      means.withUnsafeMutableBufferPointer { means in
        variances.withUnsafeMutableBufferPointer { variances in
          Parallelism.forEachRange(channels) { channelRange in
        for channel in channelRange {
            var total = 0.0
            for image in 0..<batch {
                total += Double(sumFloats(source.baseAddress! + (image * channels + channel) * plane, count: plane))
            }
            let mean = total / perChannel
            let center = Float(mean)
            var squares = 0.0
            for image in 0..<batch {
                let base = source.baseAddress! + (image * channels + channel) * plane
                squares += Double(sumSquaredDeviations(base, count: plane, center: center))
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
