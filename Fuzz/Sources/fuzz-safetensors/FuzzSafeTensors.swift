// Fuzz target: the safetensors decoder, in memory.
//
// Input layout: the whole input is a safetensors file (8-byte little-endian header length, JSON header, data).
// An accepted file is also converted to Float tensors and checked as masks would be, as `readFloatTensors`
// and `readMasks` do after decoding.
import Checkpoints
import Foundation
import FuzzSupport

/// The parser call under test (already byte-level: `SafeTensors.decode(Data)`).
func parseSafeTensors(_ bytes: UnsafeBufferPointer<UInt8>) throws {
    let file = try SafeTensors.decode(Data(fuzz: bytes), source: "fuzz.safetensors")
    for name in file.names {
        let tensor = try file.tensor(named: name).floatTensor()
        // What readMasks does with each tensor: scan for values other than 0 and 1.
        _ = tensor.scalars.contains { $0 != 0 && $0 != 1 }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzOutcome { try parseSafeTensors(FuzzInput(data, size).bytes) }
    return 0
}

/// Hands libFuzzer the target (SwiftPM's executables need a `main` of their own; see `FuzzDriver`).
@main
enum FuzzSafeTensorsMain {
    static func main() {
        FuzzDriver.run { data, size in
            guard let data else { return 0 }
            return fuzz(data, size)
        }
    }
}
