import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a run folder was refused or could not be finished; the message names the folder and what to do.
public struct RunFolderError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// What class of problem it was.
    public enum Kind: String, Equatable, Sendable {
        /// The path is a file (or a symbolic link), not a folder.
        case notAFolder
        /// The folder holds an earlier run and `--overwrite` was not given.
        case holdsAnotherRun
        /// The folder holds files shears did not write; it is never replaced.
        case foreignFiles
        /// An unfinished run is next to the folder and neither resuming nor `--overwrite` was asked for.
        case unfinishedRun
        /// One of the run's inputs lies inside the folder.
        case inputInside
        /// Another process holds the folder's lock.
        case locked
        /// The folder (or its parent) cannot be created or written.
        case notWritable
        /// `--resume` found nothing to continue.
        case nothingToResume
        /// Moving the finished run into place failed.
        case commitFailed
    }

    /// The class of problem.
    public let kind: Kind
    /// The folder concerned.
    public let folder: String
    /// The whole message: what was wrong and what to do.
    public let detail: String

    /// Creates an error.
    public init(_ kind: Kind, folder: String, _ detail: String) {
        self.kind = kind
        self.folder = folder
        self.detail = detail
    }

    public var description: String { detail }
    public var errorDescription: String? { description }

    /// A short reason for an `errno` value, as a user reads it ("permission denied", "no space left on device").
    public static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case EROFS: return "read-only file system"
        case ENOSPC: return "no space left on device"
        case ENOENT: return "no such file or folder"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case EEXIST: return "already exists"
        case EDQUOT: return "disk quota exceeded"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
