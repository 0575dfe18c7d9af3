import Foundation
import TensorEngine

/// The contents of one safetensors file: its tensors in file order and its string metadata.
public struct SafeTensorsFile: Sendable {
    /// The path (or label) the contents came from; errors about this file name it.
    public let source: String
    /// The tensor names in the order their data appears in the file.
    public let names: [String]
    /// Every tensor by name.
    public let tensors: [String: StoredTensor]
    /// The `__metadata__` map of the header (empty when the file has none).
    public let metadata: [String: String]

    /// Creates a parsed file; `names` must list exactly the keys of `tensors`.
    init(source: String, names: [String], tensors: [String: StoredTensor], metadata: [String: String]) {
        precondition(names.count == tensors.count && names.allSatisfy { tensors[$0] != nil },
                     "tensor order does not list the tensors")
        self.source = source
        self.names = names
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, or nil.
    public subscript(name: String) -> StoredTensor? { tensors[name] }

    /// The tensor called `name`, throwing a ``CheckpointError`` that names the file when it is missing.
    /// - Parameter name: the tensor's key in the header, e.g. `conv1.weight`.
    public func tensor(named name: String) throws -> StoredTensor {
        guard let tensor = tensors[name] else {
            let available = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
            throw CheckpointError(file: source, kind: .missingTensor,
                                  detail: "no tensor named '\(name)' (the file has \(names.count): \(available))")
        }
        return tensor
    }

    /// Every tensor converted to Float (see ``StoredTensor/floatTensor()`` for the conversions).
    public func floatTensors() -> [String: Tensor] { tensors.mapValues { $0.floatTensor() } }
}

extension SafeTensorsFile: Equatable {
    /// Two files are equal when their tensors, order and metadata are; where they came from does not matter.
    public static func == (lhs: SafeTensorsFile, rhs: SafeTensorsFile) -> Bool {
        lhs.names == rhs.names && lhs.tensors == rhs.tensors && lhs.metadata == rhs.metadata
    }
}
