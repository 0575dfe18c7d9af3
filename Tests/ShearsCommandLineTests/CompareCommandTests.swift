import _TestSupport
import ArgumentParser
import EvaluationHarness
import Foundation
import PruningCore
import Testing
@testable import ShearsCommandLine

@Suite("shears compare: flags and experiment files")
struct CompareCommandTests {
    @Test("--experiment refuses experiment flags next to it, naming them, whatever the process's own arguments")
    func experimentFileConflicts() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("experiment.yaml")
            try Data("model: mlp\ndataset: synthetic\nmethods: [magnitude]\n".utf8).write(to: file)
            let plain = try CompareCommand.parse(["--experiment", file.path, "--out", directory.path, "--json", "--overwrite"])
            #expect(try plain.experimentFlagsGiven().isEmpty)
            #expect(try plain.makeExperiment().model == "mlp")

            let mixed = try CompareCommand.parse(["--experiment", file.path, "--sparsity", "0.5", "--method-epochs", "3",
                                                  "--validation-fraction", "0.1"])
            #expect(try mixed.experimentFlagsGiven() == ["--method-epochs", "--sparsity", "--validation-fraction"])
            #expect(throws: ValidationError.self) { _ = try mixed.makeExperiment() }
        }
    }

    @Test("without flags the quick budgets apply; given flags win")
    func quickDefaults() throws {
        let defaults = try CompareCommand.parse([]).makeExperiment()
        #expect(defaults.pipeline.methodEpochs == CompareCommand.QuickDefaults.methodEpochs)
        #expect(defaults.pipeline.retrainEpochs == CompareCommand.QuickDefaults.retrainEpochs)
        #expect(defaults.pipeline.lossSubsetSize == CompareCommand.QuickDefaults.lossSubset)
        let given = try CompareCommand.parse(["--method-epochs", "7", "--retrain-epochs", "2"]).makeExperiment()
        #expect(given.pipeline.methodEpochs == 7 && given.pipeline.retrainEpochs == 2)
    }
}
