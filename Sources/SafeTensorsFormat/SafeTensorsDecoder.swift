import Foundation

/// Parses a safetensors file and checks every structural rule before any tensor is built.
///
/// The rules are those of the reference (Rust/Python) implementation, so whatever this accepts, Python's
/// `safetensors` accepts too: the header fits in the file, is a JSON object of entries plus an optional string
/// map `__metadata__`, each entry's byte span matches its dtype and shape, and the spans tile the data section
/// exactly — starting at 0, no overlaps, no gaps, no bytes left over.
enum SafeTensorsDecoder {
    /// The reference implementation refuses headers above 100 MB; so does this one, so that a corrupt length
    /// cannot make us allocate gigabytes.
    static let maximumHeaderLength = 100_000_000

    /// The deepest nesting a header may have; a valid one nests three deep (`{"w": {"shape": [2]}}`).
    static let maximumHeaderDepth = 16

    /// What the header says about the file: where the data starts, the checked spans in data order, the metadata.
    struct Layout {
        let dataStart: Int
        let spans: [Span]
        let metadata: [String: String]
    }

    /// Parses and validates a whole file held in memory.
    static func decode(_ data: Data, source: String) throws -> SafeTensorsFile {
        let bytes = data.startIndex == 0 ? data : Data(data)
        let layout = try readLayout(fileSize: bytes.count, source: source) { bytes.subdata(in: $0..<($0 + $1)) }
        return assemble(layout, source: source) { bytes.subdata(in: $0..<($0 + $1)) }
    }

    /// Reads and validates a file: the length prefix, then the header (checked against the file's size), and
    /// only then each tensor's bytes, so a file with a bad header is refused without its data being read.
    static func read(_ url: URL) throws -> SafeTensorsFile {
        let file = try ReadableFile(url, expected: "a .safetensors file")
        let layout = try readLayout(fileSize: file.size, source: url.path) { try file.read(offset: $0, count: $1) }
        return try assemble(layout, source: url.path) { try file.read(offset: $0, count: $1) }
    }

    /// Reads the length prefix and the header through `read(offset, count)` and checks every rule of the format
    /// against `fileSize`; `read` is only asked for bytes that lie inside the file.
    static func readLayout(fileSize: Int, source: String, read: (Int, Int) throws -> Data) throws -> Layout {
        func failure(_ kind: CheckpointError.Kind, _ detail: String) -> CheckpointError {
            CheckpointError(file: source, kind: kind, detail: detail)
        }
        guard fileSize >= 8 else {
            throw failure(.truncated, "the file has \(fileSize) bytes, fewer than the 8-byte header length a safetensors file starts with")
        }
        let headerLength = try read(0, 8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let available = fileSize - 8
        guard headerLength <= UInt64(available) else {
            throw failure(.truncated, "the header length \(headerLength) is larger than the \(available) bytes that follow it")
        }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw failure(.invalidHeader, "the header length \(headerLength) exceeds the format's limit of \(maximumHeaderLength) bytes")
        }
        let headerEnd = 8 + Int(headerLength)
        let headerBytes = try read(8, Int(headerLength))
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw failure(.invalidHeader, "the header does not start with '{' (expected a JSON object)")
        }
        // Grammar, depth and duplicate keys first: the JSON decoder would silently keep one of two equal keys.
        do {
            try JSONText.check(headerBytes, maximumDepth: maximumHeaderDepth)
        } catch let error as JSONTextError {
            switch error.kind {
            case .duplicateKey where error.path.isEmpty:
                throw failure(.invalidHeader, "the header names '\(error.key ?? "")' twice (\(error.line):\(error.column)); expected each tensor name once")
            case .duplicateKey:
                throw failure(.invalidHeader, "the header's entry '\(error.path)' holds the key '\(error.key ?? "")' twice (\(error.line):\(error.column)); expected each key once")
            case .tooDeep, .syntax:
                throw failure(.invalidHeader, "the header is not a valid safetensors JSON header: \(error)")
            }
        }

        let header: RawHeader
        do {
            header = try JSONDecoder().decode(RawHeader.self, from: headerBytes)
        } catch let error as DecodingError {
            throw failure(.invalidHeader, "the header is not a valid safetensors JSON header: \(describe(error))")
        } catch {
            throw failure(.invalidHeader, "the header is not valid JSON: \(error)")
        }

