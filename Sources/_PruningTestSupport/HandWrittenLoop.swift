import Datasets
import NeuralNetworks
import PruningCore
import SparsityConstraints
import TensorEngine

/// A training loop written the way a user of the library writes one: their own SGD optimizers, their own batches,
/// and a ``Pruner``'s hooks. It lives in a library that imports `PruningCore` without `@testable`, so it can only
/// use public API.
///
/// It takes the steps of ``PruningFixtures/configuration(methodEpochs:retrainEpochs:seed:)``: batches of 32
/// shuffled by the seed, SGD lr 0.05 with Nesterov momentum 0.5 in the method phase and momentum 0.9 in
/// retraining, so that a pipeline run with that configuration must end with the same weights, bit for bit.
public enum HandWrittenLoop {
    /// Prunes `model` (dense weights in, hard-pruned and retrained weights out) with `method`.
    /// - Returns: The masks of the pruned weights and every diagnostics record the method returned.
    public static func run(_ method: any PruningMethod, model: Model, constraint: any Constraint, data: DatasetSplits,
                           methodEpochs: Int, retrainEpochs: Int, seed: UInt64) throws -> (masks: MaskSet, diagnostics: [IterationDiagnostics]) {
        let batchSize = 32
        let weights = model.namedParameters().filter { $0.name.hasSuffix(".weight") }
        let session = PruningSession(
            model: model, parameters: weights, constraint: constraint, trainingData: data.train, lossData: data.train,
            lossDataDescription: "the whole training set", methodEpochs: method.trainsDuringMethodPhase ? methodEpochs : 0,
            stepsPerEpoch: (data.train.count + batchSize - 1) / batchSize, seed: seed)
        let pruner = try Pruner(method: method, session: session)
        var diagnostics: [IterationDiagnostics] = []

        // Method phase: the method's penalty joins the loss; the hooks run after each step and each epoch.
        let optimizer = try SGD(parameters: model.namedParameters(), learningRate: 0.05, momentum: 0.5, nesterov: true)
        for epoch in 0..<session.methodEpochs {
            for batch in try data.train.batches(size: batchSize, shuffleSeed: seed, epoch: epoch) {
                var loss = crossEntropy(logits: model(Variable(batch.images), training: true), labels: batch.labels)
                if let penalty = pruner.penalty() { loss = loss + penalty }
                optimizer.zeroGradients()
                loss.backward()
                optimizer.step()
                try pruner.stepFinished()
            }
            diagnostics += try pruner.epochFinished()
        }

        // Hard prune, then retrain with the pattern fixed.
        let masks = try pruner.hardPrune()
        let retraining = try SGD(parameters: model.namedParameters(), learningRate: 0.05, momentum: 0.9)
        for epoch in 0..<retrainEpochs {
            for batch in try data.train.batches(size: batchSize, shuffleSeed: seed, epoch: epoch) {
                let loss = crossEntropy(logits: model(Variable(batch.images), training: true), labels: batch.labels)
                retraining.zeroGradients()
                loss.backward()
                try pruner.maskGradients()
                retraining.step()
                try pruner.applyMasks()
            }
            try pruner.verify(when: "after retraining epoch \(epoch + 1)")
        }
        return (masks, diagnostics)
    }
}
