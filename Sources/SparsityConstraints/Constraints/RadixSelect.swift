/// A list of key buffers, one per layer, read in scan order. Keys are unsigned integers ordered like the scores.
protocol KeySegments {
    associatedtype Key: FixedWidthInteger & UnsignedInteger
    /// The number of segments.
    var segmentCount: Int { get }
    /// The number of keys in segment `index`.
    func keyCount(_ index: Int) -> Int
    /// Calls `body` with the keys of segment `index`.
    func withSegment<Result>(_ index: Int, _ body: (UnsafeBufferPointer<Key>) throws -> Result) rethrows -> Result
}

/// Key segments held in arrays (group scores, pools).
struct ArrayKeySegments<Key: FixedWidthInteger & UnsignedInteger>: KeySegments {
    let arrays: [[Key]]
    var segmentCount: Int { arrays.count }
    func keyCount(_ index: Int) -> Int { arrays[index].count }
    func withSegment<Result>(_ index: Int, _ body: (UnsafeBufferPointer<Key>) throws -> Result) rethrows -> Result {
        try arrays[index].withUnsafeBufferPointer(body)
    }
}

/// The cut that keeps exactly `k` keys of a sequence: every key above `threshold`, plus the first `ties` keys equal
/// to it in scan order. Scan order is the tie-break, so equal magnitudes resolve to the lower index (and, across
/// layers, to the earlier layer) deterministically.
struct SelectionCut<Key: FixedWidthInteger & UnsignedInteger> {
    /// The k-th largest key.
    var threshold: Key
    /// How many keys equal to `threshold` are kept.
    var ties: Int
    /// True when k = 0.
    var keepsNothing: Bool

    static var nothing: SelectionCut { SelectionCut(threshold: 0, ties: 0, keepsNothing: true) }

    /// A fresh cursor that answers "kept?" for keys presented in scan order.
    var cursor: SelectionCursor<Key> { SelectionCursor(cut: self, tiesLeft: ties) }
}

/// Walks a sequence in scan order and answers, key by key, whether the cut keeps it.
struct SelectionCursor<Key: FixedWidthInteger & UnsignedInteger> {
    let cut: SelectionCut<Key>
    var tiesLeft: Int

    /// Whether the next key in scan order is kept; consumes a tie when the key equals the threshold.
    @inline(__always)
    mutating func keeps(_ key: Key) -> Bool {
        if cut.keepsNothing { return false }
        if key > cut.threshold { return true }
        if key == cut.threshold && tiesLeft > 0 {
            tiesLeft -= 1
            return true
        }
        return false
    }
}

/// Exact top-k selection by most-significant-digit radix select: linear time, no sort, no comparison pivots,
/// so it cannot degrade on many equal values (e.g. weights already pruned to zero).
///
/// Keys are unsigned integers whose order matches the order of the scores: the bit patterns of non-negative
/// `Float`s (as `UInt32`) and `Double`s (as `UInt64`) are ordered like the numbers. `mask` clears the sign bit, so
/// `|w|` is read straight from the weights without a copy. A NaN's pattern lies above +∞, so NaNs rank largest and
/// survive projection, which keeps a diverged run visible instead of hiding it.
enum RadixSelect {
    /// Bits of the first digit. Wide, so that the first pass (the only one over every key) spreads the keys of a
    /// typical weight tensor, whose exponents cluster in a few values, over many bins: the later passes then see
    /// only a small fraction of the keys.
    static let firstDigitBits = 12
    /// Bits of the later digits.
    static let digitBits = 10

    /// The cut keeping the `keep` largest keys of the segments in `range`, scanned in order.
    /// - Parameters:
    ///   - keep: How many keys to keep; clamped to the number of keys.
    ///   - mask: Applied to every key before comparing (clears sign bits).
    ///   - segments: The key buffers (one per layer).
    ///   - range: The segments taking part.
    static func cut<Segments: KeySegments>(
        keep: Int, mask: Segments.Key, segments: Segments, range: Range<Int>
    ) -> SelectionCut<Segments.Key> {
        typealias Key = Segments.Key
        if keep <= 0 { return .nothing }
        var shift = Key.bitWidth - firstDigitBits
        var histogram = [Int](repeating: 0, count: 1 << max(firstDigitBits, digitBits))

        // First digit over everything, read in place. Wrapping adds: no overflow branch in the hottest loop.
        histogram.withUnsafeMutableBufferPointer { counts in
            for segment in range {
                segments.withSegment(segment) { keys in
                    for key in keys { counts[Int(truncatingIfNeeded: (key & mask) >> shift)] &+= 1 }
                }
            }
        }
        var total = 0
        for count in histogram { total += count }
        if total == 0 { return .nothing }
        var remaining = min(keep, total)
        var chosen = chooseBin(histogram, bins: 1 << firstDigitBits, remaining: &remaining)
        var prefix = Key(truncatingIfNeeded: chosen) << shift

        // Gather the keys of the chosen bin; later digits work on this (usually much smaller) copy.
        let gathered = histogram[chosen]
        var candidates = [Key](unsafeUninitializedCapacity: gathered) { output, initialized in
            var written = 0
            for segment in range {
                segments.withSegment(segment) { keys in
                    for key in keys {
                        let masked = key & mask
                        if Int(truncatingIfNeeded: masked >> shift) == chosen {
                            output[written] = masked
                            written &+= 1
                        }
                    }
                }
            }
            initialized = written
        }

        var live = candidates.count
        while shift > 0 {
            let width = min(digitBits, shift)
            shift -= width
            let bins = 1 << width
            let digitMask = Key(truncatingIfNeeded: bins - 1)
            for bin in 0..<bins { histogram[bin] = 0 }
            histogram.withUnsafeMutableBufferPointer { counts in
                candidates.withUnsafeBufferPointer { keys in
                    for index in 0..<live { counts[Int(truncatingIfNeeded: (keys[index] >> shift) & digitMask)] &+= 1 }
                }
            }
            chosen = chooseBin(histogram, bins: bins, remaining: &remaining)
            prefix |= Key(truncatingIfNeeded: chosen) << shift
            // Keep only the keys of the chosen bin, compacted to the front.
            var kept = 0
            candidates.withUnsafeMutableBufferPointer { keys in
                for index in 0..<live where Int(truncatingIfNeeded: (keys[index] >> shift) & digitMask) == chosen {
                    keys[kept] = keys[index]
                    kept &+= 1
                }
            }
            live = kept
        }
        return SelectionCut(threshold: prefix, ties: remaining, keepsNothing: false)
    }

    /// Walks the bins from the largest down to the one that contains the `remaining`-th largest key; on return
    /// `remaining` counts how many keys of that bin are still wanted.
    private static func chooseBin(_ histogram: [Int], bins: Int, remaining: inout Int) -> Int {
        var bin = bins - 1
        while bin > 0 && histogram[bin] < remaining {
            remaining -= histogram[bin]
            bin -= 1
        }
        return bin
    }
}
