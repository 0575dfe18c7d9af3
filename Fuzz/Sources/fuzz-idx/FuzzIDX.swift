// Fuzz target: the IDX reader of the MNIST family, raw and gzipped, and the gzip inflater, all in memory.
//
// Input layout: byte 0 chooses the call, the rest is file content.
//   bits 0-1 of byte 0: 0 = an image file (idx3, `IDXFile.decodeImages`),
//                       1 = a label file (idx1, `IDXFile.decodeLabels`),
//                       2 = an image file and a label file, both decoded (the rest starts with a 2-byte
//                           little-endian length of the image file, the labels follow it),
//                       3 = a bare gzip stream (`Gzip.inflate`, at most 1 MB of output);
//   bit 2 of byte 0:    the harness gzips each file before the decoder sees it, so that the whole IDX header
//                       space is reachable behind gzip; without it the bytes go as they are (a raw IDX file, or
//                       a gzip stream the fuzzer mutates directly). With mode 3 this makes a round trip: the
//                       inflated bytes must equal the input, or the harness traps.
import CFuzzSupport
import Datasets
import Foundation
import FuzzSupport

/// The most bytes mode 3 lets `Gzip.inflate` produce (inputs are at most a few kilobytes; a gzip bomb stops here).
let maximumInflated = 1 << 20

/// The parser calls under test.
func parseIDX(images: Data?, labels: Data?) throws {
    if let images { _ = try IDXFile.decodeImages(images, name: "fuzz-images.idx") }
    if let labels { _ = try IDXFile.decodeLabels(labels, name: "fuzz-labels.idx") }
}

/// `Gzip.inflate` on `stream`; when `original` is given (the harness compressed it into `stream`), the output
/// must be exactly `original`.
func inflateGzip(_ stream: Data, original: Data?) throws {
    let output = try Gzip.inflate(stream, name: "fuzz.gz", maximumOutput: maximumInflated)
    // fatalError, not precondition: its message survives the release build.
    if let original, output != original {
        fatalError("Gzip.inflate round trip: \(original.count) bytes compressed by zlib inflate to \(output.count) different bytes")
    }
}

/// `bytes` gzipped by zlib.
func gzipped(_ bytes: UnsafeBufferPointer<UInt8>) -> Data {
    var output = Data(count: gzip_for_fuzz_bound(bytes.count))
    let written = output.withUnsafeMutableBytes { out in
        gzip_for_fuzz(bytes.baseAddress, bytes.count, out.bindMemory(to: UInt8.self).baseAddress, out.count)
    }
    if written == 0 { fatalError("fuzz harness: zlib could not compress \(bytes.count) bytes") }
    output.count = written
    return output
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let gzip = input.mode & 0b100 != 0
    func file(_ bytes: UnsafeBufferPointer<UInt8>) -> Data { gzip ? gzipped(bytes) : Data(fuzz: bytes) }
    fuzzOutcome {
        switch input.mode & 0b11 {
        case 0:
            try parseIDX(images: file(input.afterMode), labels: nil)
        case 1:
            try parseIDX(images: nil, labels: file(input.afterMode))
        case 2:
            let (images, labels) = FuzzInput.split(input.afterMode, prefixBytes: 2)
            try parseIDX(images: file(images), labels: file(labels))
        default:
            try inflateGzip(file(input.afterMode), original: gzip ? Data(fuzz: input.afterMode) : nil)
        }
    }
    return 0
}

/// Hands libFuzzer the target (SwiftPM's executables need a `main` of their own; see `FuzzDriver`).
@main
enum FuzzIDXMain {
    static func main() {
        FuzzDriver.run { data, size in
            guard let data else { return 0 }
            return fuzz(data, size)
        }
    }
}
