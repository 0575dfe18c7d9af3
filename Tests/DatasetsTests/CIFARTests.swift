import Foundation
import Testing
import TensorEngine
@testable import Datasets

@Suite("CIFAR-10 binary files")
struct CIFARTests {
    /// A record whose label is `label` and whose pixel p is (label + 3·seed + p) mod 256.
    static func record(label: UInt8, seed: Int) -> [UInt8] {
        [label] + (0..<3072).map { UInt8((Int(label) + 3 * seed + $0) % 256) }
    }

    /// Writes the six batch files, `recordsPerFile` records each; returns the records in file order.
    @discardableResult
    static func writeFiles(in folder: TemporaryFolder, recordsPerFile: Int = 2) throws -> [[UInt8]] {
        var all = [[UInt8]]()
        for (fileIndex, name) in (["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]).enumerated() {
            let records = (0..<recordsPerFile).map { record(label: UInt8((fileIndex + $0) % 10), seed: fileIndex * 10 + $0) }
            try folder.write(records.flatMap { $0 }, to: name + ".bin")
            all += records
        }
        return all
    }

    @Test("records load as [N, 3, 32, 32] pixels / 255 with their labels")
    func roundTrip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let records = try Self.writeFiles(in: folder)
        let splits = try DatasetSplits.cifar10(directory: folder.url)
        #expect(splits.train.images.shape == [10, 3, 32, 32])
        #expect(splits.test.images.shape == [2, 3, 32, 32])
        #expect(splits.train.labels == records[0..<10].map { Int32($0[0]) })
        #expect(splits.test.labels == records[10...].map { Int32($0[0]) })
        let expectedTrain = records[0..<10].flatMap { $0.dropFirst().map { Float($0) / 255 } }
        #expect(splits.train.images.scalars == expectedTrain)
        // Channel planes stay planes: pixel (c=1, y=0, x=0) of image 0 is byte 1 + 1024 of its record.
        #expect(splits.train.images.scalars[1024] == Float(records[0][1 + 1024]) / 255)
    }

    @Test("a file that is not a multiple of 3073 bytes is named")
    func wrongSize() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.writeFiles(in: folder)
        try folder.write(Self.record(label: 1, seed: 0) + [0, 0], to: "data_batch_3.bin")
        let text = try #require(datasetErrorText { _ = try DatasetSplits.cifar10(directory: folder.url) })
        #expect(text.contains("data_batch_3.bin"))
        #expect(text.contains("3075 bytes") && text.contains("3073"))
    }

    @Test("a label of 10 or more is named with its file and record")
    func badLabel() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.writeFiles(in: folder)
        try folder.write(Self.record(label: 3, seed: 0) + Self.record(label: 12, seed: 1), to: "test_batch.bin")
        let text = try #require(datasetErrorText { _ = try DatasetSplits.cifar10(directory: folder.url) })
        #expect(text.contains("test_batch.bin"))
        #expect(text.contains("label 12 in record 1"))
    }

    @Test("a missing batch file is named")
    func missingFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Self.writeFiles(in: folder)
        try FileManager.default.removeItem(at: folder.file("data_batch_5.bin"))
        let text = try #require(datasetErrorText { _ = try DatasetSplits.cifar10(directory: folder.url) })
        #expect(text.contains("data_batch_5.bin"))
    }
}
