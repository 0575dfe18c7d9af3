import Foundation
import Training

/// A polynomial ramp from `initial` to `final` over `[start, start + span]`, constant outside:
/// `v(t) = final + (initial − final) · (1 − (t − start) / span)^exponent`.
///
/// With exponent 3 this is the automated gradual pruning (AGP) schedule of Zhu & Gupta,
/// `s_t = s_f + (s_i − s_f)(1 − (t − t₀)/(nΔt))³`: it prunes fast while many redundant weights remain and slowly
/// near the target. With `updateInterval` Δt, time is rounded down to the last update `t₀ + kΔt`, so the value
/// changes only every Δt units, as in AGP.
///
/// ```swift
/// let agp = try PolynomialSchedule.agp(initialSparsity: 0, finalSparsity: 0.9, start: 0, updateInterval: 1, updates: 10)
/// agp.value(at: TrainingProgress(epoch: 5))     // 0.9 + (0 − 0.9) · 0.5³ = 0.7875
/// ```
public struct PolynomialSchedule: Schedule, Hashable, Sendable {
    /// The value up to `start`.
    public let initial: Double
    /// The value from `start + span` on.
    public let final: Double
    /// When the ramp begins.
    public let start: Double
    /// The length of the ramp.
    public let span: Double
    /// The power of the ramp (3 for AGP, 1 for linear).
    public let exponent: Double
    /// If set, the value changes only at `start + k · updateInterval`.
    public let updateInterval: Double?
    /// The unit of `start`, `span` and `updateInterval`.
    public let unit: ScheduleUnit

    /// Creates a polynomial schedule.
    /// - Parameters:
    ///   - initial: The value up to `start`.
    ///   - final: The value from `start + span` on.
    ///   - start: When the ramp begins (t₀).
    ///   - span: The ramp's length (nΔt), greater than 0.
    ///   - exponent: The ramp's power, greater than 0 (default 3).
    ///   - updateInterval: Optional Δt > 0: hold the value between updates.
    ///   - unit: Epochs (default), steps or fractional epochs.
    /// - Throws: ``ScheduleError`` for non-finite numbers or non-positive span, exponent or interval.
    public init(initial: Double, final: Double, start: Double, span: Double, exponent: Double = 3,
                updateInterval: Double? = nil, unit: ScheduleUnit = .epochs) throws {
        try requireFinite(initial, "polynomial schedule initial value")
        try requireFinite(final, "polynomial schedule final value")
        try requireFinite(start, "polynomial schedule start")
        try requireFinite(span, "polynomial schedule span", positive: true)
        try requireFinite(exponent, "polynomial schedule exponent", positive: true)
        if let updateInterval { try requireFinite(updateInterval, "polynomial schedule update interval", positive: true) }
        self.initial = initial
        self.final = final
        self.start = start
        self.span = span
        self.exponent = exponent
        self.updateInterval = updateInterval
        self.unit = unit
    }

    /// The AGP sparsity schedule: cubic from `initialSparsity` at `start` to `finalSparsity` after `updates`
    /// updates spaced `updateInterval` apart.
    /// - Parameters:
    ///   - initialSparsity: s_i, usually 0.
    ///   - finalSparsity: s_f.
    ///   - start: t₀.
    ///   - updateInterval: Δt, greater than 0.
    ///   - updates: n, at least 1.
    ///   - unit: Epochs (default), steps or fractional epochs.
    public static func agp(initialSparsity: Double, finalSparsity: Double, start: Double, updateInterval: Double,
                           updates: Int, unit: ScheduleUnit = .epochs) throws -> PolynomialSchedule {
        guard updates >= 1 else {
            throw ScheduleError.invalidParameter("AGP updates is \(updates); expected at least 1")
        }
        try requireFinite(updateInterval, "AGP update interval", positive: true)
        return try PolynomialSchedule(initial: initialSparsity, final: finalSparsity, start: start,
                                      span: Double(updates) * updateInterval, exponent: 3,
                                      updateInterval: updateInterval, unit: unit)
    }

    /// A one-line description for logs and reports.
    public var summary: String {
        "polynomial^\(exponent) from \(initial) at \(start) to \(final) at \(start + span) \(unit.rawValue)"
            + (updateInterval.map { ", updated every \($0)" } ?? "")
    }

    /// The value at the given point of training.
    public func value(at progress: TrainingProgress) -> Double {
        var elapsed = progress.time(in: unit) - start
        if let updateInterval { elapsed = (elapsed / updateInterval).rounded(.down) * updateInterval }
        let fraction = elapsed / span
        // Exact end values outside the ramp (the formula would round 0.5 + (0.1 − 0.5) to 0.09999…).
        if !(fraction > 0) { return initial }
        if fraction >= 1 { return final }
        return final + (initial - final) * pow(1 - fraction, exponent)
    }

    /// The Codable description.
    public var spec: ScheduleSpec {
        .polynomial(initial: initial, final: final, start: start, span: span, exponent: exponent,
                    updateInterval: updateInterval, unit: unit)
    }
}
