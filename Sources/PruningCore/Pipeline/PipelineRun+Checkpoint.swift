import RunFiles
import Foundation
import NeuralNetworks
import TensorEngine
import Training

/// Resuming from and writing the run's checkpoints (see ``RunCheckpoint`` for the files).
extension PipelineRun {
    /// With `resume`, continues from the folder's last checkpoint when there is one; otherwise starts fresh and,
    /// with a checkpoint folder, records the caller's settings there.
    func resumeOrStart() throws {
        guard let directory = pipeline.checkpointDirectory else { return }
        if pipeline.resume {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw PruningError.invalidOption("cannot resume: the checkpoint folder \(directory.path) does not exist (or is not a folder)")
            }
            if let (checkpoint, tensors) = try RunCheckpoint.load(from: directory) {
                try resume(from: checkpoint, tensors: tensors, in: directory)
                return
            }
        }
        if let runSettings = pipeline.runSettings {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try AtomicFile.write(runSettings, to: directory.appendingPathComponent(RunCheckpoint.settingsFileName))
        }
    }

    /// Checks a loaded checkpoint against this run and takes over its state.
    private func resume(from checkpoint: RunCheckpoint, tensors: [String: Tensor], in directory: URL) throws {
        let file = directory.appendingPathComponent(RunCheckpoint.fileName).path
        let differences = checkpoint.identity.differences(from: identity)
        guard differences.isEmpty else {
            throw PruningError.invalidState("the checkpoint in \(directory.path) belongs to a different run: \(differences.joined(separator: "; "))")
        }
        let expectations = RunCheckpoint.Expectations(
            methodEpochs: methodEpochs, retrainEpochs: configuration.retrainEpochs,
            stepsPerEpoch: progress.stepsPerEpoch,
            parameters: parameters.map { (name: $0.name, shape: $0.variable.value.shape) })
        let masks = try checkpoint.validate(against: expectations, tensors: tensors, file: file)
        do { try model.loadStateDict(RunCheckpoint.section("model", of: tensors)) } catch {
            throw PruningError.invalidState("\(file): the saved model state does not fit the model: \(error)")
        }
        model.generator = checkpoint.modelGenerator
        session.generator = checkpoint.sessionGenerator
        // The pruner counts completed method-phase epochs; the trainer's clock keeps the finished epoch's index.
        let prunerProgress = TrainingProgress(step: checkpoint.progress.step,
                                              epoch: checkpoint.phase == .method ? checkpoint.epochsDone : methodEpochs,
                                              stepsPerEpoch: checkpoint.progress.stepsPerEpoch)
        try pruner.restore(MethodState(tensors: RunCheckpoint.section("method", of: tensors), values: checkpoint.methodValues),
                           progress: prunerProgress, masks: checkpoint.phase == .method ? nil : masks)
        savedOptimizerState = RunCheckpoint.section("optimizer", of: tensors)
        phase = checkpoint.phase
        epochsDone = checkpoint.epochsDone
        progress = checkpoint.progress
        result = checkpoint.partialResult
        pipeline.reporter.note("resumed from \(directory.path): \(phase.rawValue) phase, \(epochsDone) epoch(s) done")
    }

    /// Writes the state at the end of an epoch (nothing without a checkpoint folder).
    func saveCheckpoint(optimizer: any Optimizer) throws {
        guard let directory = pipeline.checkpointDirectory else { return }
        var tensors = RunCheckpoint.prefixed("model", Dictionary(model.stateDict().map { ($0.name, $0.tensor) },
                                                                 uniquingKeysWith: { first, _ in first }))
        tensors.merge(RunCheckpoint.prefixed("optimizer", optimizer.stateTensors())) { first, _ in first }
        let methodState = pruner.saveState()
        tensors.merge(RunCheckpoint.prefixed("method", methodState.tensors)) { first, _ in first }
        if let masks = pruner.masks {
            tensors.merge(RunCheckpoint.prefixed("mask", Dictionary(masks.masks.map { ($0.name, $0.tensor) },
                                                                    uniquingKeysWith: { first, _ in first }))) { first, _ in first }
        }
        let checkpoint = RunCheckpoint(
            phase: phase, epochsDone: epochsDone, progress: progress, modelGenerator: model.generator,
            sessionGenerator: session.generator, methodValues: methodState.values, partialResult: result,
            tensorFile: "state-\(phase.rawValue)-\(epochsDone).safetensors", identity: identity)
        try RunCheckpoint.save(checkpoint, tensors: tensors, in: directory)
    }
}
