// Fuzz target: the experiment file decoder, YAML and JSON.
//
// Input layout: the whole input is an experiment file. It is decoded twice, as YAML and as JSON (the two
// formats `shears compare --experiment` reads), so corpus files stay plain text; an experiment that decodes is
// then validated against the built-in method registry, as `compare` and `prune` do before anything trains.
import EvaluationHarness
import Foundation
import FuzzSupport
import Shears

/// The parser calls under test (already byte-level: `ExperimentFile.decode(Data, format:source:)`).
func parseExperiment(_ data: Data, format: ExperimentFile.Format) throws {
    let experiment = try ExperimentFile.decode(data, format: format, source: "fuzz.\(format.rawValue)")
    try experiment.validate(catalog: .builtIn)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Data(fuzz: FuzzInput(data, size).bytes)
    fuzzOutcome { try parseExperiment(contents, format: .yaml) }
    fuzzOutcome { try parseExperiment(contents, format: .json) }
    return 0
}

/// Hands libFuzzer the target (SwiftPM's executables need a `main` of their own; see `FuzzDriver`).
@main
enum FuzzExperimentMain {
    static func main() {
        FuzzDriver.run { data, size in
            guard let data else { return 0 }
            return fuzz(data, size)
        }
    }
}
