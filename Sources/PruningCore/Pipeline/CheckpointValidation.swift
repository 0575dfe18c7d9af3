import Foundation
import NeuralNetworks
import SparsityConstraints
import TensorEngine
import Training

/// What a checkpoint must fit before a run continues from it: a tampered or inconsistent checkpoint is refused
/// with an error naming the file and the field or tensor, never trusted into a trap or a wrong result.
extension RunCheckpoint {
    /// The run a checkpoint is checked against.
    struct Expectations {
        /// Epochs of the method phase (0 for one-shot methods) and of retraining.
        var methodEpochs: Int
        var retrainEpochs: Int
        /// Optimizer steps per epoch.
        var stepsPerEpoch: Int
        /// The pruned parameters: their names and shapes.
        var parameters: [(name: String, shape: [Int])]
    }

    /// Throws unless the counters, generators, scalars and masks fit the run.
    /// - Parameters:
    ///   - run: What the run expects.
    ///   - tensors: The checkpoint's tensors (already known to be finite).
    ///   - file: The checkpoint file, for messages.
    /// - Returns: The masks, when the checkpoint has them.
    func validate(against run: Expectations, tensors: [String: Tensor], file: String) throws -> MaskSet? {
        func refuse(_ text: String) -> PruningError { PruningError.invalidState("\(file): \(text)") }
        let budget = phase == .method ? run.methodEpochs : run.retrainEpochs
        guard epochsDone >= 0, epochsDone <= budget else {
            throw refuse("epochsDone is \(epochsDone) in the \(phase.rawValue) phase, whose budget is \(budget) epoch(s); expected 0…\(budget)")
        }
        guard progress.stepsPerEpoch == run.stepsPerEpoch else {
            throw refuse("progress.stepsPerEpoch is \(progress.stepsPerEpoch); this run takes \(run.stepsPerEpoch) steps per epoch")
        }
        guard progress.step == epochsDone * run.stepsPerEpoch, progress.epoch >= 0, progress.epoch <= max(epochsDone, 0) else {
            throw refuse("progress (step \(progress.step), epoch \(progress.epoch)) does not match \(epochsDone) finished epoch(s) of \(run.stepsPerEpoch) steps")
        }
        let methodRecords = partialResult.methodPhase.count, retrainRecords = partialResult.retraining.count
        let expectedRecords = phase == .method ? (epochsDone, 0) : (run.methodEpochs, epochsDone)
        guard (methodRecords, retrainRecords) == expectedRecords else {
            throw refuse("partialResult holds \(methodRecords) method-phase and \(retrainRecords) retraining epoch(s); expected \(expectedRecords.0) and \(expectedRecords.1)")
        }
        // The generators' four words are checked as the JSON is decoded (SeededGenerator.init(from:)).
        // Methods turn some values into integers (iteration counters): they must be finite and exactly representable.
        for (key, value) in methodValues.sorted(by: { $0.key < $1.key }) where !value.isFinite || abs(value) > 9.0e15 {
            throw refuse("methodValues.\(key) is \(value); expected a finite number")
        }
        for (key, tensor) in RunCheckpoint.section("method", of: tensors) where key.hasPrefix("mask.") {
            try Self.checkBinary(tensor, name: "method.\(key)", file: file)
        }
        return try masks(from: RunCheckpoint.section("mask", of: tensors), run: run, file: file)
    }

    /// The checkpoint's masks: one per pruned parameter, of its shape, exactly 0 or 1; required once the run has
    /// been hard-pruned (retraining phase).
    private func masks(from saved: [String: Tensor], run: Expectations, file: String) throws -> MaskSet? {
        let names = Set(run.parameters.map(\.name))
        if let unknown = saved.keys.sorted().first(where: { !names.contains($0) }) {
            throw PruningError.invalidState("\(file): mask.\(unknown) is not a pruned parameter of this run (expected masks for \(run.parameters.map(\.name).joined(separator: ", ")))")
        }
        guard !saved.isEmpty || phase == .retraining else { return nil }
        return MaskSet(try run.parameters.map { parameter in
            guard let mask = saved[parameter.name] else {
                throw PruningError.invalidState("\(file): the checkpoint has no mask for \(parameter.name)")
            }
            guard mask.shape == parameter.shape else {
                throw PruningError.invalidState("\(file): mask.\(parameter.name) has shape \(describeShape(mask.shape)); the parameter's shape is \(describeShape(parameter.shape))")
            }
            try Self.checkBinary(mask, name: "mask.\(parameter.name)", file: file)
            return NamedTensor(name: parameter.name, tensor: mask)
        })
    }

    /// Throws unless every element is exactly 0 or 1.
    static func checkBinary(_ tensor: Tensor, name: String, file: String) throws {
        if let index = tensor.scalars.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw PruningError.invalidState("\(file): \(name) holds \(tensor.scalars[index]) at element \(index); a mask holds only 0 and 1")
        }
    }
}
