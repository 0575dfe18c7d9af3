import Datasets
import Foundation

/// What a dataset loader is given: where its files are, and the seed of generated data.
public struct DatasetRequest: Sendable, Equatable {
    /// The folder with the dataset's files (nil: the loader's default, or an error if it has none).
    public var directory: String?
    /// Seeds generated data (the synthetic task); real datasets ignore it.
    public var seed: UInt64

    /// Describes a request.
    public init(directory: String?, seed: UInt64) {
        self.directory = directory
        self.seed = seed
    }
}

/// How a dataset makes itself known to a catalog: its names, one line of description and a loader of raw splits
/// (pixel/255, before standardisation: the registry standardises and holds out validation data for every dataset).
public struct DatasetRegistration: Sendable {
    /// The name experiments and `--dataset` use (matched without case).
    public let name: String
    /// Other names accepted for it (`fmnist` for `fashion-mnist`).
    public let aliases: [String]
    /// One line describing the data.
    public let summary: String
    /// Whether the data change with the seed (generated data); a comparison then loads them once per seed.
    public let dependsOnSeed: Bool
    /// Loads the raw training and test splits.
    public let load: @Sendable (DatasetRequest) throws -> DatasetSplits

    /// Describes a dataset.
    public init(name: String, aliases: [String] = [], summary: String, dependsOnSeed: Bool = false,
                load: @escaping @Sendable (DatasetRequest) throws -> DatasetSplits) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.dependsOnSeed = dependsOnSeed
        self.load = load
    }

    /// The name and the aliases, lower-cased.
    var keys: [String] { ([name] + aliases).map { $0.lowercased() } }
}

/// A set of registered datasets, looked up by name or alias without case.
public struct DatasetRegistry: Sendable {
    /// The registrations, in listing order.
    public private(set) var registrations: [DatasetRegistration] = []

    /// An empty registry.
    public init() {}

    /// A registry of `registrations`; throws ``CatalogError/duplicateName(kind:name:)`` when two share a name or alias.
    public init(_ registrations: [DatasetRegistration]) throws {
        for registration in registrations { try register(registration) }
    }

    /// Adds a dataset; throws ``CatalogError/duplicateName(kind:name:)`` when its name or an alias is taken.
    public mutating func register(_ registration: DatasetRegistration) throws {
        let taken = Set(registrations.flatMap(\.keys))
        if let clash = registration.keys.first(where: taken.contains) {
            throw CatalogError.duplicateName(kind: "dataset", name: clash)
        }
        registrations.append(registration)
    }

    /// The registered names (without aliases).
    public var names: [String] { registrations.map(\.name) }

    /// The registration named `name` (or one of its aliases); throws, listing the known names, when none is.
    public func registration(named name: String) throws -> DatasetRegistration {
        guard let found = registrations.first(where: { $0.keys.contains(name.lowercased()) }) else {
            throw PruningError.invalidOption("unknown dataset '\(name)'; known datasets: \(names.joined(separator: ", "))")
        }
        return found
    }

    /// Loads a dataset by name, then standardises it by the training set's mean and standard deviation.
    /// - Parameters:
    ///   - name: A registered name or alias.
    ///   - directory: Where the files are (nil: the dataset's default, if it has one).
    ///   - seed: Seeds generated data.
    ///   - validationFraction: Hold out this fraction of the training set (a fixed, seeded split) and use it in place
    ///     of the test set, so hyper-parameter searches never see the test set.
    public func load(_ name: String, directory: String?, seed: UInt64 = 0,
                     validationFraction: Double? = nil) throws -> (splits: DatasetSplits, standardization: Standardization) {
        var raw = try registration(named: name).load(DatasetRequest(directory: directory, seed: seed))
        if let validationFraction {
            let (train, validation) = try raw.train.splitValidation(fraction: validationFraction, seed: 0x7A11D)
            raw = try DatasetSplits(train: train, test: validation)
        }
        let standardization = try raw.standardize()
        return (raw, standardization)
    }
}