        let dataLength = fileSize - headerEnd
        let spans = try header.entries.map { try validate($0, dataLength: dataLength, failure: failure) }
        let ordered = spans.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        try checkTiling(ordered, dataLength: dataLength, failure: failure)
        return Layout(dataStart: headerEnd, spans: ordered, metadata: header.metadata)
    }

    /// Builds the file from a checked layout, reading each tensor's bytes through `read(offset, count)`.
    static func assemble(_ layout: Layout, source: String, read: (Int, Int) throws -> Data) rethrows -> SafeTensorsFile {
        var tensors: [String: StoredTensor] = [:]
        tensors.reserveCapacity(layout.spans.count)
        for span in layout.spans {
            let bytes = try read(layout.dataStart + span.begin, span.end - span.begin)
            tensors[span.name] = StoredTensor(dtype: span.dtype, shape: span.shape, bytes: bytes)
        }
        return SafeTensorsFile(source: source, names: layout.spans.map(\.name), tensors: tensors, metadata: layout.metadata)
    }

    /// A header entry whose dtype, shape and span have been checked on their own.
    struct Span {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    static func validate(_ entry: RawEntry, dataLength: Int,
                         failure: (CheckpointError.Kind, String) -> CheckpointError) throws -> Span {
        let name = entry.name
        guard let dtype = SafeTensorsDType(rawValue: entry.dtype) else {
            let supported = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw failure(.unsupportedDType, "tensor '\(name)' has dtype '\(entry.dtype)'; supported are \(supported)")
        }
        guard entry.shape.allSatisfy({ $0 >= 0 }) else {
            throw failure(.invalidHeader, "tensor '\(name)' has a negative dimension in shape \(entry.shape)")
        }
        guard entry.dataOffsets.count == 2 else {
            throw failure(.invalidHeader, "tensor '\(name)' has data_offsets \(entry.dataOffsets); expected [begin, end]")
        }
        let begin = entry.dataOffsets[0], end = entry.dataOffsets[1]
        guard begin >= 0, begin <= end else {
            throw failure(.invalidOffsets, "tensor '\(name)' has data_offsets [\(begin), \(end)]; expected 0 ≤ begin ≤ end")
        }
        guard end <= dataLength else {
            throw failure(.invalidOffsets, "tensor '\(name)' has data_offsets [\(begin), \(end)], past the end of the \(dataLength)-byte data section")
        }
        // The shape comes from outside: multiply with overflow checks before comparing sizes. As in the reference
        // implementation the product is taken left to right over every dimension, so [2^40, 2^40, 0] is refused
        // too: code that later multiplies the shape out (element counts, tensors) must not overflow either.
        var byteCount = dtype.byteWidth
        for dimension in entry.shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw failure(.sizeMismatch, "tensor '\(name)' has shape \(entry.shape), too large to address")
            }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw failure(.sizeMismatch, "tensor '\(name)' of dtype \(dtype.rawValue) and shape \(entry.shape) needs \(byteCount) bytes, but data_offsets [\(begin), \(end)] span \(end - begin)")
        }
        return Span(name: name, dtype: dtype, shape: entry.shape, begin: begin, end: end)
    }

    /// Checks that the spans, sorted by offset, cover `0..<dataLength` exactly once.
    static func checkTiling(_ ordered: [Span], dataLength: Int,
                            failure: (CheckpointError.Kind, String) -> CheckpointError) throws {
        var covered = 0
        var previous: Span?
        for span in ordered {
            if span.begin < covered, let previous {
                throw failure(.invalidOffsets, "tensor '\(span.name)' at [\(span.begin), \(span.end)) overlaps tensor '\(previous.name)' at [\(previous.begin), \(previous.end))")
            }
            if span.begin > covered {
                throw failure(.invalidOffsets, "bytes [\(covered), \(span.begin)) of the data section belong to no tensor (before '\(span.name)'); offsets must be contiguous")
            }
            covered = span.end
            previous = span
        }
        if covered != dataLength {
            throw failure(.invalidOffsets, "the data section has \(dataLength) bytes but the tensors cover only \(covered)")
        }
    }

    /// Formats a decoding error as "at <path>: <problem>".
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "at the top level" : "at '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type) (\(context.debugDescription))"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type) but found null"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key '\(key.stringValue)'"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return "\(path(context)): \(context.debugDescription)\(underlying)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// The header as JSON: tensor entries plus the optional `__metadata__` string map.
struct RawHeader: Decodable {
    var entries: [RawEntry] = []
    var metadata: [String: String] = [:]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                var entry = try container.decode(RawEntry.self, forKey: key)
                entry.name = key.stringValue
                entries.append(entry)
            }
        }
    }
}

/// One tensor's header entry before validation.
struct RawEntry: Decodable {
    var name = ""
    let dtype: String
    let shape: [Int]
    let dataOffsets: [Int]

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }
}
