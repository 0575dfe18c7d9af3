import Training

/// A Codable description of a built-in schedule, saved with checkpoints so that a run resumes on the same schedule.
///
/// ```swift
/// let spec = ScheduleSpec.geometric(initial: 0.1, factor: 1.1, minimum: nil, maximum: 10, unit: .epochs)
/// let data = try JSONEncoder().encode(spec)
/// let rho = try JSONDecoder().decode(ScheduleSpec.self, from: data).makeSchedule()
/// ```
public enum ScheduleSpec: Hashable, Codable, Sendable {
    /// ``FixedSchedule``.
    case constant(value: Double)
    /// ``StepwiseSchedule``.
    case step(initial: Double, factor: Double, interval: Double, unit: ScheduleUnit)
    /// ``PiecewiseSchedule``.
    case piecewise(initial: Double, changes: [PiecewiseSchedule.Change], unit: ScheduleUnit)
    /// ``PolynomialSchedule`` (AGP when the exponent is 3).
    case polynomial(initial: Double, final: Double, start: Double, span: Double, exponent: Double,
                    updateInterval: Double?, unit: ScheduleUnit)
    /// ``GeometricSchedule``.
    case geometric(initial: Double, factor: Double, minimum: Double?, maximum: Double?, unit: ScheduleUnit)

    /// Builds the schedule, checking its parameters (a decoded file may hold anything).
    /// - Throws: ``ScheduleError`` naming the parameter that is out of range.
    public func makeSchedule() throws -> any Schedule {
        switch self {
        case .constant(let value):
            try requireFinite(value, "constant schedule value")
            return FixedSchedule(value)
        case .step(let initial, let factor, let interval, let unit):
            return try StepwiseSchedule(initial: initial, factor: factor, interval: interval, unit: unit)
        case .piecewise(let initial, let changes, let unit):
            return try PiecewiseSchedule(initial: initial, changes: changes, unit: unit)
        case .polynomial(let initial, let final, let start, let span, let exponent, let updateInterval, let unit):
            return try PolynomialSchedule(initial: initial, final: final, start: start, span: span, exponent: exponent,
                                          updateInterval: updateInterval, unit: unit)
        case .geometric(let initial, let factor, let minimum, let maximum, let unit):
            return try GeometricSchedule(initial: initial, factor: factor, minimum: minimum, maximum: maximum, unit: unit)
        }
    }
}
