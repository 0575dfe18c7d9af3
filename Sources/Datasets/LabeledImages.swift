import Foundation
import TensorEngine

/// A set of images with one class label each: the unit every loader returns and every batcher reads.
public struct LabeledImages: Equatable, Sendable {
    /// A short name for reports and error messages, e.g. `"fashion-mnist/train"`.
    public var name: String
    /// The images as an [N, C, H, W] tensor.
    public private(set) var images: Tensor
    /// One label per image, each in `0..<classCount`.
    public private(set) var labels: [Int32]
    /// The number of classes the labels index.
    public let classCount: Int

    /// Creates a labelled image set, checking that the pieces fit together.
    /// - Parameters:
    ///   - name: a short name used in reports and error messages.
    ///   - images: an [N, C, H, W] tensor.
    ///   - labels: N labels, each in `0..<classCount`.
    ///   - classCount: the number of classes (at least 1).
    /// - Throws: `DatasetError.invalidArgument` naming `name` when the rank, count or a label is wrong.
    public init(name: String, images: Tensor, labels: [Int32], classCount: Int) throws {
        guard images.rank == 4 else {
            throw DatasetError.invalidArgument(
                "\(name): images must be [N, C, H, W], got shape \(describeShape(images.shape))")
        }
        guard images.shape[0] == labels.count else {
            throw DatasetError.invalidArgument(
                "\(name): \(images.shape[0]) images but \(labels.count) labels, expected one label per image")
        }
        guard classCount >= 1 else {
            throw DatasetError.invalidArgument("\(name): classCount is \(classCount), expected at least 1")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classCount }) {
            throw DatasetError.invalidArgument(
                "\(name): label \(labels[bad]) at index \(bad) is outside 0..<\(classCount)")
        }
        self.init(unchecked: name, images: images, labels: labels, classCount: classCount)
    }

    /// Creates a set whose consistency the caller has already established (loaders, subsets).
    init(unchecked name: String, images: Tensor, labels: [Int32], classCount: Int) {
        assert(images.rank == 4 && images.shape[0] == labels.count)
        self.name = name
        self.images = images
        self.labels = labels
        self.classCount = classCount
    }

    /// The number of images.
    public var count: Int { labels.count }
    /// The number of channels C.
    public var channels: Int { images.shape[1] }
    /// The image height H.
    public var height: Int { images.shape[2] }
    /// The image width W.
    public var width: Int { images.shape[3] }
    /// The shape of one image, [C, H, W].
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }
    /// The number of Floats in one image, C·H·W.
    public var imageSize: Int { images.shape.dropFirst().reduce(1, *) }

    /// Replaces the pixels with a tensor of the same shape (used by preprocessing).
    mutating func transformPixels(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        images.scalars.withUnsafeMutableBufferPointer { body($0) }
    }

    mutating func replaceImages(_ newImages: Tensor) {
        precondition(newImages.shape == images.shape,
                     "replacing images \(describeShape(images.shape)) with \(describeShape(newImages.shape))")
        images = newImages
    }

    /// The images and labels at the given positions, in the order given (repeats allowed).
    /// - Parameters:
    ///   - indices: positions in `0..<count`.
    ///   - name: the new set's name; `nil` keeps this set's name.
    public func subset(indices: [Int], name: String? = nil) -> LabeledImages {
        let sampleCount = count
        precondition(indices.allSatisfy { $0 >= 0 && $0 < sampleCount },
                     "subset index outside 0..<\(sampleCount) of \(self.name)")
        let size = imageSize
        let gathered = Tensor(shape: [indices.count] + imageShape) { destination in
            images.scalars.withUnsafeBufferPointer { source in
                copyRows(from: source, to: destination, indices: indices, rowSize: size)
            }
        }
        let gatheredLabels = indices.map { labels[$0] }
        return LabeledImages(unchecked: name ?? self.name, images: gathered, labels: gatheredLabels,
                             classCount: classCount)
    }

    /// The first `length` images (all of them when `length >= count`).
    public func prefix(_ length: Int) -> LabeledImages {
        precondition(length >= 0, "prefix length \(length) is negative")
        return subset(indices: Array(0..<min(length, count)))
    }

    /// Carves a seeded, random validation set off this (training) set.
    ///
    /// Both parts keep the original order of their samples, so the split depends only on `seed`.
    /// - Parameters:
    ///   - fraction: the share of samples that go to validation, in (0, 1).
    ///   - seed: decides which samples go to validation.
    /// - Returns: the remaining training samples and the validation samples.
    /// - Throws: `DatasetError.invalidArgument` when `fraction` leaves either part empty.
    public func splitValidation(fraction: Double, seed: UInt64) throws -> (train: LabeledImages, validation: LabeledImages) {
        guard fraction > 0, fraction < 1 else {
            throw DatasetError.invalidArgument("validation fraction \(fraction) for \(name), expected a value in (0, 1)")
        }
        let validationCount = Int((Double(count) * fraction).rounded())
        guard validationCount >= 1, validationCount < count else {
            throw DatasetError.invalidArgument(
                "validation fraction \(fraction) of \(count) samples in \(name) gives \(validationCount) validation samples, expected between 1 and \(count - 1)")
        }
        var generator = SeededGenerator(seed: seed)
        let order = seededPermutation(count: count, generator: &generator)
        let validationIndices = order[0..<validationCount].sorted()
        let trainIndices = order[validationCount...].sorted()
        return (subset(indices: trainIndices, name: name + "[train]"),
                subset(indices: validationIndices, name: name + "[validation]"))
    }
}

