/// Errors of training: settings that make no sense, and a loss that stopped being finite. Each message names the
/// thing that was wrong and what was expected; the texts match the pipeline's (`invalid option: …`,
/// `training diverged: …`), so a run reports them the same way whichever module threw.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A training setting does not make sense (e.g. a negative learning rate or batch size).
    case invalidSettings(String)
    /// Training diverged (a loss that is not finite).
    case diverged(String)

    public var description: String {
        switch self {
        case .invalidSettings(let text): return "invalid option: \(text)"
        case .diverged(let text): return "training diverged: \(text)"
        }
    }
}
