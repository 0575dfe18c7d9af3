import Training

/// The same value throughout training.
public struct FixedSchedule: Schedule, Hashable, Sendable {
    /// The value.
    public let value: Double

    /// Creates a constant schedule.
    /// - Parameter value: The value at every point of training.
    public init(_ value: Double) {
        self.value = value
    }

    /// A one-line description for logs and reports.
    public var summary: String { "constant \(value)" }

    /// The value at the given point of training.
    public func value(at progress: TrainingProgress) -> Double { value }

    /// The Codable description.
    public var spec: ScheduleSpec { .constant(value: value) }
}
