#if canImport(Glibc)
import Glibc
#endif

/// Process-wide settings of the C allocator that matter for training speed.
///
/// glibc serves every allocation above a threshold (at most 32 MB by default) with a fresh `mmap` and unmaps it on
/// free, so each new activation tensor of a large batch (e.g. [128, 64, 32, 32], 33.5 MB) pays one page fault per
/// 4 KB page on first write. Measured on the 2-core Zen 4 machine: ReLU on such a tensor took 14 ms with the default,
/// 2.2 ms with reuse enabled; batch-norm forward 21 ms → 9.5 ms. A trainer calls this once at start-up.
public enum AllocatorTuning {
    /// Keeps freed blocks up to `bytes` in the heap for reuse instead of returning them to the operating system.
    ///
    /// The price is that the process keeps its peak heap size until exit. Does nothing where glibc's `mallopt`
    /// is unavailable.
    ///
    /// - Parameter bytes: allocations up to this size come from the heap rather than from a fresh `mmap`.
    /// - Returns: whether the allocator accepted the setting.
    @discardableResult
    public static func reuseLargeAllocations(upTo bytes: Int = 1 << 30) -> Bool {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not export; look it up instead.
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        let threshold = Int32(clamping: bytes)
        let mmapAccepted = mallopt(mmapThreshold, threshold) == 1
        let trimAccepted = mallopt(trimThreshold, Int32.max) == 1
        return mmapAccepted && trimAccepted
        #else
        return false
        #endif
    }
}
