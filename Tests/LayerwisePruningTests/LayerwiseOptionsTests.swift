import PruningCore
import Testing
@testable import LayerwisePruning

@Suite("layerwise options and registration")
struct LayerwiseOptionsTests {
    let registry = try! MethodRegistry([LayerwisePruning.registration])

    @Test("defaults: one-shot, 1024 parallel calibration images, damping 0.01, blocks of 128")
    func defaults() throws {
        let method = try #require(try registry.make("layerwise") as? LayerwisePruning)
        #expect(method.name == "layerwise")
        #expect(!method.trainsDuringMethodPhase)
        #expect(method.calibrationSamples == 1024 && method.mode == .parallel && method.damping == 0.01)
        #expect(method.blockSize == 128 && method.calibrationSeed == nil)
        #expect(Set(LayerwisePruning.registration.options.map(\.key))
                == ["calibration-samples", "calibration-seed", "mode", "damping", "block-size"])
    }

    @Test("options are read from their text")
    func parsed() throws {
        let options = MethodOptions(["calibration-samples": "256", "mode": "sequential", "damping": "0.1",
                                     "block-size": "64", "calibration-seed": "42"])
        let method = try #require(try registry.make("layerwise", options: options) as? LayerwisePruning)
        #expect(method.calibrationSamples == 256 && method.mode == .sequential && method.damping == 0.1)
        #expect(method.blockSize == 64 && method.calibrationSeed == 42)
        #expect(method.settingsSummary["mode"] == "sequential")
    }

    @Test("bad values are errors that name the option", arguments: [
        ("calibration-samples", "0"), ("calibration-samples", "-3"), ("calibration-samples", "many"),
        ("mode", "diagonal"), ("damping", "-1"), ("block-size", "0"), ("calibration-seed", "x"),
    ])
    func badValues(key: String, value: String) throws {
        let error = try #require(throws: PruningError.self) {
            try registry.make("layerwise", options: MethodOptions([key: value]))
        }
        #expect("\(error)".contains(key), "\(error)")
    }

    @Test("an unknown option key is refused")
    func unknownKey() throws {
        #expect(throws: PruningError.self) { try registry.make("layerwise", options: MethodOptions(["samples": "3"])) }
    }
}
