import TensorEngine

/// Prunes one layer to its ``LayerTarget`` from its Hessian, with the solver the target calls for.
public enum LayerSolver {
    /// Prunes `weights` to `target`.
    /// - Parameters:
    ///   - weights: [out, in] or [out, in, kh, kw].
    ///   - target: the kept count, N:M pattern or fixed mask.
    ///   - hessian: H = 2·Σ x xᵀ of the layer's inputs (im2col rows for a conv).
    ///   - options: SparseGPT's block size and damping (the damping also applies to fixed masks).
    ///   - layer: the layer's name, for error messages.
    /// - Returns: the result in the weights' own shape and column order.
    /// - Throws: ``LayerwiseError`` from the solvers.
    public static func prune(weights: Tensor, target: LayerTarget, hessian: Tensor, options: SparseGPTOptions,
                             layer: String) throws -> LayerwisePruneResult {
        switch target {
        case .keep(let count):
            return try SparseGPT.prune(weights: weights, hessian: hessian, pattern: .keep(count), options: options,
                                       layer: layer)
        case .fixedMask(let mask):
            return try MaskedCompensation.prune(weights: weights, mask: mask, hessian: hessian,
                                                dampingFraction: options.dampingFraction,
                                                maxDampingRetries: options.maxDampingRetries, layer: layer)
        case .nOutOfM(let n, let m):
            let spatial = weights.rank > 2 ? weights.shape.dropFirst(2).reduce(1, *) : 1
            guard spatial > 1 else {
                return try SparseGPT.prune(weights: weights, hessian: hessian, pattern: .nOutOfM(n: n, m: m),
                                           options: options, layer: layer)
            }
            // A conv's groups are M input channels at one kernel offset: sweep the channels-last column order.
            let permutation = ColumnPermutation.channelsLast(channels: weights.shape[1], spatial: spatial)
            guard hessian.rank == 2, hessian.shape == [permutation.source.count, permutation.source.count] else {
                throw LayerwiseError.shapeMismatch(
                    "layer '\(layer)': Hessian \(describeShape(hessian.shape)) does not fit weights "
                        + "\(describeShape(weights.shape))")
            }
            var result = try SparseGPT.prune(weights: permutation.permuteColumns(weights),
                                             hessian: permutation.permuteHessian(hessian),
                                             pattern: .nOutOfM(n: n, m: m), options: options, layer: layer)
            result.weights = permutation.restoreColumns(result.weights, shape: weights.shape)
            result.mask = permutation.restoreColumns(result.mask, shape: weights.shape)
            result.deadInputs = result.deadInputs.map { permutation.source[$0] }.sorted()
            return result
        }
    }
}
