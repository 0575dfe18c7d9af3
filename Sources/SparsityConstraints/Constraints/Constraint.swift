import TensorEngine

/// A set of allowed weight patterns, with the Euclidean projection onto it: the Z-step of ADMM and SLR,
/// the hard-pruning step of every method, and the check run after retraining.
///
/// A constraint sees all selected layers at once. Per-layer constraints treat each layer on its own; global ones
/// (a budget shared by the layers) decide jointly. The projection keeps the weights of the allowed pattern with the
/// largest sum of squares and zeroes the rest, which is the closest feasible point in Frobenius norm.
///
/// Conform by implementing ``validate(_:)``, ``keepMasks(_:)`` and ``verify(_:)``; ``project(_:)`` has a default that
/// multiplies the weights by the masks. A toy constraint that keeps the `k` largest magnitudes of every row:
///
/// ```swift
/// struct TopKPerRow: Constraint {
///     var k: Int
///     var summary: String { "keep the \(k) largest |w| of every row" }
///
///     func validate(_ layers: [LayerShape]) throws {
///         for layer in layers where layer.shape.count != 2 || layer.shape[1] < k {
///             throw ConstraintError.incompatibleLayer("\(layer): expected [out, in] with in ≥ \(k)")
///         }
///     }
///
///     func keepMasks(_ layers: [NamedTensor]) throws -> [NamedTensor] {
///         try validate(layers.map(\.layerShape))
///         return layers.map { layer in
///             let (rows, cols) = (layer.shape[0], layer.shape[1])
///             var mask = Tensor.zeros(layer.shape)
///             for r in 0..<rows {
///                 let row = (0..<cols).map { abs(layer.tensor.scalars[r * cols + $0]) }
///                 // Ties go to the lower column index, so the mask is deterministic.
///                 let order = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
///                 for c in order.prefix(k) { mask.scalars[r * cols + c] = 1 }
///             }
///             return NamedTensor(name: layer.name, tensor: mask)
///         }
///     }
///
///     func verify(_ layers: [NamedTensor]) -> ConstraintVerification {
///         var violations: [ConstraintViolation] = []
///         for layer in layers where layer.shape.count == 2 {
///             let cols = layer.shape[1]
///             for r in 0..<layer.shape[0] {
///                 let nonZero = layer.tensor.scalars[r * cols ..< (r + 1) * cols].filter { $0 != 0 }.count
///                 if nonZero > k {
///                     violations.append(ConstraintViolation(layer: layer.name, message: "row \(r) has \(nonZero) non-zeros",
///                                                           allowed: k, found: nonZero))
///                 }
///             }
///         }
///         return ConstraintVerification(constraint: summary, violations: violations,
///                                       sparsity: SparsityReport(measuring: layers))
///     }
/// }
/// ```
public protocol Constraint {
    /// A one-line description for logs and reports, e.g. `unstructured 90% per layer`.
    var summary: String { get }

    /// Checks the request against the layers before anything runs; throws a ``ConstraintError`` naming the layer
    /// and what was expected (wrong rank, in-dimension not divisible by M, a block larger than the layer, …).
    /// - Parameter layers: The names and shapes of the selected layers, in model order.
    func validate(_ layers: [LayerShape]) throws

    /// The 0/1 masks of the Euclidean projection of `layers` onto the set: 1 where the projection keeps a weight.
    /// - Parameter layers: The weights of the selected layers, in model order.
    /// - Returns: One mask per layer, with the same name and shape.
    func keepMasks(_ layers: [NamedTensor]) throws -> [NamedTensor]

    /// The Euclidean projection onto the set: the closest feasible weights in Frobenius norm.
    /// - Parameter layers: The weights of the selected layers, in model order.
    /// - Returns: The projected weights, same names and shapes.
    func project(_ layers: [NamedTensor]) throws -> [NamedTensor]

    /// Checks whether `layers` lie in the set, listing every violation with layer names and counts.
    /// - Parameter layers: The weights to check (after hard pruning or a retraining epoch).
    func verify(_ layers: [NamedTensor]) -> ConstraintVerification
}

extension Constraint {
    /// Multiplies each layer by its mask from ``keepMasks(_:)``.
    public func project(_ layers: [NamedTensor]) throws -> [NamedTensor] {
        try projectWithMasks(layers).projected
    }

    /// The projection and its masks from one mask computation.
    /// - Parameter layers: The weights of the selected layers.
    /// - Returns: The projected weights and the 0/1 masks, both in the order of `layers`.
    public func projectWithMasks(_ layers: [NamedTensor]) throws -> (projected: [NamedTensor], masks: [NamedTensor]) {
        let masks = try keepMasks(layers)
        precondition(masks.count == layers.count, "\(summary): keepMasks returned \(masks.count) masks for \(layers.count) layers")
        var projected: [NamedTensor] = []
        projected.reserveCapacity(layers.count)
        for (layer, mask) in zip(layers, masks) {
            precondition(mask.shape == layer.shape,
                         "\(summary): mask of \(layer.name) has shape \(describeShape(mask.shape))")
            let tensor = Tensor(shape: layer.shape) { output in
                layer.tensor.scalars.withUnsafeBufferPointer { weights in
                    mask.tensor.scalars.withUnsafeBufferPointer { keep in
                        // Select rather than multiply, so that kept infinities stay infinite and dropped NaNs become 0.
                        for i in 0..<output.count { output[i] = keep[i] != 0 ? weights[i] : 0 }
                    }
                }
            }
            projected.append(NamedTensor(name: layer.name, tensor: tensor))
        }
        return (projected, masks)
    }

    /// Validates using the names and shapes of the given tensors.
    /// - Parameter layers: The weights whose shapes to check.
    public func validate(_ layers: [NamedTensor]) throws {
        try validate(layers.map(\.layerShape))
    }
}
