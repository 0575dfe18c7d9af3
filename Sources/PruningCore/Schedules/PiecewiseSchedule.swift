import Training

/// Piecewise-constant values: `initial` until the first change, then each change's value from its time on.
///
/// ```swift
/// let lr = try PiecewiseSchedule(initial: 0.1, changes: [.init(at: 30, value: 0.01), .init(at: 60, value: 0.001)])
/// ```
public struct PiecewiseSchedule: Schedule, Hashable, Sendable {
    /// One change: from time `at` on, the value is `value`.
    public struct Change: Hashable, Codable, Sendable {
        /// When the change takes effect, in the schedule's unit.
        public var at: Double
        /// The value from then on.
        public var value: Double

        /// Creates a change.
        /// - Parameters:
        ///   - at: When it takes effect.
        ///   - value: The new value.
        public init(at: Double, value: Double) {
            self.at = at
            self.value = value
        }
    }

    /// The value before the first change.
    public let initial: Double
    /// The changes, strictly increasing in time.
    public let changes: [Change]
    /// The unit of the change times.
    public let unit: ScheduleUnit

    /// Creates a piecewise-constant schedule.
    /// - Parameters:
    ///   - initial: The value before the first change.
    ///   - changes: Changes in strictly increasing time order.
    ///   - unit: Epochs (default), steps or fractional epochs.
    /// - Throws: ``ScheduleError`` for non-finite numbers or times out of order.
    public init(initial: Double, changes: [Change], unit: ScheduleUnit = .epochs) throws {
        try requireFinite(initial, "piecewise schedule initial value")
        for (index, change) in changes.enumerated() {
            try requireFinite(change.at, "time of change \(index)")
            try requireFinite(change.value, "value of change \(index)")
            if index > 0 && change.at <= changes[index - 1].at {
                throw ScheduleError.invalidParameter(
                    "change \(index) at \(change.at) does not come after change \(index - 1) at \(changes[index - 1].at); expected strictly increasing times")
            }
        }
        self.initial = initial
        self.changes = changes
        self.unit = unit
    }

    /// A one-line description for logs and reports.
    public var summary: String {
        "\(initial)" + changes.map { ", \($0.value) from \($0.at)" }.joined() + " (\(unit.rawValue))"
    }

    /// The value at the given point of training.
    public func value(at progress: TrainingProgress) -> Double {
        let time = progress.time(in: unit)
        return changes.last { $0.at <= time }?.value ?? initial
    }

    /// The Codable description.
    public var spec: ScheduleSpec { .piecewise(initial: initial, changes: changes, unit: unit) }
}