/// A dataset's training and test sets.
public struct DatasetSplits: Equatable, Sendable {
    /// The set to train (and fit preprocessing statistics) on.
    public var train: LabeledImages
    /// The held-out set to evaluate on.
    public var test: LabeledImages

    /// Pairs a training and a test set.
    /// - Parameters:
    ///   - train: the training set.
    ///   - test: the test set, with the same image shape and class count.
    /// - Throws: `DatasetError.invalidArgument` when either set is empty (training on nothing, or an accuracy
    ///   "on 0 images", means nothing) or the two sets do not describe the same task.
    public init(train: LabeledImages, test: LabeledImages) throws {
        for (role, set) in [("training", train), ("test", test)] where set.count == 0 {
            throw DatasetError.invalidArgument("the \(role) set \(set.name) holds 0 images; expected at least one")
        }
        guard train.imageShape == test.imageShape, train.classCount == test.classCount else {
            throw DatasetError.invalidArgument(
                "\(train.name) has images \(describeShape(train.imageShape)) and \(train.classCount) classes but \(test.name) has \(describeShape(test.imageShape)) and \(test.classCount); expected the same")
        }
        self.train = train
        self.test = test
    }
}

/// A Fisher–Yates permutation of `0..<count` drawn from `generator`.
///
/// Written out rather than `shuffle(using:)` so the order cannot change with the standard library's version.
func seededPermutation(count: Int, generator: inout SeededGenerator) -> [Int] {
    var order = Array(0..<count)
    order.withUnsafeMutableBufferPointer { buffer in
        var index = buffer.count - 1
        while index > 0 {
            // The modulo bias is below count / 2^64: far too small to matter for shuffling.
            let other = Int(generator.next() % UInt64(index + 1))
            buffer.swapAt(index, other)
            index -= 1
        }
    }
    return order
}

/// Copies row `indices[i]` of `source` to row `i` of `destination`, `rowSize` Floats per row.
func copyRows(from source: UnsafeBufferPointer<Float>, to destination: UnsafeMutableBufferPointer<Float>,
              indices: [Int], rowSize: Int) {
    guard rowSize > 0, let sourceBase = source.baseAddress, let destinationBase = destination.baseAddress else { return }
    for (row, index) in indices.enumerated() {
        (destinationBase + row * rowSize).initialize(from: sourceBase + index * rowSize, count: rowSize)
    }
}
