import Foundation

/// One input libFuzzer hands a target, with the small splitting helpers the targets share.
///
/// Targets read a mode from the first byte and split the rest with a length prefix, so that a single flat byte
/// string can describe two files or choose a code path; the mutator then explores both halves at once.
public struct FuzzInput {
    /// Every byte of the input.
    public let bytes: UnsafeBufferPointer<UInt8>

    /// Wraps the buffer `LLVMFuzzerTestOneInput` receives (valid only during that call).
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = UnsafeBufferPointer(start: data, count: size)
    }

    /// The first byte (0 for an empty input), used as a mode selector.
    public var mode: UInt8 { bytes.first ?? 0 }

    /// The input without its first byte.
    public var afterMode: UnsafeBufferPointer<UInt8> { bytes.isEmpty ? bytes : UnsafeBufferPointer(rebasing: bytes[1...]) }

    /// Splits `buffer` in two: a little-endian length of `prefixBytes` bytes gives the size of the first part
    /// (clamped to what is there), the rest is the second part.
    public static func split(_ buffer: UnsafeBufferPointer<UInt8>, prefixBytes: Int)
        -> (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) {
        let prefix = min(prefixBytes, buffer.count)
        var length = 0
        for index in 0..<prefix { length |= Int(buffer[index]) << (8 * index) }
        let body = UnsafeBufferPointer(rebasing: buffer[prefix...])
        let cut = min(length, body.count)
        return (UnsafeBufferPointer(rebasing: body[..<cut]), UnsafeBufferPointer(rebasing: body[cut...]))
    }
}

extension Data {
    /// A copy of a fuzzer buffer (an empty buffer may have a nil base address, which `Data(buffer:)` accepts).
    public init(fuzz buffer: UnsafeBufferPointer<UInt8>) {
        self.init(buffer: buffer)
    }
}
