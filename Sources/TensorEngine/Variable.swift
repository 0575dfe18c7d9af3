/// A node of the reverse-mode autograd graph: a value, and for results of differentiable operations,
/// how to send a gradient back to the operands.
///
/// Parameters are leaf variables with `requiresGradient == true`; `backward()` on a scalar result fills
/// their `gradient`. A graph lives on one thread and is dropped after `backward()`.
///
/// ```swift
/// let w = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGradient: true)
/// let loss = (w * w).sum()
/// loss.backward()          // w.gradient == [2, 4]
/// ```
public final class Variable {
    /// The value this node holds. Optimizers update parameter values in place.
    public var value: Tensor
    /// The accumulated gradient of the last `backward()` with respect to this node (leaves only).
    public var gradient: Tensor?
    /// Whether gradients flow to this node.
    public let requiresGradient: Bool

    @usableFromInline let operands: [Variable]
    /// Maps the gradient of this node to gradients of the operands (nil for operands that need none).
    @usableFromInline let pullback: ((Tensor) -> [Tensor?])?

    /// Creates a leaf.
    public init(_ value: Tensor, requiresGradient: Bool = false) {
        self.value = value
        self.requiresGradient = requiresGradient
        self.operands = []
        self.pullback = nil
    }

    /// Creates the result of a differentiable operation. The pullback is kept only if an operand needs a gradient.
    @inlinable
    public init(value: Tensor, operands: [Variable], pullback: @escaping (Tensor) -> [Tensor?]) {
        self.value = value
        let needsGradient = GradientTape.isRecording && operands.contains { $0.requiresGradient }
        self.requiresGradient = needsGradient
        self.operands = needsGradient ? operands : []
        self.pullback = needsGradient ? pullback : nil
    }

    /// The shape of the value.
    @inlinable public var shape: [Int] { value.shape }

    /// Whether this is a leaf (a parameter or an input), not the result of an operation.
    public var isLeaf: Bool { pullback == nil }

    /// Computes the gradient of this scalar with respect to every leaf that requires one, accumulating into `gradient`.
    public func backward() {
        precondition(value.count == 1, "backward() needs a scalar, got \(describeShape(value.shape))")
        backward(seed: Tensor(repeating: 1, shape: value.shape))
    }

    /// Back-propagates `seed` (the gradient of some scalar with respect to this node).
    public func backward(seed: Tensor) {
        guard requiresGradient else { return }
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        for node in order.reversed() {
            guard let incoming = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let pullback = node.pullback else {
                if node.gradient == nil { node.gradient = incoming } else { node.gradient!.add(incoming) }
                continue
            }
            let gradients = pullback(incoming)
            for (operand, gradient) in zip(node.operands, gradients) {
                guard operand.requiresGradient, let gradient else { continue }
                let key = ObjectIdentifier(operand)
                if pending[key] == nil { pending[key] = gradient } else { pending[key]!.add(gradient) }
            }
        }
    }

    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep networks would overflow a recursive one.
        var stack: [(Variable, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.operands.count {
                stack.append((node, next + 1))
                let operand = node.operands[next]
                if operand.requiresGradient && visited.insert(ObjectIdentifier(operand)).inserted {
                    stack.append((operand, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }

    /// Clears the accumulated gradient.
    public func zeroGradient() { gradient = nil }
}

extension Tensor {
    /// Adds another tensor of the same shape, elementwise, in place.
    public mutating func add(_ other: Tensor) {
        precondition(shape == other.shape, "adding \(describeShape(other.shape)) to \(describeShape(shape))")
        if count == 0 { return }
        other.scalars.withUnsafeBufferPointer { source in
            scalars.withUnsafeMutableBufferPointer { target in
                BLAS.axpy(count: target.count, alpha: 1, x: source.baseAddress!, y: target.baseAddress!)
            }
        }
    }
}

/// Switches the recording of pullbacks on and off: evaluation passes run without building a graph.
///
/// The switch is task-local (per thread outside Swift concurrency), so an evaluation on one thread never turns
/// off the recording of a training step on another.
public enum GradientTape {
    @TaskLocal private static var recording = true

    /// Whether operations record how to differentiate them (true unless inside ``withoutRecording(_:)``).
    public static var isRecording: Bool { recording }

    /// Runs `body` without recording pullbacks, then restores the previous mode.
    public static func withoutRecording<Result>(_ body: () throws -> Result) rethrows -> Result {
        try $recording.withValue(false) { try body() }
    }
}
