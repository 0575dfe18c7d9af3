// Fuzz target: the IDX reader of the MNIST family, raw and gzipped.
//
// Input layout: byte 0 chooses the call, the rest is file content.
//   bits 0-1 of byte 0: 0 or 3 = an image file (idx3), 1 = a label file (idx1),
//                       2 = an image file and a label file read as a pair (the rest starts with a 2-byte
//                           little-endian length of the image file, the labels follow it);
//   bit 2 of byte 0:    the harness gzips each file before the reader sees it, so that the whole IDX header
//                       space is reachable behind gzip; without it the bytes go as they are (a raw IDX file, or
//                       a gzip stream the fuzzer mutates directly).
import CFuzzSupport
import Datasets
import Foundation
import FuzzSupport

/// The parser calls under test. Today's entry points read files; when byte-level ones exist
/// (`IDXFile.decode(Data, name:)`) only this function changes.
func parseIDX(images: UnsafeBufferPointer<UInt8>?, labels: UnsafeBufferPointer<UInt8>?) throws {
    let imagesURL = images.map { ScratchFiles.write($0, to: "images.idx") }
    let labelsURL = labels.map { ScratchFiles.write($0, to: "labels.idx") }
    switch (imagesURL, labelsURL) {
    case let (imagesURL?, labelsURL?):
        _ = try IDXFile.readLabeledImages(images: imagesURL, labels: labelsURL, classCount: 10, name: "fuzz")
    case let (imagesURL?, nil):
        _ = try IDXFile.readImages(at: imagesURL)
    case let (nil, labelsURL?):
        _ = try IDXFile.readLabels(at: labelsURL)
    case (nil, nil):
        break
    }
}

/// `bytes` gzipped into a fresh buffer, handed to `body`.
func withGzipped<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
    var output = [UInt8](repeating: 0, count: gzip_for_fuzz_bound(bytes.count))
    let written = output.withUnsafeMutableBufferPointer { out in
        gzip_for_fuzz(bytes.baseAddress, bytes.count, out.baseAddress, out.count)
    }
    precondition(written > 0, "fuzz harness: zlib could not compress \(bytes.count) bytes")
    return try output.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<written])) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let gzip = input.mode & 0b100 != 0
    func maybeGzipped(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        if gzip { try withGzipped(bytes, body) } else { try body(bytes) }
    }
    fuzzOutcome {
        switch input.mode & 0b11 {
        case 1:
            try maybeGzipped(input.afterMode) { try parseIDX(images: nil, labels: $0) }
        case 2:
            let (images, labels) = FuzzInput.split(input.afterMode, prefixBytes: 2)
            try maybeGzipped(images) { images in
                try maybeGzipped(labels) { labels in try parseIDX(images: images, labels: labels) }
            }
        default:
            try maybeGzipped(input.afterMode) { try parseIDX(images: $0, labels: nil) }
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
