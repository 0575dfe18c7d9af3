import Foundation

extension DatasetSplits {
    /// Where Debian's `dataset-fashion-mnist` package installs the four gzipped IDX files.
    public static let defaultFashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// What to tell a user whose Fashion-MNIST files are missing.
    static let fashionMNISTHint = "install it with `apt-get install dataset-fashion-mnist` (files go to \(defaultFashionMNISTDirectory)) or pass the folder that holds the four IDX files"

    /// Loads Fashion-MNIST (10 classes of 28×28 grey clothing images) with pixels scaled to [0, 1].
    ///
    /// Standardise afterwards with ``standardized()``. On the 60,000 training images this fits mean 0.286041 and
    /// std 0.353024 (checked against Debian's files; the usual published values are 0.2860 and 0.3530).
    /// - Parameter directory: the folder holding `train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`,
    ///   `t10k-images-idx3-ubyte[.gz]` and `t10k-labels-idx1-ubyte[.gz]`.
    /// - Throws: `DatasetError` naming the missing or malformed file; a missing one says how to install the package.
    public static func fashionMNIST(
        directory: URL = URL(fileURLWithPath: DatasetSplits.defaultFashionMNISTDirectory)
    ) throws -> DatasetSplits {
        try loadMNISTFamily(directory: directory, name: "fashion-mnist", missingHint: fashionMNISTHint)
    }

    /// Loads MNIST (10 classes of 28×28 grey digits) with pixels scaled to [0, 1].
    ///
    /// Standardise afterwards with ``standardized()``.
    /// - Parameter directory: the folder holding the four IDX files, named as for ``fashionMNIST(directory:)``.
    /// - Throws: `DatasetError` naming the missing or malformed file.
    public static func mnist(directory: URL) throws -> DatasetSplits {
        try loadMNISTFamily(directory: directory, name: "mnist",
                            missingHint: "pass the folder that holds the four MNIST IDX files (raw or .gz)")
    }

    /// Reads the four IDX files of an MNIST-style dataset from `directory`.
    static func loadMNISTFamily(directory: URL, name: String, missingHint: String) throws -> DatasetSplits {
        try requireDirectory(directory, missingHint: missingHint)
        func file(_ stem: String) throws -> URL {
            try resolveFile(in: directory, stem: stem, missingHint: missingHint)
        }
        let train = try IDXFile.readLabeledImages(
            images: file("train-images-idx3-ubyte"), labels: file("train-labels-idx1-ubyte"),
            classCount: 10, name: "\(name)/train", missingHint: missingHint)
        let test = try IDXFile.readLabeledImages(
            images: file("t10k-images-idx3-ubyte"), labels: file("t10k-labels-idx1-ubyte"),
            classCount: 10, name: "\(name)/test", missingHint: missingHint)
        return try DatasetSplits(train: train, test: test)
    }

    /// The gzipped file `stem.gz` if present, else the raw file `stem`.
    static func resolveFile(in directory: URL, stem: String, missingHint: String) throws -> URL {
        let compressed = directory.appendingPathComponent(stem + ".gz")
        if FileManager.default.fileExists(atPath: compressed.path) { return compressed }
        let raw = directory.appendingPathComponent(stem)
        if FileManager.default.fileExists(atPath: raw.path) { return raw }
        throw DatasetError.missingFile(path: raw.path + "[.gz]", hint: missingHint)
    }

    /// Throws a "missing" error naming `directory` when it does not exist or is not a folder.
    static func requireDirectory(_ directory: URL, missingHint: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.missingFile(path: directory.path, hint: "no such folder; " + missingHint)
        }
    }
}
