import TensorEngine

/// N:M semi-structured sparsity: in every group of M consecutive weights along the input dimension, at most N are
/// non-zero (NVIDIA's 2:4 is `NMConstraint(n: 2, m: 4)`).
///
/// Groups run along the input dimension: for a linear weight `[out, in]`, groups are `M` consecutive columns of a
/// row. For a convolution `[out, in, kh, kw]`, a group is `M` consecutive input channels at one `(out, kh, kw)`, i.e.
/// consecutive along the last axis of the `[out, kh, kw, in]` (channels-last) order that sparse tensor cores
/// consume; in PyTorch's memory layout its members are `kh·kw` apart. The input dimension must be divisible by M.
///
/// The projection keeps the N largest `|w|` of each group (ties to the lower input index); groups are independent,
/// so this is the exact Euclidean projection. The sparsity is fixed at `1 − N/M`.
///
/// ```swift
/// let twoFour = try NMConstraint(n: 2, m: 4)
/// try twoFour.validate([LayerShape(name: "fc1.weight", shape: [300, 784])])
/// ```
public struct NMConstraint: Constraint, Hashable, Sendable {
    /// Non-zeros allowed per group.
    public let n: Int
    /// Group length along the input dimension.
    public let m: Int

    /// Creates an N:M constraint.
    /// - Parameters:
    ///   - n: The non-zeros kept per group, 1 ≤ n < m.
    ///   - m: The group length.
    /// - Throws: ``ConstraintError/invalidPattern(_:)`` unless 1 ≤ n < m.
    public init(n: Int, m: Int) throws {
        guard n >= 1, n < m else {
            throw ConstraintError.invalidPattern("N:M = \(n):\(m): expected 1 ≤ N < M (e.g. 2:4)")
        }
        self.n = n
        self.m = m
    }

    /// The fixed fraction of zeros, `1 − N/M`.
    public var sparsity: Double { 1 - Double(n) / Double(m) }

    /// A one-line description for logs and reports.
    public var summary: String { "\(n):\(m) along the input dimension (sparsity \(formatRatio(sparsity)))" }

    /// Throws a ``ConstraintError`` naming the layer when a shape or request cannot be honoured.
    public func validate(_ layers: [LayerShape]) throws {
        try validateLayerList(layers)
        for layer in layers { try validate(layer) }
    }

    private func validate(_ layer: LayerShape) throws {
        guard layer.shape.count >= 2 else {
            throw ConstraintError.incompatibleLayer(
                "\(layer): \(n):\(m) needs a weight of rank 2 ([out, in]) or 4 ([out, in, kh, kw]), got rank \(layer.shape.count)")
        }
        guard layer.count > 0 else { throw ConstraintError.incompatibleLayer("\(layer) has no weights") }
        guard layer.shape[1] % m == 0 else {
            throw ConstraintError.incompatibleLayer(
                "\(layer): the input dimension \(layer.shape[1]) is not divisible by M = \(m) for \(n):\(m)")
        }
    }

    /// The layout of a layer: rows (out), input channels, spatial size behind each channel.
    private func layout(_ shape: [Int]) -> (rows: Int, inputs: Int, spatial: Int) {
        let spatial = shape.dropFirst(2).reduce(1, *)
        return (shape[0], shape[1], spatial)
    }

    /// The 0/1 masks of the exact Euclidean projection (validates first).
    public func keepMasks(_ layers: [NamedTensor]) throws -> [NamedTensor] {
        try validate(layers)
        return layers.map { layer in
            let (rows, inputs, spatial) = layout(layer.shape)
            let mask = Tensor(shape: layer.shape) { mask in
                layer.tensor.scalars.withUnsafeBufferPointer { weights in
                    weights.withMemoryRebound(to: UInt32.self) { bits in
                        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: m) { group in
                            for row in 0..<rows {
                                for start in stride(from: 0, to: inputs, by: m) {
                                    for offset in 0..<spatial {
                                        let base = (row * inputs + start) * spatial + offset
                                        for j in 0..<m { group[j] = bits[base + j * spatial] & 0x7FFF_FFFF }
                                        for j in 0..<m {
                                            // Rank of member j: larger keys, or equal keys at a lower index, come first.
                                            var rank = 0
                                            let key = group[j]
                                            for i in 0..<m where group[i] > key || (group[i] == key && i < j) { rank += 1 }
                                            mask[base + j * spatial] = rank < n ? 1 : 0
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return NamedTensor(name: layer.name, tensor: mask)
        }
    }

    /// Checks the pattern and the counts; lists every violation with the layer and the numbers.
    public func verify(_ layers: [NamedTensor]) -> ConstraintVerification {
        var violations: [ConstraintViolation] = []
        for layer in layers {
            do { try validate(layer.layerShape) } catch {
                violations.append(ConstraintViolation(layer: layer.name, message: "\(error)"))
                continue
            }
            let (rows, inputs, spatial) = layout(layer.shape)
            var badGroups = 0
            var worst = 0
            var first: (row: Int, start: Int, offset: Int)?
            layer.tensor.scalars.withUnsafeBufferPointer { weights in
                for row in 0..<rows {
                    for start in stride(from: 0, to: inputs, by: m) {
                        for offset in 0..<spatial {
                            let base = (row * inputs + start) * spatial + offset
                            var nonZero = 0
                            for j in 0..<m where weights[base + j * spatial] != 0 { nonZero += 1 }
                            if nonZero > n {
                                badGroups += 1
                                worst = max(worst, nonZero)
                                if first == nil { first = (row, start, offset) }
                            }
                        }
                    }
                }
            }
            if let first {
                let position = spatial == 1
                    ? "row \(first.row), inputs \(first.start)..<\(first.start + m)"
                    : "out \(first.row), inputs \(first.start)..<\(first.start + m), spatial offset \(first.offset)"
                violations.append(ConstraintViolation(
                    layer: layer.name,
                    message: "\(badGroups) group(s) of \(m) have more than \(n) non-zeros (up to \(worst)); first at \(position)",
                    allowed: n, found: worst))
            }
        }
        return ConstraintVerification(constraint: summary, violations: violations, sparsity: SparsityReport(measuring: layers))
    }
}
