import Foundation

/// A per-thread, grow-only float buffer for temporaries that do not outlive one operation (im2col columns,
/// gathered gradients).
///
/// Convolutions run once per layer per batch; allocating their multi-megabyte temporaries every time costs page
/// faults that a reused buffer does not. Each thread gets its own buffer, so operations on different threads never
/// share one. A caller must not hold the pointer across another call that uses the scratch space.
final class ScratchSpace {
    private var storage: UnsafeMutablePointer<Float>?
    private var capacity = 0

    /// A buffer of at least `count` floats, contents undefined; valid until the next call on this thread.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity || storage == nil {
            storage?.deallocate()
            // Grow by a margin so that slowly varying sizes do not reallocate every time.
            let newCapacity = max(count, capacity + capacity / 4, 1)
            storage = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
            capacity = newCapacity
        }
        return storage!
    }

    deinit { storage?.deallocate() }

    private static let key = "TensorEngine.ScratchSpace"

    /// The calling thread's scratch space.
    static var current: ScratchSpace {
        let dictionary = Thread.current.threadDictionary
        if let existing = dictionary[key] as? ScratchSpace { return existing }
        let created = ScratchSpace()
        dictionary[key] = created
        return created
    }
}
