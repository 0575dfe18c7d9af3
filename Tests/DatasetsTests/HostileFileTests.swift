import Foundation
import Testing
import TensorEngine
@testable import Datasets
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Extends `path` to `size` bytes without writing them (a sparse file), so a test can present a huge file cheaply.
func makeSparse(_ url: URL, size: Int) throws {
    guard truncate(url.path, off_t(size)) == 0 else {
        throw DatasetError.invalidArgument("cannot extend \(url.path) to \(size) bytes: errno \(errno)")
    }
}

/// Seconds taken by `body`.
func secondsTaken(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

@Suite("Hostile IDX and CIFAR files: sizes checked before reading, gzip bombs, empty sets, non-files")
struct HostileFileTests {
    @Test("IDX dimensions that overflow or exceed the cap are refused, naming the file and the dimensions", arguments: [false, true])
    func hugeDimensions(gzip: Bool) throws {
        let overflowing = IDXBytes.file(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [1, 2, 3])
        let text = try #require(datasetErrorText {
            _ = try IDXFile.decodeImages(Data(gzip ? gzipCompress(overflowing) : overflowing), name: "huge-idx3")
        })
        #expect(text.contains("huge-idx3"))
        #expect(text.contains("[4294967295, 4294967295, 4294967295]") && text.contains("more than 2^63"), "\(text)")

        let aboveCap = IDXBytes.file(dimensions: [65536, 65536, 1], payload: [])
        let capText = try #require(datasetErrorText {
            _ = try IDXFile.decodeImages(Data(gzip ? gzipCompress(aboveCap) : aboveCap), name: "big-idx3")
        })
        #expect(capText.contains("big-idx3") && capText.contains("[65536, 65536, 1]"))
        #expect(capText.contains("4294967296 elements, above the limit of 2147483648"), "\(capText)")
    }

    @Test("a gzip bomb is refused quickly, having inflated only the declared size and a bounded measure past it")
    func gzipBomb() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // 3 labels, then 300 members of 1 MiB of zeros each: a ~300 KB file that inflates to 300 MiB.
        let zeros = gzipCompress([UInt8](repeating: 0, count: 1 << 20))
        var bomb = gzipCompress(IDXBytes.labels([1, 2, 3]))
        for _ in 0..<300 { bomb += zeros }
        #expect(bomb.count < 600_000)
        try folder.write(bomb, to: "bomb.gz")

        var text: String?
        let seconds = secondsTaken { text = datasetErrorText { _ = try IDXFile.readLabels(at: folder.file("bomb.gz")) } }
        let message = try #require(text)
        #expect(message.contains("bomb.gz"))
        // It stopped measuring after 1 MiB of surplus instead of inflating all 300 MiB.
        #expect(message.contains("more than 1048576 unexpected bytes after the data") && message.contains("needs exactly 3"), "\(message)")
        #expect(seconds < 2, "took \(seconds) s")

        // The byte-level inflater stops at its cap too.
        let capped = try #require(datasetErrorText {
            _ = try Gzip.inflate(Data(bomb), name: "bomb-bytes", maximumOutput: 4 << 20)
        })
        #expect(capped.contains("bomb-bytes") && capped.contains("more than 4194304 bytes"), "\(capped)")
    }

    @Test("a small gzip file whose header declares more than deflate can produce is refused before allocating")
    func impossibleRatio() throws {
        let header = IDXBytes.file(dimensions: [100_000, 100, 100], payload: [UInt8](repeating: 0, count: 64))
        let text = try #require(datasetErrorText { _ = try IDXFile.decodeImages(Data(gzipCompress(header)), name: "liar.gz") })
        #expect(text.contains("liar.gz") && text.contains("needs 1000000000 bytes"), "\(text)")
        #expect(text.contains("can inflate to"))
    }

    @Test("a gzip stream shorter than declared names both sizes")
    func shortGzip() throws {
        let short = IDXBytes.file(dimensions: [4, 2, 2], payload: [UInt8](repeating: 9, count: 10))
        let text = try #require(datasetErrorText { _ = try IDXFile.decodeImages(Data(gzipCompress(short)), name: "short.gz") })
        #expect(text.contains("short.gz") && text.contains("needs 16 bytes") && text.contains("found 10"), "\(text)")
    }

    @Test("a huge raw file is refused from its size alone, without being read")
    func hugeRawFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(IDXBytes.file(dimensions: [2, 2, 2], payload: []), to: "huge-idx3-ubyte")
        try makeSparse(folder.file("huge-idx3-ubyte"), size: 8 << 30)
        var text: String?
        let seconds = secondsTaken { text = datasetErrorText { _ = try IDXFile.readImages(at: folder.file("huge-idx3-ubyte")) } }
        let message = try #require(text)
        #expect(message.contains("huge-idx3-ubyte") && message.contains("\((8 << 30) - 16 - 8) unexpected bytes"), "\(message)")
        #expect(seconds < 1, "took \(seconds) s")
    }

    @Test("raw and gzipped bytes decode to the same images and labels")
    func byteLevelEntryPoints() throws {
        let (bytes, pixels) = IDXBytes.images(count: 3, rows: 2, columns: 5)
        for encoded in [bytes, gzipCompress(bytes)] {
            let images = try IDXFile.decodeImages(Data(encoded), name: "mem")
            #expect(images.count == 3 && images.rows == 2 && images.columns == 5 && images.pixels == pixels)
        }
        #expect(try IDXFile.decodeLabels(Data(gzipCompress(IDXBytes.labels([4, 5]))), name: "mem") == [4, 5])
        #expect(try Gzip.inflate(Data(gzipCompress(bytes)), name: "mem", maximumOutput: bytes.count) == Data(bytes))
    }

    @Test("an IDX file of 0 images is refused, naming the file and the set")
    func emptyIDXSplit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: false)
        try folder.write(IDXBytes.file(dimensions: [0, 4, 3], payload: []), to: "t10k-images-idx3-ubyte")
        try folder.write(IDXBytes.labels([]), to: "t10k-labels-idx1-ubyte")
        let text = try #require(datasetErrorText { _ = try DatasetSplits.mnist(directory: folder.url) })
        #expect(text.contains("t10k-images-idx3-ubyte") && text.contains("0 images") && text.contains("mnist/test"), "\(text)")
    }

    @Test("empty sets are refused when paired, and by a validation fraction that leaves nothing")
    func emptySets() throws {
        let data = try numberedImages(count: 4)
        let text = try #require(datasetErrorText { _ = try DatasetSplits(train: data, test: data.prefix(0)) })
        #expect(text.contains("test set numbered holds 0 images"), "\(text)")
        let single = try numberedImages(count: 1)
        let split = try #require(datasetErrorText { _ = try single.splitValidation(fraction: 0.5, seed: 3) })
        #expect(split.contains("numbered") && split.contains("of 1 samples"), "\(split)")
    }

    @Test("a folder or a FIFO given as a data file is refused by type, without blocking")
    func notRegularFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeMNISTStyleFiles(in: folder, gzip: false)
        try FileManager.default.removeItem(at: folder.file("train-images-idx3-ubyte"))
        try FileManager.default.createDirectory(at: folder.file("train-images-idx3-ubyte"), withIntermediateDirectories: false)
        let directoryText = try #require(datasetErrorText { _ = try DatasetSplits.mnist(directory: folder.url) })
        #expect(directoryText.contains("train-images-idx3-ubyte: is a folder; expected a data file"), "\(directoryText)")

        try FileManager.default.removeItem(at: folder.file("train-images-idx3-ubyte"))
        try writeMNISTStyleFiles(in: folder, gzip: false)
        try FileManager.default.removeItem(at: folder.file("t10k-labels-idx1-ubyte"))
        #expect(mkfifo(folder.file("t10k-labels-idx1-ubyte").path, 0o600) == 0)
        let fifoText = try #require(datasetErrorText { _ = try DatasetSplits.mnist(directory: folder.url) })
        #expect(fifoText.contains("t10k-labels-idx1-ubyte: is not a regular file (it is a FIFO)"), "\(fifoText)")

        let cifar = try TemporaryFolder()
        defer { cifar.remove() }
        try CIFARTests.writeFiles(in: cifar)
        try FileManager.default.removeItem(at: cifar.file("test_batch.bin"))
        #expect(mkfifo(cifar.file("test_batch.bin").path, 0o600) == 0)
        let cifarText = try #require(datasetErrorText { _ = try DatasetSplits.cifar10(directory: cifar.url) })
        #expect(cifarText.contains("test_batch.bin: is not a regular file (it is a FIFO)"), "\(cifarText)")
    }

    @Test("errno texts are the user's words, not the system's")
    func permissionWording() {
        #expect(RegularFile.describe(EACCES) == "permission denied")
    }

    @Test("an unreadable file says permission denied (skipped as root, who can read anything)",
          .enabled(if: geteuid() != 0))
    func unreadable() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(IDXBytes.labels([1]), to: "labels")
        chmod(folder.file("labels").path, 0)
        let text = try #require(datasetErrorText { _ = try IDXFile.readLabels(at: folder.file("labels")) })
        #expect(text.contains("labels: cannot be read: permission denied"), "\(text)")
    }
}

