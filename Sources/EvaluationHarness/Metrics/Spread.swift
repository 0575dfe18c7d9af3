import Foundation

/// The mean and spread of one figure over the seeds of an experiment.
public struct Spread: Codable, Equatable, Sendable {
    /// The arithmetic mean.
    public var mean: Double
    /// The sample standard deviation (divisor n − 1); 0 for a single value.
    public var standardDeviation: Double
    /// The smallest value.
    public var min: Double
    /// The largest value.
    public var max: Double
    /// How many values (seeds) there are.
    public var count: Int

    /// Summarises values; nil when there are none.
    /// - Parameter values: One value per seed.
    public init?(_ values: [Double]) {
        guard let first = values.first else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.mean = mean
        standardDeviation = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
        min = values.reduce(first) { Swift.min($0, $1) }
        max = values.reduce(first) { Swift.max($0, $1) }
        count = values.count
    }
}
