import TensorEngine

/// Random operands for one GEMM shape, allocated once so that a timed call only multiplies.
public final class GEMMWorkload {
    /// The GEMM's size and layout.
    public let shape: GEMMShape
    private let a: UnsafeMutableBufferPointer<Float>
    private let b: UnsafeMutableBufferPointer<Float>
    private let c: UnsafeMutableBufferPointer<Float>

    /// Allocates and fills A and B with seeded uniform values in [−1, 1).
    /// - Parameters:
    ///   - shape: The GEMM.
    ///   - seed: Seeds the operands.
    public init(_ shape: GEMMShape, seed: UInt64 = 1) {
        self.shape = shape
        a = .allocate(capacity: shape.m * shape.k)
        b = .allocate(capacity: shape.k * shape.n)
        c = .allocate(capacity: shape.m * shape.n)
        var generator = SeededGenerator(seed: seed)
        for index in a.indices { a[index] = Float.random(in: -1..<1, using: &generator) }
        for index in b.indices { b[index] = Float.random(in: -1..<1, using: &generator) }
        c.initialize(repeating: 0)
    }

    deinit {
        a.deallocate()
        b.deallocate()
        c.deallocate()
    }

    /// C = op(A) · op(B), once.
    public func run() {
        let s = shape
        BLAS.gemm(transposeA: s.transposeA, transposeB: s.transposeB, m: s.m, n: s.n, k: s.k,
                  a: a.baseAddress!, lda: s.transposeA ? s.m : s.k,
                  b: b.baseAddress!, ldb: s.transposeB ? s.k : s.n,
                  c: c.baseAddress!, ldc: s.n)
    }

    /// The first element of C, so that callers can keep the result alive.
    public var firstResult: Float { c[0] }
}
