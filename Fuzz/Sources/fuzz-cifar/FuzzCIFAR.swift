// Fuzz target: the CIFAR-10 binary reader, in memory.
//
// Input layout: byte 0 chooses the call, the rest is batch file content (records of 1 label byte and 3072
// pixel bytes).
//   even byte 0: one batch file (`CIFAR10.decodeBatch`);
//   odd byte 0:  a training and a test batch paired as `DatasetSplits.cifar10(directory:)` pairs them (the rest
//                starts with a 2-byte little-endian length of the training batch, the test batch follows it):
//                both decoded, then `DatasetSplits(train:test:)`.
import Datasets
import Foundation
import FuzzSupport

/// The parser calls under test.
func parseCIFAR(_ bytes: UnsafeBufferPointer<UInt8>, pair: Bool) throws {
    guard pair else {
        _ = try CIFAR10.decodeBatch(Data(fuzz: bytes), name: "fuzz-batch.bin")
        return
    }
    let (trainBytes, testBytes) = FuzzInput.split(bytes, prefixBytes: 2)
    let train = try CIFAR10.decodeBatch(Data(fuzz: trainBytes), name: "cifar10/train")
    let test = try CIFAR10.decodeBatch(Data(fuzz: testBytes), name: "cifar10/test")
    _ = try DatasetSplits(train: train, test: test)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    fuzzOutcome { try parseCIFAR(input.afterMode, pair: input.mode & 1 == 1) }
    return 0
}

/// Hands libFuzzer the target (SwiftPM's executables need a `main` of their own; see `FuzzDriver`).
@main
enum FuzzCIFARMain {
    static func main() {
        FuzzDriver.run { data, size in
            guard let data else { return 0 }
            return fuzz(data, size)
        }
    }
}
