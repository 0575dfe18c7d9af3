import Foundation

/// How often a method updates its auxiliary variables (Z and the multipliers): every k epochs or every N batches.
public enum UpdateInterval: Equatable, Codable, Sendable, CustomStringConvertible {
    /// After every k-th method-phase epoch.
    case epochs(Int)
    /// After every N-th optimizer step.
    case batches(Int)

    /// Parses `3` or `3e` (epochs) and `200b` (batches).
    public static func parse(_ text: String) throws -> UpdateInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let isBatches = trimmed.hasSuffix("b")
        let digits = (isBatches || trimmed.hasSuffix("e")) ? String(trimmed.dropLast()) : trimmed
        guard let count = Int(digits), count >= 1 else {
            throw PruningError.invalidOption("--update-every expects a positive count of epochs ('2' or '2e') or batches ('200b'), got '\(text)'")
        }
        return isBatches ? .batches(count) : .epochs(count)
    }

    /// Whether an update is due after the optimizer step `step` (1-based count of steps taken).
    public func isDue(afterStep step: Int) -> Bool {
        if case .batches(let count) = self { return step % count == 0 }
        return false
    }

    /// Whether an update is due after the epoch `epoch` (1-based count of epochs done).
    public func isDue(afterEpoch epoch: Int) -> Bool {
        if case .epochs(let count) = self { return epoch % count == 0 }
        return false
    }

    public var description: String {
        switch self {
        case .epochs(let count): return count == 1 ? "every epoch" : "every \(count) epochs"
        case .batches(let count): return "every \(count) batches"
        }
    }
}
