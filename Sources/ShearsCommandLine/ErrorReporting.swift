import ArgumentParser
import Foundation
import Shears

/// The exit statuses of `shears` (README, "Exit codes").
enum ExitStatus {
    /// The command did what was asked.
    static let success: Int32 = 0
    /// The run started and failed: training diverged, a method failed, an I/O error while running or writing.
    static let runFailed: Int32 = 1
    /// Bad input or usage: an unknown flag, a bad value, a bad or missing file, a refused output folder.
    static let badInput: Int32 = 2
}

/// The one place that turns an error into what the user sees: a message, at most a one-line hint, and an exit code.
extension ShearsCommand {
    /// The exit status for an error: 0 for help, 1 when a run failed, 2 for bad input or usage.
    static func exitCode(for error: Error) -> Int32 {
        let parserCode: ExitCode = Self.exitCode(for: error)
        if parserCode == .success { return ExitStatus.success }
        if let code = error as? ExitCode { return code.rawValue }
        // ArgumentParser's parse errors and every ValidationError (usage, bad flag values).
        if parserCode == .validationFailure { return ExitStatus.badInput }
        return isBadInput(error) ? ExitStatus.badInput : ExitStatus.runFailed
    }

    /// The message for an error: what was wrong and what was expected, in plain words (no Foundation error domains).
    static func message(for error: Error) -> String {
        plainText(rawMessage(for: error))
    }

    /// A one-line hint for usage errors (a flag ArgumentParser could not parse), nil otherwise.
    static func hint(for error: Error, arguments: [String]) -> String? {
        let parserCode: ExitCode = Self.exitCode(for: error)
        guard parserCode == .validationFailure, !(error is ValidationError) else { return nil }
        let names = configuration.subcommands.map { $0.configuration.commandName ?? "" }
        if let first = arguments.first, names.contains(first) {
            return "run `\(commandName) \(first) --help` for its flags and their values"
        }
        return "run `\(commandName) --help` for the commands"
    }

    /// Prints the message (and hint) of `error` on stderr and exits with its code; help requests print help and
    /// exit 0.
    static func exit(reporting error: Error, arguments: [String]) -> Never {
        let code = exitCode(for: error)
        if code == ExitStatus.success { Self.exit(withError: error) }
        var text = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
        text += "Error: \(message(for: error))\n"
        if let hint = hint(for: error, arguments: arguments) { text += "Hint: \(hint)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(code)
    }

    /// Whether an error (not from ArgumentParser) is about bad input rather than a run that failed.
    static func isBadInput(_ error: Error) -> Bool {
        switch error {
        case let error as RunFolderError: return error.kind != .commitFailed
        case let error as PruningError:
            switch error {
            case .diverged, .verificationFailed: return false
            case .invalidOption, .invalidState, .unknownMethod: return true
            }
        case let error as TrainingError:
            switch error {
            case .diverged: return false
            case .invalidSettings: return true
            }
        case let error as LayerwiseError:
            switch error {
            case .invalidArgument, .shapeMismatch: return true
            default: return false
            }
        case is DatasetError, is ExperimentFileError, is CatalogError, is CheckpointError, is StateDictError, is NeuralNetworkError,
             is ConstraintError, is SelectionError, is ScheduleError:
            return true
        case is AtomicFileError, is TensorError:
            return false
        default:
            let error = error as NSError
            guard let posix = posixCode(of: error) else { return false }
            // Reading something that is missing, protected or of the wrong kind is bad input; a full disk is not.
            return [ENOENT, EACCES, EPERM, EISDIR, ENOTDIR].contains(posix) && !isWriteError(error)
        }
    }

    /// The message before Foundation texts are rewritten.
    private static func rawMessage(for error: Error) -> String {
        switch error {
        case let error as CheckpointError where error.kind == .unreadable:
            return "cannot read \(error.file): \(FileDiagnosis.whyUnreadable(error.file) ?? error.detail)"
        case let CatalogError.missingDataDirectory(dataset, contents):
            // The library names the option; the command line names its flag.
            return "--dataset \(dataset) needs --data-dir with \(contents)"
        case let error as ExperimentFileError where error.detail.hasPrefix("cannot be read"):
            return "cannot read the experiment file \(error.file): \(FileDiagnosis.whyUnreadable(error.file) ?? error.detail)"
        default:
            // Swift errors of this package (and ArgumentParser's) describe themselves; Foundation's do not.
            let bridged = error as NSError
            if bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain { return foundationMessage(bridged) }
            return parserMessage(ShearsCommand.self, error)
        }
    }

    /// A Foundation file error in plain words: "cannot read X: no such file", "no space left on device while writing X".
    static func foundationMessage(_ error: NSError) -> String {
        let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        let writing = isWriteError(error)
        let subject = path ?? "a file"
        guard let code = posixCode(of: error) else {
            if let path, !writing, let why = FileDiagnosis.whyUnreadable(path) { return "cannot read \(path): \(why)" }
            return "cannot \(writing ? "write" : "read") \(subject) (system error \(error.code))"
        }
        if code == ENOSPC || code == EDQUOT { return "\(RunFolderError.reason(code)) while writing \(subject)" }
        if !writing, let path, let why = FileDiagnosis.whyUnreadable(path) { return "cannot read \(path): \(why)" }
        if code == EISDIR { return "cannot \(writing ? "write" : "read") \(subject): it is a folder, expected a file" }
        return "cannot \(writing ? "write" : "read") \(subject): \(RunFolderError.reason(code))"
    }

    /// The POSIX error code behind a Foundation error, if there is one.
    static func posixCode(of error: NSError) -> Int32? {
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        guard error.domain == NSCocoaErrorDomain else { return nil }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        case .fileReadNoPermission, .fileWriteNoPermission: return EACCES
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteFileExists: return EEXIST
        default: return nil
        }
    }

