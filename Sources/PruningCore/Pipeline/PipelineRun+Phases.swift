import Datasets
import Foundation
import NeuralNetworks
import Training

/// The three steps of a run: method phase, hard prune, masked retraining.
extension PipelineRun {
    /// Trains the remaining method-phase epochs with the method's penalty and hooks, one checkpoint per epoch.
    func runMethodPhase() throws {
        let epochs = methodEpochs
        let optimizer = try makeOptimizer(configuration.methodOptimizer)
        let pruner = self.pruner
        let hooks = TrainingHooks(penalty: { pruner.penalty() }, afterStep: { _ in try pruner.stepFinished() })
        while epochsDone < epochs {
            var statistics = try trainer.trainEpoch(
                model: model, data: data.train, optimizer: optimizer, epoch: epochsDone, epochs: epochs,
                phase: PipelinePhase.method.label(method: method.name), settings: configuration.methodOptimizer,
                progress: &progress, hooks: hooks)
            statistics.testAccuracy = try Evaluation.accuracy(model: model, data: data.test)
            var diagnostics = try pruner.epochFinished()
            if !diagnostics.isEmpty {
                // The pipeline measures what only it can: the accuracy of W (and of Π(W)) at the epoch's end.
                diagnostics[diagnostics.count - 1].testAccuracy = statistics.testAccuracy
                if configuration.evaluateHardPrunedEachEpoch {
                    diagnostics[diagnostics.count - 1].hardPrunedTestAccuracy = try hardPrunedAccuracy()
                }
                for index in diagnostics.indices where diagnostics[index].trainingLoss == nil {
                    diagnostics[index].trainingLoss = statistics.trainingLoss
                }
                result.diagnostics += diagnostics
            }
            result.methodPhase.append(statistics)
            result.methodPhaseSeconds += statistics.seconds
            pipeline.reporter.note(String(format: "%@ method epoch %d/%d: loss %.4f, test accuracy %.2f %%, %.0f images/s",
                                          method.name, epochsDone + 1, epochs, statistics.trainingLoss,
                                          100 * (statistics.testAccuracy ?? 0), statistics.imagesPerSecond))
            try finishEpoch(optimizer: optimizer)
        }
        result.accuracyAtEndOfMethodPhase = result.methodPhase.last?.testAccuracy ?? result.denseTestAccuracy
    }

    /// Hard-prunes, verifies and measures the accuracy right there; the run moves on to retraining.
    func hardPrune() throws {
        let start = Date()
        try pruner.hardPrune()
        result.hardPruneSeconds = Date().timeIntervalSince(start)
        guard let sparsity = pruner.sparsity else { throw PruningError.invalidState("the hard prune was not verified") }
        result.sparsity = sparsity
        result.accuracyAfterHardPrune = try Evaluation.accuracy(model: model, data: data.test)
        pipeline.reporter.note(String(format: "%@ hard-pruned to sparsity %.4f: test accuracy %.2f %% before retraining",
                                      method.name, result.sparsity.overallSparsity, 100 * result.accuracyAfterHardPrune))
        phase = .retraining
        epochsDone = 0
        progress = TrainingProgress(step: 0, epoch: 0, stepsPerEpoch: progress.stepsPerEpoch)
        savedOptimizerState = nil
    }

    /// Retrains the remaining epochs with the masks fixed, verifying the pattern after every epoch.
    func retrain() throws {
        let pruner = self.pruner
        guard let masks = pruner.masks else { throw PruningError.invalidState("no masks after hard pruning") }
        let optimizer = try makeOptimizer(configuration.retrainOptimizer)
        // The first retraining checkpoint records the hard-pruned state, so a kill in retraining never prunes twice.
        if epochsDone == 0 { try saveCheckpoint(optimizer: optimizer) }
        let hooks = TrainingHooks(beforeStep: { masks.maskGradients(of: pruner.session.parameters) },
                                  afterStep: { _ in masks.apply(to: pruner.session.parameters) })
        let epochs = configuration.retrainEpochs
        while epochsDone < epochs {
            var statistics = try trainer.trainEpoch(
                model: model, data: data.train, optimizer: optimizer, epoch: epochsDone, epochs: epochs,
                phase: PipelinePhase.retraining.label(method: method.name), settings: configuration.retrainOptimizer,
                progress: &progress, hooks: hooks)
            statistics.testAccuracy = try Evaluation.accuracy(model: model, data: data.test)
            result.sparsity = try pruner.verify(when: "after retraining epoch \(epochsDone + 1)")
            result.retraining.append(statistics)
            result.retrainingSeconds += statistics.seconds
            pipeline.reporter.note(String(format: "%@ retraining epoch %d/%d: loss %.4f, test accuracy %.2f %%",
                                          method.name, epochsDone + 1, epochs, statistics.trainingLoss,
                                          100 * (statistics.testAccuracy ?? 0)))
            try finishEpoch(optimizer: optimizer)
        }
    }

    /// Counts the epoch, writes its checkpoint and tells the caller's hook.
    private func finishEpoch(optimizer: any Optimizer) throws {
        epochsDone += 1
        try saveCheckpoint(optimizer: optimizer)
        try pipeline.epochFinished?(phase.rawValue, epochsDone)
    }
}
