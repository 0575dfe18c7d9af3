import Foundation

/// Runs one parser call and swallows what it throws: for a fuzzer only a crash, a hang or running out of memory
/// is a finding; a thrown error is the parser doing its job.
///
/// Two environment variables help when reproducing or checking seeds (both cost nothing when unset):
/// - `SHEARS_FUZZ_VERBOSE=1` prints whether each input was accepted or the error it was refused with;
/// - `SHEARS_FUZZ_STRICT_MESSAGES=1` aborts (a finding) when an error's text carries a Foundation error domain,
///   which issue #11 says must never reach a user.
public func fuzzOutcome(_ body: () throws -> Void) {
    do {
        try body()
        if FuzzSettings.verbose { FileHandle.standardError.write(Data("accepted\n".utf8)) }
    } catch {
        guard FuzzSettings.verbose || FuzzSettings.strictMessages else { return }
        let text = String(describing: error)
        if FuzzSettings.verbose { FileHandle.standardError.write(Data("refused: \(text)\n".utf8)) }
        if FuzzSettings.strictMessages, text.contains("Error Domain=") || text.contains("NSCocoaErrorDomain") {
            FileHandle.standardError.write(Data("Foundation error text reached the message: \(text)\n".utf8))
            abort()
        }
    }
}

/// The environment switches, read once per process.
enum FuzzSettings {
    static let verbose = ProcessInfo.processInfo.environment["SHEARS_FUZZ_VERBOSE"].map { !$0.isEmpty && $0 != "0" } ?? false
    static let strictMessages = ProcessInfo.processInfo.environment["SHEARS_FUZZ_STRICT_MESSAGES"].map { !$0.isEmpty && $0 != "0" } ?? false
}
