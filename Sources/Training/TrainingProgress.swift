/// Where training stands: the clock the trainer advances and every schedule reads.
public struct TrainingProgress: Hashable, Codable, Sendable, CustomStringConvertible {
    /// Optimizer steps taken since training started (0 before the first step).
    public var step: Int
    /// Completed epochs (0 during the first epoch).
    public var epoch: Int
    /// Steps in one epoch (batches per pass over the training set).
    public var stepsPerEpoch: Int

    /// Creates a progress record from all three counters.
    /// - Parameters:
    ///   - step: Global step, 0-based.
    ///   - epoch: Epoch, 0-based.
    ///   - stepsPerEpoch: Steps in one epoch (at least 1).
    public init(step: Int, epoch: Int, stepsPerEpoch: Int) {
        precondition(stepsPerEpoch >= 1, "stepsPerEpoch must be at least 1, got \(stepsPerEpoch)")
        self.step = step
        self.epoch = epoch
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// The progress at a global step; the epoch is `step / stepsPerEpoch`.
    /// - Parameters:
    ///   - step: Global step, 0-based.
    ///   - stepsPerEpoch: Steps in one epoch (at least 1).
    public init(step: Int, stepsPerEpoch: Int) {
        self.init(step: step, epoch: step / max(stepsPerEpoch, 1), stepsPerEpoch: stepsPerEpoch)
    }

    /// The progress at the start of an epoch.
    /// - Parameters:
    ///   - epoch: Epoch, 0-based.
    ///   - stepsPerEpoch: Steps in one epoch (at least 1).
    public init(epoch: Int, stepsPerEpoch: Int = 1) {
        self.init(step: epoch * stepsPerEpoch, epoch: epoch, stepsPerEpoch: stepsPerEpoch)
    }

    /// Epochs including the fraction of the current one: `step / stepsPerEpoch`.
    public var fractionalEpoch: Double { Double(step) / Double(stepsPerEpoch) }

    /// The time a schedule counts in.
    /// - Parameter unit: Whole epochs, steps, or fractional epochs.
    public func time(in unit: ScheduleUnit) -> Double {
        switch unit {
        case .epochs: return Double(epoch)
        case .steps: return Double(step)
        case .fractionalEpochs: return fractionalEpoch
        }
    }

    /// A readable one-line form for logs and messages.
    public var description: String { "epoch \(epoch), step \(step) (\(stepsPerEpoch) per epoch)" }
}

/// The unit of a schedule's time axis.
public enum ScheduleUnit: String, Hashable, Codable, Sendable, CaseIterable {
    /// Whole epochs: the value changes only at epoch boundaries.
    case epochs
    /// Global optimizer steps.
    case steps
    /// `step / stepsPerEpoch`: epochs that advance smoothly within an epoch.
    case fractionalEpochs
}
