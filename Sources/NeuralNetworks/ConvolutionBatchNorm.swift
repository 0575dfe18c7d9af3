import TensorEngine

extension Conv2d {
    /// `norm(self(input))`, then `relu` when given: in inference, one pass in which the batch norm's affine map (and
    /// the rectifier) is applied to each output plane as the convolution writes it; otherwise through the layers.
    ///
    /// The fused pass runs only when nothing can tell the difference: evaluation mode, no gradient being recorded,
    /// and no observer that must see each layer's input (layer-wise calibration). Its output has the same bits as
    /// the layers run one after another.
    ///
    /// - Parameters:
    ///   - norm: The batch norm that follows this convolution.
    ///   - relu: The rectifier after the batch norm, or nil.
    ///   - input: The input batch.
    ///   - context: The forward context.
    public func followed(by norm: BatchNorm2d, _ relu: ReLU?, _ input: Variable,
                         context: inout ForwardContext) -> Variable {
        guard !context.training, context.inputObserver == nil, !GradientTape.isRecording else {
            let convolved = self(input, context: &context)
            return relu.map { norm.followed(by: $0, convolved, context: &context) } ?? norm(convolved, context: &context)
        }
        let affine = ChannelAffine(batchNorm: norm.statistics, weight: norm.weight.value, bias: norm.bias.value,
                                   epsilon: norm.epsilon, rectify: relu != nil)
        return Variable(conv2d(input.value, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
                               dilation: dilation, groups: groups, then: affine))
    }
}
