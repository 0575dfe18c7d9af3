import TensorEngine
/// The achieved sparsity of one tensor.
public struct LayerSparsity: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The parameter's name.
    public var name: String
    /// The number of weights.
    public var count: Int
    /// The number of non-zero weights.
    public var nonZero: Int

    /// Creates a record from counts.
    /// - Parameters:
    ///   - name: The parameter's name.
    ///   - count: The number of weights.
    ///   - nonZero: How many of them are non-zero.
    public init(name: String, count: Int, nonZero: Int) {
        self.name = name
        self.count = count
        self.nonZero = nonZero
    }

    /// The fraction of zeros (0 for an empty tensor).
    public var sparsity: Double { count == 0 ? 0 : Double(count - nonZero) / Double(count) }

    /// A readable one-line form for logs and messages.
    public var description: String {
        "\(name): \(nonZero)/\(count) non-zero, sparsity \(formatRatio(sparsity))"
    }
}

/// The achieved sparsity per layer and over all layers together, measured by counting exact zeros.
public struct SparsityReport: Hashable, Codable, Sendable, CustomStringConvertible {
    /// One record per layer, in the order given.
    public var layers: [LayerSparsity]

    /// Creates a report from per-layer records.
    /// - Parameter layers: The records.
    public init(layers: [LayerSparsity]) {
        self.layers = layers
    }

    /// Measures the sparsity of the given tensors.
    /// - Parameter tensors: The weights to count.
    public init(measuring tensors: [NamedTensor]) {
        self.layers = tensors.map {
            LayerSparsity(name: $0.name, count: $0.tensor.count, nonZero: $0.tensor.nonZeroCount)
        }
    }

    /// The number of weights over all layers.
    public var totalCount: Int { layers.reduce(0) { $0 + $1.count } }
    /// The number of non-zero weights over all layers.
    public var totalNonZero: Int { layers.reduce(0) { $0 + $1.nonZero } }
    /// The fraction of zeros over all layers together (0 when there are no weights).
    public var overallSparsity: Double {
        totalCount == 0 ? 0 : Double(totalCount - totalNonZero) / Double(totalCount)
    }
    /// The compression rate `total / non-zero` (infinite when everything is zero).
    public var compressionRate: Double {
        totalNonZero == 0 ? .infinity : Double(totalCount) / Double(totalNonZero)
    }

    /// The record of the named layer, if present.
    public subscript(name: String) -> LayerSparsity? { layers.first { $0.name == name } }

    /// A readable one-line form for logs and messages.
    public var description: String {
        (layers.map(\.description) + ["overall: \(totalNonZero)/\(totalCount) non-zero, sparsity \(formatRatio(overallSparsity))"])
            .joined(separator: "\n")
    }
}

/// Formats a ratio with four decimals, for messages and summaries.
func formatRatio(_ value: Double) -> String {
    guard value.isFinite else { return String(value) }
    let scaled = (value * 10_000).rounded() / 10_000
    return String(scaled)
}
