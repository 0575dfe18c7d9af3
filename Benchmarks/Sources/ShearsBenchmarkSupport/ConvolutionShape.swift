/// The size of one GEMM, C[m×n] = A[m×k] · B[k×n], and the layouts the convolution uses for it.
public struct GEMMShape: Hashable, Sendable, CustomStringConvertible {
    /// Rows of op(A) and C.
    public var m: Int
    /// Columns of op(B) and C.
    public var n: Int
    /// The shared dimension.
    public var k: Int
    /// Whether A is stored transposed (k×m).
    public var transposeA: Bool
    /// Whether B is stored transposed (n×k).
    public var transposeB: Bool

    /// Describes a GEMM.
    /// - Parameters:
    ///   - m: Rows of C.
    ///   - n: Columns of C.
    ///   - k: The shared dimension.
    ///   - transposeA: A stored as k×m.
    ///   - transposeB: B stored as n×k.
    public init(m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false) {
        self.m = m
        self.n = n
        self.k = k
        self.transposeA = transposeA
        self.transposeB = transposeB
    }

    /// Floating-point operations: one multiply and one add per term, 2·m·n·k.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    public var description: String {
        "\(m)×\(k)\(transposeA ? "ᵀ" : "") · \(k)×\(n)\(transposeB ? "ᵀ" : "")"
    }
}

/// One convolution layer at a batch size, with the three GEMMs that im2col turns it into.
///
/// With P = C_in·kh·kw (a patch) and L = N·H_out·W_out (all output positions of the batch):
/// - forward: Y[C_out, L] = W[C_out, P] · cols[P, L];
/// - weight gradient: dW[C_out, P] = dY[C_out, L] · colsᵀ[L, P];
/// - input gradient: dcols[P, L] = Wᵀ[P, C_out] · dY[C_out, L] (then col2im).
public struct ConvolutionShape: Hashable, Sendable, CustomStringConvertible {
    /// A short label, e.g. `lenet5.conv1`.
    public var name: String
    /// Images per batch.
    public var batch: Int
    /// Input channels.
    public var inChannels: Int
    /// Output channels.
    public var outChannels: Int
    /// Input height and width (square).
    public var size: Int
    /// Kernel side (square).
    public var kernel: Int
    /// Step between output positions.
    public var stride: Int
    /// Zero padding on each side.
    public var padding: Int

    /// Describes a convolution.
    public init(name: String, batch: Int, inChannels: Int, outChannels: Int, size: Int, kernel: Int,
                stride: Int = 1, padding: Int = 0) {
        self.name = name
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.size = size
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// Output height and width.
    public var outSize: Int { (size + 2 * padding - kernel) / stride + 1 }
    /// P = C_in·kh·kw.
    public var patch: Int { inChannels * kernel * kernel }
    /// L = N·H_out·W_out.
    public var positions: Int { batch * outSize * outSize }

    /// [N, C_in, H, W].
    public var inputShape: [Int] { [batch, inChannels, size, size] }
    /// [C_out, C_in, kh, kw].
    public var weightShape: [Int] { [outChannels, inChannels, kernel, kernel] }
    /// [N, C_out, H_out, W_out].
    public var outputShape: [Int] { [batch, outChannels, outSize, outSize] }

    /// The forward GEMM.
    public var forwardGEMM: GEMMShape { GEMMShape(m: outChannels, n: positions, k: patch) }
    /// The weight-gradient GEMM (B transposed).
    public var weightGradientGEMM: GEMMShape { GEMMShape(m: outChannels, n: patch, k: positions, transposeB: true) }
    /// The input-gradient GEMM (A transposed).
    public var inputGradientGEMM: GEMMShape { GEMMShape(m: patch, n: positions, k: outChannels, transposeA: true) }

    /// Floating-point operations of the forward pass (the forward GEMM).
    public var forwardFlops: Double { forwardGEMM.flops }
    /// Floating-point operations of the backward pass (weight and input gradients).
    public var backwardFlops: Double { weightGradientGEMM.flops + inputGradientGEMM.flops }

    public var description: String {
        "\(name) \(inChannels)→\(outChannels) \(kernel)×\(kernel) @\(size)×\(size) batch \(batch)"
    }

    /// LeNet-5's two convolutions on 28×28 Fashion-MNIST, batch 128.
    public static let lenet5: [ConvolutionShape] = [
        ConvolutionShape(name: "lenet5.conv1", batch: 128, inChannels: 1, outChannels: 6, size: 28, kernel: 5, padding: 2),
        ConvolutionShape(name: "lenet5.conv2", batch: 128, inChannels: 6, outChannels: 16, size: 14, kernel: 5),
    ]

    /// The 3×3 convolutions of CIFAR ResNet-18's four stages, batch 32.
    public static let resnet18: [ConvolutionShape] = [
        ConvolutionShape(name: "resnet18.layer1", batch: 32, inChannels: 64, outChannels: 64, size: 32, kernel: 3, padding: 1),
        ConvolutionShape(name: "resnet18.layer2", batch: 32, inChannels: 128, outChannels: 128, size: 16, kernel: 3, padding: 1),
        ConvolutionShape(name: "resnet18.layer3", batch: 32, inChannels: 256, outChannels: 256, size: 8, kernel: 3, padding: 1),
        ConvolutionShape(name: "resnet18.layer4", batch: 32, inChannels: 512, outChannels: 512, size: 4, kernel: 3, padding: 1),
    ]

    /// Every shape the benchmarks and figures use.
    public static let all = lenet5 + resnet18
}
