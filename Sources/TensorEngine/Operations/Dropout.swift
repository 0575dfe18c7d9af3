/// Inverted dropout.

/// Inverted dropout: in training, zeroes each element with `probability` and scales the survivors by 1 / (1 − p).
///
/// Outside training, or with `probability == 0`, the input passes through unchanged (the same variable is returned).
/// The mask comes from `generator`, one draw per element in row-major order, so a seed fixes it.
///
/// - Parameters:
///   - input: any shape.
///   - probability: the chance of zeroing an element, in [0, 1]; 1 zeroes everything.
///   - training: whether to drop at all.
///   - generator: the source of the mask; advanced by one draw per element in training.
public func dropout(_ input: Variable, probability: Float, training: Bool,
                    generator: inout SeededGenerator) -> Variable {
    precondition(probability >= 0 && probability <= 1, "dropout: probability must be in [0, 1], got \(probability)")
    guard training && probability > 0 else { return input }
    let keepScale: Float = probability < 1 ? 1 / (1 - probability) : 0
    // The mask holds 0 or the survivor scale, so forward and backward are one multiplication each.
    let mask = Tensor(shape: input.value.shape) { buffer in
        for index in buffer.indices {
            buffer[index] = generator.nextUnitFloat() < probability ? 0 : keepScale
        }
    }
    return Variable(value: input.value * mask, operands: [input]) { gradient in [gradient * mask] }
}
