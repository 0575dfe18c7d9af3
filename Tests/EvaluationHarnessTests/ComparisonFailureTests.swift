import Foundation
import SparsityConstraints
import Testing
@testable import EvaluationHarness
import PruningCore
import Shears
import _TestSupport

/// A switch and a counter the test methods share with their test (each test makes its own).
final class TestMethodControl: @unchecked Sendable {
    private let lock = NSLock()
    private var failing = true
    private var finalized = 0

    var shouldFail: Bool {
        get { lock.withLock { failing } }
        set { lock.withLock { failing = newValue } }
    }
    var finalizeCount: Int { lock.withLock { finalized } }
    func countFinalize() { lock.withLock { finalized += 1 } }
}

/// A one-shot method that hard-prunes by the projection, counting its runs, or throws while told to fail.
final class ControlledMethod: PruningMethod {
    let name: String
    let control: TestMethodControl
    let failsWhenTold: Bool
    init(name: String, control: TestMethodControl, failsWhenTold: Bool) {
        self.name = name
        self.control = control
        self.failsWhenTold = failsWhenTold
    }
    var trainsDuringMethodPhase: Bool { false }
    func finalize(_ session: PruningSession) throws -> [NamedTensor] {
        if failsWhenTold && control.shouldFail { throw PruningError.diverged("the test method was told to fail") }
        control.countFinalize()
        return try session.projectedWeights()
    }
}

@Suite("Comparison: failed runs are reported, finished runs kept, --resume continues")
struct ComparisonFailureTests {
    /// The built-in catalog plus the two test methods (whose names are free, so `try!` cannot fail).
    static func catalog(_ control: TestMethodControl) -> ShearsCatalog {
        try! ShearsCatalog.builtIn.adding(methods: [
            MethodRegistration(name: "counted", summary: "test", options: [],
                               make: { _ in ControlledMethod(name: "counted", control: control, failsWhenTold: false) }),
            MethodRegistration(name: "flaky", summary: "test", options: [],
                               make: { _ in ControlledMethod(name: "flaky", control: control, failsWhenTold: true) }),
        ])
    }

    static func experiment() -> Experiment {
        Experiment(model: "mlp", dataset: "synthetic", pretrainEpochs: 1, constraint: Experiment.defaultConstraint,
                   methods: [MethodSpec(name: "counted"), MethodSpec(name: "flaky")],
                   pipeline: PipelineConfiguration(methodEpochs: 1, retrainEpochs: 2, batchSize: 64), seeds: [0])
    }

    static func comparison(_ control: TestMethodControl, in directory: URL, dataSeed: UInt64 = 0, resume: Bool = false) -> Comparison {
        var comparison = Comparison(experiment: experiment(), catalog: catalog(control), outputDirectory: directory)
        comparison.loadData = { seed in
            try DatasetSplits.synthetic(seed: seed + dataSeed, trainCount: 128, testCount: 64).standardized().splits
        }
        comparison.resume = resume
        return comparison
    }

