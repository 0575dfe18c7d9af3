import Foundation
import SparsityConstraints
import Testing
@testable import EvaluationHarness
import PruningCore
import Shears
import Training

@Suite("Experiment files")
struct ExperimentFileTests {
    static func yaml(_ text: String) throws -> Experiment { try ExperimentFile.decode(Data(text.utf8), format: .yaml, source: "test.yaml") }
    static func json(_ text: String) throws -> Experiment { try ExperimentFile.decode(Data(text.utf8), format: .json, source: "test.json") }

    /// The error a decoding throws.
    static func error(_ body: () throws -> Experiment) -> ExperimentFileError? {
        do {
            _ = try body()
            return nil
        } catch let error as ExperimentFileError {
            return error
        } catch {
            return ExperimentFileError(file: "?", field: "?", detail: "unexpected error \(error)")
        }
    }

    @Test("a YAML file with a few fields takes defaults for the rest")
    func yamlWithDefaults() throws {
        let experiment = try Self.yaml("""
        model: mlp
        dataset: synthetic
        constraint: nm:2:4
        methods: [slr, {name: admm, options: {rho: 0.05}, label: ADMM 0.05}]
        pipeline:
          methodEpochs: 2
          retrainOptimizer: {learningRate: 0.02}
        seeds: [1, 2]
        """)
        #expect(experiment.model == "mlp")
        #expect(experiment.dataset == "synthetic")
        #expect(experiment.constraint.pattern == .nm(n: 2, m: 4))
        #expect(experiment.methods == [MethodSpec(name: "slr"), MethodSpec(name: "admm", options: ["rho": "0.05"], label: "ADMM 0.05")])
        #expect(experiment.pipeline.methodEpochs == 2)
        #expect(experiment.pipeline.retrainEpochs == PipelineConfiguration().retrainEpochs)
        #expect(experiment.pipeline.retrainOptimizer.learningRate == 0.02)
        #expect(experiment.pipeline.retrainOptimizer.momentum == OptimizerSettings.retraining.momentum)
        #expect(experiment.pipeline.methodOptimizer == OptimizerSettings.methodPhase)
        #expect(experiment.seeds == [1, 2])
        #expect(experiment.withinPoints == 1)
        #expect(experiment.pretrainEpochs == 8)
        #expect(experiment.pretrainOptimizer == .denseTraining)
        #expect(experiment.denseWeights == nil)
        try experiment.validate(catalog: .builtIn)
    }

    @Test("an empty file and {} give the default experiment")
    func empty() throws {
        for experiment in [try Self.yaml(""), try Self.json("{}")] {
            #expect(experiment.model == "lenet5" && experiment.dataset == "fashion-mnist")
            #expect(experiment.constraint == Experiment.defaultConstraint)
            #expect(experiment.methods.map(\.name) == Experiment.defaultMethodNames)
            #expect(experiment.seeds == [0])
            #expect(experiment.pipeline == PipelineConfiguration())
        }
        #expect(try Self.yaml("dataset: cifar10").pipeline.cropAndFlip)
    }

    @Test("a JSON file parses, and an encoded experiment reads back unchanged")
    func jsonRoundTrip() throws {
        let experiment = try Self.json("""
        {"model": "lenet5", "constraint": {"pattern": "block:2x2", "sparsity": 0.75, "scope": "global"},
         "methods": ["magnitude", {"name": "slr", "warmStart": "layerwise"}], "withinPoints": 0.5, "seeds": 3,
         "selection": {"exclude": "conv1.weight", "keepLastDense": true}, "pipeline": {"lossSubsetSize": 500}}
        """)
        #expect(experiment.constraint == ConstraintSpec(pattern: .block(height: 2, width: 2), sparsity: 0.75, scope: .global))
        #expect(experiment.methods[1].displayName == "slr+layerwise")
        #expect(experiment.withinPoints == 0.5)
        #expect(experiment.seeds == [3])
        #expect(experiment.selection == SelectionSpec(exclude: ["conv1.weight"], keepLastDense: true))
        #expect(experiment.pipeline.lossSubsetSize == 500)

        let encoded = try JSONEncoder().encode(experiment)
        #expect(try ExperimentFile.decode(encoded, format: .json) == experiment)
        #expect(try ExperimentFile.decode(encoded, format: .yaml) == experiment)  // YAML reads JSON too
    }

    @Test("a wrong type names the field and what was expected")
    func wrongType() throws {
        let error = try #require(Self.error { try Self.yaml("pipeline:\n  methodEpochs: three\n") })
        #expect(error.field == "pipeline.methodEpochs")
        #expect(error.detail == "expected an integer, found 'three'")
        #expect(error.description.contains("test.yaml"))

        let jsonError = try #require(Self.error { try Self.json(#"{"seeds": [0, "one"]}"#) })
        #expect(jsonError.field == "seeds[1]")
        #expect(jsonError.detail == "expected a non-negative integer, found 'one'")
        let yamlSeeds = try #require(Self.error { try Self.yaml("seeds: [zero]\n") })
        #expect(yamlSeeds.field == "seeds[0]")
        #expect(yamlSeeds.detail == "expected a non-negative integer, found 'zero'")
        let flag = try #require(Self.error { try Self.json(#"{"selection": {"keepFirstDense": "yes please"}}"#) })
        #expect(flag.field == "selection.keepFirstDense")
        #expect(flag.detail == "expected true or false, found 'yes please'")
    }

    @Test("a misspelt field is an error that names it and lists the known fields")
    func unknownField() throws {
        let error = try #require(Self.error { try Self.yaml("pipeline:\n  methodEpoch: 3\n") })
        #expect(error.field == "pipeline.methodEpoch")
        #expect(error.detail.contains("methodEpochs"))
        let top = try #require(Self.error { try Self.json(#"{"model": "mlp", "sparsity": 0.9}"#) })
        #expect(top.field == "sparsity")
        let method = try #require(Self.error { try Self.yaml("methods:\n  - {name: slr, option: {rho: 1}}\n") })
        #expect(method.field == "methods[0].option")
    }

    @Test("a bad constraint pattern, a missing method name and broken syntax are reported")
    func otherErrors() throws {
        let pattern = try #require(Self.error { try Self.yaml("constraint: {pattern: diagonal}\n") })
        #expect(pattern.field == "constraint.pattern")
        #expect(pattern.detail.contains("diagonal"))
        let name = try #require(Self.error { try Self.yaml("methods:\n  - {label: x}\n") })
        #expect(name.field == "methods[0].name")
        #expect(name.detail.contains("missing"))
        let syntax = try #require(Self.error { try Self.yaml("model: [lenet5\n") })
        #expect(syntax.description.contains("not valid YAML"))
        let json = try #require(Self.error { try Self.json("{\"model\": ") })
        #expect(json.description.contains("test.json"))
    }

    @Test("a missing file is an error naming it")
    func missingFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).yaml")
        let error = try #require(Self.error { try ExperimentFile.load(from: url) })
        #expect(error.file == url.path)
        #expect(error.detail.contains("cannot be read"))
    }

    @Test("the example file in docs/ parses and validates")
    func exampleFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let experiment = try ExperimentFile.load(from: root.appendingPathComponent("docs/experiment-example.yaml"))
        #expect(experiment.methods.map(\.displayName) == ["slr", "admm", "magnitude one-shot"])
        #expect(experiment.pipeline.lossSubsetSize == 10_000)
        try experiment.validate(catalog: .builtIn)
    }
}
