import Foundation
import RunFiles
import TensorEngine

/// Reads and writes safetensors files: raw stored tensors, Float weights, and 0/1 masks.
///
/// Every write goes through ``AtomicFile``, so a crash mid-write never leaves a half-written checkpoint.
/// Every read validates the whole file first and throws a ``CheckpointError`` naming the file.
///
/// ```swift
/// try SafeTensors.writeFloatTensors(["fc1.weight": weight], metadata: ["model": "mlp"], to: url)
/// let weights = try SafeTensors.readFloatTensors(from: url)   // ["fc1.weight": Tensor]
/// ```
public enum SafeTensors {
    /// Reads and validates a safetensors file.
    ///
    /// The header is read and checked against the file's size before any tensor data is read, so a file with a
    /// bad header costs nothing however large it is. A folder, FIFO or device is refused by its type, unopened.
    /// - Parameter url: a file URL.
    /// - Returns: the tensors in file order and the header's metadata.
    /// - Throws: ``CheckpointError`` when the file cannot be read or breaks any rule of the format.
    public static func read(from url: URL) throws -> SafeTensorsFile {
        try SafeTensorsDecoder.read(url)
    }

    /// Parses and validates the bytes of a safetensors file held in memory.
    /// - Parameters:
    ///   - data: the whole file.
    ///   - source: the name errors give for the file.
    public static func decode(_ data: Data, source: String = "<memory>") throws -> SafeTensorsFile {
        try SafeTensorsDecoder.decode(data, source: source)
    }

    /// Serialises tensors into the bytes of a safetensors file (the layout Python's `safetensors` writes).
    /// - Parameters:
    ///   - tensors: the tensors by name; `__metadata__` is not a valid name.
    ///   - metadata: string pairs stored under `__metadata__` (omitted when empty).
    ///   - destination: the name errors give for the file.
    public static func encode(_ tensors: [String: StoredTensor], metadata: [String: String] = [:],
                              destination: String = "<memory>") throws -> Data {
        try SafeTensorsEncoder.encode(tensors, metadata: metadata, destination: destination)
    }

    /// Writes tensors of any supported dtype to a safetensors file, atomically.
    /// - Parameters:
    ///   - tensors: the tensors by name.
    ///   - metadata: string pairs stored under `__metadata__`.
    ///   - url: the file to create or replace; its directory must exist.
    /// - Throws: ``CheckpointError`` for a reserved tensor name, ``AtomicFileError`` when the file cannot be written.
    public static func write(_ tensors: [String: StoredTensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata, destination: url.path), to: url)
    }

    /// Reads every tensor of a weights file as Float (see ``SafeTensorsFile/weightTensors()``).
    ///
    /// `F64`, `F16` and `BF16` convert to Float; every value must be finite. Integer and `BOOL` tensors are
    /// refused except a batch norm's `num_batches_tracked` counter (`I64` in a PyTorch `state_dict`), which
    /// becomes a Float scalar.
    /// - Parameter url: a file URL.
    /// - Throws: ``CheckpointError`` naming the file and, for a bad value or dtype, the tensor.
    public static func readFloatTensors(from url: URL) throws -> [String: Tensor] {
        try read(from: url).weightTensors()
    }

    /// Writes Float tensors as `F32`, atomically.
    /// - Parameters:
    ///   - tensors: the tensors by name, e.g. a model's parameters under their `state_dict` names.
    ///   - metadata: string pairs stored under `__metadata__`.
    ///   - url: the file to create or replace.
    public static func writeFloatTensors(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try write(tensors.mapValues { StoredTensor($0) }, metadata: metadata, to: url)
    }

    /// Writes masks as one byte per element (1 where the mask is non-zero, else 0), atomically.
    /// - Parameters:
    ///   - masks: the masks by name (conventionally the name of the weight each one masks).
    ///   - url: the file to create or replace.
    ///   - dtype: `U8` (default) or `BOOL`.
    ///   - metadata: string pairs stored under `__metadata__`.
    public static func writeMasks(_ masks: [String: Tensor], to url: URL, dtype: MaskDType = .u8,
                                  metadata: [String: String] = [:]) throws {
        try write(masks.mapValues { StoredTensor(mask: $0, dtype: dtype) }, metadata: metadata, to: url)
    }

    /// Reads masks as Float tensors of 0 and 1.
    ///
    /// Any dtype is accepted — `U8`, `BOOL`, or the Float masks `torch.nn.utils.prune` keeps — but every value
    /// must be exactly 0 or 1, so that loading a weights file by mistake fails instead of masking nothing.
    /// - Parameter url: a file URL.
    /// - Throws: ``CheckpointError`` of kind `invalidMask` naming the tensor and the first bad value.
    public static func readMasks(from url: URL) throws -> [String: Tensor] {
        let file = try read(from: url)
        var masks: [String: Tensor] = [:]
        for name in file.names {
            let mask = file.tensors[name]!.floatTensor()
            let firstBad = mask.scalars.withUnsafeBufferPointer { values in
                values.indices.first { values[$0] != 0 && values[$0] != 1 }
            }
            if let firstBad {
                throw CheckpointError(file: file.source, kind: .invalidMask,
                                      detail: "mask '\(name)' holds \(mask.scalars[firstBad]) at element \(firstBad); masks hold only 0 and 1")
            }
            masks[name] = mask
        }
        return masks
    }
}
