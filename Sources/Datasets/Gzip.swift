import CZlib
import Foundation

/// gzip decompression through zlib, because Foundation on Linux has no gzip decoder.
enum Gzip {
    /// Whether `bytes` start with the gzip magic number 1f 8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a whole gzip file held in memory, including files made of several concatenated members.
    /// - Parameters:
    ///   - compressed: the bytes of the .gz file.
    ///   - path: the file's path, used only in error messages.
    /// - Throws: `DatasetError.malformedFile` when the stream is corrupt or ends early.
    static func decompress(_ compressed: [UInt8], path: String) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS asks zlib to expect a gzip header and trailer rather than a raw zlib stream.
        let initStatus = inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DatasetError.malformedFile(path: path, reason: "zlib could not start inflating (status \(initStatus))")
        }
        defer { inflateEnd(&stream) }

        // IDX images compress about 3–4×; start near that and let the output grow by chunks.
        let chunkSize = 1 << 20
        var output = [UInt8]()
        output.reserveCapacity(max(chunkSize, compressed.count * 4))
        var chunk = [UInt8](repeating: 0, count: chunkSize)

        try compressed.withUnsafeBufferPointer { input in
            guard let inputBase = input.baseAddress else {
                throw DatasetError.malformedFile(path: path, reason: "the file is empty, expected gzip data")
            }
            stream.next_in = UnsafeMutablePointer(mutating: inputBase)
            stream.avail_in = UInt32(input.count)
            var finished = false
            while !finished {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunkSize - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK:
                    // No progress with input exhausted means the stream was cut off.
                    if stream.avail_in == 0 && produced == 0 {
                        throw DatasetError.malformedFile(
                            path: path, reason: "gzip data ends early (truncated file), expected a complete gzip stream")
                    }
                case Z_STREAM_END:
                    // A gzip file may hold several members back to back; keep going if another one follows.
                    let remaining = Int(stream.avail_in)
                    let offset = input.count - remaining
                    if remaining >= 2 && input[offset] == 0x1F && input[offset + 1] == 0x8B {
                        inflateReset(&stream)
                    } else {
                        finished = true
                    }
                case Z_BUF_ERROR:
                    throw DatasetError.malformedFile(
                        path: path, reason: "gzip data ends early (truncated file), expected a complete gzip stream")
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw DatasetError.malformedFile(path: path, reason: "corrupt gzip data (\(detail))")
                }
            }
        }
        return output
    }
}

/// Reads a whole file, inflating it when it starts with the gzip magic.
/// - Parameters:
///   - url: the file to read.
///   - hint: what to tell the user when the file does not exist.
func readPossiblyCompressedFile(_ url: URL, missingHint: String) throws -> [UInt8] {
    let bytes = try readFileBytes(url, missingHint: missingHint)
    return Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, path: url.path) : bytes
}

/// Reads a whole file into memory, turning "no such file" and read failures into `DatasetError`s that name it.
func readFileBytes(_ url: URL, missingHint: String) throws -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw DatasetError.missingFile(path: url.path, hint: missingHint)
    }
    guard !isDirectory.boolValue else {
        throw DatasetError.malformedFile(path: url.path, reason: "is a folder, expected a data file")
    }
    do {
        let data = try Data(contentsOf: url)
        return [UInt8](data)
    } catch {
        throw DatasetError.malformedFile(path: url.path, reason: "could not be read (\(error.localizedDescription))")
    }
}
