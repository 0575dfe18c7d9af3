/// Marks the `count` smallest entries of `values` as pruned (false → true in `pruned`), ties going to the lower index.
///
/// Linear time on average: a three-way quickselect finds the count-th smallest value t in a scratch copy, then one
/// pass marks everything below t and, in index order, as many entries equal to t as are still needed. The count
/// is therefore exact even when many saliencies tie (for example the zeros of dead inputs).
/// - Parameters:
///   - values: the saliencies; NaN is not allowed.
///   - count: how many to mark, 0...values.count.
///   - scratch: at least values.count floats of working space.
///   - pruned: receives true for the selected entries; other entries are left untouched.
func markSmallest(_ values: UnsafeBufferPointer<Float>, count: Int, scratch: UnsafeMutableBufferPointer<Float>,
                  pruned: UnsafeMutableBufferPointer<Bool>) {
    let total = values.count
    precondition(count >= 0 && count <= total && scratch.count >= total && pruned.count >= total)
    if count == 0 { return }
    if count == total {
        for index in 0..<total { pruned[index] = true }
        return
    }
    for index in 0..<total { scratch[index] = values[index] }
    let threshold = selectValue(rank: count - 1, in: scratch, upTo: total)
    var remaining = count
    for index in 0..<total where values[index] < threshold {
        pruned[index] = true
        remaining -= 1
    }
    var index = 0
    while remaining > 0 {
        if values[index] == threshold {
            pruned[index] = true
            remaining -= 1
        }
        index += 1
    }
}

/// The value that would sit at position `rank` if buffer[0..<count] were sorted ascending; reorders the buffer.
private func selectValue(rank: Int, in buffer: UnsafeMutableBufferPointer<Float>, upTo count: Int) -> Float {
    var low = 0, high = count
    while true {
        if high - low <= 1 { return buffer[low] }
        let a = buffer[low], b = buffer[low + (high - low) / 2], c = buffer[high - 1]
        // Median of three keeps sorted or reversed inputs from going quadratic.
        let pivot = max(min(a, b), min(max(a, b), c))
        // Three-way partition: [low, less) < pivot, [less, greater) == pivot, [greater, high) > pivot.
        var less = low, scan = low, greater = high
        while scan < greater {
            let value = buffer[scan]
            if value < pivot {
                buffer.swapAt(less, scan)
                less += 1
                scan += 1
            } else if value > pivot {
                greater -= 1
                buffer.swapAt(scan, greater)
            } else {
                scan += 1
            }
        }
        if rank < less {
            high = less
        } else if rank < greater {
            return pivot
        } else {
            low = greater
        }
    }
}
