import Training

/// A value that changes over training: a sparsity target (gradual pruning), a penalty ρ (ADMM, SLR), a rate.
///
/// A conforming type maps progress to a number. A toy schedule that warms up linearly over the first epochs:
///
/// ```swift
/// struct LinearWarmup: Schedule {
///     var target: Double
///     var epochs: Double
///     var summary: String { "linear warm-up to \(target) over \(epochs) epochs" }
///     func value(at progress: TrainingProgress) -> Double {
///         target * min(1, progress.fractionalEpoch / epochs)
///     }
/// }
/// ```
///
/// The built-in schedules also describe themselves as a Codable ``ScheduleSpec`` so that a run can be resumed.
public protocol Schedule {
    /// A one-line description for logs and reports.
    var summary: String { get }
    /// The value at the given point of training.
    /// - Parameter progress: The step, epoch and steps per epoch.
    func value(at progress: TrainingProgress) -> Double
}

extension Schedule {
    /// A one-line description for logs and reports.
    public var summary: String { String(describing: Self.self) }
}

/// Errors for schedule parameters that make no sense: every message names the parameter and what was expected.
public enum ScheduleError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A parameter outside its allowed range.
    case invalidParameter(String)

    /// A readable one-line form for logs and messages.
    public var description: String {
        switch self {
        case .invalidParameter(let text): return "invalid schedule parameter: \(text)"
        }
    }
}

/// Throws unless `value` is finite (and, when asked, positive).
func requireFinite(_ value: Double, _ name: String, positive: Bool = false) throws {
    guard value.isFinite else {
        throw ScheduleError.invalidParameter("\(name) is \(value); expected a finite number")
    }
    if positive && value <= 0 {
        throw ScheduleError.invalidParameter("\(name) is \(value); expected a number greater than 0")
    }
}
