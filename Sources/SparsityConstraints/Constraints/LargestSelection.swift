/// How many keys to keep, and over which scope.
enum KeepPlan {
    /// Each segment (layer) keeps its own count.
    case perSegment([Int])
    /// One count over all segments together: a single threshold over the union.
    case shared(Int)
    /// A shared budget where segment i keeps between `minimum[i]` and `maximum[i]` keys.
    case bounded(minimum: [Int], maximum: [Int], budget: Int)
}

/// Chooses the largest keys of several segments (one per layer) under a ``KeepPlan`` and returns 0/1 flags.
///
/// Why the bounded plan is exact: the projection keeps the feasible support with the largest sum of scores. Any
/// optimal support contains each layer's `minimum` largest keys (swapping a forced slot for a larger key of the
/// same layer never lowers the sum), and the rest of the budget is a choice of at most `budget − Σ minimum` keys
/// among each layer's next `maximum − minimum` largest — a partition matroid, where taking the largest keys of
/// the pool greedily is optimal. Keeping more never lowers the sum, so the whole budget is used when possible.
enum LargestSelection {
    /// Applies `plan` and returns, per segment, one Float (1 kept, 0 dropped) per key.
    /// - Parameters:
    ///   - segments: The keys, one segment per layer.
    ///   - mask: Applied to keys before comparing.
    ///   - plan: The counts to keep.
    static func flags<Segments: KeySegments>(_ segments: Segments, mask: Segments.Key, plan: KeepPlan) -> [[Float]] {
        let all = 0..<segments.segmentCount
        switch plan {
        case .perSegment(let keeps):
            precondition(keeps.count == segments.segmentCount, "one keep count per segment")
            return all.map { index in
                var cursor = RadixSelect.cut(keep: keeps[index], mask: mask, segments: segments, range: index..<index + 1).cursor
                return mark(segments, index, mask: mask) { cursor.keeps($0) }
            }

        case .shared(let keep):
            // One cursor across all segments: ties go to earlier layers first.
            var cursor = RadixSelect.cut(keep: keep, mask: mask, segments: segments, range: all).cursor
            return all.map { index in mark(segments, index, mask: mask) { cursor.keeps($0) } }

        case .bounded(let minimum, let maximum, let budget):
            precondition(minimum.count == segments.segmentCount && maximum.count == segments.segmentCount,
                         "one bound per segment")
            let forcedCuts = all.map {
                RadixSelect.cut(keep: minimum[$0], mask: mask, segments: segments, range: $0..<$0 + 1)
            }
            let ceilingCuts = all.map {
                RadixSelect.cut(keep: maximum[$0], mask: mask, segments: segments, range: $0..<$0 + 1)
            }
            // The pool: keys ranked between a layer's minimum and maximum, in scan order. Both cursors see every
            // key, so their tie counters advance exactly as in the final marking pass below.
            var pool: [Segments.Key] = []
            pool.reserveCapacity(all.reduce(0) { $0 + max(0, maximum[$1] - minimum[$1]) })
            for index in all {
                var forced = forcedCuts[index].cursor
                var ceiling = ceilingCuts[index].cursor
                segments.withSegment(index) { keys in
                    for key in keys {
                        let masked = key & mask
                        let isForced = forced.keeps(masked)
                        let isCandidate = ceiling.keeps(masked)
                        if isCandidate && !isForced { pool.append(masked) }
                    }
                }
            }
            let extra = max(0, budget - minimum.reduce(0, +))
            let poolSegments = ArrayKeySegments(arrays: [pool])
            var poolCursor = RadixSelect.cut(keep: min(extra, pool.count), mask: mask,
                                             segments: poolSegments, range: 0..<1).cursor
            return all.map { index in
                var forced = forcedCuts[index].cursor
                var ceiling = ceilingCuts[index].cursor
                return mark(segments, index, mask: mask) { key in
                    let isForced = forced.keeps(key)
                    let isCandidate = ceiling.keeps(key)
                    if isForced { return true }
                    return isCandidate && poolCursor.keeps(key)
                }
            }
        }
    }

    /// One Float flag per key of segment `index`; `decide` sees every masked key in scan order.
    @inline(__always)
    private static func mark<Segments: KeySegments>(_ segments: Segments, _ index: Int, mask: Segments.Key,
                                                    _ decide: (Segments.Key) -> Bool) -> [Float] {
        let count = segments.keyCount(index)
        return segments.withSegment(index) { keys in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for i in 0..<count { out[i] = decide(keys[i] & mask) ? 1 : 0 }
                initialized = count
            }
        }
    }
}
