import Datasets
import Foundation

/// The built-in datasets: Fashion-MNIST, MNIST, CIFAR-10 and a seeded synthetic task, as entries of a
/// ``DatasetRegistry`` (the `datasets` of the built-in catalog).
public enum DatasetCatalog {
    /// The built-in names.
    public static var names: [String] { registry.names }

    /// The built-in datasets.
    public static let registry: DatasetRegistry = {
        do {
            return try DatasetRegistry([
                DatasetRegistration(name: "fashion-mnist", aliases: ["fashionmnist", "fmnist"],
                                    summary: "Fashion-MNIST (default folder: Debian's dataset-fashion-mnist)") { request in
                    try DatasetSplits.fashionMNIST(
                        directory: URL(fileURLWithPath: request.directory ?? DatasetSplits.defaultFashionMNISTDirectory))
                },
                DatasetRegistration(name: "mnist", summary: "MNIST (IDX files)") { request in
                    guard let directory = request.directory else {
                        throw CatalogError.missingDataDirectory(dataset: "mnist", contents: "the MNIST IDX files")
                    }
                    return try DatasetSplits.mnist(directory: URL(fileURLWithPath: directory))
                },
                DatasetRegistration(name: "cifar10", aliases: ["cifar-10"], summary: "CIFAR-10 (binary version)") { request in
                    guard let directory = request.directory else {
                        throw CatalogError.missingDataDirectory(dataset: "cifar10", contents: "data_batch_1.bin … test_batch.bin")
                    }
                    return try DatasetSplits.cifar10(directory: URL(fileURLWithPath: directory))
                },
                DatasetRegistration(name: "synthetic", summary: "a seeded synthetic 28×28 task (2,048 training, 512 test images)",
                                    dependsOnSeed: true) { request in
                    try DatasetSplits.synthetic(seed: request.seed, trainCount: 2048, testCount: 512, noise: 0.6, maxShift: 2)
                },
            ])
        } catch {
            fatalError("the built-in datasets share a name: \(error)")
        }
    }()

    /// Loads a built-in dataset by name: pixel/255, then standardised by the training set's mean and standard
    /// deviation (see ``DatasetRegistry/load(_:directory:seed:validationFraction:)``).
    public static func load(_ name: String, directory: String?, seed: UInt64 = 0,
                            validationFraction: Double? = nil) throws -> (splits: DatasetSplits, standardization: Standardization) {
        try registry.load(name, directory: directory, seed: seed, validationFraction: validationFraction)
    }
}
