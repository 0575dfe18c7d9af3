import Foundation
import PruningCore
import SparsityConstraints
import Training

/// One method of an experiment: its registry name, its options, and a label for the reports.
public struct MethodSpec: Codable, Equatable, Sendable {
    /// The registry name (`slr`, `admm`, `magnitude`, `layerwise`, …).
    public var name: String
    /// Option values by key (`rho`, `slr-m`, …), as text.
    public var options: [String: String]
    /// Start Z (and masks) from another method's one-shot result (`layerwise`), or nil.
    public var warmStart: String?
    /// The label in reports (default: the name, plus the warm start).
    public var label: String?

    /// Creates a method entry.
    public init(name: String, options: [String: String] = [:], warmStart: String? = nil, label: String? = nil) {
        self.name = name
        self.options = options
        self.warmStart = warmStart
        self.label = label
    }

    /// The label reports use.
    public var displayName: String { label ?? (warmStart.map { "\(name)+\($0)" } ?? name) }
}

/// Which weights are pruned.
public struct SelectionSpec: Codable, Equatable, Sendable {
    /// Name patterns to prune (exact names, globs, or `re:` regular expressions); empty: every conv and linear weight.
    public var include: [String]
    /// Name patterns to leave dense.
    public var exclude: [String]
    /// Leave the first prunable layer dense.
    public var keepFirstDense: Bool
    /// Leave the last prunable layer dense.
    public var keepLastDense: Bool

    /// Creates a selection.
    public init(include: [String] = [], exclude: [String] = [], keepFirstDense: Bool = false, keepLastDense: Bool = false) {
        self.include = include
        self.exclude = exclude
        self.keepFirstDense = keepFirstDense
        self.keepLastDense = keepLastDense
    }

    /// The selector these settings describe.
    public func makeSelector() throws -> ParameterSelector {
        ParameterSelector(include: try include.map(ParameterPattern.parse), exclude: try exclude.map(ParameterPattern.parse),
                          keepFirstDense: keepFirstDense, keepLastDense: keepLastDense)
    }
}

/// A comparison: every method on the same model, data, dense weights, seeds and budgets.
public struct Experiment: Codable, Equatable, Sendable {
    /// The zoo model.
    public var model: String
    /// The dataset name (see ``ShearsCatalog/datasets``).
    public var dataset: String
    /// Where the dataset's files are (nil: the default for the dataset).
    public var dataDirectory: String?
    /// Hold out this fraction of the training set and evaluate on it instead of the test set (hyper-parameter searches).
    public var validationFraction: Double?
    /// A safetensors file with the dense weights; nil trains them first (and caches them in the output folder).
    public var denseWeights: String?
    /// Epochs of dense training when no weights are given.
    public var pretrainEpochs: Int
    /// SGD settings of dense training.
    public var pretrainOptimizer: OptimizerSettings
    /// The constraint every method must meet.
    public var constraint: ConstraintSpec
    /// Which weights are pruned.
    public var selection: SelectionSpec
    /// The methods, in report order.
    public var methods: [MethodSpec]
    /// Budgets and optimizer settings of every run (its seed is replaced by each of ``seeds``).
    public var pipeline: PipelineConfiguration
    /// The seeds; each seed is a full repetition (dense training included when it is not cached).
    public var seeds: [UInt64]
    /// "Within X points of dense" for the convergence metric.
    public var withinPoints: Double

    /// Creates an experiment.
    public init(model: String = "lenet5", dataset: String = "fashion-mnist", dataDirectory: String? = nil,
                validationFraction: Double? = nil, denseWeights: String? = nil, pretrainEpochs: Int = 8, pretrainOptimizer: OptimizerSettings = .denseTraining,
                constraint: ConstraintSpec, selection: SelectionSpec = SelectionSpec(), methods: [MethodSpec],
                pipeline: PipelineConfiguration = PipelineConfiguration(), seeds: [UInt64] = [0], withinPoints: Double = 1) {
        self.model = model
        self.dataset = dataset
        self.dataDirectory = dataDirectory
        self.validationFraction = validationFraction
        self.denseWeights = denseWeights
        self.pretrainEpochs = pretrainEpochs
        self.pretrainOptimizer = pretrainOptimizer
        self.constraint = constraint
        self.selection = selection
        self.methods = methods
        self.pipeline = pipeline
        self.seeds = seeds
        self.withinPoints = withinPoints
    }

    /// Throws on settings that cannot run, before anything trains; the methods are looked up in `catalog`.
    public func validate(catalog: ShearsCatalog) throws {
        let registry = catalog.methods
        guard !methods.isEmpty else { throw PruningError.invalidOption("the experiment lists no methods") }
        guard !seeds.isEmpty else { throw PruningError.invalidOption("the experiment lists no seeds") }
        guard Set(methods.map(\.displayName)).count == methods.count else {
            throw PruningError.invalidOption("two methods share the label(s) \(methods.map(\.displayName)); give each a distinct label")
        }
        guard pretrainEpochs >= 0 else { throw PruningError.invalidOption("pretrain epochs must be ≥ 0, got \(pretrainEpochs)") }
        guard withinPoints >= 0 else { throw PruningError.invalidOption("within-points must be ≥ 0, got \(withinPoints)") }
        _ = try constraint.makeConstraint(registry: catalog.constraints)
        _ = try selection.makeSelector()
        try pipeline.validate()
        for method in methods {
            _ = try registry.make(method.name, options: MethodOptions(method.options))
            if let warmStart = method.warmStart { _ = try registry.make(warmStart, options: MethodOptions()) }
        }
    }
}
