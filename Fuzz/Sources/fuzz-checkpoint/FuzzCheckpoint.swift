// Fuzz target: the run checkpoint reader (checkpoint.json and the tensor file it names).
//
// Input layout: a 4-byte little-endian length, that many bytes of checkpoint.json, then the tensor file.
// The tensor file is written as `state-1.safetensors` (the name the seeds' JSON gives); a JSON naming another
// file makes the reader look for that one in the scratch folder. After a successful load the harness does
// what resuming does first with the scalars: it draws from both restored random generators.
import Foundation
import FuzzSupport
import TensorEngine
@testable import PruningCore

/// The parser call under test. `RunCheckpoint.load(from:)` reads a folder (the JSON names the tensor file to
/// open next to it), so this target, unlike the others, goes through scratch files.
func parseCheckpoint(json: UnsafeBufferPointer<UInt8>, tensors: UnsafeBufferPointer<UInt8>) throws {
    ScratchFiles.write(tensors, to: "state-1.safetensors")
    ScratchFiles.write(json, to: RunCheckpoint.fileName)
    guard let (checkpoint, _) = try RunCheckpoint.load(from: ScratchFiles.directory) else { return }
    var modelGenerator = checkpoint.modelGenerator
    var sessionGenerator = checkpoint.sessionGenerator
    _ = modelGenerator.next()
    _ = sessionGenerator.next()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (json, tensors) = FuzzInput.split(FuzzInput(data, size).bytes, prefixBytes: 4)
    fuzzOutcome { try parseCheckpoint(json: json, tensors: tensors) }
    return 0
}

/// Hands libFuzzer the target (SwiftPM's executables need a `main` of their own; see `FuzzDriver`).
@main
enum FuzzCheckpointMain {
    static func main() {
        FuzzDriver.run { data, size in
            guard let data else { return 0 }
            return fuzz(data, size)
        }
    }
}
