/// The phases of a pipeline run that train and checkpoint; the hard prune between them is a single step.
///
/// The raw values are stored in `checkpoint.json` and passed to ``PruningPipeline/epochFinished``: they never change.
public enum PipelinePhase: String, Codable, Sendable, CaseIterable {
    /// The method phase: the method's penalty and step hooks shape the weights.
    case method
    /// Masked retraining after the hard prune: the pattern never changes.
    case retraining

    /// The label of a progress line (`slr method phase`, `slr retraining`).
    func label(method: String) -> String {
        switch self {
        case .method: return "\(method) method phase"
        case .retraining: return "\(method) retraining"
        }
    }
}