    /// Whether a Foundation error happened while writing (Cocoa's write codes are 512–767).
    static func isWriteError(_ error: NSError) -> Bool {
        error.domain == NSCocoaErrorDomain && (512..<768).contains(error.code)
    }

    /// Rewrites the Foundation phrases that other errors may quote into plain words; the last line of defence
    /// against "NSCocoaErrorDomain" or "Error Domain=" reaching the user.
    static func plainText(_ message: String) -> String {
        var text = message
        let phrases = [
            ("The operation could not be completed. The file doesn’t exist.", "no such file"),
            ("The operation could not be completed. You don’t have permission.", "permission denied"),
            ("The file doesn’t exist.", "no such file"),
            ("You don’t have permission.", "permission denied"),
        ]
        for (phrase, plain) in phrases { text = text.replacingOccurrences(of: phrase, with: plain) }
        let patterns = [
            (#"The operation could(n’t| not) be completed\. \((NSCocoaErrorDomain|NSPOSIXErrorDomain) error (-?\d+)\.\)"#, "system error $3"),
            (#"Error Domain=\S+ Code=(-?\d+)( "[^"]*")?( UserInfo=\{[^}]*\})?"#, "system error $1"),
            (#"\b(NSCocoaErrorDomain|NSPOSIXErrorDomain)\b"#, "system"),
        ]
        for (pattern, template) in patterns {
            text = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return text
    }
}

/// ArgumentParser's own message for an error (its parse errors, ValidationError, or the error's description).
private func parserMessage<Command: ParsableCommand>(_ command: Command.Type, _ error: Error) -> String {
    Command.message(for: error)
}

/// Why a path cannot be read as a file, found by looking at it.
enum FileDiagnosis {
    /// "no such file", "it is a folder, expected a file", "permission denied", … or nil when it looks readable.
    static func whyUnreadable(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            return code == ENOENT ? "no such file" : RunFolderError.reason(code)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return "it is a folder, expected a file"
        case S_IFREG: return access(path, R_OK) == 0 ? nil : "permission denied"
        case S_IFIFO: return "it is a pipe (FIFO), expected a regular file"
        case S_IFSOCK: return "it is a socket, expected a regular file"
        default: return "it is a device, expected a regular file"
        }
    }
}
