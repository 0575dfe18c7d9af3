import Foundation
import TensorEngine

/// The IDX format of the MNIST family: a big-endian header (two zero bytes, a dtype byte, a rank byte,
/// one u32 per dimension) followed by the raw elements. Files may be gzip-compressed.
public enum IDXFile {
    /// Unsigned bytes, the only element type the MNIST-family files use.
    static let unsignedByteType: UInt8 = 0x08

    /// The pixels of an IDX image file: `count` images of `rows × columns` unsigned bytes.
    public struct Images: Equatable, Sendable {
        /// The number of images.
        public var count: Int
        /// The image height.
        public var rows: Int
        /// The image width.
        public var columns: Int
        /// `count · rows · columns` pixels, image after image, row-major.
        public var pixels: [UInt8]
    }

    /// Reads an image file (magic 0x00000803: u8 elements, dimensions N, rows, columns), raw or gzipped.
    /// - Parameters:
    ///   - url: the file.
    ///   - missingHint: what a "missing file" error tells the user.
    /// - Throws: `DatasetError` naming the file when it is missing, has the wrong magic, type or rank, or is truncated.
    public static func readImages(at url: URL, missingHint: String = "") throws -> Images {
        let bytes = try readPossiblyCompressedFile(url, missingHint: missingHint)
        let (dimensions, payload) = try parse(bytes, path: url.path, expectedRank: 3, kind: "image")
        guard dimensions[1] > 0, dimensions[2] > 0 else {
            throw DatasetError.malformedFile(
                path: url.path, reason: "images are \(dimensions[1])×\(dimensions[2]) pixels, expected both sides > 0")
        }
        return Images(count: dimensions[0], rows: dimensions[1], columns: dimensions[2], pixels: Array(bytes[payload]))
    }

    /// Reads a label file (magic 0x00000801: u8 elements, one dimension N), raw or gzipped.
    /// - Parameters:
    ///   - url: the file.
    ///   - missingHint: what a "missing file" error tells the user.
    /// - Throws: `DatasetError` naming the file when it is missing, has the wrong magic, type or rank, or is truncated.
    public static func readLabels(at url: URL, missingHint: String = "") throws -> [UInt8] {
        let bytes = try readPossiblyCompressedFile(url, missingHint: missingHint)
        let (_, payload) = try parse(bytes, path: url.path, expectedRank: 1, kind: "label")
        return Array(bytes[payload])
    }

    /// Reads a matching image and label file into a `LabeledImages` with pixels scaled to [0, 1].
    /// - Parameters:
    ///   - imagesURL: the image file.
    ///   - labelsURL: the label file.
    ///   - classCount: the number of classes; every label must be below it.
    ///   - name: the set's name.
    ///   - missingHint: what a "missing file" error tells the user.
    /// - Throws: `DatasetError` naming the file at fault, including an image/label count mismatch and a label ≥ `classCount`.
    public static func readLabeledImages(images imagesURL: URL, labels labelsURL: URL, classCount: Int,
                                         name: String, missingHint: String = "") throws -> LabeledImages {
        let images = try readImages(at: imagesURL, missingHint: missingHint)
        let labels = try readLabels(at: labelsURL, missingHint: missingHint)
        guard images.count == labels.count else {
            throw DatasetError.malformedFile(
                path: labelsURL.path,
                reason: "holds \(labels.count) labels but \(imagesURL.lastPathComponent) holds \(images.count) images, expected one label per image")
        }
        if let bad = labels.firstIndex(where: { Int($0) >= classCount }) {
            throw DatasetError.malformedFile(
                path: labelsURL.path, reason: "label \(labels[bad]) at index \(bad) is not below the class count \(classCount)")
        }
        let tensor = scaledPixels(images.pixels, shape: [images.count, 1, images.rows, images.columns])
        return LabeledImages(unchecked: name, images: tensor, labels: labels.map { Int32($0) }, classCount: classCount)
    }

    /// Checks the header and size of an IDX file and returns its dimensions and the range of its elements.
    static func parse(_ bytes: [UInt8], path: String, expectedRank: Int, kind: String) throws -> ([Int], Range<Int>) {
        let expectedMagic = hex(UInt32(0x800 | expectedRank), digits: 8)
        guard bytes.count >= 4 else {
            throw DatasetError.malformedFile(
                path: path, reason: "is \(bytes.count) bytes long, too short for the IDX magic number \(expectedMagic)")
        }
        let magic = bytes[0..<4].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DatasetError.malformedFile(
                path: path, reason: "magic number \(hex(magic, digits: 8)) is not an IDX header, expected \(expectedMagic) (\(kind) file)")
        }
        guard bytes[2] == unsignedByteType else {
            throw DatasetError.malformedFile(
                path: path, reason: "IDX element type \(hex(UInt32(bytes[2]), digits: 2)), expected 0x08 (unsigned byte); magic \(hex(magic, digits: 8)), expected \(expectedMagic)")
        }
        guard Int(bytes[3]) == expectedRank else {
            throw DatasetError.malformedFile(
                path: path, reason: "IDX data has \(bytes[3]) dimensions, expected \(expectedRank) for a \(kind) file (magic \(expectedMagic))")
        }
        let headerSize = 4 + 4 * expectedRank
        guard bytes.count >= headerSize else {
            throw DatasetError.malformedFile(
                path: path, reason: "truncated header: \(bytes.count) bytes, expected at least \(headerSize)")
        }
        var dimensions = [Int]()
        for dimension in 0..<expectedRank {
            let start = 4 + 4 * dimension
            dimensions.append(Int(bytes[start..<start + 4].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }))
        }
        // Dimensions are u32 each; on 64-bit Int their product of three cannot overflow.
        let elementCount = dimensions.reduce(1, *)
        let available = bytes.count - headerSize
        guard available >= elementCount else {
            throw DatasetError.malformedFile(
                path: path,
                reason: "truncated data: header \(describeShape(dimensions)) needs \(elementCount) bytes after the header, found \(available)")
        }
        guard available == elementCount else {
            throw DatasetError.malformedFile(
                path: path,
                reason: "\(available - elementCount) unexpected bytes after the data: header \(describeShape(dimensions)) needs exactly \(elementCount)")
        }
        return (dimensions, headerSize..<bytes.count)
    }
}

/// Turns unsigned-byte pixels into Floats in [0, 1] (pixel / 255) under the given shape.
func scaledPixels(_ pixels: [UInt8], shape: [Int]) -> Tensor {
    precondition(pixels.count == shape.reduce(1, *), "\(pixels.count) pixels do not fill \(describeShape(shape))")
    // A table of the 256 quotients gives exactly PyTorch's `pixel / 255` without a division per pixel.
    let table = (0..<256).map { Float($0) / 255 }
    return Tensor(shape: shape) { destination in
        pixels.withUnsafeBufferPointer { source in
            table.withUnsafeBufferPointer { quotient in
                for index in 0..<source.count { destination[index] = quotient[Int(source[index])] }
            }
        }
    }
}

/// Formats a value as `0x` followed by `digits` upper-case hex digits, as IDX magic numbers are usually written.
func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
}
