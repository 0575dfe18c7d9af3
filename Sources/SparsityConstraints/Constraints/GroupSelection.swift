import TensorEngine

/// The shared machinery of the "keep the largest groups" constraints: scores, selection under a plan, masks,
/// and the count of non-zero groups for verification.
enum GroupSelection {
    /// Clears the sign bit of a `Float` pattern: the key of `|w|`.
    static let floatMagnitudeMask: UInt32 = 0x7FFF_FFFF
    /// Clears the sign bit of a `Double` pattern (sums of squares are non-negative; this only tames NaNs).
    static let doubleMagnitudeMask: UInt64 = 0x7FFF_FFFF_FFFF_FFFF

    /// The 0/1 masks of the projection of `layers` under `plan`, in groups of `granularity`.
    /// - Parameters:
    ///   - layers: Validated weights.
    ///   - granularity: The unit kept or removed.
    ///   - plan: Keep counts in groups.
    static func masks(_ layers: [NamedTensor], granularity: Granularity, plan: KeepPlan) -> [NamedTensor] {
        if granularity == .element {
            // Keys are read in place: the bit pattern of |w| orders like |w|.
            let flags = LargestSelection.flags(WeightMagnitudeSegments(layers: layers), mask: floatMagnitudeMask, plan: plan)
            return zip(layers, flags).map { NamedTensor(name: $0.name, tensor: Tensor(shape: $0.shape, scalars: $1)) }
        }

        let geometries = layers.map { GroupGeometry(granularity, shape: $0.shape) }
        let scores: [[UInt64]] = layers.indices.map { index in
            layers[index].tensor.scalars.withUnsafeBufferPointer { weights in
                geometries[index].groupSquaredNorms(weights).map(\.bitPattern)
            }
        }
        let flags = LargestSelection.flags(ArrayKeySegments(arrays: scores), mask: doubleMagnitudeMask, plan: plan)
        return layers.indices.map { index in
            let mask = Tensor(shape: layers[index].shape) { buffer in
                geometries[index].expand(groupFlags: flags[index], into: buffer)
            }
            return NamedTensor(name: layers[index].name, tensor: mask)
        }
    }

    /// The number of groups with a non-zero weight in each layer; layers whose shape does not fit the granularity
    /// are reported in `violations` and count as 0.
    /// - Parameters:
    ///   - layers: The weights to check.
    ///   - granularity: The unit of counting.
    ///   - violations: Receives one entry per layer that cannot be split into such groups.
    static func activeGroups(_ layers: [NamedTensor], granularity: Granularity,
                             violations: inout [ConstraintViolation]) -> [Int] {
        layers.map { layer in
            do {
                try granularity.validate(layer.layerShape)
            } catch {
                violations.append(ConstraintViolation(layer: layer.name, message: "\(error)"))
                return 0
            }
            return layer.tensor.scalars.withUnsafeBufferPointer {
                GroupGeometry(granularity, shape: layer.shape).activeGroupCount($0)
            }
        }
    }
}

/// The weights of each layer read in place as `UInt32` patterns; with the sign bit masked they order like `|w|`.
struct WeightMagnitudeSegments: KeySegments {
    let layers: [NamedTensor]
    var segmentCount: Int { layers.count }
    func keyCount(_ index: Int) -> Int { layers[index].tensor.count }
    func withSegment<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt32>) throws -> Result) rethrows -> Result {
        try layers[index].tensor.scalars.withUnsafeBufferPointer { weights in
            try weights.withMemoryRebound(to: UInt32.self, body)
        }
    }
}
