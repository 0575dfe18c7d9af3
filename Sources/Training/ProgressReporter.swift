/// One batch's worth of progress, for a live progress line.
public struct BatchProgress: Sendable {
    /// The phase ("dense", "slr method phase", "retraining").
    public var phase: String
    /// The epoch, 1-based, and the number of epochs of the phase.
    public var epoch: Int, epochs: Int
    /// The batch, 1-based, and the number of batches of the epoch.
    public var batch: Int, batches: Int
    /// The running mean loss of the epoch.
    public var loss: Double
    /// Images per second so far in the epoch.
    public var imagesPerSecond: Double
    /// The estimated seconds left in the phase.
    public var secondsLeft: Double
}

/// Receives progress while a run trains; the CLI draws a live line on a terminal and plain lines otherwise.
public protocol ProgressReporter: AnyObject {
    /// Called after each batch.
    func batchFinished(_ progress: BatchProgress)
    /// A line of text worth showing (an epoch's result, a phase change).
    func note(_ line: String)
}

/// Discards every report (tests, library use without output).
public final class SilentProgress: ProgressReporter {
    /// Creates the reporter.
    public init() {}
    public func batchFinished(_ progress: BatchProgress) {}
    public func note(_ line: String) {}
}
