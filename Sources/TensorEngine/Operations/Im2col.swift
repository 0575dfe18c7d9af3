import CTensorKernels

/// The shape arithmetic of one 2-D convolution and the im2col / col2im transforms that turn it into GEMMs.
///
/// The column matrix of a run of `imageCount` consecutive images has `patchSize = C_in·kh·kw` rows, ordered
/// (channel, kernel row, kernel column) exactly like a flattened PyTorch weight row, and `imageCount · H_out · W_out`
/// columns, image-major. Group `g` owns the rows `g·groupPatchSize ..< (g+1)·groupPatchSize`, because a group's
/// input channels are consecutive.
struct ConvolutionGeometry {
    let batch: Int
    let inChannels: Int
    let height: Int
    let width: Int
    let outChannels: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let strideH: Int
    let strideW: Int
    let paddingH: Int
    let paddingW: Int
    let dilationH: Int
    let dilationW: Int
    let groups: Int
    let outHeight: Int
    let outWidth: Int

    /// Checks that an input and a weight fit together; violations are programmer errors.
    init(input: [Int], weight: [Int], stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), groups: Int) {
        precondition(input.count == 4, "conv2d: input must be [N, C, H, W], got \(describeShape(input))")
        precondition(weight.count == 4, "conv2d: weight must be [C_out, C_in / groups, kh, kw], got \(describeShape(weight))")
        precondition(groups >= 1, "conv2d: groups must be at least 1, got \(groups)")
        precondition(stride.0 >= 1 && stride.1 >= 1, "conv2d: stride must be positive, got \(stride)")
        precondition(dilation.0 >= 1 && dilation.1 >= 1, "conv2d: dilation must be positive, got \(dilation)")
        precondition(padding.0 >= 0 && padding.1 >= 0, "conv2d: padding must not be negative, got \(padding)")
        precondition(input[1] == weight[1] * groups,
                     "conv2d: input \(describeShape(input)) has \(input[1]) channels, weight \(describeShape(weight)) with \(groups) group(s) expects \(weight[1] * groups)")
        precondition(weight[0] % groups == 0, "conv2d: \(weight[0]) output channels are not divisible by \(groups) groups")
        batch = input[0]; inChannels = input[1]; height = input[2]; width = input[3]
        outChannels = weight[0]; kernelHeight = weight[2]; kernelWidth = weight[3]
        (strideH, strideW) = stride
        (paddingH, paddingW) = padding
        (dilationH, dilationW) = dilation
        self.groups = groups
        let spanH = dilationH * (kernelHeight - 1) + 1, spanW = dilationW * (kernelWidth - 1) + 1
        precondition(kernelHeight >= 1 && kernelWidth >= 1 && height + 2 * paddingH >= spanH && width + 2 * paddingW >= spanW,
                     "conv2d: kernel \(kernelHeight)x\(kernelWidth) (dilation \(dilation)) does not fit input \(describeShape(input)) with padding \(padding)")
        outHeight = (height + 2 * paddingH - spanH) / strideH + 1
        outWidth = (width + 2 * paddingW - spanW) / strideW + 1
    }

    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }
    var groupInChannels: Int { inChannels / groups }
    var groupOutChannels: Int { outChannels / groups }
    var kernelArea: Int { kernelHeight * kernelWidth }
    /// Rows of the column matrix (all groups).
    var patchSize: Int { inChannels * kernelArea }
    /// Rows of one group's part of the column matrix, and the length of one weight row.
    var groupPatchSize: Int { groupInChannels * kernelArea }
    var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }

    /// A 1x1, stride-1, unpadded convolution: an image's [C_in, H·W] block already is its column matrix.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideH == 1 && strideW == 1 && paddingH == 0 && paddingW == 0
    }

    /// The output columns `lo ..< hi` whose input column `ow·stride − padding + offset` lies inside the image.
    @inline(__always)
    func validOutputRange(offset: Int, stride: Int, padding: Int, extent: Int, outExtent: Int) -> (Int, Int) {
        // The smallest ow with ow·stride ≥ padding − offset, and the smallest with ow·stride ≥ extent + padding − offset.
        let lowBound = padding - offset
        let lo = lowBound <= 0 ? 0 : (lowBound + stride - 1) / stride
        let highBound = extent + padding - offset
        let hi = highBound <= 0 ? 0 : (highBound + stride - 1) / stride
        let clampedLo = min(lo, outExtent)
        return (clampedLo, max(clampedLo, min(hi, outExtent)))
    }

    /// Writes the column matrix of images `firstImage ..< firstImage + imageCount` into `columns` (leading dimension
    /// `imageCount · outPlane`), zero where the kernel reads padding.
    ///
    /// Rows are often only 4 to 32 floats long, so the valid row and column ranges are computed once per kernel tap
    /// and the inner loops are plain loops (in CTensorKernels, vectorised for the CPU), not memcpy / memset calls
    /// whose overhead would dominate.
    func im2col(input: UnsafePointer<Float>, firstImage: Int, imageCount: Int, columns: UnsafeMutablePointer<Float>) {
        let leading = imageCount * outPlane
        let outWidth = self.outWidth, width = self.width, strideW = self.strideW
        for channel in 0..<inChannels {
            for kernelRow in 0..<kernelHeight {
                let rowOffset = kernelRow * dilationH
                let (rowLo, rowHi) = validOutputRange(offset: rowOffset, stride: strideH, padding: paddingH,
                                                      extent: height, outExtent: outHeight)
                for kernelColumn in 0..<kernelWidth {
                    let columnOffset = kernelColumn * dilationW
                    let (lo, hi) = validOutputRange(offset: columnOffset, stride: strideW, padding: paddingW,
                                                    extent: width, outExtent: outWidth)
                    let row = (channel * kernelHeight + kernelRow) * kernelWidth + kernelColumn
                    var target = columns + row * leading
                    for image in firstImage..<(firstImage + imageCount) {
                        // Indexed by output position: input (r, c) = (oh·sH + rowOffset − pH, ow·sW + columnOffset − pW).
                        let origin = input + (image * inChannels + channel) * inPlane
                            + (rowOffset - paddingH) * width + (columnOffset - paddingW)
                        shears_im2col_tap(origin, strideH * width, strideW, outHeight, outWidth, rowLo, rowHi, lo, hi, target)
                        target += outPlane
                    }
                }
            }
        }
    }

    /// Adds the column-matrix gradient of images `firstImage ..< firstImage + imageCount` back onto the input
    /// gradient (the adjoint of ``im2col``); padding positions are dropped.
    func col2imAccumulate(columns: UnsafePointer<Float>, firstImage: Int, imageCount: Int,
                          inputGradient: UnsafeMutablePointer<Float>) {
        let leading = imageCount * outPlane
        let outWidth = self.outWidth, width = self.width, strideW = self.strideW
        for channel in 0..<inChannels {
            for kernelRow in 0..<kernelHeight {
                let rowOffset = kernelRow * dilationH
                let (rowLo, rowHi) = validOutputRange(offset: rowOffset, stride: strideH, padding: paddingH,
                                                      extent: height, outExtent: outHeight)
                for kernelColumn in 0..<kernelWidth {
                    let columnOffset = kernelColumn * dilationW
                    let (lo, hi) = validOutputRange(offset: columnOffset, stride: strideW, padding: paddingW,
                                                    extent: width, outExtent: outWidth)
                    let row = (channel * kernelHeight + kernelRow) * kernelWidth + kernelColumn
                    var source = columns + row * leading
                    for image in firstImage..<(firstImage + imageCount) {
                        let origin = inputGradient + (image * inChannels + channel) * inPlane
                            + (rowOffset - paddingH) * width + (columnOffset - paddingW)
                        shears_col2im_tap(source, strideH * width, strideW, outWidth, rowLo, rowHi, lo, hi, origin)
                        source += outPlane
                    }
                }
            }
        }
    }
}
