import Datasets
import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
@testable import PruningCore
@_exported import _PruningTestSupport
import Training

/// The shared pruning fixtures under the name the pipeline tests use.
typealias PipelineFixtures = PruningFixtures

/// A test-only method: hard-prunes by the projection without a method phase (one-shot magnitude pruning).
final class ProjectAtEnd: PruningMethod {
    let name = "project-at-end"
    var trainsDuringMethodPhase: Bool { false }
}

/// A test-only method whose hard-pruned weights are the dense weights, which no sparsity constraint accepts.
final class ReturnsDenseWeights: PruningMethod {
    let name = "returns-dense-weights"
    var trainsDuringMethodPhase: Bool { false }
    func finalize(_ session: PruningSession) throws -> [NamedTensor] { session.currentWeights() }
}

/// A test-only method that trains during the method phase and keeps a little state (steps seen and a running sum
/// of the weights), so that resuming it has something to restore.
final class CountingMethod: PruningMethod {
    let name: String
    private(set) var steps = 0
    private(set) var runningSum: Tensor?

    init(name: String = "counting") { self.name = name }

    func afterStep(_ session: PruningSession) throws {
        steps += 1
        let first = session.currentWeights()[0].tensor
        runningSum = runningSum.map { $0 + first } ?? first
    }

    func afterEpoch(_ session: PruningSession) throws -> [IterationDiagnostics] {
        var diagnostics = IterationDiagnostics(iteration: session.progress.epoch + 1, epoch: session.progress.epoch + 1)
        diagnostics.extra["steps"] = Double(steps)
        return [diagnostics]
    }

    func saveState() -> MethodState {
        MethodState(tensors: runningSum.map { ["sum": $0] } ?? [:], values: ["steps": Double(steps)])
    }

    func restoreState(_ state: MethodState, session: PruningSession) throws {
        steps = Int(try state.value("steps"))
        runningSum = state.tensors["sum"]
    }
}
