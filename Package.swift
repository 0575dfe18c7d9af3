// swift-tools-version: 6.1
// Shears: weight pruning for deep neural networks. Layout and dependency direction: docs/ARCHITECTURE.md.
import PackageDescription

/// Every target compiles in Swift 5 language mode: the autograd graph is made of reference-type nodes that
/// live on one thread, and Swift 6 mode would demand `Sendable` conformances that say nothing true about them.
///
/// `MemberImportVisibility`: a file sees the members of a module only when it imports that module, and every target
/// declares each module it imports, so that nothing builds only because SwiftPM leaks transitive modules.
let languageMode: [SwiftSetting] = [.swiftLanguageMode(.v5), .enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "Shears",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Shears", targets: ["Shears"]),
        .library(name: "TensorEngine", targets: ["TensorEngine"]),
        .library(name: "NeuralNetworks", targets: ["NeuralNetworks"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "RunFiles", targets: ["RunFiles"]),
        .library(name: "SafeTensorsFormat", targets: ["SafeTensorsFormat"]),
        .library(name: "SparsityConstraints", targets: ["SparsityConstraints"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "PruningCore", targets: ["PruningCore"]),
        .library(name: "MagnitudePruning", targets: ["MagnitudePruning"]),
        .library(name: "ADMMPruning", targets: ["ADMMPruning"]),
        .library(name: "SLRPruning", targets: ["SLRPruning"]),
        .library(name: "LayerwisePruning", targets: ["LayerwisePruning"]),
        .library(name: "EvaluationHarness", targets: ["EvaluationHarness"]),
        .library(name: "ShearsCommandLine", targets: ["ShearsCommandLine"]),
        .executable(name: "shears", targets: ["ShearsCLI"]),
        .plugin(name: "compare-pruning", targets: ["ComparePruning"]),
        .plugin(name: "new-pruning-method", targets: ["NewPruningMethod"]),
        // new-pruning-method: products above this line
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // Engine, layers, data, files.
        // Vectorised C kernels compiled for AVX2 / AVX-512 and chosen at run time (the package builds for baseline x86-64).
        .target(name: "CTensorKernels"),
        .target(name: "TensorEngine", dependencies: ["COpenBLAS", "CTensorKernels"], swiftSettings: languageMode),
        .target(name: "NeuralNetworks", dependencies: ["TensorEngine"], swiftSettings: languageMode),
        .target(name: "Datasets", dependencies: ["TensorEngine", "CZlib"], swiftSettings: languageMode),
        // A run's files apart from any format (atomic writes, the run folder, its lock), and the safetensors format.
        .target(name: "RunFiles", swiftSettings: languageMode),
        .target(name: "SafeTensorsFormat", dependencies: ["TensorEngine", "RunFiles"], swiftSettings: languageMode),

        // Constraints, parameter selection and masks: on the tensor engine only.
        .target(name: "SparsityConstraints", dependencies: ["TensorEngine"], swiftSettings: languageMode),
        // Training and evaluation, with the loss as a parameter: no pruning in it.
        .target(name: "Training", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets"], swiftSettings: languageMode),

        // Pruning: the core and one module per method. No method imports another method.
        .target(name: "PruningCore", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "RunFiles", "SafeTensorsFormat", "SparsityConstraints", "Training"], swiftSettings: languageMode),
        .target(name: "MagnitudePruning", dependencies: ["TensorEngine", "NeuralNetworks", "Training", "SparsityConstraints", "PruningCore"], swiftSettings: languageMode),
        .target(name: "ADMMPruning", dependencies: ["TensorEngine", "Training", "SparsityConstraints", "PruningCore"], swiftSettings: languageMode),
        .target(name: "SLRPruning", dependencies: ["TensorEngine", "NeuralNetworks", "Training", "SparsityConstraints", "PruningCore"], swiftSettings: languageMode),
        .target(name: "LayerwisePruning", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "SparsityConstraints", "PruningCore", "COpenBLAS"], swiftSettings: languageMode),
        // new-pruning-method: targets above this line

        // Comparisons, the umbrella with the built-in catalog, and the command line (a library, so that another
        // package can run it with a catalog of its own; `shears` runs it with the built-in one).
        .target(name: "EvaluationHarness", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "RunFiles", "SafeTensorsFormat", "Training", "SparsityConstraints", "PruningCore", .product(name: "Yams", package: "Yams")], swiftSettings: languageMode),
        .target(
            name: "Shears",
            dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "RunFiles", "SafeTensorsFormat", "SparsityConstraints", "Training", "PruningCore",
                           "MagnitudePruning", "ADMMPruning", "SLRPruning", "LayerwisePruning", "EvaluationHarness",
                           // new-pruning-method: Shears dependencies above this line
                          ],
            swiftSettings: languageMode),
        .target(
            name: "ShearsCommandLine",
            dependencies: ["Shears", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: languageMode),
        .executableTarget(name: "ShearsCLI", dependencies: ["ShearsCommandLine", "Shears"], swiftSettings: languageMode),

        // Command plugins: `swift package compare-pruning …` runs `shears compare`; `swift package
        // --allow-writing-to-package-directory new-pruning-method NAME` scaffolds a method module (Plugins/README.md).
        .plugin(
            name: "ComparePruning",
            capability: .command(
                intent: .custom(verb: "compare-pruning",
                                description: "Run `shears compare` (side-by-side pruning methods) with the given arguments"),
                permissions: [.writeToPackageDirectory(reason: "shears compare writes its reports under runs/compare by default")]),
            path: "Plugins/ComparePruning"),
        .plugin(
            name: "NewPruningMethod",
            capability: .command(
                intent: .custom(verb: "new-pruning-method",
                                description: "Scaffold a pruning-method module, its test target and its registration"),
                permissions: [.writeToPackageDirectory(reason: "creates Sources/<Name>Pruning, Tests/<Name>PruningTests and edits Package.swift and the file that registers the package's methods")]),
            path: "Plugins/NewPruningMethod"),

        // Shared test helpers: tolerances, seeded generators, finite-difference gradient checks, temp folders.
        .target(name: "_TestSupport", dependencies: ["TensorEngine"], swiftSettings: languageMode),
        // Fixtures of the pruning tests (a tiny perceptron, sessions, run comparisons), shared by several test targets.
        .target(name: "_PruningTestSupport", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "Training", "SparsityConstraints", "PruningCore"], swiftSettings: languageMode),

        .testTarget(name: "TensorEngineTests", dependencies: ["TensorEngine", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "NeuralNetworksTests", dependencies: ["TensorEngine", "NeuralNetworks", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "DatasetsTests", dependencies: ["TensorEngine", "CZlib", "Datasets", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "RunFilesTests", dependencies: ["RunFiles"], swiftSettings: languageMode),
        .testTarget(name: "SafeTensorsFormatTests", dependencies: ["TensorEngine", "RunFiles", "SafeTensorsFormat", "NeuralNetworks", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "TrainingTests", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "Training"], swiftSettings: languageMode),
        .testTarget(name: "SparsityConstraintsTests", dependencies: ["TensorEngine", "SparsityConstraints", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "PruningCoreTests", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "RunFiles", "SafeTensorsFormat", "Training", "SparsityConstraints", "PruningCore", "_TestSupport", "_PruningTestSupport"], swiftSettings: languageMode),
        .testTarget(name: "MagnitudePruningTests", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "Training", "SparsityConstraints", "PruningCore", "MagnitudePruning", "_TestSupport", "_PruningTestSupport"], swiftSettings: languageMode),
        .testTarget(name: "ADMMPruningTests", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "Training", "SparsityConstraints", "PruningCore", "ADMMPruning", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "SLRPruningTests", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "Training", "SparsityConstraints", "PruningCore", "SLRPruning", "ADMMPruning", "_TestSupport", "_PruningTestSupport"], swiftSettings: languageMode),
        .testTarget(name: "LayerwisePruningTests", dependencies: ["TensorEngine", "NeuralNetworks", "Datasets", "SparsityConstraints", "PruningCore", "LayerwisePruning", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "EvaluationHarnessTests", dependencies: ["Training", "SparsityConstraints", "PruningCore", "EvaluationHarness", "Shears", "_TestSupport"], swiftSettings: languageMode),
        .testTarget(name: "ShearsCommandLineTests",
                    dependencies: ["SparsityConstraints", "PruningCore", "EvaluationHarness", "ShearsCommandLine", "Shears",
                                   .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                   "_TestSupport"],
                    swiftSettings: languageMode),
        // new-pruning-method: test targets above this line
    ]
)
