import TensorEngine

/// The geometry of a 2-D convolution (groups = 1) that im2col rows are made for.
public struct ConvolutionGeometry: Equatable, Sendable {
    /// Kernel height and width.
    public var kernelSize: (Int, Int)
    /// Vertical and horizontal stride.
    public var stride: (Int, Int)
    /// Zero padding on each side, vertical and horizontal.
    public var padding: (Int, Int)
    /// Vertical and horizontal dilation.
    public var dilation: (Int, Int)

    /// Creates a convolution geometry with PyTorch's defaults (stride 1, no padding, no dilation).
    public init(kernelSize: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                dilation: (Int, Int) = (1, 1)) {
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    /// Two geometries are equal when kernel size, stride, padding and dilation all agree.
    public static func == (lhs: ConvolutionGeometry, rhs: ConvolutionGeometry) -> Bool {
        lhs.kernelSize == rhs.kernelSize && lhs.stride == rhs.stride && lhs.padding == rhs.padding
            && lhs.dilation == rhs.dilation
    }

    /// The output height and width for an input of the given height and width (PyTorch's formula).
    public func outputSize(height: Int, width: Int) -> (Int, Int) {
        let outH = (height + 2 * padding.0 - dilation.0 * (kernelSize.0 - 1) - 1) / stride.0 + 1
        let outW = (width + 2 * padding.1 - dilation.1 * (kernelSize.1 - 1) - 1) / stride.1 + 1
        return (outH, outW)
    }

    /// Checks the geometry against an NCHW input shape, returning the output height and width.
    func validatedOutputSize(inputShape: [Int]) throws -> (Int, Int) {
        guard inputShape.count == 4 else {
            throw LayerwiseError.shapeMismatch("im2col input has shape \(describeShape(inputShape)); expected NCHW (rank 4)")
        }
        guard kernelSize.0 >= 1, kernelSize.1 >= 1, stride.0 >= 1, stride.1 >= 1, dilation.0 >= 1, dilation.1 >= 1,
              padding.0 >= 0, padding.1 >= 0 else {
            throw LayerwiseError.invalidArgument(
                "convolution geometry kernel \(kernelSize), stride \(stride), padding \(padding), dilation \(dilation): "
                    + "expected kernel, stride and dilation ≥ 1 and padding ≥ 0")
        }
        let (outH, outW) = outputSize(height: inputShape[2], width: inputShape[3])
        guard outH >= 1, outW >= 1 else {
            throw LayerwiseError.shapeMismatch(
                "input \(describeShape(inputShape)) is smaller than the dilated kernel \(kernelSize) with padding \(padding)")
        }
        return (outH, outW)
    }
}

/// The im2col ROWS of an NCHW input for a convolution with groups = 1: [N·Hout·Wout, C·kh·kw].
///
/// Row (n·Hout + oh)·Wout + ow holds the receptive field of output pixel (oh, ow) of image n; its column
/// ((c·kh)+y)·kw+x is input channel c at kernel offset (y, x), zero where it falls into the padding. This is the
/// column order of a flattened [out, in, kh, kw] weight, so `rows · Wᵀ` is the convolution's output.
/// - Parameters:
///   - input: the layer's input, [N, C, H, W].
///   - geometry: kernel size, stride, padding and dilation.
/// - Throws: ``LayerwiseError/shapeMismatch(_:)`` when the input is not rank 4 or smaller than the kernel.
public func im2colRows(_ input: Tensor, geometry: ConvolutionGeometry) throws -> Tensor {
    let (outH, outW) = try geometry.validatedOutputSize(inputShape: input.shape)
    let images = input.shape[0], channels = input.shape[1]
    let columns = channels * geometry.kernelSize.0 * geometry.kernelSize.1
    return Tensor(shape: [images * outH * outW, columns]) { target in
        input.scalars.withUnsafeBufferPointer { source in
            fillIm2colRows(source: source, inputShape: input.shape, geometry: geometry,
                           imageRange: 0..<images, target: target)
        }
    }
}

/// Writes the im2col rows of the images in `imageRange` into `target`, which holds
/// imageRange.count·Hout·Wout rows of C·kh·kw columns.
func fillIm2colRows(source: UnsafeBufferPointer<Float>, inputShape: [Int], geometry: ConvolutionGeometry,
                    imageRange: Range<Int>, target: UnsafeMutableBufferPointer<Float>) {
    let channels = inputShape[1], height = inputShape[2], width = inputShape[3]
    let (kh, kw) = geometry.kernelSize
    let (outH, outW) = geometry.outputSize(height: height, width: width)
    let columns = channels * kh * kw
    var row = 0
    for image in imageRange {
        let imageBase = image * channels * height * width
        for oh in 0..<outH {
            for ow in 0..<outW {
                let rowBase = row * columns
                let top = oh * geometry.stride.0 - geometry.padding.0
                let left = ow * geometry.stride.1 - geometry.padding.1
                for channel in 0..<channels {
                    let channelBase = imageBase + channel * height * width
                    for y in 0..<kh {
                        let inY = top + y * geometry.dilation.0
                        let columnBase = rowBase + (channel * kh + y) * kw
                        if inY < 0 || inY >= height {
                            for x in 0..<kw { target[columnBase + x] = 0 }
                            continue
                        }
                        let lineBase = channelBase + inY * width
                        for x in 0..<kw {
                            let inX = left + x * geometry.dilation.1
                            target[columnBase + x] = (inX >= 0 && inX < width) ? source[lineBase + inX] : 0
                        }
                    }
                }
                row += 1
            }
        }
    }
}
