import Foundation

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("SafeTensorsFormatTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// The names in the folder, sorted (hidden temporary files included).
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Builds safetensors bytes by hand: the u64 length prefix (the header's length unless overridden), the header
/// text unpadded, then the data bytes.
func handBuiltFile(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    let headerBytes = Data(header.utf8)
    var file = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { file.append(contentsOf: $0) }
    file.append(headerBytes)
    file.append(contentsOf: data)
    return file
}

/// The little-endian bytes of a value.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// The little-endian bytes of Floats.
func floatBytes(_ values: [Float]) -> [UInt8] { values.flatMap { littleEndianBytes($0.bitPattern) } }
