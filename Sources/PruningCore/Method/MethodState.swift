import TensorEngine

/// The explicit state of a pruning method, saved in checkpoints so a killed run resumes exactly.
///
/// Tensors (Z, Λ, masks) go into a safetensors file; scalars into JSON. Diagnostics are kept by the pipeline.
public struct MethodState: Equatable, Sendable {
    /// Named tensors, e.g. `Z.fc1.weight`, `Lambda.fc1.weight`.
    public var tensors: [String: Tensor]
    /// Named scalars, e.g. `k`, `s`, `iteration`.
    public var values: [String: Double]

    /// Creates a state.
    public init(tensors: [String: Tensor] = [:], values: [String: Double] = [:]) {
        self.tensors = tensors
        self.values = values
    }

    /// The scalar named `key`, or a thrown error naming it when it is missing.
    public func value(_ key: String) throws -> Double {
        guard let value = values[key] else { throw PruningError.invalidState("the saved method state has no value '\(key)'") }
        return value
    }

    /// The tensor named `key` with the expected shape, or a thrown error naming it.
    public func tensor(_ key: String, shape: [Int]) throws -> Tensor {
        guard let tensor = tensors[key] else { throw PruningError.invalidState("the saved method state has no tensor '\(key)'") }
        guard tensor.shape == shape else {
            throw PruningError.invalidState("saved tensor '\(key)' has shape \(describeShape(tensor.shape)), expected \(describeShape(shape))")
        }
        return tensor
    }
}
