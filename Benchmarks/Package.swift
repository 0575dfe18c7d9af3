// swift-tools-version: 6.1
// Benchmarks for Shears, kept in their own package so that the library's `swift build` and `swift test` never
// build package-benchmark. Run from this folder:
//   swift package --allow-writing-to-package-directory benchmark      (package-benchmark suites, absolute times)
//   swift run -c release shears-figures all                            (ratios: conv vs sgemm, LeNet-5 images/s, RSS)
import PackageDescription

/// Swift 5 language mode like the library: package-benchmark's suites are global closures over non-Sendable state.
let languageMode: [SwiftSetting] = [.swiftLanguageMode(.v5)]

/// A package-benchmark suite: an executable in Benchmarks/<name>/ that the BenchmarkPlugin turns into a runner.
func suite(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "ShearsBenchmarkSupport",
            .product(name: "Benchmark", package: "package-benchmark"),
        ],
        path: "Benchmarks/\(name)",
        swiftSettings: languageMode,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")])
}

let package = Package(
    name: "ShearsBenchmarks",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "shears-figures", targets: ["ShearsFigures"]),
    ],
    dependencies: [
        // A path dependency's identity is its folder's name, which differs between checkouts; `name:` fixes it.
        .package(name: "Shears", path: ".."),
        // Only the MallocInterposer trait: the default traits also want a package that is not available here.
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.29.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shapes, workloads and timing shared by the suites and shears-figures.
        .target(
            name: "ShearsBenchmarkSupport",
            dependencies: [
                .product(name: "TensorEngine", package: "Shears"),
                .product(name: "NeuralNetworks", package: "Shears"),
                .product(name: "PruningCore", package: "Shears"),
            ],
            swiftSettings: languageMode),
        .executableTarget(name: "ShearsFigures", dependencies: ["ShearsBenchmarkSupport"], swiftSettings: languageMode),
        suite("GEMM"),
        suite("Convolution"),
        suite("Projections"),
        suite("Lagrangian"),
        suite("Training"),
        suite("Kernels"),
    ]
)
