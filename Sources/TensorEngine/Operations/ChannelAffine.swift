import CTensorKernels

/// A per-channel affine map y = x · scale[c] + shift[c], optionally followed by a rectifier max(y, 0): what an
/// inference-mode batch norm (and the ReLU after it) does to a convolution's output.
///
/// Handed to ``conv2d(_:weight:bias:stride:padding:dilation:groups:then:)``, it is applied to each output plane
/// right after the convolution writes it, while the plane is still in cache, instead of in a second pass over the
/// whole output. The arithmetic is the same as ``batchNorm2d(_:weight:bias:statistics:training:momentum:epsilon:relu:)``
/// in evaluation mode, so the fused result has the same bits.
public struct ChannelAffine: Sendable {
    /// The per-channel factor.
    public var scale: [Float]
    /// The per-channel offset, added after scaling.
    public var shift: [Float]
    /// Whether max(·, 0) follows (NaN becomes 0, as in the fused batch norm).
    public var rectify: Bool

    /// Creates the map; `scale` and `shift` must have one entry per channel.
    public init(scale: [Float], shift: [Float], rectify: Bool) {
        precondition(scale.count == shift.count,
                     "ChannelAffine: \(scale.count) scales but \(shift.count) shifts; expected one of each per channel")
        self.scale = scale
        self.shift = shift
        self.rectify = rectify
    }

    /// The map a batch norm applies in evaluation mode: scale = γ / √(running variance + ε) and
    /// shift = β − running mean · scale.
    /// - Parameters:
    ///   - statistics: The layer's running statistics.
    ///   - weight: γ, one per channel.
    ///   - bias: β, one per channel.
    ///   - epsilon: Added to the variance before the square root.
    ///   - rectify: Whether a ReLU follows the batch norm.
    public init(batchNorm statistics: BatchNormStatistics, weight: Tensor, bias: Tensor, epsilon: Float,
                rectify: Bool) {
        self.init(normalizingWith: statistics.runningMean.scalars,
                  inverseDeviation: statistics.runningInverseDeviation(epsilon: epsilon),
                  gamma: weight.scalars, beta: bias.scalars, rectify: rectify)
    }

    /// scale = γ · inverseDeviation and shift = β − mean · scale, per channel: the one place batch norm's affine
    /// coefficients are computed, so that the fused and the separate paths round alike.
    init(normalizingWith mean: [Float], inverseDeviation: [Float], gamma: [Float], beta: [Float], rectify: Bool) {
        let channels = gamma.count
        precondition(mean.count == channels && inverseDeviation.count == channels && beta.count == channels,
                     "ChannelAffine: per-channel vectors of different lengths")
        let scale = (0..<channels).map { gamma[$0] * inverseDeviation[$0] }
        let shift = (0..<channels).map { beta[$0] - mean[$0] * scale[$0] }
        self.init(scale: scale, shift: shift, rectify: rectify)
    }

    /// The number of channels the map is for.
    public var channels: Int { scale.count }

    /// Applies the map for `channel` to `count` floats at `plane`, in place.
    func apply(toPlane plane: UnsafeMutablePointer<Float>, count: Int, channel: Int) {
        shears_scale_shift_in_place(plane, count, scale[channel], shift[channel], rectify ? 1 : 0)
    }

    /// Applies the map for `channel` to `count` floats from `source`, writing them to `target`.
    func apply(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int, channel: Int) {
        shears_scale_shift(source, target, count, scale[channel], shift[channel], rectify ? 1 : 0)
    }

    /// Applies the map to every plane of an [N, C, …] tensor, in place.
    func apply(to tensor: inout Tensor) {
        let batch = tensor.shape[0], channels = tensor.shape[1]
        precondition(channels == self.channels, "ChannelAffine: \(self.channels) channels for a tensor of \(channels)")
        let plane = batch * channels == 0 ? 0 : tensor.count / (batch * channels)
        tensor.scalars.withUnsafeMutableBufferPointer { y in
            for image in 0..<batch {
                for channel in 0..<channels {
                    apply(toPlane: y.baseAddress! + (image * channels + channel) * plane, count: plane, channel: channel)
                }
            }
        }
    }
}
