import Foundation
import TensorEngine

/// The CIFAR-10 binary format: files of 3073-byte records, each one label byte (0–9) and then a 32×32 colour
/// image as three 1024-byte planes (red, green, blue).
public enum CIFAR10 {
    /// Bytes in one record: one label byte, then 3 × 32 × 32 pixel bytes.
    public static let recordSize = 1 + 3 * 32 * 32

    /// The most records one file may hold: ten times a real batch file (10,000 records, 30.7 MB), so that a
    /// wrong file is refused before it is read rather than after gigabytes of it are.
    public static let maximumRecordsPerFile = 100_000

    /// The number of classes, and the bound every label must stay below.
    public static let classCount = 10

    /// Decodes the bytes of one batch file held in memory.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - name: the name errors give for the bytes, also the returned set's name.
    /// - Returns: the records as a set of [N, 3, 32, 32] images with pixels scaled to [0, 1].
    /// - Throws: `DatasetError` naming `name` when the size is not a whole, positive number of records within
    ///   ``maximumRecordsPerFile``, or when a label is 10 or more.
    public static func decodeBatch(_ bytes: Data, name: String) throws -> LabeledImages {
        try readBatches([(MemoryBytes(data: bytes), name)], name: name)
    }

    /// Reads and concatenates batch files.
    /// - Parameters:
    ///   - files: the batch files, in order.
    ///   - name: the resulting set's name.
    ///   - missingHint: what a "missing file" error tells the user.
    static func readBatches(_ files: [URL], name: String, missingHint: String) throws -> LabeledImages {
        // Every file is opened and its size checked before any is read.
        let sources = try files.map { (try RegularFile($0, missingHint: missingHint) as ByteSource, $0.path) }
        return try readBatches(sources, name: name)
    }

    /// Checks every source's size, then reads the records of each in turn.
    static func readBatches(_ sources: [(source: ByteSource, path: String)], name: String) throws -> LabeledImages {
        for (source, path) in sources { try checkSize(source.size, path: path) }
        let recordCount = sources.reduce(0) { $0 + $1.source.size / recordSize }
        let imageBytes = recordSize - 1
        var pixels = [UInt8]()
        var labels = [Int32]()
        pixels.reserveCapacity(recordCount * imageBytes)
        labels.reserveCapacity(recordCount)
        for (source, path) in sources {
            let bytes = try source.bytes(at: 0, count: source.size)
            // The file may have changed since its size was checked.
            try checkSize(bytes.count, path: path)
            for record in 0..<(bytes.count / recordSize) {
                let start = record * recordSize
                let label = bytes[start]
                guard Int(label) < classCount else {
                    throw DatasetError.malformedFile(
                        path: path, reason: "label \(label) in record \(record) is not below the class count \(classCount)")
                }
                labels.append(Int32(label))
                pixels.append(contentsOf: bytes[(start + 1)..<(start + recordSize)])
            }
        }
        // The records already store each image as channel planes, so the bytes are NCHW as they stand.
        let tensor = scaledPixels(pixels, shape: [labels.count, 3, 32, 32])
        return LabeledImages(unchecked: name, images: tensor, labels: labels, classCount: classCount)
    }

    /// Throws unless `size` is a whole, positive number of records and at most ``maximumRecordsPerFile`` of them.
    static func checkSize(_ size: Int, path: String) throws {
        guard size > 0, size % recordSize == 0 else {
            throw DatasetError.malformedFile(
                path: path,
                reason: "is \(size) bytes long, expected a non-zero multiple of \(recordSize) (1 label byte + 3072 pixel bytes per image)")
        }
        guard size / recordSize <= maximumRecordsPerFile else {
            throw DatasetError.malformedFile(
                path: path,
                reason: "holds \(size / recordSize) records, more than the \(maximumRecordsPerFile) a CIFAR-10 batch file may hold (real ones hold 10000)")
        }
    }
}

extension DatasetSplits {
    /// Loads CIFAR-10 from its binary version with pixels scaled to [0, 1], images [N, 3, 32, 32].
    ///
    /// Standardise afterwards with ``standardized()`` (per channel).
    /// - Parameter directory: the folder holding `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`.
    /// - Throws: `DatasetError` naming the file that is missing, is not a regular file, is not a whole positive
    ///   number of 3073-byte records (at most ``CIFAR10/maximumRecordsPerFile``), or holds a label ≥ 10.
    public static func cifar10(directory: URL) throws -> DatasetSplits {
        let hint = "pass the folder of the CIFAR-10 binary version (cifar-10-batches-bin)"
        try requireDirectory(directory, missingHint: hint)
        let trainFiles = (1...5).map { directory.appendingPathComponent("data_batch_\($0).bin") }
        let train = try CIFAR10.readBatches(trainFiles, name: "cifar10/train", missingHint: hint)
        let test = try CIFAR10.readBatches([directory.appendingPathComponent("test_batch.bin")],
                                           name: "cifar10/test", missingHint: hint)
        return try DatasetSplits(train: train, test: test)
    }
}
