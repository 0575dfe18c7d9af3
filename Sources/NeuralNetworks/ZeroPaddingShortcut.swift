import TensorEngine

/// The parameter-free "option A" shortcut of He et al.'s CIFAR ResNets: keep every `stride`-th pixel and pad
/// the channels with zeros (`F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, p, p))` in the usual PyTorch code).
public final class ZeroPaddingShortcut: Layer {
    /// Pixel step in both directions.
    public let stride: Int
    /// Zero channels added before the input's channels.
    public let channelsBefore: Int
    /// Zero channels added after the input's channels.
    public let channelsAfter: Int

    /// Creates the shortcut.
    /// - Parameters:
    ///   - stride: Pixel step.
    ///   - channelsBefore: Zero channels in front.
    ///   - channelsAfter: Zero channels behind.
    public init(stride: Int, channelsBefore: Int, channelsAfter: Int) {
        precondition(stride > 0 && channelsBefore >= 0 && channelsAfter >= 0, "ZeroPaddingShortcut: invalid sizes")
        self.stride = stride
        self.channelsBefore = channelsBefore
        self.channelsAfter = channelsAfter
    }

    /// Subsamples and pads an [N, C, H, W] batch to [N, before + C + after, ⌈H/s⌉, ⌈W/s⌉].
    public func forward(_ input: Variable, context: inout ForwardContext) -> Variable {
        let shape = input.value.shape
        precondition(shape.count == 4, "ZeroPaddingShortcut needs NCHW input, got \(describeShape(shape))")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (s, before) = (stride, channelsBefore)
        let outC = before + c + channelsAfter
        let outH = (h + s - 1) / s, outW = (w + s - 1) / s
        var output = Tensor.zeros([n, outC, outH, outW])
        input.value.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for image in 0..<n {
                    for channel in 0..<c {
                        let source = (image * c + channel) * h * w
                        let target = (image * outC + before + channel) * outH * outW
                        for row in 0..<outH {
                            for column in 0..<outW { y[target + row * outW + column] = x[source + row * s * w + column * s] }
                        }
                    }
                }
            }
        }
        return Variable(value: output, operands: [input]) { gradient in
            var inputGradient = Tensor.zeros(shape)
            gradient.scalars.withUnsafeBufferPointer { g in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for image in 0..<n {
                        for channel in 0..<c {
                            let source = (image * outC + before + channel) * outH * outW
                            let target = (image * c + channel) * h * w
                            for row in 0..<outH {
                                for column in 0..<outW { dx[target + row * s * w + column * s] = g[source + row * outW + column] }
                            }
                        }
                    }
                }
            }
            return [inputGradient]
        }
    }
}
