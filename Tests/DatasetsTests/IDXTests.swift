import Foundation
import Testing
import TensorEngine
@testable import Datasets

@Suite("IDX files and the MNIST-family loaders")
struct IDXTests {
    @Test("raw and gzipped files load to the same pixels / 255 and labels", arguments: [false, true])
    func roundTrip(gzip: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let written = try writeMNISTStyleFiles(in: folder, gzip: gzip)
        let splits = try DatasetSplits.mnist(directory: folder.url)

        #expect(splits.train.images.shape == [12, 1, 4, 3])
        #expect(splits.test.images.shape == [5, 1, 4, 3])
        #expect(splits.train.labels == written.trainLabels.map(Int32.init))
        #expect(splits.test.labels == written.testLabels.map(Int32.init))
        #expect(splits.train.images.scalars == written.trainPixels.map { Float($0) / 255 })
        #expect(splits.test.images.scalars == written.testPixels.map { Float($0) / 255 })
        #expect(splits.train.classCount == 10)
        #expect(splits.train.name == "mnist/train")
    }

    @Test("the Fashion-MNIST loader reads a given folder")
    func fashionFromFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: true)
        let splits = try DatasetSplits.fashionMNIST(directory: folder.url)
        #expect(splits.train.count == 12)
        #expect(splits.test.count == 5)
        #expect(splits.train.name == "fashion-mnist/train")
    }

    @Test("a .gz file is preferred over a raw file of the same name")
    func prefersGzip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: true)
        // A raw file that would fail to parse: if the loader read it, the call would throw.
        try folder.write([1, 2, 3], to: "train-images-idx3-ubyte")
        let splits = try DatasetSplits.mnist(directory: folder.url)
        #expect(splits.train.count == 12)
    }

    @Test("a gzip file of two concatenated members inflates to both")
    func multiMemberGzip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let labels: [UInt8] = [1, 2, 3, 4, 5, 6]
        let whole = IDXBytes.labels(labels)
        try folder.write(gzipCompress(Array(whole[0..<7])) + gzipCompress(Array(whole[7...])), to: "labels.gz")
        #expect(try IDXFile.readLabels(at: folder.file("labels.gz")) == labels)
    }

    @Test("a missing Fashion-MNIST file names the file and the apt-get package")
    func missingFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: true)
        try FileManager.default.removeItem(at: folder.file("t10k-labels-idx1-ubyte.gz"))
        let text = try #require(datasetErrorText { _ = try DatasetSplits.fashionMNIST(directory: folder.url) })
        #expect(text.contains("t10k-labels-idx1-ubyte"))
        #expect(text.contains("apt-get install dataset-fashion-mnist"))
    }

    @Test("a missing folder is named, with the install hint")
    func missingFolder() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-dataset-" + UUID().uuidString)
        let text = try #require(datasetErrorText { _ = try DatasetSplits.fashionMNIST(directory: missing) })
        #expect(text.contains(missing.lastPathComponent))
        #expect(text.contains("apt-get install dataset-fashion-mnist"))
    }

    /// Each broken image file, the words its error must contain.
    static let brokenImageFiles: [(String, [UInt8], [String])] = [
        ("wrong magic", [0x12, 0x34, 0x08, 0x03] + [UInt8](repeating: 0, count: 12), ["0x12340803", "0x00000803"]),
        ("labels magic in an image file", IDXBytes.labels([1, 2]), ["1 dimensions", "expected 3"]),
        ("wrong element type", IDXBytes.file(type: 0x0D, dimensions: [1, 2, 2], payload: [UInt8](repeating: 0, count: 16)),
         ["0x0D", "unsigned byte"]),
        ("truncated header", [0, 0, 8, 3, 0, 0, 0, 2], ["truncated header"]),
        ("truncated data", IDXBytes.file(dimensions: [3, 2, 2], payload: [UInt8](repeating: 0, count: 11)),
         ["truncated data", "12 bytes", "found 11"]),
        ("trailing bytes", IDXBytes.file(dimensions: [1, 2, 2], payload: [UInt8](repeating: 0, count: 5)),
         ["1 unexpected bytes"]),
        ("zero-sized images", IDXBytes.file(dimensions: [2, 0, 3], payload: []), ["0×3"]),
        ("empty file", [], ["0 bytes"]),
    ]

    @Test("each broken image file throws an error naming the file and the problem", arguments: 0..<8)
    func brokenImages(caseIndex: Int) throws {
        let (_, bytes, expectedWords) = Self.brokenImageFiles[caseIndex]
        for gzip in [false, true] {
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            try writeMNISTStyleFiles(in: folder, gzip: gzip)
            let name = "train-images-idx3-ubyte" + (gzip ? ".gz" : "")
            try folder.write(gzip ? gzipCompress(bytes) : bytes, to: name)
            let text = try #require(datasetErrorText { _ = try DatasetSplits.mnist(directory: folder.url) })
            #expect(text.contains(name), "\(text)")
            for word in expectedWords { #expect(text.contains(word), "\(text) should contain \(word)") }
        }
    }

    @Test("a label file with the image magic is rejected, naming it")
    func labelFileWithImageMagic() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: false)
        try folder.write(IDXBytes.images(count: 1, rows: 1, columns: 1).bytes, to: "t10k-labels-idx1-ubyte")
        let text = try #require(datasetErrorText { _ = try DatasetSplits.mnist(directory: folder.url) })
        #expect(text.contains("t10k-labels-idx1-ubyte"))
        #expect(text.contains("expected 1"))
    }

    @Test("an image/label count mismatch names both files")
    func countMismatch() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: false)
        try folder.write(IDXBytes.labels([1, 2, 3]), to: "t10k-labels-idx1-ubyte")
        let text = try #require(datasetErrorText { _ = try DatasetSplits.mnist(directory: folder.url) })
        #expect(text.contains("t10k-labels-idx1-ubyte"))
        #expect(text.contains("t10k-images-idx3-ubyte"))
        #expect(text.contains("3 labels") && text.contains("5 images"))
    }

    @Test("a label at or above the class count names the file, index and value")
    func labelOutOfRange() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: true)
        try folder.write(gzipCompress(IDXBytes.labels([0, 1, 10, 2, 3])), to: "t10k-labels-idx1-ubyte.gz")
        let text = try #require(datasetErrorText { _ = try DatasetSplits.mnist(directory: folder.url) })
        #expect(text.contains("t10k-labels-idx1-ubyte.gz"))
        #expect(text.contains("label 10 at index 2"))
    }

    @Test("corrupt and truncated gzip data are reported for that file")
    func brokenGzip() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let compressed = gzipCompress(IDXBytes.labels([UInt8](repeating: 3, count: 500)))

        try folder.write(Array(compressed.prefix(compressed.count / 2)), to: "cut.gz")
        let cut = try #require(datasetErrorText { _ = try IDXFile.readLabels(at: folder.file("cut.gz")) })
        #expect(cut.contains("cut.gz") && cut.contains("truncated"))

        var corrupt = compressed
        for index in 10..<min(30, corrupt.count) { corrupt[index] = 0xFF }
        try folder.write(corrupt, to: "corrupt.gz")
        let garbled = try #require(datasetErrorText { _ = try IDXFile.readLabels(at: folder.file("corrupt.gz")) })
        #expect(garbled.contains("corrupt.gz"))
    }
}
