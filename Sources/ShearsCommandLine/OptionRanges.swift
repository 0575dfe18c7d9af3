import ArgumentParser

/// The ranges of numeric flags that are checked by name before a run starts (README, "Flag ranges").
///
/// They are wide enough for any sensible run and narrow enough that a typo such as `1e30` is refused with the
/// flag's name instead of surfacing later as a diverged loss.
struct OptionRange: CustomStringConvertible {
    var lower: Double
    var lowerIncluded: Bool
    var upper: Double
    var upperIncluded: Bool

    /// SGD learning rates: (0, 10].
    static let learningRate = OptionRange(lower: 0, lowerIncluded: false, upper: 10, upperIncluded: true)
    /// L2 weight decay: [0, 1] (at 1 every step already shrinks the weights by the learning rate's fraction).
    static let weightDecay = OptionRange(lower: 0, lowerIncluded: true, upper: 1, upperIncluded: true)
    /// The ADMM/SLR penalty ρ: (0, 100] (ρ times the method learning rate stays a stable step).
    static let rho = OptionRange(lower: 0, lowerIncluded: false, upper: 100, upperIncluded: true)

    func contains(_ value: Double) -> Bool {
        value.isFinite && (lowerIncluded ? value >= lower : value > lower) && (upperIncluded ? value <= upper : value < upper)
    }

    var description: String {
        "\(lowerIncluded ? "[" : "(")\(Self.text(lower)), \(Self.text(upper))\(upperIncluded ? "]" : ")")"
    }

    /// Throws a ValidationError naming the flag, the value as given and the range unless `value` lies in it.
    func check<Value: BinaryFloatingPoint & CustomStringConvertible>(_ value: Value, flag: String) throws {
        guard contains(Double(value)) else {
            throw ValidationError("\(flag) is \(value); expected a value in \(self)")
        }
    }

    private static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
