import TensorEngine

/// PyTorch's default initialisation of `nn.Linear` and `nn.Conv2d`.
public enum DefaultInitialization {
    /// The bound b of U(−b, b) that `kaiming_uniform_(a: √5)` gives for a weight, and the default bias bound:
    /// gain √(2 / (1 + a²)) = √(1/3) times √(3 / fan_in), i.e. 1 / √fan_in.
    /// - Parameter fanIn: Inputs feeding one output (`in_features`, or `in / groups · kh · kw`).
    public static func bound(fanIn: Int) -> Float {
        fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
    }

    /// A tensor drawn from U(−1/√fan_in, 1/√fan_in).
    /// - Parameters:
    ///   - shape: The tensor's shape.
    ///   - fanIn: The fan-in that sets the bound.
    ///   - generator: The seeded random stream.
    public static func uniform(_ shape: [Int], fanIn: Int, generator: inout SeededGenerator) -> Tensor {
        let b = bound(fanIn: fanIn)
        return Tensor(shape: shape) { buffer in fillUniform(buffer, low: -b, high: b, generator: &generator) }
    }

    /// Fills a buffer with U(low, high) values.
    ///
    /// The generator supplies four words that seed a local xoshiro256** stream held in registers, and each
    /// 64-bit output gives two 24-bit floats: drawing through `SeededGenerator` element by element made building
    /// ResNet-50 (25 M weights) take seconds in debug builds. The result is still a pure function of the seed.
    /// - Parameters:
    ///   - buffer: The storage to fill.
    ///   - low: Lower bound (inclusive).
    ///   - high: Upper bound (exclusive).
    ///   - generator: The seeded random stream; advanced by four draws.
    public static func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float, high: Float,
                                   generator: inout SeededGenerator) {
        var s0 = generator.next(), s1 = generator.next(), s2 = generator.next(), s3 = generator.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }   // xoshiro's one forbidden state
        let scale = (high - low) * (1.0 / 16_777_216.0)
        let count = buffer.count
        guard let base = buffer.baseAddress else { return }
        var index = 0
        while index < count {
            let product = s1 &* 5
            let word = ((product << 7) | (product >> 57)) &* 9
            let t = s1 << 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = (s3 << 45) | (s3 >> 19)
            base[index] = low + scale * Float(word >> 40)
            if index + 1 < count { base[index + 1] = low + scale * Float((word >> 8) & 0xFF_FFFF) }
            index += 2
        }
    }
}
