import Foundation
import TensorEngine

extension DatasetSplits {
    /// Bytes in one CIFAR-10 binary record: one label byte, then 3 × 32 × 32 pixel bytes (red, green, blue planes).
    static let cifarRecordSize = 1 + 3 * 32 * 32

    /// Loads CIFAR-10 from its binary version with pixels scaled to [0, 1], images [N, 3, 32, 32].
    ///
    /// Standardise afterwards with ``standardized()`` (per channel).
    /// - Parameter directory: the folder holding `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`.
    /// - Throws: `DatasetError` naming the file that is missing, is not a whole number of 3073-byte records,
    ///   or holds a label ≥ 10.
    public static func cifar10(directory: URL) throws -> DatasetSplits {
        let hint = "pass the folder of the CIFAR-10 binary version (cifar-10-batches-bin)"
        try requireDirectory(directory, missingHint: hint)
        let trainFiles = (1...5).map { directory.appendingPathComponent("data_batch_\($0).bin") }
        let train = try readCIFARRecords(trainFiles, name: "cifar10/train", missingHint: hint)
        let test = try readCIFARRecords([directory.appendingPathComponent("test_batch.bin")],
                                        name: "cifar10/test", missingHint: hint)
        return try DatasetSplits(train: train, test: test)
    }

    /// Reads and concatenates CIFAR-10 binary batch files.
    /// - Parameters:
    ///   - files: the batch files, in order.
    ///   - name: the resulting set's name.
    ///   - missingHint: what a "missing file" error tells the user.
    static func readCIFARRecords(_ files: [URL], name: String, missingHint: String) throws -> LabeledImages {
        var pixels = [UInt8]()
        var labels = [Int32]()
        let imageBytes = cifarRecordSize - 1
        for file in files {
            let bytes = try readFileBytes(file, missingHint: missingHint)
            guard !bytes.isEmpty, bytes.count % cifarRecordSize == 0 else {
                throw DatasetError.malformedFile(
                    path: file.path,
                    reason: "is \(bytes.count) bytes long, expected a non-zero multiple of \(cifarRecordSize) (1 label byte + 3072 pixel bytes per image)")
            }
            let recordCount = bytes.count / cifarRecordSize
            pixels.reserveCapacity(pixels.count + recordCount * imageBytes)
            labels.reserveCapacity(labels.count + recordCount)
            for record in 0..<recordCount {
                let start = record * cifarRecordSize
                let label = bytes[start]
                guard label < 10 else {
                    throw DatasetError.malformedFile(
                        path: file.path, reason: "label \(label) in record \(record) is not below the class count 10")
                }
                labels.append(Int32(label))
                pixels.append(contentsOf: bytes[(start + 1)..<(start + cifarRecordSize)])
            }
        }
        // The records already store each image as channel planes, so the bytes are NCHW as they stand.
        let tensor = scaledPixels(pixels, shape: [labels.count, 3, 32, 32])
        return LabeledImages(unchecked: name, images: tensor, labels: labels, classCount: 10)
    }
}
