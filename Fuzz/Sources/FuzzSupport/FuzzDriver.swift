import CFuzzSupport
import Foundation

/// Starts libFuzzer with this process's arguments (`-runs=N`, `-max_total_time=S`, corpus folders, …).
///
/// SwiftPM links each executable's `main` under another name and aliases it, so libFuzzer's own `main` never
/// runs; every target therefore has a `@main` that calls this with its `LLVMFuzzerTestOneInput`.
public enum FuzzDriver {
    /// The callback type libFuzzer calls with each input.
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer until it stops and exits with its status.
    public static func run(_ callback: Callback) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv, callback)
        exit(status)
    }
}
