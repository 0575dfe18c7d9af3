// TEMPORARY: the signatures of the operations the ops helper is implementing. The helper replaces this
// file with real implementations in Convolution.swift, Pooling.swift, BatchNorm.swift, Dropout.swift,
// SoftmaxCrossEntropy.swift, and deletes it.

/// 2-D convolution, PyTorch semantics. input [N, C_in, H, W], weight [C_out, C_in / groups, kh, kw], bias [C_out].
public func conv2d(_ input: Variable, weight: Variable, bias: Variable?,
                   stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                   dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Variable { fatalError("pending") }

/// Max pooling, PyTorch semantics (padding with -inf).
public func maxPool2d(_ input: Variable, kernelSize: (Int, Int), stride: (Int, Int),
                      padding: (Int, Int) = (0, 0)) -> Variable { fatalError("pending") }

/// Average pooling, PyTorch semantics (count_include_pad = true).
public func avgPool2d(_ input: Variable, kernelSize: (Int, Int), stride: (Int, Int),
                      padding: (Int, Int) = (0, 0)) -> Variable { fatalError("pending") }

/// Global average pooling: [N, C, H, W] → [N, C, 1, 1].
public func globalAvgPool2d(_ input: Variable) -> Variable { fatalError("pending") }

/// Running statistics of a batch-norm layer, updated in place in training mode (PyTorch: unbiased variance).
public final class BatchNormStatistics {
    public var runningMean: Tensor
    public var runningVariance: Tensor
    public var batchesTracked: Int = 0
    public init(channels: Int) {
        runningMean = Tensor.zeros([channels])
        runningVariance = Tensor(repeating: 1, shape: [channels])
    }
}

/// Batch normalisation over (N, H, W) per channel; in training mode it uses batch statistics and updates `statistics`.
public func batchNorm2d(_ input: Variable, weight: Variable, bias: Variable, statistics: BatchNormStatistics,
                        training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) -> Variable { fatalError("pending") }

/// Inverted dropout: in training, zeroes each element with `probability` and scales the rest by 1 / (1 − p).
public func dropout(_ input: Variable, probability: Float, training: Bool,
                    generator: inout SeededGenerator) -> Variable { fatalError("pending") }

/// Fused log-softmax + negative log-likelihood over logits [N, classes]; the mean over the batch, rank 0.
public func softmaxCrossEntropy(logits: Variable, labels: [Int32]) -> Variable { fatalError("pending") }

extension Tensor {
    /// Row-wise softmax of a [N, classes] tensor.
    public func softmaxRows() -> Tensor { fatalError("pending") }
    /// The index of the largest element of each row of a [N, classes] tensor.
    public func argmaxRows() -> [Int] { fatalError("pending") }
}