    @Test("a method that throws is recorded as failed in every report; the others are reported and compared")
    func failureReported() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("out")
            let control = TestMethodControl()
            let (report, files) = try Self.comparison(control, in: directory).run()
            #expect(report.seeds[0].runs.map(\.label) == ["counted"])
            #expect(report.failures == [RunFailure(seed: 0, label: "flaky", method: "flaky",
                                                   error: "training diverged: the test method was told to fail")])
            #expect(report.summaries.map(\.label) == ["counted"])
            #expect(report.conclusion.contains("1 run failed: flaky on seed 0") && report.conclusion.hasPrefix("counted"), "\(report.conclusion)")

            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: files.json)) as? [String: Any])
            let failures = try #require(json["failures"] as? [[String: Any]])
            #expect(failures.first?["status"] as? String == "failed")
            #expect((failures.first?["error"] as? String)?.contains("told to fail") == true)
            #expect(try JSONDecoder().decode(ComparisonReport.self, from: Data(contentsOf: files.json)) == report)
            let csv = try String(contentsOf: files.csv, encoding: .utf8)
            #expect(csv.contains("flaky,flaky,0,failed,") && csv.contains("training diverged: the test method was told to fail"), "\(csv)")
            let markdown = try String(contentsOf: files.markdown, encoding: .utf8)
            #expect(markdown.contains("## Failed runs") && markdown.contains("- flaky on seed 0 failed: training diverged"), "\(markdown)")
            let html = try String(contentsOf: files.html, encoding: .utf8)
            #expect(html.contains("<h2>Failed runs</h2>") && html.contains("flaky on seed 0 failed: training diverged"))
            // The finished run is stored as it finished; the failed one is not.
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("runs/counted-seed0.json").path))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("runs/flaky-seed0.json").path))
        }
    }

    @Test("a resumed comparison skips the finished runs and runs the rest, then writes the full report")
    func resumeSkipsFinished() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("out")
            let control = TestMethodControl()
            let first = try Self.comparison(control, in: directory).run().report
            #expect(control.finalizeCount == 1 && first.failures.count == 1)

            control.shouldFail = false
            let resumed = try Self.comparison(control, in: directory, resume: true).run().report
            // Only flaky ran again.
            #expect(control.finalizeCount == 2)
            #expect(resumed.failures.isEmpty && resumed.seeds[0].runs.map(\.label) == ["counted", "flaky"])
            #expect(resumed.seeds[0].runs[0] == first.seeds[0].runs[0])
            #expect(try Comparison.storedExperiment(in: directory) == Self.experiment())
        }
    }

    @Test("a comparison killed inside a run continues that run from its checkpoint")
    func resumeInterruptedRun() throws {
        try withTemporaryDirectory { root in
            let reference = try Self.comparison(TestMethodControl(), in: root.appendingPathComponent("reference")).run().report
            let directory = root.appendingPathComponent("out")
            let control = TestMethodControl()
            control.shouldFail = false
            var killed = Self.comparison(control, in: directory)
            killed.epochFinished = { label, _, phase, epoch in
                if label == "flaky" && phase == "retraining" && epoch == 1 { throw SimulatedKillInComparison() }
            }
            #expect(throws: SimulatedKillInComparison.self) { _ = try killed.run() }
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("runs/flaky-seed0.checkpoint/checkpoint.json").path))
            let finalizedBefore = control.finalizeCount
            let resumed = try Self.comparison(control, in: directory, resume: true).run().report
            // flaky was hard-pruned before the kill: it continues in retraining and is not pruned again.
            #expect(control.finalizeCount == finalizedBefore)
            #expect(resumed.seeds[0].runs.count == 2 && resumed.failures.isEmpty)
            #expect(resumed.seeds[0].runs[0].result.retrainingCurve == reference.seeds[0].runs[0].result.retrainingCurve)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("runs/flaky-seed0.checkpoint").path))
        }
    }

    @Test("resuming a comparison with other data or in a folder without one is refused")
    func resumeRefusals() throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("out")
            let control = TestMethodControl()
            _ = try Self.comparison(control, in: directory).run()
            let error = #expect(throws: PruningError.self) { _ = try Self.comparison(control, in: directory, dataSeed: 7, resume: true).run() }
            #expect(error.map { "\($0)".contains("was made with data synthetic sha256") } == true, "\(String(describing: error))")
            let missing = root.appendingPathComponent("missing")
            let missingError = #expect(throws: PruningError.self) { _ = try Self.comparison(control, in: missing, resume: true).run() }
            #expect(missingError.map { "\($0)".contains("does not exist") } == true)
            #expect(!FileManager.default.fileExists(atPath: missing.path))
        }
    }

    @Test("a seed whose dense pretraining fails is recorded as failed; the other seeds are reported")
    func densePretrainingFails() throws {
        try withTemporaryDirectory { root in
            var experiment = Self.experiment()
            experiment.seeds = [0, 1]
            let control = TestMethodControl()
            control.shouldFail = false
            var comparison = Comparison(experiment: experiment, catalog: Self.catalog(control),
                                        outputDirectory: root.appendingPathComponent("out"))
            comparison.loadData = { seed in
                // Seed 1 has no training images (refused when its splits are made): its dense model cannot be made.
                let data = try DatasetSplits.synthetic(seed: seed, trainCount: 128, testCount: 64).standardized().splits
                return seed == 1 ? try DatasetSplits(train: data.train.prefix(0), test: data.test) : data
            }
            let outcome = Result { try comparison.run().report }
            guard case .success(let report) = outcome else { Issue.record("\(outcome)"); return }
            #expect(report.failures.map(\.what) == ["dense pretraining of seed 1"], "\(report.failures)")
            #expect(report.seeds.map(\.seed) == [0] && report.seeds[0].runs.count == 2)
            #expect(SummaryTable.failures(report).first?.hasSuffix("(none of its methods ran)") == true)
        }
    }

    @Test("images whose shape does not fit the model are refused before anything trains", arguments: ["mlp", "lenet5"])
    func wrongImageShape(model: String) throws {
        try withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("out")
            var experiment = Self.experiment()
            experiment.model = model
            var comparison = Comparison(experiment: experiment, catalog: Self.catalog(TestMethodControl()), outputDirectory: directory)
            comparison.loadData = { seed in
                try DatasetSplits.synthetic(seed: seed, trainCount: 32, testCount: 16, height: 28, width: 20).standardized().splits
            }
            let error = #expect(throws: PruningError.self) { _ = try comparison.run() }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("have shape [C, H, W] = [1, 28, 20]; model \(model) expects [1, 28, 28]") && text.contains("square"), "\(text)")
            #expect(!FileManager.default.fileExists(atPath: directory.path))
        }
    }
}

struct SimulatedKillInComparison: Error {}
