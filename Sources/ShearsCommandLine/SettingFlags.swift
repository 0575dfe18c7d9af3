import Foundation

/// One flag that describes a run (not where it writes or how many threads it uses), as the user gave it.
///
/// `--resume` compares the flags given next to it with the run's own, flag by flag; the run's flags are stored as
/// the arguments that reproduce it (``SettingFlag/arguments(_:)``). Every option that says "(default …)" is
/// optional underneath, so that a flag given with its default value still counts as given.
struct SettingFlag {
    /// `--sparsity`.
    var flag: String
    /// The values given (one per occurrence; empty for a Boolean flag that is set), or nil when not given.
    var given: [String]?
    /// The value in force, as text (the default when not given).
    var value: String

    /// An option with one value.
    static func option<T>(_ flag: String, _ given: T?, default fallback: String) -> SettingFlag {
        SettingFlag(flag: flag, given: given.map { ["\($0)"] }, value: given.map { "\($0)" } ?? fallback)
    }

    /// A repeatable option.
    static func repeated(_ flag: String, _ values: [String]) -> SettingFlag {
        SettingFlag(flag: flag, given: values.isEmpty ? nil : values, value: values.joined(separator: ", "))
    }

    /// A Boolean flag (given when set).
    static func boolean(_ flag: String, _ isSet: Bool) -> SettingFlag {
        SettingFlag(flag: flag, given: isSet ? [] : nil, value: isSet ? "set" : "not set")
    }

    /// The arguments that give these flags again.
    static func arguments(_ flags: [SettingFlag]) -> [String] {
        flags.flatMap { setting -> [String] in
            guard let given = setting.given else { return [] }
            return given.isEmpty ? [setting.flag] : given.flatMap { [setting.flag, $0] }
        }
    }
}

extension DataOptions {
    /// The data flags.
    var settingFlags: [SettingFlag] {
        [.option("--dataset", datasetFlag, default: "fashion-mnist"),
         .option("--data-dir", dataDirectory, default: "the dataset's default folder"),
         .option("--validation-fraction", validationFraction, default: "none")]
    }
}

extension PruningOptions {
    /// The constraint, selection, budget and method-option flags.
    var settingFlags: [SettingFlag] {
        [.option("--sparsity", sparsity, default: "0.9"),
         .option("--constraint", constraint, default: "unstructured"),
         .option("--scope", scope, default: "layer"),
         .repeated("--include", include),
         .repeated("--exclude", exclude),
         .boolean("--keep-first-dense", keepFirstDense),
         .boolean("--keep-last-dense", keepLastDense),
         .option("--method-epochs", methodEpochs, default: "the command's default"),
         .option("--retrain-epochs", retrainEpochs, default: "the command's default"),
         .option("--batch-size", batchSize, default: "128"),
         .option("--method-lr", methodLR, default: "0.01"),
         .option("--retrain-lr", retrainLR, default: "0.01"),
         .boolean("--retrain-cosine", retrainCosine),
         .option("--loss-subset", lossSubset, default: "the command's default"),
         .boolean("--eval-hard-pruned", evaluateHardPruned),
         .option("--schedule", schedule, default: "the method's default"),
         .option("--rounds", rounds, default: "the method's default"),
         .option("--rho", rho, default: "the method's default"),
         .option("--rho-schedule", rhoSchedule, default: "the method's default"),
         .option("--slr-m", slrM, default: "the method's default"),
         .option("--slr-r", slrR, default: "the method's default"),
         .option("--slr-s0", slrS0, default: "the method's default"),
         .option("--on-failure", onFailure, default: "the method's default"),
         .option("--update-every", updateEvery, default: "the method's default"),
         .option("--calibration-samples", calibrationSamples, default: "the method's default"),
         .option("--warm-start", warmStart, default: "none"),
         .repeated("--option", extraOptions)]
    }
}
