import NeuralNetworks
import PruningCore
import TensorEngine

/// The prunable weights of CIFAR ResNet-18 (every conv and linear weight, seeded PyTorch-default initialisation),
/// the workload of the projection and Lagrangian benchmarks.
public enum ResNetWeights {
    /// Builds `resnet18` with `seed` and returns its conv and linear weights in model order.
    /// - Parameter seed: Seeds the initial weights.
    public static func make(seed: UInt64 = 0) throws -> [NamedTensor] {
        let model = try ModelZoo.make(name: "resnet18", seed: seed)
        return try ParameterSelector.default.select(from: model).map { NamedTensor(name: $0.name, tensor: $0.variable.value) }
    }

    /// The weights an N:M constraint can take: those whose input dimension M divides (the 3-channel stem cannot).
    /// - Parameters:
    ///   - weights: All weights.
    ///   - m: The group length.
    public static func divisible(_ weights: [NamedTensor], by m: Int) -> [NamedTensor] {
        weights.filter { $0.shape[1] % m == 0 }
    }
}

/// One built-in constraint on a set of weights, as the benchmarks name it.
public struct ConstraintCase {
    /// A label, e.g. `unstructured 90% per layer`.
    public let name: String
    /// The constraint.
    public let constraint: any Constraint
    /// The weights it projects (N:M leaves out the layers it cannot take).
    public let weights: [NamedTensor]

    /// The six built-in kinds on ResNet-18: unstructured per layer and global (90%), N:M 2:4, 4×4 blocks (75%),
    /// filters (50%) and input channels (50%).
    /// - Parameter weights: ResNet-18's weights from ``ResNetWeights/make(seed:)``.
    public static func resnet18Cases(_ weights: [NamedTensor]) throws -> [ConstraintCase] {
        [
            ConstraintCase(name: "unstructured 90% per layer",
                           constraint: try SparsityConstraint.unstructured(sparsity: 0.9), weights: weights),
            ConstraintCase(name: "unstructured 90% global",
                           constraint: try SparsityConstraint.unstructured(sparsity: 0.9, scope: .global), weights: weights),
            ConstraintCase(name: "N:M 2:4",
                           constraint: try NMConstraint(n: 2, m: 4), weights: ResNetWeights.divisible(weights, by: 4)),
            ConstraintCase(name: "block 4x4 75% per layer",
                           constraint: try SparsityConstraint.blocks(height: 4, width: 4, sparsity: 0.75), weights: weights),
            ConstraintCase(name: "filter 50% per layer",
                           constraint: try SparsityConstraint.filters(sparsity: 0.5), weights: weights),
            ConstraintCase(name: "channel 50% per layer",
                           constraint: try SparsityConstraint.inputChannels(sparsity: 0.5), weights: weights),
        ]
    }

    /// The Euclidean projection, once.
    public func project() throws -> [NamedTensor] { try constraint.project(weights) }
}
