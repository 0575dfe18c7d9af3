import Foundation
import Training

/// The penalty ρ as a function of the number of multiplier updates done: constant, or multiplied by a
/// factor at every update up to a cap (the papers' "×1.1 per update" or "×1.3 per epoch" growth), or any
/// ``Schedule`` (through its ``ScheduleSpec``) evaluated with the update count as the epoch.
public struct RhoSchedule: Equatable, Codable, Sendable, CustomStringConvertible {
    /// ρ before the first update.
    public var initial: Double
    /// The factor applied after each update (1: constant).
    public var factor: Double
    /// The largest ρ reached.
    public var cap: Double?
    /// A general schedule that replaces `initial`, `factor` and `cap` (its epoch is the number of updates done).
    public var custom: ScheduleSpec?

    /// Creates a schedule.
    public init(initial: Double, factor: Double = 1, cap: Double? = nil) throws {
        guard initial > 0, initial.isFinite else { throw PruningError.invalidOption("--rho must be a positive number, got \(initial)") }
        guard factor > 0, factor.isFinite else { throw PruningError.invalidOption("the ρ growth factor must be positive, got \(factor)") }
        if let cap, cap < initial { throw PruningError.invalidOption("the ρ cap \(cap) is below the initial ρ \(initial)") }
        self.initial = initial
        self.factor = factor
        self.cap = cap
    }

    /// ρ driven by any schedule; its value at epoch u is ρ after u updates.
    public init(schedule: ScheduleSpec) throws {
        let made = try schedule.makeSchedule()
        let first = made.value(at: TrainingProgress(epoch: 0))
        try self.init(initial: first)
        custom = schedule
    }

    /// Parses `constant` or `geometric:FACTOR[:CAP]` for an initial ρ.
    public static func parse(_ text: String, initial: Double) throws -> RhoSchedule {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        switch parts.first {
        case "constant" where parts.count == 1:
            return try RhoSchedule(initial: initial)
        case "geometric" where parts.count == 2 || parts.count == 3:
            guard let factor = Double(parts[1]) else {
                throw PruningError.invalidOption("--rho-schedule geometric:FACTOR[:CAP] needs a number for FACTOR, got '\(parts[1])'")
            }
            var cap: Double?
            if parts.count == 3 {
                guard let value = Double(parts[2]) else {
                    throw PruningError.invalidOption("--rho-schedule geometric:FACTOR:CAP needs a number for CAP, got '\(parts[2])'")
                }
                cap = value
            }
            return try RhoSchedule(initial: initial, factor: factor, cap: cap)
        default:
            throw PruningError.invalidOption("--rho-schedule expects 'constant' or 'geometric:FACTOR[:CAP]' (e.g. geometric:1.3), got '\(text)'")
        }
    }

    /// ρ after `updates` multiplier updates.
    public func rho(afterUpdates updates: Int) -> Double {
        if let custom, let schedule = try? custom.makeSchedule() {
            // ρ divides the multipliers: a schedule that reaches zero or below keeps the last usable value.
            let value = schedule.value(at: TrainingProgress(epoch: updates))
            return value > 0 && value.isFinite ? value : initial
        }
        let value = initial * pow(factor, Double(updates))
        return min(value, cap ?? .infinity)
    }

    public var description: String {
        if let custom, let schedule = try? custom.makeSchedule() { return schedule.summary }
        return factor == 1 ? "constant \(initial)" : "\(initial) × \(factor) per update" + (cap.map { " up to \($0)" } ?? "")
    }
}
