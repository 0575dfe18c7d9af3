import Foundation
import TensorEngine

/// Random image transformations applied while batching, drawn per (seed, epoch) so a resumed run repeats them.
public struct Augmentation: Equatable, Sendable {
    /// Pixels of zero padding on each side before a random crop back to the original size; 0 turns cropping off.
    ///
    /// The padding value is 0 in the stored space, i.e. the training mean once data are standardised.
    public var cropPadding: Int
    /// Whether to mirror each image left–right with probability ½.
    public var horizontalFlip: Bool

    /// Describes an augmentation.
    /// - Parameters:
    ///   - cropPadding: padding for the random crop (≥ 0; 0 = no crop).
    ///   - horizontalFlip: whether to flip at random.
    public init(cropPadding: Int = 0, horizontalFlip: Bool = false) {
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
    }

    /// No augmentation.
    public static let none = Augmentation()
    /// The usual CIFAR recipe: random crop with padding 4 and a random horizontal flip.
    public static let cifar = Augmentation(cropPadding: 4, horizontalFlip: true)

    /// Whether this augmentation changes anything.
    public var isIdentity: Bool { cropPadding == 0 && !horizontalFlip }
}

/// The random choices for one sample: where to crop and whether to flip.
struct SampleTransform: Equatable {
    /// Shift of the crop window from the centre, each in `-padding...padding`.
    var shiftY = 0, shiftX = 0
    var flip = false

    /// Draws a transform for `augmentation`.
    static func draw(_ augmentation: Augmentation, generator: inout SeededGenerator) -> SampleTransform {
        var transform = SampleTransform()
        let padding = augmentation.cropPadding
        if padding > 0 {
            let span = UInt64(2 * padding + 1)
            transform.shiftY = Int(generator.next() % span) - padding
            transform.shiftX = Int(generator.next() % span) - padding
        }
        if augmentation.horizontalFlip { transform.flip = generator.next() >> 63 == 1 }
        return transform
    }
}

/// Writes one transformed [C, H, W] image: output(c, y, x) = input(c, y + shiftY, x' + shiftX), with
/// x' = W − 1 − x when flipping and zero outside the input (the padding).
func transformImage(from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>,
                    channels: Int, height: Int, width: Int, transform: SampleTransform) {
    // The columns x whose source column x + shiftX lies inside the image, before flipping.
    let firstColumn = max(0, -transform.shiftX)
    let lastColumn = min(width, width - transform.shiftX)  // exclusive
    for channel in 0..<channels {
        for y in 0..<height {
            let output = destination + (channel * height + y) * width
            let sourceY = y + transform.shiftY
            guard sourceY >= 0, sourceY < height, firstColumn < lastColumn else {
                output.initialize(repeating: 0, count: width)
                continue
            }
            let input = source + (channel * height + sourceY) * width
            if !transform.flip {
                output.initialize(repeating: 0, count: firstColumn)
                (output + firstColumn).initialize(from: input + firstColumn + transform.shiftX, count: lastColumn - firstColumn)
                (output + lastColumn).initialize(repeating: 0, count: width - lastColumn)
            } else {
                // Crop first (into columns x), then mirror: column x of the crop lands at W − 1 − x.
                for x in 0..<width {
                    let value = (x >= firstColumn && x < lastColumn) ? input[x + transform.shiftX] : 0
                    output[width - 1 - x] = value
                }
            }
        }
    }
}
