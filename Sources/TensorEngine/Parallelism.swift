import CTensorKernels
import Dispatch

/// How the tensor engine spreads one operation over the cores.
///
/// Each operation splits its own work — the images of a batch for convolutions, linear layers and pooling, the
/// channels for batch norm, ranges of elements for element-wise kernels — into one shard per worker, and every worker
/// calls BLAS with a single thread. Measured on a 2-core Zen 4 machine, this beats letting OpenBLAS thread each GEMM:
/// the GEMMs of a convolution chunk are too small to share (resnet20 ran slower on two OpenBLAS threads than on one),
/// while the element-wise work around them (im2col, batch norm, ReLU) was not parallel at all.
///
/// Results do not depend on the worker count. Operations that split a batch cut it into ``batchSlices`` slices
/// whatever the number of workers (each slice is one unit of GEMM work with its own partial weight gradient, summed in
/// slice order), and workers only decide who computes which slice; operations split by channel or element range
/// compute every element the same way whoever computes it.
public enum Parallelism {
    /// The number of workers an operation splits into: the innermost ``withWorkers(_:_:)`` scope's count, else the
    /// process-wide ``defaultWorkerCount``.
    public static var workerCount: Int { scopedWorkers ?? defaultWorkerCount }

    /// The process-wide worker count (1 until a program sets it; the `shears` command sets it from `--threads`).
    ///
    /// With 1, everything runs on the calling thread and BLAS keeps whatever thread count ``BLAS/threadCount`` says.
    /// Setting more than 1 also sets ``BLAS/threadCount`` to 1: each worker calls BLAS single-threaded. A program sets
    /// both once, at start-up: changing OpenBLAS's thread count while other threads call BLAS would change how
    /// their factorisations round.
    public static var defaultWorkerCount: Int {
        get { configuredWorkers }
        set {
            configuredWorkers = max(1, newValue)
            if configuredWorkers > 1 { BLAS.threadCount = 1 }
        }
    }

    /// Runs `body` with `count` workers for the operations it calls on this task (or thread), then restores the
    /// previous count. Concurrent callers, such as tests running in parallel, each keep their own count.
    public static func withWorkers<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        try $scopedWorkers.withValue(max(1, count)) { try body() }
    }

    private static var configuredWorkers = 1
    @TaskLocal private static var scopedWorkers: Int?

    /// The number of shards `count` units of work split into when each shard should hold at least `grain` units.
    /// Work inside a shard must not split again (operations never nest regions).
    static func shardCount(_ count: Int, grain: Int = 1) -> Int {
        let workers = workerCount
        guard workers > 1, count > 0 else { return 1 }
        return max(1, min(workers, count / max(grain, 1)))
    }

    /// The `shard`-th of `shards` contiguous, near-equal ranges of `0 ..< count`.
    @inline(__always)
    static func range(_ shard: Int, of shards: Int, count: Int) -> Range<Int> {
        let lower = count * shard / shards, upper = count * (shard + 1) / shards
        return lower..<upper
    }

    /// Runs `body(shard, shards)` for every shard, in parallel when there is more than one.
    ///
    /// It leaves OpenBLAS's thread count alone (``defaultWorkerCount`` sets it once): a process-wide setting flipped
    /// here would race with BLAS calls on other threads.
    static func forEachShard(_ shards: Int, _ body: (_ shard: Int, _ shards: Int) -> Void) {
        guard shards > 1 else {
            body(0, 1)
            return
        }
        DispatchQueue.concurrentPerform(iterations: shards) { shard in body(shard, shards) }
    }

    /// How many slices a batch-split operation cuts its batch into, independent of the worker count so that the
    /// results are too. It bounds how many workers such an operation keeps busy.
    public static let batchSlices = 4

    /// Cuts `0 ..< count` into `slices` contiguous, near-equal ranges and runs `body(slice, range)` for each; workers
    /// take consecutive groups of slices, in parallel. The slices, and so the arithmetic, are the same for any
    /// worker count.
    static func forEachSlice(_ count: Int, slices: Int, _ body: (_ slice: Int, _ range: Range<Int>) -> Void) {
        let workers = min(workerCount, slices)
        forEachShard(workers) { shard, shards in
            for slice in range(shard, of: shards, count: slices) { body(slice, range(slice, of: slices, count: count)) }
        }
    }

    /// The number of slices ``forEachSlice(_:slices:_:)`` should cut a batch of `count` images into.
    static func sliceCount(batch count: Int) -> Int { max(1, min(batchSlices, count)) }

    /// Splits `0 ..< count` into contiguous ranges of at least `grain` units and runs `body` on each, in parallel.
    static func forEachRange(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let shards = shardCount(count, grain: grain)
        forEachShard(shards) { shard, shards in body(range(shard, of: shards, count: count)) }
    }
}

extension Parallelism {
    /// The vector instruction set the engine's C kernels run with on this CPU: "avx512", "avx2" or "baseline"
    /// (chosen once per process; benchmarks print it next to their figures).
    public static var kernelInstructionSet: String { String(cString: shears_kernel_instruction_set()) }
}
