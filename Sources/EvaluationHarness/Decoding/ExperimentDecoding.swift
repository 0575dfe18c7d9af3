import Foundation
import PruningCore
import SparsityConstraints
import Training

// Hand-written decoders so that experiment files may leave fields out (they take the documented defaults),
// may write a method as just its name, and fail on a misspelt field instead of ignoring it.
// Encoding stays synthesized: what `report.json` holds reads back through these decoders.

extension MethodSpec {
    static let fields = ["name", "options", "warmStart", "label"]

    /// Decodes a method written as its name (`slr`) or as a mapping with `name` and optional `options`,
    /// `warmStart` and `label`; option values may be text, numbers or booleans.
    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.init(name: name)
            return
        }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        try container.rejectUnknownFields(Self.fields, in: "a method")
        let options: [String: ScalarText] = try container.value("options", default: [:])
        self.init(name: try container.decode(String.self, forKey: AnyCodingKey("name")),
                  options: options.mapValues(\.text),
                  warmStart: try container.optional("warmStart"),
                  label: try container.optional("label"))
    }
}

extension SelectionSpec {
    static let fields = ["include", "exclude", "keepFirstDense", "keepLastDense"]

    /// Decodes a selection; every field may be left out (empty patterns, no layer kept dense).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        try container.rejectUnknownFields(Self.fields, in: "the selection")
        let include: OneOrMany<String>? = try container.optional("include")
        let exclude: OneOrMany<String>? = try container.optional("exclude")
        self.init(include: include?.values ?? [], exclude: exclude?.values ?? [],
                  keepFirstDense: try container.value("keepFirstDense", default: false),
                  keepLastDense: try container.value("keepLastDense", default: false))
    }
}

extension Experiment {
    static let fields = ["model", "dataset", "dataDirectory", "validationFraction", "denseWeights", "pretrainEpochs", "pretrainOptimizer",
                         "constraint", "selection", "methods", "pipeline", "seeds", "withinPoints"]

    /// The constraint of an experiment file that names none: unstructured, 0.9 per layer.
    public static let defaultConstraint = ConstraintSpec(pattern: .unstructured, sparsity: 0.9, scope: .layer)

    /// The methods of an experiment file that names none.
    public static let defaultMethodNames = ["slr", "admm", "magnitude"]

    /// Decodes an experiment; every field may be left out and then takes the default of
    /// ``init(model:dataset:dataDirectory:validationFraction:denseWeights:pretrainEpochs:pretrainOptimizer:constraint:selection:methods:pipeline:seeds:withinPoints:)``,
    /// with ``defaultConstraint`` and ``defaultMethodNames`` for the two fields it requires. Crop-and-flip
    /// augmentation defaults to on for CIFAR datasets. Misspelt fields are errors.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        try container.rejectUnknownFields(Self.fields, in: "an experiment")
        let dataset: String = try container.value("dataset", default: "fashion-mnist")
        let pretrainOptimizer: OptimizerOverrides? = try container.optional("pretrainOptimizer")
        let constraint: ConstraintOverrides? = try container.optional("constraint")
        let methods: OneOrMany<MethodSpec>? = try container.optional("methods")
        let pipeline: PipelineOverrides? = try container.optional("pipeline")
        let seeds: OneOrMany<UInt64>? = try container.optional("seeds")
        var configuration = pipeline?.configuration ?? PipelineConfiguration()
        if !(pipeline?.cropAndFlipGiven ?? false) { configuration.cropAndFlip = dataset.lowercased().hasPrefix("cifar") }
        self.init(model: try container.value("model", default: "lenet5"),
                  dataset: dataset,
                  dataDirectory: try container.optional("dataDirectory"),
                  validationFraction: try container.optional("validationFraction"),
                  denseWeights: try container.optional("denseWeights"),
                  pretrainEpochs: try container.value("pretrainEpochs", default: 8),
                  pretrainOptimizer: pretrainOptimizer?.applied(to: .denseTraining) ?? .denseTraining,
                  constraint: constraint?.spec ?? Self.defaultConstraint,
                  selection: try container.value("selection", default: SelectionSpec()),
                  methods: methods?.values ?? Self.defaultMethodNames.map { MethodSpec(name: $0) },
                  pipeline: configuration,
                  seeds: seeds?.values ?? [0],
                  withinPoints: try container.value("withinPoints", default: 1))
    }
}
