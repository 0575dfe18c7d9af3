// swift-tools-version: 6.1
// A package of its own that adds a pruning method and a constraint to Shears and ships the whole `shears` command line with it.
// It depends on Shears by relative path; a package elsewhere writes
// `.package(url: "https://github.com/<owner>/shears", branch: "main")` and names the package `shears` (the identity
// SwiftPM derives from the URL) where this file says "Shears".
import PackageDescription

/// Swift 5 language mode, as in Shears (its autograd graph is not `Sendable`).
let languageMode: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "CustomMethod",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "GradientSaliencyPruning", targets: ["GradientSaliencyPruning"]),
        .library(name: "RowBalancedConstraint", targets: ["RowBalancedConstraint"]),
        .executable(name: "shears-custom", targets: ["shears-custom"]),
        // new-pruning-method: products above this line
    ],
    dependencies: [
        .package(name: "Shears", path: "../.."),
    ],
    targets: [
        // The method: needs only the method protocol, the layers and the tensor engine.
        .target(
            name: "GradientSaliencyPruning",
            dependencies: [.product(name: "PruningCore", package: "Shears"),
                           .product(name: "NeuralNetworks", package: "Shears"),
                           .product(name: "TensorEngine", package: "Shears")],
            swiftSettings: languageMode),
        // The constraint: needs only the constraint protocol and the tensor engine.
        .target(
            name: "RowBalancedConstraint",
            dependencies: [.product(name: "PruningCore", package: "Shears"),
                           .product(name: "TensorEngine", package: "Shears")],
            swiftSettings: languageMode),
        // new-pruning-method: targets above this line

        // `shears-custom`: the built-in catalog plus this package's method and constraint, run as the full command line.
        .executableTarget(
            name: "shears-custom",
            dependencies: [.product(name: "Shears", package: "Shears"),
                           .product(name: "ShearsCommandLine", package: "Shears"),
                           "GradientSaliencyPruning",
                           "RowBalancedConstraint",
                           // new-pruning-method: catalog dependencies above this line
                          ],
            swiftSettings: languageMode),
        // new-pruning-method: test targets above this line
    ]
)
