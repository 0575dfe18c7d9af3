import Foundation

/// Serialises tensors into the bytes of a safetensors file, laid out as Python's `safetensors` lays them out.
///
/// Order: by dtype rank descending (8-byte types first, bytes last) and then by name — for a file of one dtype,
/// simply by name — with contiguous offsets from 0. Header: compact JSON, `__metadata__` first (keys sorted), then
/// each tensor's `{"dtype","shape","data_offsets"}` in data order, padded with spaces to a multiple of 8 bytes.
/// For a file without metadata, or with one metadata key, the output is byte-identical to Python's.
enum SafeTensorsEncoder {
    static func encode(_ tensors: [String: StoredTensor], metadata: [String: String], destination: String) throws -> Data {
        if tensors["__metadata__"] != nil {
            throw CheckpointError(file: destination, kind: .invalidTensor,
                                  detail: "'__metadata__' is reserved for the header's metadata and cannot name a tensor")
        }
        let ordered = tensors.sorted { lhs, rhs in
            let (left, right) = (lhs.value.dtype.serializationRank, rhs.value.dtype.serializationRank)
            return left != right ? left > right : lhs.key < rhs.key
        }

        var json = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in ordered {
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        json += entries.joined(separator: ",") + "}"

        var header = Data(json.utf8)
        // Pad so that the data section starts at a multiple of 8 (the 8-byte length prefix keeps that true).
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        guard header.count <= SafeTensorsDecoder.maximumHeaderLength else {
            throw CheckpointError(file: destination, kind: .invalidTensor,
                                  detail: "the header would be \(header.count) bytes, above the format's limit of \(SafeTensorsDecoder.maximumHeaderLength)")
        }

        var file = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        for (_, tensor) in ordered { file.append(tensor.bytes) }
        return file
    }

    /// A JSON string literal escaped as serde_json (the reference writer) escapes it: quote, backslash and
    /// control characters; everything else, including non-ASCII, verbatim as UTF-8.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
