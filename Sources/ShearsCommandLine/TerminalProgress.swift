import Foundation
import Shears

/// Shows training progress: a live line redrawn in place on a terminal, plain lines otherwise.
final class TerminalProgress: ProgressReporter {
    private let live: Bool
    private let notesToStandardError: Bool
    private var lastDraw = Date.distantPast
    private var lineShown = false

    /// - Parameter notesToStandardError: Send every line to stderr (when stdout carries JSON).
    init(notesToStandardError: Bool) {
        self.notesToStandardError = notesToStandardError
        live = isatty(STDERR_FILENO) == 1
    }

    func batchFinished(_ progress: BatchProgress) {
        guard live else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || progress.batch == progress.batches else { return }
        lastDraw = now
        let line = String(format: "%@ epoch %d/%d batch %d/%d  loss %.4f  %.0f images/s  %@ left",
                          progress.phase, progress.epoch, progress.epochs, progress.batch, progress.batches,
                          progress.loss, progress.imagesPerSecond, Self.duration(progress.secondsLeft))
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        lineShown = true
    }

    func note(_ line: String) {
        if lineShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            lineShown = false
        }
        if notesToStandardError {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
            fflush(stdout)
        }
    }

    private static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let whole = Int(seconds.rounded())
        return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
    }
}
