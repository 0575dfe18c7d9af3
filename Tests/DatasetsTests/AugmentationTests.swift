import Foundation
import Testing
import TensorEngine
@testable import Datasets

@Suite("Random crop and flip")
struct AugmentationTests {
    /// A 1×3×4 image with pixel (y, x) = 1 + 10·y + x, so every value says where it came from.
    static let image: [Float] = [1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24]

    static func transformed(_ transform: SampleTransform) -> [Float] {
        var output = [Float](repeating: -1, count: 12)
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                transformImage(from: source.baseAddress!, to: destination.baseAddress!,
                               channels: 1, height: 3, width: 4, transform: transform)
            }
        }
        return output
    }

    @Test("a shifted crop moves the content and pads with zeros")
    func crop() {
        #expect(Self.transformed(SampleTransform()) == Self.image)
        // Window moved one row down and two columns right: output(y, x) = input(y + 1, x + 2).
        #expect(Self.transformed(SampleTransform(shiftY: 1, shiftX: 2)) == [13, 14, 0, 0,
                                                                             23, 24, 0, 0,
                                                                             0, 0, 0, 0])
        #expect(Self.transformed(SampleTransform(shiftY: -1, shiftX: -1)) == [0, 0, 0, 0,
                                                                               0, 1, 2, 3,
                                                                               0, 11, 12, 13])
        // A shift beyond the width leaves nothing.
        #expect(Self.transformed(SampleTransform(shiftY: 0, shiftX: 5)) == [Float](repeating: 0, count: 12))
    }

    @Test("a flip mirrors each row, after the crop")
    func flip() {
        #expect(Self.transformed(SampleTransform(flip: true)) == [4, 3, 2, 1, 14, 13, 12, 11, 24, 23, 22, 21])
        #expect(Self.transformed(SampleTransform(shiftY: 0, shiftX: 1, flip: true)) == [0, 4, 3, 2,
                                                                                         0, 14, 13, 12,
                                                                                         0, 24, 23, 22])
    }

    @Test("augmented batches keep the shape, are deterministic per (seed, epoch) and change across epochs")
    func augmentedBatches() throws {
        let data = try DatasetSplits.synthetic(seed: 1, trainCount: 16, testCount: 1, channels: 3, height: 8, width: 8).train
        let plain = Array(try data.batches(size: 16, shuffleSeed: 4, epoch: 0))
        let augmented = Array(try data.batches(size: 16, shuffleSeed: 4, epoch: 0, augmentation: .cifar))
        let again = Array(try data.batches(size: 16, shuffleSeed: 4, epoch: 0, augmentation: .cifar))
        let nextEpoch = Array(try data.batches(size: 16, shuffleSeed: 4, epoch: 1, augmentation: .cifar))
        #expect(augmented[0].images.shape == [16, 3, 8, 8])
        #expect(augmented == again)
        // Augmentation changes pixels but not which samples are served, nor their order.
        #expect(augmented[0].sampleIndices == plain[0].sampleIndices)
        #expect(augmented[0].labels == plain[0].labels)
        #expect(augmented[0].images != plain[0].images)
        #expect(nextEpoch[0].images != augmented[0].images)
        // With 9×9 shifts and 2 flips per sample, the chance that all 16 draws are the identity is nil.
        let transforms = try data.batches(size: 4, shuffleSeed: 4, epoch: 0, augmentation: .cifar).transforms
        #expect(transforms.contains { $0.flip } && transforms.contains { !$0.flip })
        #expect(transforms.allSatisfy { abs($0.shiftX) <= 4 && abs($0.shiftY) <= 4 })
        #expect(transforms.contains { $0.shiftX != 0 || $0.shiftY != 0 })
    }

    @Test("each served image equals the transform of its source image")
    func servedImagesMatchTransform() throws {
        let data = try DatasetSplits.synthetic(seed: 2, trainCount: 6, testCount: 1, channels: 2, height: 5, width: 6).train
        let batches = try data.batches(size: 4, shuffleSeed: 9, epoch: 2, augmentation: .cifar)
        let size = data.imageSize
        for batch in batches {
            for (row, index) in batch.sampleIndices.enumerated() {
                var expected = [Float](repeating: 0, count: size)
                data.images.scalars.withUnsafeBufferPointer { source in
                    expected.withUnsafeMutableBufferPointer { destination in
                        transformImage(from: source.baseAddress! + index * size, to: destination.baseAddress!,
                                       channels: 2, height: 5, width: 6, transform: batches.transforms[index])
                    }
                }
                #expect(Array(batch.images.scalars[(row * size)..<((row + 1) * size)]) == expected)
            }
        }
    }
}
