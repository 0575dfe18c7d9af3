import CDispatch
import CoreFoundation
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ExperimentFile {
    /// Reads an experiment file's bytes after checking that it is a regular file of at most ``maximumSize``
    /// bytes, so that a folder, a FIFO (whose `open` would block) or a huge file is refused by name, unread.
    /// - Throws: ``ExperimentFileError`` naming the file; no operating-system error text reaches the user.
    static func readContents(of url: URL) throws -> Data {
        let path = url.path
        func refuse(_ detail: String) -> ExperimentFileError { ExperimentFileError(file: path, field: "", detail: detail) }
        func describe(_ code: Int32) -> String {
            code == EACCES || code == EPERM ? "permission denied" : String(cString: strerror(code)).lowercased()
        }
        func checkType(_ mode: mode_t) throws {
            switch mode & S_IFMT {
            case S_IFREG: return
            case S_IFDIR: throw refuse("is a folder; expected a .yaml or .json experiment file")
            case S_IFIFO: throw refuse("is not a regular file (it is a FIFO); expected a .yaml or .json experiment file")
            default: throw refuse("is not a regular file; expected a .yaml or .json experiment file")
            }
        }

        var status = stat()
        guard stat(path, &status) == 0 else {
            let code = errno
            throw refuse(code == ENOENT || code == ENOTDIR ? "cannot be read: no such file" : "cannot be read: \(describe(code))")
        }
        try checkType(status.st_mode)
        // O_NONBLOCK keeps a FIFO swapped in after the check from blocking the open; it does nothing to a regular file.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw refuse("cannot be read: \(describe(errno))") }
        defer { close(descriptor) }
        guard fstat(descriptor, &status) == 0 else { throw refuse("cannot be read: \(describe(errno))") }
        try checkType(status.st_mode)
        let size = Int(status.st_size)
        guard size <= maximumSize else { throw tooLarge(size, source: path) }

        // Read one byte more than the size says, to notice a file that grew since.
        var data = Data(count: size + 1)
        var done = 0
        try data.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            while done < raw.count {
                let result = pread(descriptor, base + done, raw.count - done, off_t(done))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw refuse("cannot be read: \(describe(errno))")
                }
                if result == 0 { break }
                done += result
            }
        }
        guard done <= maximumSize else { throw tooLarge(done, source: path) }
        data.count = done
        return data
    }

    /// The error for contents above ``maximumSize``.
    static func tooLarge(_ size: Int, source: String) -> ExperimentFileError {
        ExperimentFileError(file: source, field: "",
                            detail: "is \(size) bytes, more than the \(maximumSize) an experiment file may have; expected a short settings file")
    }
}
