import Foundation
import SafeTensorsFormat
import SparsityConstraints
import TensorEngine

/// Mask files: a ``MaskSet`` as a safetensors file. Kept out of SparsityConstraints, which depends on the tensor
/// engine only.
extension MaskSet {
    /// Writes the masks as a safetensors file (U8 or BOOL), atomically.
    public func write(to url: URL, dtype: MaskDType = .u8) throws {
        var byName: [String: Tensor] = [:]
        for mask in masks { byName[mask.name] = mask.tensor }
        try SafeTensors.writeMasks(byName, to: url, dtype: dtype)
    }

    /// Reads masks from a safetensors file, in name order.
    public static func read(from url: URL) throws -> MaskSet {
        let byName = try SafeTensors.readMasks(from: url)
        return MaskSet(byName.keys.sorted().map { NamedTensor(name: $0, tensor: byName[$0]!) })
    }
}
