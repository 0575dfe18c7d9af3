import Datasets
import Foundation
import NeuralNetworks
import PruningCore
import SLRPruning
import SparsityConstraints
import TensorEngine
import Testing
import _PruningTestSupport

/// The README's "Your own training loop" example, run on the tiny fixture task so that it keeps compiling and working.
@Suite("README example: your own training loop")
struct ReadmeOwnLoopTests {
    /// The README's code between the markers, verbatim; only `model` and `data` come from the test.
    static func readmeExample(model: Model, data: DatasetSplits) throws -> MaskSet {
        // README BEGIN
        let method = try SLRPruning(options: LagrangianOptions(rho: try RhoSchedule(initial: 0.1), updateInterval: .epochs(1)))
        let session = PruningSession(
            model: model, parameters: try ParameterSelector.default.select(from: model),
            constraint: try SparsityConstraint.unstructured(sparsity: 0.9),
            trainingData: data.train, lossData: data.train, lossDataDescription: "the training set",
            methodEpochs: 4, stepsPerEpoch: (data.train.count + 127) / 128, seed: 0)
        let pruner = try Pruner(method: method, session: session)      // prepares the method on the dense weights
        let optimizer = try SGD(parameters: model.namedParameters(), learningRate: 0.01, momentum: 0.9)

        for epoch in 0..<session.methodEpochs {
            for batch in try data.train.batches(size: 128, shuffleSeed: 0, epoch: epoch) {
                var loss = crossEntropy(logits: model(Variable(batch.images), training: true), labels: batch.labels)
                if let penalty = pruner.penalty() { loss = loss + penalty }   // SLR's (ρ/2)‖W − Z + Λ/ρ‖²
                optimizer.zeroGradients()
                loss.backward()
                optimizer.step()
                try pruner.stepFinished()                                   // the step hook
            }
            let diagnostics = try pruner.epochFinished()                    // the epoch hook
            print("epoch \(epoch + 1): ‖W − Z‖ = \(diagnostics.last?.distanceToConstraint ?? 0)")
        }

        let masks = try pruner.hardPrune()             // Π(W), verified against the constraint
        for epoch in 0..<2 {                           // fine-tune with the pattern fixed
            for batch in try data.train.batches(size: 128, shuffleSeed: 0, epoch: epoch) {
                let loss = crossEntropy(logits: model(Variable(batch.images), training: true), labels: batch.labels)
                optimizer.zeroGradients()
                loss.backward()
                try pruner.maskGradients()
                optimizer.step()
                try pruner.applyMasks()
            }
        }
        // README END
        return masks
    }

    @Test("the example runs and ends at the constraint's sparsity with the masks' pattern")
    func runs() throws {
        let model = PruningFixtures.mlp()
        let masks = try Self.readmeExample(model: model, data: try PruningFixtures.data())
        let weights = PruningFixtures.weights(of: model)
        #expect(masks.masks.map(\.name) == weights.map(\.name))
        let kept = weights.map(\.variable.value.nonZeroCount).reduce(0, +)
        let total = weights.map(\.variable.value.scalars.count).reduce(0, +)
        #expect(abs(1 - Double(kept) / Double(total) - 0.9) < 0.01)
    }

    @Test("README.md shows the example's code as it is here")
    func readmeMatches() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readmeURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let readme = try String(contentsOf: readmeURL, encoding: .utf8)
        func lines(_ text: Substring) -> [String] {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let begin = try #require(source.range(of: "// README BEGIN\n"))
        let end = try #require(source.range(of: "        // README END"))
        let example = lines(source[begin.upperBound..<end.lowerBound])
        let section = try #require(readme.range(of: "## Your own training loop"))
        let block = try #require(readme[section.upperBound...].range(of: "```swift\n"))
        let blockEnd = try #require(readme[block.upperBound...].range(of: "```"))
        let shown = lines(readme[block.upperBound..<blockEnd.lowerBound])
        #expect(shown.filter { !$0.hasPrefix("import ") } == example)
    }
}
