import Foundation
import Testing
@testable import EvaluationHarness
import PruningCore
import Shears
import _TestSupport

@Suite("Comparison runs")
struct ComparisonTests {
    /// A tiny experiment: mlp on 256 synthetic images, one epoch of everything.
    static func experiment(methods: [String] = ["magnitude", "admm", "slr"], seeds: [UInt64] = [0]) -> Experiment {
        Experiment(model: "mlp", dataset: "synthetic", pretrainEpochs: 1,
                   constraint: Experiment.defaultConstraint, methods: methods.map { MethodSpec(name: $0) },
                   pipeline: PipelineConfiguration(methodEpochs: 1, retrainEpochs: 1, batchSize: 64, lossSubsetSize: 128),
                   seeds: seeds)
    }

    static func comparison(_ experiment: Experiment, in directory: URL) -> Comparison {
        var comparison = Comparison(experiment: experiment, catalog: .builtIn, outputDirectory: directory)
        comparison.loadData = { seed in
            try DatasetSplits.synthetic(seed: seed, trainCount: 256, testCount: 128).standardized().splits
        }
        return comparison
    }

    @Test("magnitude, ADMM and SLR run from the same dense weights and every report is written")
    func endToEnd() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("out")
            let (report, files) = try Self.comparison(Self.experiment(), in: directory).run()

            for url in files.all { #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)") }
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("dense-seed0.safetensors").path))
            for label in ["magnitude", "admm", "slr"] {
                #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("masks-\(label)-seed0.safetensors").path))
            }

            let seed = try #require(report.seeds.first)
            #expect(seed.dense.source == .trained)
            #expect(seed.runs.map(\.label) == ["magnitude", "admm", "slr"])
            // One dense state, measured once, is every method's starting point.
            #expect(seed.runs.allSatisfy { $0.result.denseTestAccuracy == seed.dense.accuracy })
            #expect(seed.runs.allSatisfy { abs($0.metrics.achievedSparsity - 0.9) < 0.01 })
            // A one-shot method starts its pruning from the dense weights themselves.
            #expect(seed.runs[0].result.accuracyAtEndOfMethodPhase == seed.dense.accuracy)
            #expect(seed.runs[1].result.methodPhase.count == 1 && seed.runs[2].result.methodPhase.count == 1)
            #expect(seed.runs.allSatisfy { $0.result.retraining.count == 1 })
            #expect(seed.runs[2].result.diagnostics.contains { $0.distanceToConstraint != nil })
            #expect(report.summaries.count == 3)

            // report.json holds the whole report and reads back.
            let decoded = try JSONDecoder().decode(ComparisonReport.self, from: Data(contentsOf: files.json))
            #expect(decoded == report)
            // The CSV: magnitude 0 + 1 + 1 rows, ADMM and SLR 1 + 1 + 1 each, plus the header.
            let csv = try String(contentsOf: files.csv, encoding: .utf8).split(separator: "\n")
            #expect(csv.count == 1 + 2 + 3 + 3)
            let html = try String(contentsOf: files.html, encoding: .utf8)
            #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
            let markdown = try String(contentsOf: files.markdown, encoding: .utf8)
            #expect(markdown.contains("| magnitude |") && markdown.contains("| slr |") && markdown.contains("**Verdict.**"))
        }
    }

    @Test("a second run reuses the cached dense weights; a different setup trains again")
    func denseCache() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("out")
            let experiment = Self.experiment(methods: ["magnitude"])
            let first = try Self.comparison(experiment, in: directory).run().report
            let second = try Self.comparison(experiment, in: directory).run().report
            #expect(first.seeds[0].dense.source == .trained)
            #expect(second.seeds[0].dense.source == .cache)
            #expect(second.seeds[0].dense.accuracy == first.seeds[0].dense.accuracy)
            #expect(second.seeds[0].runs[0].metrics.retrainFreeAccuracy == first.seeds[0].runs[0].metrics.retrainFreeAccuracy)

            var longer = experiment
            longer.pretrainEpochs = 2
            let third = try Self.comparison(longer, in: directory).run().report
            #expect(third.seeds[0].dense.source == .trained)
        }
    }

    @Test("several seeds give one run per method and seed, and spreads over them")
    func seeds() throws {
        try withTemporaryDirectory { root in
            let (report, _) = try Self.comparison(Self.experiment(methods: ["magnitude"], seeds: [0, 1]),
                                                  in: root.appendingPathComponent("out")).run()
            #expect(report.seeds.map(\.seed) == [0, 1])
            let summary = try #require(report.summaries.first)
            #expect(summary.seeds == [0, 1])
            #expect(summary.finalAccuracy?.count == 2)
            #expect(summary.denseAccuracy.map { $0.min <= $0.mean && $0.mean <= $0.max } == true)
        }
    }

    @Test("bad input throws before anything is written")
    func badInput() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("out")
            #expect(throws: PruningError.self) {
                _ = try Self.comparison(Self.experiment(methods: ["magnitude", "nonsense"]), in: directory).run()
            }
            var missingWeights = Self.experiment(methods: ["magnitude"])
            missingWeights.denseWeights = root.appendingPathComponent("missing.safetensors").path
            #expect(throws: (any Error).self) { _ = try Self.comparison(missingWeights, in: directory).run() }
            var noSeeds = Self.experiment()
            noSeeds.seeds = []
            #expect(throws: PruningError.self) { _ = try Self.comparison(noSeeds, in: directory).run() }
            #expect(!FileManager.default.fileExists(atPath: directory.path))

            let file = root.appendingPathComponent("a-file")
            try Data("x".utf8).write(to: file)
            #expect(throws: PruningError.self) { _ = try Self.comparison(Self.experiment(), in: file).run() }
        }
    }

    @Test("labels become safe file names")
    func fileNames() {
        #expect(Comparison.fileSafe("slr+layerwise") == "slr+layerwise")
        #expect(Comparison.fileSafe("a/b c") == "a_b_c")
        #expect(Comparison.fileSafe("..") == "_..")
    }
}
