/// Small vector kernels for the hot loops of the tensor operations.
///
/// The package builds for baseline x86-64, and the compiler will not reorder a Float sum to vectorise it; these
/// helpers make the vector width and the accumulation order explicit (SIMD8 partial sums, combined at the end).

/// Copies `count` floats four at a time, finishing with one overlapping group of four instead of a scalar tail:
/// the rows a convolution scatters are short (often 16 to 64 floats), where the tail loop would cost as much as the rest.
@inline(__always)
func copyFloats(from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    guard count >= 4 else {
        for index in 0..<count { destination[index] = source[index] }
        return
    }
    let sourceBytes = UnsafeRawPointer(source), destinationBytes = UnsafeMutableRawPointer(destination)
    var offset = 0
    let lastGroup = (count &- 4) &* 4
    while offset < lastGroup {
        destinationBytes.storeBytes(of: sourceBytes.loadUnaligned(fromByteOffset: offset, as: SIMD4<Float>.self),
                                    toByteOffset: offset, as: SIMD4<Float>.self)
        offset &+= 16
    }
    destinationBytes.storeBytes(of: sourceBytes.loadUnaligned(fromByteOffset: lastGroup, as: SIMD4<Float>.self),
                                toByteOffset: lastGroup, as: SIMD4<Float>.self)
}

/// The sum of `count` floats, accumulated in eight lanes.
@inline(__always)
func sumFloats(_ source: UnsafePointer<Float>, count: Int) -> Float {
    let bytes = UnsafeRawPointer(source)
    var lanes = SIMD8<Float>()
    var index = 0
    while index &+ 8 <= count {
        lanes += bytes.loadUnaligned(fromByteOffset: index &* 4, as: SIMD8<Float>.self)
        index &+= 8
    }
    var total = lanes.sum()
    while index < count {
        total += source[index]
        index &+= 1
    }
    return total
}
