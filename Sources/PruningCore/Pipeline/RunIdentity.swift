import Datasets
import Foundation
import TensorEngine

/// What a pipeline run is, as named facts: its checkpoint records them and a resumed run must match every one,
/// so that `--resume` never continues one run with another run's weights, data or settings.
///
/// The pipeline adds the facts it can see itself (method, options, constraint, budgets, layers, the SHA-256 of
/// the dense starting tensors and of the data); callers add their own (for instance the weights file's SHA-256).
public struct RunIdentity: Codable, Equatable, Sendable {
    /// One named fact, e.g. `seed` = `5` or `weights sha256` = `ab12…`.
    public struct Fact: Codable, Equatable, Sendable {
        /// What the fact is about, as a reader would name it.
        public var name: String
        /// Its value, as text.
        public var value: String

        /// Creates a fact.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The facts, in a stable order.
    public var facts: [Fact]

    /// Creates an identity.
    public init(facts: [Fact] = []) { self.facts = facts }

    /// The value of the fact named `name`, if any.
    public subscript(name: String) -> String? { facts.first { $0.name == name }?.value }

    /// One phrase per fact that differs between a checkpoint's identity (`self`) and a run's (`run`), e.g.
    /// "the checkpoint was made with seed 5; this run has 6"; empty when the two describe the same run.
    public func differences(from run: RunIdentity) -> [String] {
        let names = facts.map(\.name) + run.facts.map(\.name).filter { self[$0] == nil }
        return names.compactMap { name in
            let stored = self[name], current = run[name]
            guard stored != current else { return nil }
            return "the checkpoint was made with \(name) \(Self.shorten(stored ?? "(not recorded)")); "
                + "this run has \(Self.shorten(current ?? "(not recorded)"))"
        }
    }

    /// Long values (layer lists, JSON) cut to a readable length; digests keep their first 12 digits.
    static func shorten(_ value: String) -> String {
        if value.count == 64, value.allSatisfy(\.isHexDigit) { return SHA256.short(value) }
        return value.count > 160 ? String(value.prefix(157)) + "…" : value
    }
}

/// SHA-256 digests of what a run starts from.
public enum RunDigest {
    /// The digest of tensors: names, shapes and Float bits, in name order.
    /// - Parameter tensors: A state dict (or any named tensors).
    public static func tensors(_ tensors: [String: Tensor]) -> String {
        var hash = SHA256()
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            hash.update("\(name)\(tensor.shape)\n")
            hash.update(contentsOf: tensor.scalars)
        }
        return hash.hexDigest()
    }

    /// The digest of a data set's training and test images and labels (shapes, class counts, pixels and labels;
    /// not the split names). Fashion-MNIST's 70 000 standardised images are about 220 MB and take about a second
    /// in a release build.
    /// - Parameter data: The (standardised) splits.
    public static func data(_ data: DatasetSplits) -> String {
        var hash = SHA256()
        for split in [data.train, data.test] {
            hash.update("\(split.images.shape) classes \(split.classCount)\n")
            hash.update(contentsOf: split.images.scalars)
            hash.update(contentsOf: split.labels)
        }
        return hash.hexDigest()
    }
}
