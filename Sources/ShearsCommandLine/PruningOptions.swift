import ArgumentParser
import Foundation
import Shears

/// The flags `shears prune` and `shears compare` share: the constraint, the selection, budgets and method options.
struct PruningOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "The target sparsity, in [0, 1) (default 0.9; ignored by nm:N:M, whose ratio is its pattern).") var sparsity: Double?
    @Option(help: "unstructured (the default), nm:N:M (e.g. nm:2:4), block:HxW, filter or channel\(ShearsCommand.catalog.constraints.names.map { ", " + $0 }.joined()).") var constraint: String?
    @Option(help: "layer (the default: every layer at the sparsity) or global (one threshold across the selected layers).") var scope: String?
    @Option(help: "Prune only parameters matching this name, glob or re:REGEX (repeatable).") var include: [String] = []
    @Option(help: "Leave parameters matching this name, glob or re:REGEX dense (repeatable).") var exclude: [String] = []
    @Flag(name: .customLong("keep-first-dense"), help: "Leave the first prunable layer dense.") var keepFirstDense = false
    @Flag(name: .customLong("keep-last-dense"), help: "Leave the last prunable layer dense.") var keepLastDense = false

    @Option(name: .customLong("method-epochs"), parsing: .unconditional, help: "Epochs of the method phase (ADMM, SLR, iterative and gradual magnitude; default 10 for prune, 3 for compare).") var methodEpochs: Int?
    @Option(name: .customLong("retrain-epochs"), parsing: .unconditional, help: "Epochs of masked retraining after hard pruning (default 6 for prune, 3 for compare).") var retrainEpochs: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Mini-batch size (default 128).") var batchSize: Int?
    @Option(name: .customLong("method-lr"), parsing: .unconditional, help: "SGD learning rate of the method phase, in \(OptionRange.learningRate) (default 0.01; momentum 0.5, Nesterov, weight decay 5e-4).") var methodLR: Float?
    @Option(name: .customLong("retrain-lr"), parsing: .unconditional, help: "SGD learning rate of retraining, in \(OptionRange.learningRate) (default 0.01; momentum 0.9).") var retrainLR: Float?
    @Flag(name: .customLong("retrain-cosine"), help: "Decay the retraining learning rate to zero on a cosine curve.") var retrainCosine = false
    @Option(name: .customLong("loss-subset"), parsing: .unconditional, help: "Images of the training set whose mean loss is f(W) in SLR's Lagrangian (default: all for prune, 10000 for compare).") var lossSubset: Int?
    @Flag(name: .customLong("eval-hard-pruned"), help: "Also measure the test accuracy of Π(W) after every method-phase epoch.") var evaluateHardPruned = false

    // Method options; each reaches the methods that have it.
    @Option(help: "magnitude: one-shot, iterative or gradual.") var schedule: String?
    @Option(parsing: .unconditional, help: "magnitude iterative: rounds.") var rounds: String?
    @Option(parsing: .unconditional, help: "ADMM/SLR: the penalty ρ, in \(OptionRange.rho).") var rho: String?
    @Option(name: .customLong("rho-schedule"), help: "ADMM/SLR: constant or geometric:FACTOR[:CAP].") var rhoSchedule: String?
    @Option(name: .customLong("slr-m"), parsing: .unconditional, help: "SLR: M of the step-size rule.") var slrM: String?
    @Option(name: .customLong("slr-r"), parsing: .unconditional, help: "SLR: r of the step-size rule.") var slrR: String?
    @Option(name: .customLong("slr-s0"), parsing: .unconditional, help: "SLR: the initial step size s⁰.") var slrS0: String?
    @Option(name: .customLong("on-failure"), help: "SLR: lenient or strict handling of a failed optimality condition.") var onFailure: String?
    @Option(name: .customLong("update-every"), parsing: .unconditional, help: "ADMM/SLR: update Z and Λ every N (or Ne) epochs or Nb batches; magnitude gradual: every N steps.") var updateEvery: String?
    @Option(name: .customLong("calibration-samples"), parsing: .unconditional, help: "layerwise: calibration images.") var calibrationSamples: String?
    @Option(name: .customLong("warm-start"), help: "ADMM/SLR: start Z from a one-shot method's result (layerwise).") var warmStart: String?
    @Option(name: .customLong("option"), help: "Any method option as KEY=VALUE (repeatable).") var extraOptions: [String] = []

    /// The method options given, by key.
    func methodOptionValues() throws -> [String: String] {
        var values: [String: String] = [:]
        let named: [(String, String?)] = [
            ("schedule", schedule), ("rounds", rounds), ("rho", rho), ("rho-schedule", rhoSchedule), ("slr-m", slrM),
            ("slr-r", slrR), ("slr-s0", slrS0), ("on-failure", onFailure), ("update-every", updateEvery),
            ("calibration-samples", calibrationSamples),
        ]
        for case let (key, value?) in named { values[key] = value }
        for pair in extraOptions {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--option expects KEY=VALUE, got '\(pair)'") }
            values[parts[0]] = parts[1]
        }
        return values
    }

    /// The given options that `method` accepts; an option no listed method accepts is an error.
    static func options(_ values: [String: String], for method: String, allMethods: [String]) throws -> [String: String] {
        let registry = ShearsCommand.catalog.methods
        let accepted = Set(try registry.registration(named: method).options.map(\.key))
        let acceptedByAny = Set(try allMethods.flatMap { try registry.registration(named: $0).options.map(\.key) })
        for key in values.keys.sorted() where !acceptedByAny.contains(key) {
            throw ValidationError("no selected method takes the option '\(key)' (methods: \(allMethods.joined(separator: ", "))); see `shears methods`")
        }
        return values.filter { accepted.contains($0.key) }
    }

    /// Refuses learning rates and a penalty ρ outside their ranges (OptionRange), by flag name, before anything runs.
    /// ρ is checked only when a selected method takes it (otherwise the option itself is refused).
    func checkRanges(_ values: [String: String], methods: [String]) throws {
        try OptionRange.learningRate.check(methodLR ?? 0.01, flag: "--method-lr")
        try OptionRange.learningRate.check(retrainLR ?? 0.01, flag: "--retrain-lr")
        let takesRho = try methods.contains { try ShearsCommand.catalog.methods.registration(named: $0).options.contains { $0.key == "rho" } }
        if takesRho, let text = values["rho"], let value = Double(text) {
            try OptionRange.rho.check(value, flag: "--rho")
        }
    }

    /// The budgets used when the flags are absent.
    struct Budgets {
        var methodEpochs: Int
        var retrainEpochs: Int
        var lossSubset: Int?
        /// `shears prune`: the reference protocol.
        static let reference = Budgets(methodEpochs: 10, retrainEpochs: 6, lossSubset: nil)
    }

    /// The experiment these flags describe, for the given model, data and methods.
    func experiment(model: String, data: DataOptions, methods: [String], denseWeights: String?, seeds: [UInt64],
                    pretrainEpochs: Int = 8, defaults: Budgets = .reference) throws -> Experiment {
        let scope = self.scope ?? "layer"
        guard let scopeValue = ConstraintScope(rawValue: scope) else {
            throw ValidationError("--scope expects layer or global, got '\(scope)'")
        }
        let values = try methodOptionValues()
        let specs = try methods.map { name in
            MethodSpec(name: name, options: try Self.options(values, for: name, allMethods: methods),
                       warmStart: ["slr", "admm"].contains(name) ? warmStart : nil)
        }
        try checkRanges(values, methods: methods)
        var pipeline = PipelineConfiguration(methodEpochs: methodEpochs ?? defaults.methodEpochs,
                                             retrainEpochs: retrainEpochs ?? defaults.retrainEpochs, batchSize: batchSize ?? 128,
                                             lossSubsetSize: lossSubset ?? defaults.lossSubset,
                                             evaluateHardPrunedEachEpoch: evaluateHardPruned)
        pipeline.methodOptimizer.learningRate = methodLR ?? 0.01
        pipeline.retrainOptimizer.learningRate = retrainLR ?? 0.01
        pipeline.retrainOptimizer.cosine = retrainCosine
        pipeline.cropAndFlip = data.dataset.lowercased().hasPrefix("cifar")
        return Experiment(model: model, dataset: data.dataset, dataDirectory: data.dataDirectory,
                          validationFraction: data.validationFraction, denseWeights: denseWeights,
                          pretrainEpochs: pretrainEpochs,
                          constraint: try ConstraintSpec.parse(constraint ?? "unstructured", sparsity: sparsity ?? 0.9, scope: scopeValue,
                                                                  registry: ShearsCommand.catalog.constraints),
                          selection: SelectionSpec(include: include, exclude: exclude, keepFirstDense: keepFirstDense,
                                                   keepLastDense: keepLastDense),
                          methods: specs, pipeline: pipeline, seeds: seeds)
    }
}
