// Fuzz target: the safetensors decoder, in memory.
//
// Input layout: the whole input is a safetensors file (8-byte little-endian header length, JSON header, data).
// An accepted file then goes through what the two readers do after decoding: `weightTensors()` (the weights
// reader, `readFloatTensors`: float conversion, dtype and finiteness checks) and, whether or not that refuses
// the file, the mask reader's conversion of every tensor to Float and scan for values other than 0 and 1.
import SafeTensorsFormat
import Foundation
import FuzzSupport

/// The parser calls under test (byte-level: `SafeTensors.decode(Data)`, then `weightTensors()`).
func parseSafeTensors(_ bytes: UnsafeBufferPointer<UInt8>) throws {
    let file = try SafeTensors.decode(Data(fuzz: bytes), source: "fuzz.safetensors")
    // The weights reader refuses integer tensors, so its error must not skip the mask pass below.
    fuzzOutcome { _ = try file.weightTensors() }
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
