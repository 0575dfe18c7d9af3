import Foundation
import Training

/// Multiplies the value by `factor` every `interval` units: `initial · factor^⌊t / interval⌋`.
///
/// ```swift
/// let rho = try StepwiseSchedule(initial: 1e-4, factor: 10, interval: 10)   // ×10 every 10 epochs
/// ```
public struct StepwiseSchedule: Schedule, Hashable, Sendable {
    /// The value before the first change.
    public let initial: Double
    /// The multiplier applied at every change.
    public let factor: Double
    /// Units between changes.
    public let interval: Double
    /// The unit of `interval`.
    public let unit: ScheduleUnit

    /// Creates a step schedule.
    /// - Parameters:
    ///   - initial: The starting value.
    ///   - factor: The multiplier at each change (γ).
    ///   - interval: Units between changes, greater than 0.
    ///   - unit: Epochs (default), steps or fractional epochs.
    /// - Throws: ``ScheduleError`` for a non-finite value or a non-positive interval.
    public init(initial: Double, factor: Double, interval: Double, unit: ScheduleUnit = .epochs) throws {
        try requireFinite(initial, "step schedule initial value")
        try requireFinite(factor, "step schedule factor")
        try requireFinite(interval, "step schedule interval", positive: true)
        self.initial = initial
        self.factor = factor
        self.interval = interval
        self.unit = unit
    }

    /// A one-line description for logs and reports.
    public var summary: String { "\(initial) × \(factor) every \(interval) \(unit.rawValue)" }

    /// The value at the given point of training.
    public func value(at progress: TrainingProgress) -> Double {
        let changes = max(0, (progress.time(in: unit) / interval).rounded(.down))
        return initial * pow(factor, changes)
    }

    /// The Codable description.
    public var spec: ScheduleSpec { .step(initial: initial, factor: factor, interval: interval, unit: unit) }
}