@Suite("Hostile CIFAR-10 files")
struct HostileCIFARTests {
    @Test("an empty batch file is refused by name")
    func emptyFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try CIFARTests.writeFiles(in: folder)
        try folder.write([], to: "test_batch.bin")
        let text = try #require(datasetErrorText { _ = try DatasetSplits.cifar10(directory: folder.url) })
        #expect(text.contains("test_batch.bin") && text.contains("is 0 bytes long") && text.contains("non-zero multiple of 3073"), "\(text)")
    }

    @Test("a batch file above the record cap is refused from its size, unread")
    func hugeFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try CIFARTests.writeFiles(in: folder)
        let records = CIFAR10.maximumRecordsPerFile + 1
        try makeSparse(folder.file("data_batch_2.bin"), size: records * CIFAR10.recordSize)
        var text: String?
        let seconds = secondsTaken { text = datasetErrorText { _ = try DatasetSplits.cifar10(directory: folder.url) } }
        let message = try #require(text)
        #expect(message.contains("data_batch_2.bin") && message.contains("holds \(records) records"), "\(message)")
        #expect(seconds < 1, "took \(seconds) s")
    }

    @Test("decodeBatch reads records from bytes and names a bad label's record")
    func decodeBatch() throws {
        let good = CIFARTests.record(label: 7, seed: 1) + CIFARTests.record(label: 0, seed: 2)
        let set = try CIFAR10.decodeBatch(Data(good), name: "mem.bin")
        #expect(set.labels == [7, 0] && set.images.shape == [2, 3, 32, 32])
        let bad = good + CIFARTests.record(label: 200, seed: 3)
        let text = try #require(datasetErrorText { _ = try CIFAR10.decodeBatch(Data(bad), name: "mem.bin") })
        #expect(text.contains("mem.bin") && text.contains("label 200 in record 2"), "\(text)")
        let ragged = try #require(datasetErrorText { _ = try CIFAR10.decodeBatch(Data(good.dropLast()), name: "mem.bin") })
        #expect(ragged.contains("is 6145 bytes long"), "\(ragged)")
    }
}
