import Datasets
import Foundation

/// The datasets the command line and experiments name, loaded and standardised by the training set's statistics.
public enum DatasetCatalog {
    /// The names accepted by `--dataset`.
    public static let names = ["fashion-mnist", "mnist", "cifar10", "synthetic"]

    /// Loads a dataset by name: pixel/255, then standardised by the training set's mean and standard deviation.
    /// - Parameters:
    ///   - name: One of ``names``.
    ///   - directory: Where the files are (nil: Debian's folder for Fashion-MNIST; required for mnist and cifar10).
    ///   - seed: Seeds the synthetic task.
    ///   - validationFraction: Hold out this fraction of the training set (a fixed, seeded split) and use it in place
    ///     of the test set, so hyper-parameter searches never see the test set.
    public static func load(_ name: String, directory: String?, seed: UInt64 = 0,
                            validationFraction: Double? = nil) throws -> (splits: DatasetSplits, standardization: Standardization) {
        var raw: DatasetSplits
        switch name.lowercased() {
        case "fashion-mnist", "fashionmnist", "fmnist":
            raw = try DatasetSplits.fashionMNIST(
                directory: URL(fileURLWithPath: directory ?? DatasetSplits.defaultFashionMNISTDirectory))
        case "mnist":
            guard let directory else { throw PruningError.invalidOption("--dataset mnist needs --data-dir with the MNIST IDX files") }
            raw = try DatasetSplits.mnist(directory: URL(fileURLWithPath: directory))
        case "cifar10", "cifar-10":
            guard let directory else { throw PruningError.invalidOption("--dataset cifar10 needs --data-dir with data_batch_1.bin … test_batch.bin") }
            raw = try DatasetSplits.cifar10(directory: URL(fileURLWithPath: directory))
        case "synthetic":
            raw = try DatasetSplits.synthetic(seed: seed, trainCount: 2048, testCount: 512, noise: 0.6, maxShift: 2)
        default:
            throw PruningError.invalidOption("unknown dataset '\(name)'; known datasets: \(names.joined(separator: ", "))")
        }
        if let validationFraction {
            let (train, validation) = try raw.train.splitValidation(fraction: validationFraction, seed: 0x7A11D)
            raw = try DatasetSplits(train: train, test: validation)
        }
        let standardization = try raw.standardize()
        return (raw, standardization)
    }
}
