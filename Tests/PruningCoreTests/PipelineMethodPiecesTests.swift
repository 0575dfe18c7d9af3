import SparsityConstraints
import Training
import _TestSupport
import SafeTensorsFormat
import Foundation
import TensorEngine
import Testing
@testable import PruningCore

@Suite("Method registry, options, masks and run results")
struct PipelineMethodPiecesTests {
    static let registry = try! MethodRegistry([
        MethodRegistration(name: "project", summary: "projection at the end",
                           options: [MethodOption("level", "a number", default: "1")],
                           make: { options in
                               _ = try options.double("level", default: 1)
                               return ProjectAtEnd()
                           }),
    ])

    @Test("an unknown method name lists the known ones")
    func unknownMethod() {
        #expect(throws: PruningError.unknownMethod("slr", known: ["project"])) { _ = try Self.registry.make("slr") }
        #expect(PruningError.unknownMethod("slr", known: ["project", "other"]).description
                == "unknown pruning method 'slr'; known methods: project, other")
    }

    @Test("an option the method does not have is refused before the factory runs; a bad value names the option")
    func optionChecks() throws {
        #expect(throws: PruningError.invalidOption("method 'project' has no option 'lvl'; its options: level")) {
            _ = try Self.registry.make("project", options: MethodOptions(["lvl": "2"]))
        }
        #expect(throws: PruningError.invalidOption("--level expects a number, got 'high'")) {
            _ = try Self.registry.make("project", options: MethodOptions(["level": "high"]))
        }
        #expect(try Self.registry.make("project", options: MethodOptions(["level": "2"])).name == "project-at-end")
        let options = MethodOptions(["n": "3", "mode": "b", "x": "inf"])
        #expect(try options.int("n", default: 0) == 3 && options.int("missing", default: 7) == 7)
        #expect(throws: PruningError.self) { _ = try options.double("x", default: 0) }
        #expect(try options.choice("mode", ["a", "b"], default: "a") == "b")
        #expect(throws: PruningError.invalidOption("--mode expects one of a, c, got 'b'")) {
            _ = try options.choice("mode", ["a", "c"], default: "a")
        }
    }

    @Test("masks are the non-zeros of the weights and survive a write and read as U8 and BOOL")
    func maskFiles() throws {
        let weights = [NamedTensor(name: "b.weight", tensor: Tensor(shape: [2, 2], scalars: [0, -1.5, 2, 0])),
                       NamedTensor(name: "a.weight", tensor: Tensor(shape: [3], scalars: [0.1, 0, 0]))]
        let masks = MaskSet(nonZerosOf: weights)
        #expect(masks.masks.map(\.tensor.scalars) == [[0, 1, 1, 0], [1, 0, 0]])
        var values = [Tensor(repeating: 3, shape: [2, 2]), Tensor(repeating: 2, shape: [3])]
        masks.apply(to: &values)
        #expect(values.map(\.scalars) == [[0, 3, 3, 0], [2, 0, 0]])
        try withTemporaryDirectory { directory in
            for dtype in [MaskDType.u8, .bool] {
                let url = directory.appendingPathComponent("masks-\(dtype).safetensors")
                try masks.write(to: url, dtype: dtype)
                // Read back in name order.
                #expect(try MaskSet.read(from: url) == MaskSet([masks.masks[1], masks.masks[0]]))
            }
        }
    }

    @Test("the retraining curve starts at the hard-pruned accuracy; epochs-to-target counts from there")
    func retrainingCurve() {
        var result = PruningRunResult(
            method: "m", settings: [:], constraint: "c", configuration: PipelineConfiguration(), lossData: "",
            denseTestAccuracy: 0.9, methodPhase: [], diagnostics: [], accuracyAtEndOfMethodPhase: 0.88,
            accuracyAfterHardPrune: 0.5, retraining: [], sparsity: SparsityReport(layers: []), methodPhaseSeconds: 0,
            hardPruneSeconds: 0, retrainingSeconds: 0)
        #expect(result.finalAccuracy == 0.5 && result.retrainingCurve == [0.5])
        result.retraining = [0.85, 0.895, 0.91].enumerated().map {
            EpochStatistics(epoch: $0.offset + 1, trainingLoss: 1, penalty: 0, seconds: 1, imagesPerSecond: 1, testAccuracy: $0.element)
        }
        #expect(result.retrainingCurve == [0.5, 0.85, 0.895, 0.91])
        #expect(result.finalAccuracy == 0.91)
        #expect(result.retrainingEpochsToReach(withinPoints: 1) == 2)
        #expect(result.retrainingEpochsToReach(withinPoints: 0) == 3)
        #expect(result.retrainingEpochsToReach(withinPoints: 50) == 0)
        result.retraining.removeLast()
        #expect(result.retrainingEpochsToReach(withinPoints: 0) == nil)
    }
}
