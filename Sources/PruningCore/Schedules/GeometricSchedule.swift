import Foundation
import Training

/// Geometric growth or decay `initial · factor^t`, optionally clamped: a penalty ρ raised ×1.1 per epoch up to a cap.
///
/// ```swift
/// let rho = try GeometricSchedule(initial: 0.1, factor: 1.1, maximum: 10)
/// rho.value(at: TrainingProgress(epoch: 2))   // 0.1 · 1.1² = 0.121
/// ```
public struct GeometricSchedule: Schedule, Hashable, Sendable {
    /// The value at t = 0.
    public let initial: Double
    /// The multiplier per unit of time.
    public let factor: Double
    /// A floor, if any.
    public let minimum: Double?
    /// A cap, if any.
    public let maximum: Double?
    /// The unit of t.
    public let unit: ScheduleUnit

    /// Creates a geometric schedule.
    /// - Parameters:
    ///   - initial: The value at t = 0.
    ///   - factor: The multiplier per unit, greater than 0.
    ///   - minimum: Optional floor.
    ///   - maximum: Optional cap (at least `minimum`).
    ///   - unit: Epochs (default), steps or fractional epochs.
    /// - Throws: ``ScheduleError`` for non-finite numbers, a non-positive factor, or a cap below the floor.
    public init(initial: Double, factor: Double, minimum: Double? = nil, maximum: Double? = nil,
                unit: ScheduleUnit = .epochs) throws {
        try requireFinite(initial, "geometric schedule initial value")
        try requireFinite(factor, "geometric schedule factor", positive: true)
        if let minimum { try requireFinite(minimum, "geometric schedule minimum") }
        if let maximum { try requireFinite(maximum, "geometric schedule maximum") }
        if let minimum, let maximum, maximum < minimum {
            throw ScheduleError.invalidParameter("geometric schedule maximum \(maximum) is below its minimum \(minimum)")
        }
        self.initial = initial
        self.factor = factor
        self.minimum = minimum
        self.maximum = maximum
        self.unit = unit
    }

    /// A one-line description for logs and reports.
    public var summary: String {
        "\(initial) × \(factor)^t (\(unit.rawValue))" + (minimum.map { ", at least \($0)" } ?? "")
            + (maximum.map { ", at most \($0)" } ?? "")
    }

    /// The value at the given point of training.
    public func value(at progress: TrainingProgress) -> Double {
        var value = initial * pow(factor, progress.time(in: unit))
        if let minimum { value = max(value, minimum) }
        if let maximum { value = min(value, maximum) }
        return value
    }

    /// The Codable description.
    public var spec: ScheduleSpec { .geometric(initial: initial, factor: factor, minimum: minimum, maximum: maximum, unit: unit) }
}
