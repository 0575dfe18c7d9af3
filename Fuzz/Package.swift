// swift-tools-version: 6.1
// libFuzzer targets for Shears' file parsers (issue #11, deliverable 7). Build and run them with
// `Scripts/fuzz.sh TARGET`, which adds the sanitizer flags; see Fuzz/README.md.
import PackageDescription

/// Swift 5 language mode, as in the main package; testable imports reach internal entry points
/// (`RunCheckpoint.load`), which works because `Scripts/fuzz.sh` builds with testability on (release with
/// `-enable-testing`, or debug with `--debug`).
let languageMode: [SwiftSetting] = [.swiftLanguageMode(.v5)]

/// One executable per parser: its file defines `LLVMFuzzerTestOneInput` and a `@main` that starts libFuzzer's
/// driver with it (`FuzzDriver`).
func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, swiftSettings: languageMode)
}

let package = Package(
    name: "ShearsFuzz",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fuzz-idx", targets: ["fuzz-idx"]),
        .executable(name: "fuzz-cifar", targets: ["fuzz-cifar"]),
        .executable(name: "fuzz-safetensors", targets: ["fuzz-safetensors"]),
        .executable(name: "fuzz-experiment", targets: ["fuzz-experiment"]),
        .executable(name: "fuzz-checkpoint", targets: ["fuzz-checkpoint"]),
    ],
    dependencies: [
        .package(name: "Shears", path: ".."),
    ],
    targets: [
        // libFuzzer's driver entry point, and gzip compression (zlib) for the IDX target.
        .target(name: "CFuzzSupport", linkerSettings: [.linkedLibrary("z")]),
        // Scratch files, error echo and input splitting shared by the targets.
        .target(name: "FuzzSupport", dependencies: ["CFuzzSupport"], swiftSettings: languageMode),

        fuzzer("fuzz-idx", ["CFuzzSupport", .product(name: "Datasets", package: "Shears")]),
        fuzzer("fuzz-cifar", [.product(name: "Datasets", package: "Shears")]),
        fuzzer("fuzz-safetensors", [.product(name: "SafeTensorsFormat", package: "Shears")]),
        fuzzer("fuzz-experiment", [.product(name: "EvaluationHarness", package: "Shears"),
                                   .product(name: "Shears", package: "Shears")]),
        fuzzer("fuzz-checkpoint", [.product(name: "PruningCore", package: "Shears"),
                                   .product(name: "TensorEngine", package: "Shears")]),
    ]
)
