/// Whether a sparsity applies to each layer on its own or to all selected layers together.
public enum ConstraintScope: String, Hashable, Codable, Sendable, CaseIterable {
    /// Every layer reaches the sparsity on its own.
    case layer
    /// One budget over the union of the layers: a single threshold decides for all of them.
    case global
}
