import CZlib
import Foundation
import TensorEngine
@testable import Datasets

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("DatasetsTests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: file(name))
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Builds IDX files byte by byte, so tests control every header field.
enum IDXBytes {
    /// An IDX file: the four magic bytes (0, 0, type, rank), big-endian u32 dimensions, then `payload`.
    static func file(type: UInt8 = 0x08, dimensions: [Int], payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for dimension in dimensions {
            let value = UInt32(dimension)
            bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        return bytes + payload
    }

    /// An image file of `count` images of `rows × columns` with pixel(i, p) = (7·i + p) mod 256.
    static func images(count: Int, rows: Int, columns: Int) -> (bytes: [UInt8], pixels: [UInt8]) {
        let pixels = (0..<(count * rows * columns)).map { index -> UInt8 in
            let image = index / (rows * columns), pixel = index % (rows * columns)
            return UInt8((7 * image + pixel) % 256)
        }
        return (file(dimensions: [count, rows, columns], payload: pixels), pixels)
    }

    /// A label file holding `labels`.
    static func labels(_ labels: [UInt8]) -> [UInt8] { file(dimensions: [labels.count], payload: labels) }
}

/// gzip-compresses bytes with zlib (the same library the reader uses to inflate them).
func gzipCompress(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK, "deflateInit2 failed: \(status)")
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
    let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = UInt32(outBuffer.count)
            let result = deflate(&stream, Z_FINISH)
            precondition(result == Z_STREAM_END, "deflate did not finish: \(result)")
            return outBuffer.count - Int(stream.avail_out)
        }
    }
    return Array(output[0..<produced])
}

/// Writes the four MNIST-style files (train: 12 images, test: 5 images, 4×3 pixels) into `folder`.
/// - Returns: the raw pixels and labels written, to compare against what the loader reads.
@discardableResult
func writeMNISTStyleFiles(in folder: TemporaryFolder, gzip: Bool)
    throws -> (trainPixels: [UInt8], trainLabels: [UInt8], testPixels: [UInt8], testLabels: [UInt8]) {
    let suffix = gzip ? ".gz" : ""
    let encode: ([UInt8]) -> [UInt8] = gzip ? gzipCompress : { $0 }
    let train = IDXBytes.images(count: 12, rows: 4, columns: 3)
    let trainLabels = (0..<12).map { UInt8($0 % 10) }
    let test = IDXBytes.images(count: 5, rows: 4, columns: 3)
    let testLabels: [UInt8] = [9, 0, 3, 3, 1]
    try folder.write(encode(train.bytes), to: "train-images-idx3-ubyte" + suffix)
    try folder.write(encode(IDXBytes.labels(trainLabels)), to: "train-labels-idx1-ubyte" + suffix)
    try folder.write(encode(test.bytes), to: "t10k-images-idx3-ubyte" + suffix)
    try folder.write(encode(IDXBytes.labels(testLabels)), to: "t10k-labels-idx1-ubyte" + suffix)
    return (train.pixels, trainLabels, test.pixels, testLabels)
}

/// A small hand-made set: `count` images [channels, height, width] whose pixel values encode their position.
func numberedImages(count: Int, channels: Int = 1, height: Int = 2, width: Int = 3, classCount: Int = 3) throws -> LabeledImages {
    let size = channels * height * width
    let scalars = (0..<(count * size)).map { Float($0) }
    return try LabeledImages(name: "numbered", images: Tensor(shape: [count, channels, height, width], scalars: scalars),
                             labels: (0..<count).map { Int32($0 % classCount) }, classCount: classCount)
}

/// Runs `body` and returns the text of the `DatasetError` it throws, or nil if it throws nothing.
func datasetErrorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let error as DatasetError {
        return error.description
    } catch {
        return "unexpected error type: \(error)"
    }
}
