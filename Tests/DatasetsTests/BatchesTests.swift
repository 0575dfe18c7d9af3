import Foundation
import Testing
import TensorEngine
@testable import Datasets

@Suite("Seeded batching")
struct BatchesTests {
    /// The sample positions served in one epoch, batch after batch.
    static func servedOrder(_ batches: Batches) -> [Int] { batches.flatMap(\.sampleIndices) }

    @Test("every sample is served exactly once per epoch, with its own pixels and label")
    func coversEverySample() throws {
        let data = try numberedImages(count: 23)
        let batches = try data.batches(size: 5, shuffleSeed: 11, epoch: 2)
        #expect(batches.count == 5)
        let sizes = batches.map(\.count)
        #expect(sizes == [5, 5, 5, 5, 3])
        #expect(Self.servedOrder(batches).sorted() == Array(0..<23))
        for batch in batches {
            #expect(batch.images.shape == [batch.count, 1, 2, 3])
            for (row, index) in batch.sampleIndices.enumerated() {
                #expect(Array(batch.images.scalars[(row * 6)..<(row * 6 + 6)]) == Array(data.images.scalars[(index * 6)..<(index * 6 + 6)]))
                #expect(batch.labels[row] == data.labels[index])
            }
        }
    }

    @Test("the order depends only on (seed, epoch) and changes across epochs and seeds")
    func deterministicPerSeedAndEpoch() throws {
        let data = try numberedImages(count: 40)
        let first = Self.servedOrder(try data.batches(size: 8, shuffleSeed: 5, epoch: 3))
        // A different batch size serves the same sequence of samples: only (seed, epoch) decide it.
        let again = Self.servedOrder(try data.batches(size: 7, shuffleSeed: 5, epoch: 3))
        #expect(first == again)
        #expect(first != Array(0..<40))
        #expect(first != Self.servedOrder(try data.batches(size: 8, shuffleSeed: 5, epoch: 4)))
        #expect(first != Self.servedOrder(try data.batches(size: 8, shuffleSeed: 6, epoch: 3)))
        let batches = try data.batches(size: 8, shuffleSeed: 5, epoch: 3)
        #expect(Array(batches) == Array(try data.batches(size: 8, shuffleSeed: 5, epoch: 3)))
    }

    @Test("without a seed the samples come in stored order")
    func unshuffled() throws {
        let data = try numberedImages(count: 10)
        let batches = try data.batches(size: 4)
        #expect(Self.servedOrder(batches) == Array(0..<10))
        #expect(batches.batch(at: 2).images.scalars == Array(data.images.scalars[48..<60]))
    }

    @Test("dropLast leaves out the final partial batch")
    func dropLast() throws {
        let data = try numberedImages(count: 23)
        let batches = try data.batches(size: 5, dropLast: true, shuffleSeed: 1)
        #expect(batches.count == 4)
        #expect(batches.allSatisfy { $0.count == 5 })
        #expect(Set(Self.servedOrder(batches)).count == 20)
        #expect(try data.batches(size: 30, dropLast: true).count == 0)
        #expect(try data.batches(size: 23, dropLast: true).count == 1)
    }

    @Test("bad batch sizes, epochs and paddings throw")
    func rejects() throws {
        let data = try numberedImages(count: 3)
        #expect(datasetErrorText { _ = try data.batches(size: 0) }?.contains("batch size 0") == true)
        #expect(datasetErrorText { _ = try data.batches(size: 2, epoch: -1) }?.contains("epoch -1") == true)
        #expect(datasetErrorText { _ = try data.batches(size: 2, augmentation: Augmentation(cropPadding: -2)) }?
            .contains("crop padding -2") == true)
    }
}
