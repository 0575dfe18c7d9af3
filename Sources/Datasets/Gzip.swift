import CZlib
import Foundation

/// gzip decompression through zlib, because Foundation on Linux has no gzip decoder.
///
/// Inflation is incremental: callers ask for as many bytes as they need, so a small file that inflates to
/// gigabytes (a "gzip bomb") costs only what its reader was prepared to accept.
public enum Gzip {
    /// The largest ratio of inflated to compressed size deflate can reach (about 1032:1, from its longest
    /// match per code); more output than this from a file of a given size is impossible, not just unlikely.
    static let maximumRatio = 1032

    /// Whether `bytes` start with the gzip magic number 1f 8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates gzip bytes held in memory (several concatenated members included), refusing to produce more
    /// than `maximumOutput` bytes.
    /// - Parameters:
    ///   - bytes: the bytes of a .gz file.
    ///   - name: the name errors give for the bytes.
    ///   - maximumOutput: the most inflated bytes the caller accepts.
    /// - Returns: the inflated bytes.
    /// - Throws: `DatasetError.malformedFile` naming `name` when the stream is corrupt, ends early or inflates
    ///   to more than `maximumOutput` bytes.
    public static func inflate(_ bytes: Data, name: String, maximumOutput: Int) throws -> Data {
        let inflater = try GzipInflater(source: MemoryBytes(data: bytes), path: name)
        var output = Data()
        let chunkSize = 1 << 16
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let produced = try chunk.withUnsafeMutableBytes { try inflater.read(into: $0) }
            guard output.count + produced <= maximumOutput else {
                throw DatasetError.malformedFile(
                    path: name, reason: "gzip data inflates to more than \(maximumOutput) bytes, the most accepted here")
            }
            output.append(contentsOf: chunk[0..<produced])
            if produced < chunkSize { return output }
        }
    }
}

/// Inflates a gzip stream read from a `ByteSource` on demand, one input chunk at a time.
final class GzipInflater {
    private let source: ByteSource
    private let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 16
    /// Where in the source the next input chunk starts.
    private var sourceOffset = 0
    /// Whether the last member has ended; no more output will come.
    private(set) var finished = false

    /// Starts inflating `source`.
    /// - Parameters:
    ///   - source: the compressed bytes.
    ///   - path: the file's path (or a name), used only in error messages.
    init(source: ByteSource, path: String) throws {
        self.source = source
        self.path = path
        // zlib keeps a pointer back to its z_stream, so the stream must not move: it lives on the heap.
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = UnsafeMutablePointer<UInt8>.allocate(capacity: inputCapacity)
        // 16 + MAX_WBITS asks zlib to expect a gzip header and trailer rather than a raw zlib stream.
        let status = inflateInit2_(stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw DatasetError.malformedFile(path: path, reason: "zlib could not start inflating (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Fills `buffer` with inflated bytes and returns how many it wrote: all of it, unless the stream ended first.
    /// - Throws: `DatasetError.malformedFile` when the data is corrupt or the file ends inside a member.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        var produced = 0
        var idleCalls = 0
        while produced < buffer.count && !finished {
            if stream.pointee.avail_in == 0 { try refill() }
            let room = min(buffer.count - produced, Int(UInt32.max))
            stream.pointee.next_out = base + produced
            stream.pointee.avail_out = UInt32(room)
            let inputBefore = stream.pointee.avail_in
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let written = room - Int(stream.pointee.avail_out)
            produced += written
            // A call that neither consumed input nor wrote output had nothing to work with.
            idleCalls = (written == 0 && stream.pointee.avail_in == inputBefore) ? idleCalls + 1 : 0
            switch status {
            case Z_OK, Z_BUF_ERROR:
                if idleCalls > 0 && stream.pointee.avail_in == 0 && sourceOffset >= source.size {
                    throw DatasetError.malformedFile(
                        path: path, reason: "gzip data ends early (truncated file), expected a complete gzip stream")
                }
                if idleCalls > 2 {
                    throw DatasetError.malformedFile(path: path, reason: "corrupt gzip data (inflation makes no progress)")
                }
            case Z_STREAM_END:
                try startNextMemberOrFinish()
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw DatasetError.malformedFile(path: path, reason: "corrupt gzip data (\(detail))")
            }
        }
        return produced
    }

    /// Inflates and discards what is left, up to `limit` bytes, and returns how many there were
    /// (`limit + 1` meaning "more than `limit`"), so that a stream longer than declared is measured, not stored.
    func skipRemaining(limit: Int) throws -> Int {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var skipped = 0
        while !finished && skipped <= limit {
            let wanted = min(scratch.count, limit + 1 - skipped)
            skipped += try scratch.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted])) }
        }
        return skipped
    }

    /// After a member's end: another member follows if the next input bytes are the gzip magic; anything
    /// else (including trailing padding some tools write) ends the stream, as `gzip -d` does.
    private func startNextMemberOrFinish() throws {
        if stream.pointee.avail_in < 2 { try refill() }
        let next = stream.pointee.next_in
        if stream.pointee.avail_in >= 2, let next, next[0] == 0x1F, next[1] == 0x8B {
            inflateReset(stream)
        } else {
            finished = true
        }
    }

    /// Moves unread input to the front of the buffer and tops it up from the source.
    private func refill() throws {
        let kept = Int(stream.pointee.avail_in)
        if kept > 0, let next = stream.pointee.next_in, next != input {
            memmove(input, next, kept)  // the ranges may overlap
        }
        let room = UnsafeMutableRawBufferPointer(start: input + kept, count: inputCapacity - kept)
        let added = sourceOffset < source.size ? try source.read(at: sourceOffset, into: room) : 0
        sourceOffset += added
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(kept + added)
    }
}
