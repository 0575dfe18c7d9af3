import Foundation
import TensorEngine

/// One mini-batch: images [B, C, H, W] and their labels.
public struct Batch: Equatable, Sendable {
    /// The images, [B, C, H, W].
    public var images: Tensor
    /// One label per image.
    public var labels: [Int32]
    /// The position of each image in the source set (before augmentation), for bookkeeping and tests.
    public var sampleIndices: [Int]

    /// The number of samples in the batch.
    public var count: Int { labels.count }
}

/// The mini-batches of one epoch over a `LabeledImages`, in an order fixed by (seed, epoch) alone.
///
/// Because nothing but the seed and the epoch number decides the order and the augmentation, a run resumed at
/// epoch e sees exactly the batches it would have seen without stopping, with no generator state saved.
public struct Batches: Sequence, Sendable {
    /// The set the batches are taken from.
    public let source: LabeledImages
    /// The number of samples per batch (the last one may be smaller unless `dropLast`).
    public let batchSize: Int
    /// Whether a final batch smaller than `batchSize` is left out.
    public let dropLast: Bool
    /// The sample positions of the epoch, in the order they are served.
    public let order: [Int]
    /// The augmentation applied to each served image.
    public let augmentation: Augmentation
    /// The transform of each sample, indexed by sample position; empty without augmentation.
    let transforms: [SampleTransform]

    /// Prepares one epoch of batches.
    /// - Parameters:
    ///   - source: the set to batch.
    ///   - size: samples per batch, ≥ 1.
    ///   - dropLast: whether to leave out a final partial batch.
    ///   - shuffleSeed: the seed of the shuffle; `nil` serves samples in stored order.
    ///   - epoch: the epoch number, ≥ 0; with the seed it decides the order and the augmentation.
    ///   - augmentation: random crops/flips to apply (drawn from `shuffleSeed ?? 0` and `epoch`).
    /// - Throws: `DatasetError.invalidArgument` for a batch size < 1, a negative epoch or crop padding.
    public init(_ source: LabeledImages, size: Int, dropLast: Bool = false, shuffleSeed: UInt64? = nil,
                epoch: Int = 0, augmentation: Augmentation = .none) throws {
        guard size >= 1 else {
            throw DatasetError.invalidArgument("batch size \(size) for \(source.name), expected at least 1")
        }
        guard epoch >= 0 else {
            throw DatasetError.invalidArgument("epoch \(epoch) for \(source.name), expected 0 or more")
        }
        guard augmentation.cropPadding >= 0 else {
            throw DatasetError.invalidArgument("crop padding \(augmentation.cropPadding), expected 0 or more")
        }
        self.source = source
        self.batchSize = size
        self.dropLast = dropLast
        self.augmentation = augmentation
        // Separate streams for the order and for augmentation, so turning augmentation on keeps the order.
        let root = SeededGenerator(seed: shuffleSeed ?? 0)
        if let _ = shuffleSeed {
            var shuffle = root.derived(stream: UInt64(epoch) &* 2)
            order = seededPermutation(count: source.count, generator: &shuffle)
        } else {
            order = Array(0..<source.count)
        }
        if augmentation.isIdentity {
            transforms = []
        } else {
            // Drawn by sample position, so a sample's transform does not depend on the batch size.
            var random = root.derived(stream: UInt64(epoch) &* 2 &+ 1)
            transforms = (0..<source.count).map { _ in SampleTransform.draw(augmentation, generator: &random) }
        }
    }

    /// The number of batches in the epoch.
    public var count: Int {
        dropLast ? source.count / batchSize : (source.count + batchSize - 1) / batchSize
    }

    /// The batch at position `index` in `0..<count`.
    public func batch(at index: Int) -> Batch {
        precondition(index >= 0 && index < count, "batch \(index) outside 0..<\(count)")
        let start = index * batchSize
        let indices = Array(order[start..<Swift.min(start + batchSize, order.count)])
        return assemble(indices)
    }

    /// Gathers (and augments) the samples at `indices` into one batch.
    func assemble(_ indices: [Int]) -> Batch {
        let imageShape = source.imageShape
        let rowSize = source.imageSize
        let images = Tensor(shape: [indices.count] + imageShape) { destination in
            source.images.scalars.withUnsafeBufferPointer { sourceBuffer in
                if transforms.isEmpty {
                    copyRows(from: sourceBuffer, to: destination, indices: indices, rowSize: rowSize)
                    return
                }
                guard let sourceBase = sourceBuffer.baseAddress, let destinationBase = destination.baseAddress else { return }
                for (row, index) in indices.enumerated() {
                    transformImage(from: sourceBase + index * rowSize, to: destinationBase + row * rowSize,
                                   channels: imageShape[0], height: imageShape[1], width: imageShape[2],
                                   transform: transforms[index])
                }
            }
        }
        let labels = source.labels
        return Batch(images: images, labels: indices.map { labels[$0] }, sampleIndices: indices)
    }

    public var underestimatedCount: Int { count }

    public func makeIterator() -> Iterator { Iterator(batches: self) }

    /// Serves the batches of an epoch one after another.
    public struct Iterator: IteratorProtocol {
        let batches: Batches
        var position = 0

        public mutating func next() -> Batch? {
            guard position < batches.count else { return nil }
            defer { position += 1 }
            return batches.batch(at: position)
        }
    }
}

extension LabeledImages {
    /// The mini-batches of one epoch; the order and augmentation depend only on (`shuffleSeed`, `epoch`).
    /// - Parameters:
    ///   - size: samples per batch, ≥ 1.
    ///   - dropLast: whether to leave out a final partial batch.
    ///   - shuffleSeed: the seed of the shuffle; `nil` serves samples in stored order.
    ///   - epoch: the epoch number, ≥ 0.
    ///   - augmentation: random crops/flips to apply, e.g. `.cifar`.
    /// - Throws: `DatasetError.invalidArgument` for a batch size < 1, a negative epoch or crop padding.
    public func batches(size: Int, dropLast: Bool = false, shuffleSeed: UInt64? = nil, epoch: Int = 0,
                        augmentation: Augmentation = .none) throws -> Batches {
        try Batches(self, size: size, dropLast: dropLast, shuffleSeed: shuffleSeed, epoch: epoch,
                    augmentation: augmentation)
    }
}
