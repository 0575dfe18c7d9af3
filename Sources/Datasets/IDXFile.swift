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

    /// The most elements one file may declare (2^31): eight gigabytes once scaled to Floats, and far above any
    /// MNIST-family file (Fashion-MNIST's training images hold 47 million).
    public static let maximumElementCount = 1 << 31

    /// How far past the declared data a gzip stream is inflated (and discarded) to say how much too long it is.
    static let trailingMeasureLimit = 1 << 20

    /// Reads an image file (magic 0x00000803: u8 elements, dimensions N, rows, columns), raw or gzipped.
    ///
    /// The header is read and checked first; only then is the payload read (or inflated), exactly as many bytes
    /// as the header declares.
    /// - Parameters:
    ///   - url: the file.
    ///   - missingHint: what a "missing file" error tells the user.
    /// - Throws: `DatasetError` naming the file when it is missing, not a regular file, has the wrong magic, type
    ///   or rank, declares more than ``maximumElementCount`` elements, or holds fewer or more bytes than declared.
    public static func readImages(at url: URL, missingHint: String = "") throws -> Images {
        try images(from: RegularFile(url, missingHint: missingHint), path: url.path)
    }

    /// Decodes the bytes of an image file (raw or gzipped) held in memory, with the checks of ``readImages(at:missingHint:)``.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - name: the name errors give for the bytes.
    public static func decodeImages(_ bytes: Data, name: String) throws -> Images {
        try images(from: MemoryBytes(data: bytes), path: name)
    }

    /// Reads a label file (magic 0x00000801: u8 elements, one dimension N), raw or gzipped.
    /// - Parameters:
    ///   - url: the file.
    ///   - missingHint: what a "missing file" error tells the user.
    /// - Throws: `DatasetError` naming the file, as ``readImages(at:missingHint:)`` does.
    public static func readLabels(at url: URL, missingHint: String = "") throws -> [UInt8] {
        try read(RegularFile(url, missingHint: missingHint), path: url.path, expectedRank: 1, kind: "label").elements
    }

    /// Decodes the bytes of a label file (raw or gzipped) held in memory, with the checks of ``readLabels(at:missingHint:)``.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - name: the name errors give for the bytes.
    public static func decodeLabels(_ bytes: Data, name: String) throws -> [UInt8] {
        try read(MemoryBytes(data: bytes), path: name, expectedRank: 1, kind: "label").elements
    }

    /// Reads a matching image and label file into a `LabeledImages` with pixels scaled to [0, 1].
    /// - Parameters:
    ///   - imagesURL: the image file.
    ///   - labelsURL: the label file.
    ///   - classCount: the number of classes; every label must be below it.
    ///   - name: the set's name.
    ///   - missingHint: what a "missing file" error tells the user.
    /// - Throws: `DatasetError` naming the file at fault, including an empty set, an image/label count mismatch
    ///   and a label ≥ `classCount`.
    public static func readLabeledImages(images imagesURL: URL, labels labelsURL: URL, classCount: Int,
                                         name: String, missingHint: String = "") throws -> LabeledImages {
        let images = try readImages(at: imagesURL, missingHint: missingHint)
        guard images.count > 0 else {
            throw DatasetError.malformedFile(
                path: imagesURL.path, reason: "holds 0 images, so the \(name) set would be empty; expected at least one image")
        }
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

    /// Reads an image file from any byte source and checks that its images have pixels.
    static func images(from source: ByteSource, path: String) throws -> Images {
        let (dimensions, pixels) = try read(source, path: path, expectedRank: 3, kind: "image")
        guard dimensions[1] > 0, dimensions[2] > 0 else {
            throw DatasetError.malformedFile(
                path: path, reason: "images are \(dimensions[1])×\(dimensions[2]) pixels, expected both sides > 0")
        }
        return Images(count: dimensions[0], rows: dimensions[1], columns: dimensions[2], pixels: pixels)
    }

    /// Reads an IDX file, raw or gzipped: its header, then exactly the elements the header declares.
    /// - Returns: the dimensions and the elements.
    static func read(_ source: ByteSource, path: String, expectedRank: Int, kind: String) throws
        -> (dimensions: [Int], elements: [UInt8]) {
        let headerSize = 4 + 4 * expectedRank
        if Gzip.isCompressed(try source.bytes(at: 0, count: 2)) {
            return try readCompressed(source, path: path, expectedRank: expectedRank, kind: kind, headerSize: headerSize)
        }
        let dimensions = try parseHeader(try source.bytes(at: 0, count: headerSize), path: path,
                                         expectedRank: expectedRank, kind: kind)
        let elementCount = try checkedElementCount(dimensions, path: path)
        // The file's size tells whether the payload fits before any of it is read.
        try checkPayloadSize(available: source.size - headerSize, needed: elementCount, dimensions: dimensions, path: path)
        let elements = try source.bytes(at: headerSize, count: elementCount)
        try checkPayloadSize(available: elements.count, needed: elementCount, dimensions: dimensions, path: path)
        return (dimensions, elements)
    }

    /// The gzip case of ``read(_:path:expectedRank:kind:)``: inflates the header, checks it, then inflates exactly
    /// the declared payload and measures (without keeping) anything that follows.
    private static func readCompressed(_ source: ByteSource, path: String, expectedRank: Int, kind: String,
                                       headerSize: Int) throws -> (dimensions: [Int], elements: [UInt8]) {
        let inflater = try GzipInflater(source: source, path: path)
        let header = try inflated(count: headerSize, from: inflater)
        let dimensions = try parseHeader(header, path: path, expectedRank: expectedRank, kind: kind)
        let elementCount = try checkedElementCount(dimensions, path: path)
        // Deflate cannot expand data more than ~1032-fold: a header that declares more than the file could ever
        // hold is refused before anything is allocated for it.
        let mostInflated = source.size.multipliedReportingOverflow(by: Gzip.maximumRatio)
        if !mostInflated.overflow, headerSize + elementCount > mostInflated.partialValue {
            throw DatasetError.malformedFile(
                path: path,
                reason: "truncated data: header \(describeShape(dimensions)) needs \(elementCount) bytes after the header, more than a \(source.size)-byte gzip file can inflate to (at most \(Gzip.maximumRatio)×)")
        }
        let elements = try inflated(count: elementCount, from: inflater)
        try checkPayloadSize(available: elements.count, needed: elementCount, dimensions: dimensions, path: path)
        let extra = try inflater.skipRemaining(limit: trailingMeasureLimit)
        if extra > trailingMeasureLimit {
            throw DatasetError.malformedFile(
                path: path,
                reason: "more than \(trailingMeasureLimit) unexpected bytes after the data: header \(describeShape(dimensions)) needs exactly \(elementCount), the gzip stream holds more")
        }
        try checkPayloadSize(available: elementCount + extra, needed: elementCount, dimensions: dimensions, path: path)
        return (dimensions, elements)
    }

    /// Up to `count` inflated bytes (fewer only when the stream ends).
    private static func inflated(count: Int, from inflater: GzipInflater) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            initialized = try inflater.read(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Checks the magic number, element type and rank of `header` (the first bytes of the file, as many as a
    /// header of `expectedRank` takes, or fewer when the file is shorter) and returns the dimensions.
    static func parseHeader(_ header: [UInt8], path: String, expectedRank: Int, kind: String) throws -> [Int] {
        let expectedMagic = hex(UInt32(0x800 | expectedRank), digits: 8)
        guard header.count >= 4 else {
            throw DatasetError.malformedFile(
                path: path, reason: "is \(header.count) bytes long, too short for the IDX magic number \(expectedMagic)")
        }
        let magic = header[0..<4].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        guard header[0] == 0, header[1] == 0 else {
            throw DatasetError.malformedFile(
                path: path, reason: "magic number \(hex(magic, digits: 8)) is not an IDX header, expected \(expectedMagic) (\(kind) file)")
        }
        guard header[2] == unsignedByteType else {
            throw DatasetError.malformedFile(
                path: path, reason: "IDX element type \(hex(UInt32(header[2]), digits: 2)), expected 0x08 (unsigned byte); magic \(hex(magic, digits: 8)), expected \(expectedMagic)")
        }
        guard Int(header[3]) == expectedRank else {
            throw DatasetError.malformedFile(
                path: path, reason: "IDX data has \(header[3]) dimensions, expected \(expectedRank) for a \(kind) file (magic \(expectedMagic))")
        }
        let headerSize = 4 + 4 * expectedRank
        guard header.count >= headerSize else {
            throw DatasetError.malformedFile(
                path: path, reason: "truncated header: \(header.count) bytes, expected at least \(headerSize)")
        }
        return (0..<expectedRank).map { dimension in
            let start = 4 + 4 * dimension
            return Int(header[start..<start + 4].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) })
        }
    }

    /// The product of the dimensions, refused when it overflows or exceeds ``maximumElementCount``.
    static func checkedElementCount(_ dimensions: [Int], path: String) throws -> Int {
        // Three u32 dimensions can multiply past 2^63; an empty dimension makes the file empty whatever the others are.
        var count = dimensions.contains(0) ? 0 : 1
        var overflow = false
        for dimension in dimensions where count != 0 && !overflow {
            (count, overflow) = count.multipliedReportingOverflow(by: dimension)
        }
        guard !overflow, count <= maximumElementCount else {
            throw DatasetError.malformedFile(
                path: path,
                reason: "header \(describeShape(dimensions)) declares \(overflow ? "more than 2^63" : String(count)) elements, above the limit of \(maximumElementCount) per file")
        }
        return count
    }

    /// Throws unless exactly `needed` payload bytes are `available`, saying which way the file is wrong.
    static func checkPayloadSize(available: Int, needed: Int, dimensions: [Int], path: String) throws {
        if available < needed {
            throw DatasetError.malformedFile(
                path: path,
                reason: "truncated data: header \(describeShape(dimensions)) needs \(needed) bytes after the header, found \(max(0, available))")
        }
        if available > needed {
            throw DatasetError.malformedFile(
                path: path,
                reason: "\(available - needed) unexpected bytes after the data: header \(describeShape(dimensions)) needs exactly \(needed)")
        }
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
