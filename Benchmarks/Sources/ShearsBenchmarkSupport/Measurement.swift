import Foundation
import TensorEngine

/// Wall-clock timing for the figures: repeat an operation after a warm-up and keep every duration.
public struct Timing {
    /// Seconds per repetition, in the order run.
    public let seconds: [Double]

    /// Wraps durations measured elsewhere.
    /// - Parameter seconds: Seconds per repetition.
    public init(seconds: [Double]) { self.seconds = seconds }

    /// Runs `body` `warmup` times untimed, then at least `minimumRepetitions` times and until `budget` seconds passed.
    /// - Parameters:
    ///   - warmup: Untimed runs first (caches, BLAS buffers, scratch space).
    ///   - minimumRepetitions: Timed runs at least.
    ///   - budget: Keep repeating until this many seconds of timed runs.
    ///   - body: The operation.
    public static func measure(warmup: Int = 2, minimumRepetitions: Int = 5, budget: Double = 1,
                               _ body: () throws -> Void) rethrows -> Timing {
        for _ in 0..<warmup { try body() }
        var seconds: [Double] = []
        var total = 0.0
        while seconds.count < minimumRepetitions || total < budget {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            seconds.append(elapsed)
            total += elapsed
        }
        return Timing(seconds: seconds)
    }

    /// Times several operations under the same conditions: each round runs every body once, in order, so that load
    /// from other processes falls on all of them alike; rounds repeat until `minimumRounds` and `budget` seconds.
    /// - Parameters:
    ///   - warmup: Untimed rounds first.
    ///   - minimumRounds: Timed rounds at least.
    ///   - budget: Keep going until the timed rounds took this many seconds in total.
    ///   - bodies: The operations.
    /// - Returns: One timing per body, in order.
    public static func interleaved(warmup: Int = 2, minimumRounds: Int = 5, budget: Double = 1,
                                   _ bodies: [() -> Void]) -> [Timing] {
        for _ in 0..<warmup { for body in bodies { body() } }
        var seconds = [[Double]](repeating: [], count: bodies.count)
        var total = 0.0, rounds = 0
        while rounds < minimumRounds || total < budget {
            for (index, body) in bodies.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                seconds[index].append(elapsed)
                total += elapsed
            }
            rounds += 1
        }
        return seconds.map(Timing.init(seconds:))
    }

    /// The median duration.
    public var median: Double {
        let sorted = seconds.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The shortest duration.
    public var best: Double { seconds.min() ?? .nan }
}

/// The process's memory figures from /proc/self/status (Linux); nil elsewhere.
public enum ProcessMemory {
    /// Peak resident set size (VmHWM), in bytes.
    public static var peakResidentBytes: Int? { statusValue("VmHWM") }
    /// Current resident set size (VmRSS), in bytes.
    public static var residentBytes: Int? { statusValue("VmRSS") }

    /// A `Name:   123 kB` line of /proc/self/status, in bytes.
    private static func statusValue(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int(fields[1]) else { return nil }
            return fields.count >= 3 && fields[2] == "kB" ? value * 1024 : value
        }
        return nil
    }
}

/// Settings shared by the package-benchmark suites.
public enum BenchmarkSettings {
    /// OpenBLAS threads for the suites: `SHEARS_BENCH_THREADS` if set, else 1 (steadier on a shared machine, and the
    /// setting the LeNet-5 comparison with PyTorch uses).
    public static var blasThreads: Int {
        ProcessInfo.processInfo.environment["SHEARS_BENCH_THREADS"].flatMap(Int.init) ?? 1
    }
}

extension BenchmarkSettings {
    /// Sets OpenBLAS's thread count to ``blasThreads``.
    public static func applyThreads() { BLAS.threadCount = blasThreads }
}

extension BenchmarkSettings {
    /// Sets the engine's worker count, one BLAS thread each, as `shears --threads` does.
    /// - Parameter threads: Workers, ≥ 1.
    public static func setThreads(_ threads: Int) {
        Parallelism.defaultWorkerCount = threads
        BLAS.threadCount = 1
    }
}
