import Foundation
import TensorEngine

/// Per-channel statistics that map pixels to `(x − mean[c]) / std[c]`.
///
/// Fit them on the training set only and apply the same values to every other split.
public struct Standardization: Equatable, Codable, Sendable {
    /// The mean of each channel.
    public let mean: [Float]
    /// The standard deviation of each channel, all > 0.
    public let std: [Float]

    /// Creates statistics from known values (e.g. read back from a checkpoint).
    /// - Parameters:
    ///   - mean: one mean per channel.
    ///   - std: one standard deviation per channel, each finite and > 0.
    /// - Throws: `DatasetError.invalidArgument` when the counts differ or a deviation is not positive.
    public init(mean: [Float], std: [Float]) throws {
        guard !mean.isEmpty, mean.count == std.count else {
            throw DatasetError.invalidArgument(
                "standardization has \(mean.count) means and \(std.count) standard deviations, expected the same non-zero count")
        }
        if let bad = std.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw DatasetError.invalidArgument(
                "standardization std[\(bad)] = \(std[bad]), expected a finite value > 0")
        }
        guard mean.allSatisfy(\.isFinite) else {
            throw DatasetError.invalidArgument("standardization means \(mean) must all be finite")
        }
        self.mean = mean
        self.std = std
    }

    /// Measures each channel's mean and (population) standard deviation over all pixels of `data`.
    ///
    /// For single-channel data this is one scalar mean and std over every pixel.
    /// - Parameter data: the training set.
    /// - Throws: `DatasetError.invalidArgument` when `data` is empty or a channel is constant.
    public init(fittedTo data: LabeledImages) throws {
        let channels = data.channels
        let plane = data.height * data.width
        guard data.count > 0, plane > 0 else {
            throw DatasetError.invalidArgument("cannot fit standardization statistics to \(data.name): it holds no pixels")
        }
        var sums = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        data.images.scalars.withUnsafeBufferPointer { pixels in
            for sample in 0..<data.count {
                for channel in 0..<channels {
                    let start = (sample * channels + channel) * plane
                    // Sum each plane in Float (exact enough for ≤ 4096 values in [0, 1]), then accumulate in Double.
                    var sum: Float = 0
                    var square: Float = 0
                    for index in start..<(start + plane) {
                        let value = pixels[index]
                        sum += value
                        square += value * value
                    }
                    sums[channel] += Double(sum)
                    squares[channel] += Double(square)
                }
            }
        }
        let perChannel = Double(data.count * plane)
        var means = [Float]()
        var deviations = [Float]()
        for channel in 0..<channels {
            let mean = sums[channel] / perChannel
            let variance = max(0, squares[channel] / perChannel - mean * mean)
            guard variance > 1e-12 else {
                throw DatasetError.invalidArgument(
                    "channel \(channel) of \(data.name) is constant (\(mean)); cannot standardise by a zero deviation")
            }
            means.append(Float(mean))
            deviations.append(Float(variance.squareRoot()))
        }
        try self.init(mean: means, std: deviations)
    }

    /// Returns `data` with every pixel of channel c mapped to `(x − mean[c]) / std[c]`.
    /// - Parameter data: a set with as many channels as these statistics (or any count, for one-value statistics).
    /// - Throws: `DatasetError.invalidArgument` when the channel counts do not fit.
    public func apply(to data: LabeledImages) throws -> LabeledImages {
        var result = data
        try apply(toInPlace: &result)
        return result
    }

    /// Standardises images in place: (pixel − mean) / std per channel. When `data` holds the only reference to its
    /// pixels no copy is made, which keeps the peak memory of loading a dataset at one copy of it.
    public func apply(toInPlace data: inout LabeledImages) throws {
        let channels = data.channels
        guard mean.count == channels || mean.count == 1 else {
            throw DatasetError.invalidArgument(
                "standardization has statistics for \(mean.count) channels but \(data.name) has \(channels)")
        }
        let plane = data.height * data.width
        let count = data.count
        let shifts = (0..<channels).map { mean[mean.count == 1 ? 0 : $0] }
        let scales = (0..<channels).map { 1 / std[std.count == 1 ? 0 : $0] }
        data.transformPixels { pixels in
            for sample in 0..<count {
                for channel in 0..<channels {
                    let start = (sample * channels + channel) * plane
                    let shift = shifts[channel], scale = scales[channel]
                    for index in start..<(start + plane) { pixels[index] = (pixels[index] - shift) * scale }
                }
            }
        }
    }
}

extension DatasetSplits {
    /// Fits the statistics to the training set and standardises both sets.
    /// - Returns: The standardised splits and the statistics used.
    public func standardized() throws -> (splits: DatasetSplits, standardization: Standardization) {
        let statistics = try Standardization(fittedTo: train)
        let splits = try DatasetSplits(train: statistics.apply(to: train), test: statistics.apply(to: test))
        return (splits, statistics)
    }

    /// Fits the statistics to the training set and standardises both sets in place (no copy of the pixels).
    /// - Returns: The statistics used.
    public mutating func standardize() throws -> Standardization {
        let statistics = try Standardization(fittedTo: train)
        try statistics.apply(toInPlace: &train)
        try statistics.apply(toInPlace: &test)
        return statistics
    }
}
