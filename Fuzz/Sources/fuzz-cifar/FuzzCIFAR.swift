// Fuzz target: the CIFAR-10 binary reader.
//
// Input layout: byte 0 chooses the call, the rest is the content of a batch file (records of 1 label byte and
// 3072 pixel bytes).
//   even byte 0: one batch file read on its own (`readCIFARRecords`);
//   odd byte 0:  the public loader `DatasetSplits.cifar10(directory:)` on a folder whose six batch files all
//                hold the rest (symbolic links to one scratch file, so an input costs one write).
import Foundation
import FuzzSupport
@testable import Datasets

/// The batch file names `cifar10(directory:)` reads.
let batchNames = (1...5).map { "data_batch_\($0).bin" } + ["test_batch.bin"]

/// The parser calls under test. Today's entry points read files; when a byte-level one exists only this
/// function changes.
func parseCIFAR(_ bytes: UnsafeBufferPointer<UInt8>, wholeFolder: Bool) throws {
    let url = ScratchFiles.write(bytes, to: "batch.bin")
    if wholeFolder {
        for name in batchNames { ScratchFiles.link(name, to: "batch.bin") }
        _ = try DatasetSplits.cifar10(directory: ScratchFiles.directory)
    } else {
        _ = try DatasetSplits.readCIFARRecords([url], name: "fuzz", missingHint: "")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    fuzzOutcome { try parseCIFAR(input.afterMode, wholeFolder: input.mode & 1 == 1) }
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
