import Foundation
import PruningCore
import SparsityConstraints
import Training

/// The fields of ``OptimizerSettings`` a file gives; the others keep the phase's defaults.
struct OptimizerOverrides: Decodable {
    static let fields = ["learningRate", "momentum", "nesterov", "weightDecay", "cosine"]

    var learningRate: Float?
    var momentum: Float?
    var nesterov: Bool?
    var weightDecay: Float?
    var cosine: Bool?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        try container.rejectUnknownFields(Self.fields, in: "optimizer settings")
        learningRate = try container.optional("learningRate")
        momentum = try container.optional("momentum")
        nesterov = try container.optional("nesterov")
        weightDecay = try container.optional("weightDecay")
        cosine = try container.optional("cosine")
    }

    /// `base` with the given fields replaced.
    func applied(to base: OptimizerSettings) -> OptimizerSettings {
        var settings = base
        if let learningRate { settings.learningRate = learningRate }
        if let momentum { settings.momentum = momentum }
        if let nesterov { settings.nesterov = nesterov }
        if let weightDecay { settings.weightDecay = weightDecay }
        if let cosine { settings.cosine = cosine }
        return settings
    }
}

/// The fields of ``PipelineConfiguration`` a file gives; the others keep the initializer's defaults
/// (each optimizer keeps its phase's defaults for the fields it leaves out).
struct PipelineOverrides: Decodable {
    static let fields = ["methodEpochs", "retrainEpochs", "batchSize", "seed", "methodOptimizer", "retrainOptimizer",
                         "lossSubsetSize", "evaluateHardPrunedEachEpoch", "cropAndFlip"]

    var configuration: PipelineConfiguration
    /// Whether the file set `cropAndFlip` (otherwise the dataset decides).
    var cropAndFlipGiven: Bool

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        try container.rejectUnknownFields(Self.fields, in: "the pipeline settings")
        var configuration = PipelineConfiguration()
        configuration.methodEpochs = try container.value("methodEpochs", default: configuration.methodEpochs)
        configuration.retrainEpochs = try container.value("retrainEpochs", default: configuration.retrainEpochs)
        configuration.batchSize = try container.value("batchSize", default: configuration.batchSize)
        configuration.seed = try container.value("seed", default: configuration.seed)
        if let overrides: OptimizerOverrides = try container.optional("methodOptimizer") {
            configuration.methodOptimizer = overrides.applied(to: configuration.methodOptimizer)
        }
        if let overrides: OptimizerOverrides = try container.optional("retrainOptimizer") {
            configuration.retrainOptimizer = overrides.applied(to: configuration.retrainOptimizer)
        }
        configuration.lossSubsetSize = try container.optional("lossSubsetSize")
        configuration.evaluateHardPrunedEachEpoch = try container.value("evaluateHardPrunedEachEpoch",
                                                                        default: configuration.evaluateHardPrunedEachEpoch)
        let cropAndFlip: Bool? = try container.optional("cropAndFlip")
        cropAndFlipGiven = cropAndFlip != nil
        configuration.cropAndFlip = cropAndFlip ?? configuration.cropAndFlip
        self.configuration = configuration
    }
}

/// A constraint as a file writes it: the text of the command line (`nm:2:4`) or a mapping whose fields all have
/// defaults (pattern `unstructured`, sparsity 0.9, scope `layer`).
struct ConstraintOverrides: Decodable {
    static let fields = ["pattern", "sparsity", "scope", "layerSparsity", "defaultBounds", "layerBounds"]

    var spec: ConstraintSpec

    init(from decoder: any Decoder) throws {
        let defaults = Experiment.defaultConstraint
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            spec = ConstraintSpec(pattern: try Self.pattern(text, decoder: decoder, key: nil),
                                  sparsity: defaults.sparsity, scope: defaults.scope)
            return
        }
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        try container.rejectUnknownFields(Self.fields, in: "a constraint")
        let patternText: String = try container.value("pattern", default: defaults.pattern.description)
        spec = ConstraintSpec(
            pattern: try Self.pattern(patternText, decoder: decoder, key: AnyCodingKey("pattern")),
            sparsity: try container.value("sparsity", default: defaults.sparsity),
            scope: try container.value("scope", default: defaults.scope),
            layerSparsity: try container.value("layerSparsity", default: [:]),
            defaultBounds: try container.optional("defaultBounds"),
            layerBounds: try container.value("layerBounds", default: [:]))
    }

    /// Parses pattern text, turning the parser's error into a decoding error at the field.
    private static func pattern(_ text: String, decoder: any Decoder, key: AnyCodingKey?) throws -> ConstraintSpec.Pattern {
        do {
            return try ConstraintSpec.parsePattern(
                text, registry: decoder.userInfo[.shearsConstraints] as? ConstraintRegistry ?? ConstraintRegistry())
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + (key.map { [$0] } ?? []), debugDescription: "\(error)"))
        }
    }
}
