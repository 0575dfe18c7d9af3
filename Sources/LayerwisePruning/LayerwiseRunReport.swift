/// What one layer-wise pruning run did to one layer.
public struct LayerwiseLayerReport: Equatable, Sendable {
    /// The parameter's name.
    public var name: String
    /// The solver used: see ``LayerTarget/solverName``.
    public var solver: String
    /// The number of weights the mask keeps.
    public var keptCount: Int
    /// The number of weights in the layer.
    public var weightCount: Int
    /// ‖W X − Ŵ X‖² over the calibration inputs the layer was pruned with (undamped Hessian).
    public var reconstructionError: Double
    /// ``reconstructionError`` divided by ‖W X‖² (0 when the layer's output is zero).
    public var relativeError: Double
    /// How many inputs were zero on every calibration sample.
    public var deadInputCount: Int
    /// The λ added to the Hessian's diagonal.
    public var damping: Float
    /// How many times the damping was raised tenfold.
    public var dampingRetries: Int
    /// Wall-clock seconds of the solver (without calibration).
    public var seconds: Double
}

/// What a whole layer-wise pruning run did.
public struct LayerwiseRunReport: Equatable, Sendable {
    /// `parallel` or `sequential`.
    public var mode: String
    /// The number of calibration images used.
    public var calibrationImages: Int
    /// One entry per selected layer, in the order of the session's parameters.
    public var layers: [LayerwiseLayerReport]
    /// Wall-clock seconds of the calibration passes.
    public var calibrationSeconds: Double
    /// Wall-clock seconds of the whole `finalize`.
    public var totalSeconds: Double
    /// Whether the solvers' result failed the constraint's check and was projected onto it (never expected; kept as
    /// a safety net so that the pipeline's verification cannot fail).
    public var projectedAfterwards: Bool
}
