import TensorEngine

/// A 0/1 mask per pruned weight: 1 keeps a weight, 0 fixes it at zero.
public struct MaskSet: Equatable, Sendable {
    /// The masks, in the order of the pruned weights.
    public var masks: [NamedTensor]

    /// Wraps masks.
    public init(_ masks: [NamedTensor]) { self.masks = masks }

    /// The masks of hard-pruned weights: 1 where the weight is non-zero.
    public init(nonZerosOf weights: [NamedTensor]) {
        masks = weights.map { weight in NamedTensor(name: weight.name, tensor: weight.tensor.map { $0 != 0 ? 1 : 0 }) }
    }

    /// Multiplies each tensor by its mask, in place; tensors are matched by position and must have the mask's shape.
    public func apply(to values: inout [Tensor]) {
        precondition(values.count == masks.count, "MaskSet.apply: \(values.count) tensors for \(masks.count) masks")
        for index in masks.indices { Self.multiply(&values[index], by: masks[index].tensor) }
    }

    /// Multiplies `value` by `mask` elementwise, in place.
    public static func multiply(_ value: inout Tensor, by mask: Tensor) {
        precondition(value.shape == mask.shape, "mask \(describeShape(mask.shape)) for tensor \(describeShape(value.shape))")
        mask.scalars.withUnsafeBufferPointer { m in
            value.scalars.withUnsafeMutableBufferPointer { v in
                for index in 0..<v.count { v[index] *= m[index] }
            }
        }
    }
}
