import TensorEngine

extension SafeTensorsFile {
    /// Every tensor as a Float weight, refusing what cannot be one.
    ///
    /// Floating-point tensors (`F32`, `F64`, `F16`, `BF16`) convert to Float and must hold only finite values
    /// (a NaN or infinite weight would make every later number meaningless). Integer and `BOOL` tensors are
    /// refused, with one exception whose meaning is clear: a batch norm's `num_batches_tracked` counter, which
    /// PyTorch stores as `I64`, converts to a Float scalar. Masks have their own reader,
    /// ``SafeTensors/readMasks(from:)``.
    /// - Throws: ``CheckpointError`` naming the tensor: of kind `unsupportedDType` for a non-float tensor, of kind
    ///   `nonFiniteValue` with the index of the first NaN or infinity.
    public func weightTensors() throws -> [String: Tensor] {
        var weights: [String: Tensor] = [:]
        weights.reserveCapacity(names.count)
        for name in names {
            let stored = tensors[name]!
            switch stored.dtype {
            case .f32, .f64, .f16, .bf16:
                break
            case .i64, .i32, .i16, .i8, .u8:
                guard Self.isCounter(name) else { throw nonFloat(name, stored.dtype) }
            case .bool:
                throw nonFloat(name, stored.dtype)
            }
            let weight = stored.floatTensor()
            let firstBad = weight.scalars.withUnsafeBufferPointer { values in values.firstIndex { !$0.isFinite } }
            if let firstBad {
                let conversion = stored.dtype == .f32 ? "" : " (converted from \(stored.dtype.rawValue))"
                throw CheckpointError(file: source, kind: .nonFiniteValue,
                                      detail: "tensor '\(name)' holds \(weight.scalars[firstBad])\(conversion) at element \(firstBad) of shape \(describeShape(stored.shape)); weights must be finite numbers")
            }
            weights[name] = weight
        }
        return weights
    }

    /// Whether `name` is a batch norm's step counter (`…num_batches_tracked`), the one integer tensor of a
    /// PyTorch `state_dict`.
    static func isCounter(_ name: String) -> Bool {
        name == "num_batches_tracked" || name.hasSuffix(".num_batches_tracked")
    }

    private func nonFloat(_ name: String, _ dtype: SafeTensorsDType) -> CheckpointError {
        CheckpointError(file: source, kind: .unsupportedDType,
                        detail: "tensor '\(name)' has dtype \(dtype.rawValue); weights must be F32, F64, F16 or BF16 (only a batch norm's num_batches_tracked counter may be an integer)")
    }
}
