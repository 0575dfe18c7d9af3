import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The output folder of one run (`--out DIR`), claimed so that nothing is replaced silently and the run's files
/// appear whole or not at all.
///
/// - **Claiming** `DIR` refuses a path that is a file or a symbolic link; a folder that holds an earlier run unless
///   `overwrite` is given; a folder with files shears did not write, always (so `--overwrite` cannot empty a home
///   folder); and, always, a run whose inputs (weights, data folder, experiment file) lie inside `DIR`. An empty
///   folder is used as if it were new.
/// - The run works in the sibling folder `.DIR.incomplete` (``workingDirectory``), created on claim with the lock
///   file ``RunLock/fileName`` in it: a second run on the same `DIR` is refused while the first one lives, and a
///   lock left by a process that has ended is taken over with a one-line note. Creating it is also the early test
///   that the parent can be written, before any training starts.
/// - ``commit()`` moves the finished folder into place in one rename (an earlier run being replaced is renamed
///   aside first and then removed), so `DIR` holds either the old run or the whole new one.
/// - A failed run (``abandon()``) leaves `DIR` as it was. Its working folder is kept when its
///   ``checkpointDirectory`` holds something (``resume(_:command:overwrite:inputs:note:)`` continues it) and
///   removed otherwise.
///
/// A finished run's folder holds its outputs and the marker file ``markerFileName``; its checkpoint is removed,
/// since a finished run has nothing to resume.
///
/// ```swift
/// let folder = try RunFolder.claim("runs/dense", command: "train", overwrite: false,
///                                  inputs: [.init(flag: "--data-dir", path: dataDir)])
/// try folder.run { directory in
///     try AtomicFile.writeJSON(metrics, to: directory.appendingPathComponent("metrics.json"))
/// }
/// ```
public final class RunFolder {
    /// The marker every run folder holds; it tells a shears run from a folder of other files.
    public static let markerFileName = ".shears-run"
    /// The checkpoint subfolder of the working folder.
    public static let checkpointFolderName = "checkpoint"

    /// An input of the run: the flag that named it (for messages) and its path.
    public struct Input: Equatable, Sendable {
        /// The flag or field that named the input, such as `--weights`.
        public var flag: String
        /// The input's path.
        public var path: String

        /// Creates an input.
        public init(flag: String, path: String) {
            self.flag = flag
            self.path = path
        }
    }

    /// What the marker file records.
    struct Marker: Codable {
        /// The command that made the run.
        var command: String
        /// Whether the run was started to replace an earlier run in the folder (`--overwrite`).
        var replacesEarlierRun: Bool
    }

    /// The final folder (`--out`).
    public let url: URL
    /// Where the run writes until it is committed: `.NAME.incomplete` next to ``url``.
    public let workingDirectory: URL
    /// The checkpoint folder inside the working folder; what `--resume` continues.
    public var checkpointDirectory: URL { workingDirectory.appendingPathComponent(Self.checkpointFolderName) }
    /// Whether ``url`` holds an earlier run that ``commit()`` replaces.
    public let replacesEarlierRun: Bool
    /// Whether this run continues an unfinished one.
    public let isResumed: Bool

    private let lock: RunLock
    private let note: (String) -> Void
    private var finished = false

    private init(url: URL, workingDirectory: URL, replacesEarlierRun: Bool, isResumed: Bool, lock: RunLock,
                 note: @escaping (String) -> Void) {
        self.url = url
        self.workingDirectory = workingDirectory
        self.replacesEarlierRun = replacesEarlierRun
        self.isResumed = isResumed
        self.lock = lock
        self.note = note
    }

    deinit {
        // A folder neither committed nor abandoned (a bug in the caller) keeps its files; only the lock goes.
        if !finished { lock.release() }
    }

    /// The working folder of a run whose final folder is `url`.
    public static func workingDirectory(for url: URL) -> URL {
        let url = url.standardizedFileURL
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).incomplete")
    }

    /// Claims `path` for a new run.
    /// - Parameters:
    ///   - path: The output folder (created with its parents when it does not exist).
    ///   - command: The command's name, recorded in the marker.
    ///   - overwrite: Replace an earlier run in the folder, and discard an unfinished one next to it.
    ///   - inputs: The run's input files and folders; none may lie inside the folder.
    ///   - resumable: Whether the command can `--resume` (only changes what the messages suggest).
    ///   - flag: The flag that named the folder, for messages.
    ///   - note: Told in one line about what is taken over, discarded or kept.
    /// - Throws: ``RunFolderError`` saying what is in the way and what to do.
    public static func claim(_ path: String, command: String, overwrite: Bool, inputs: [Input] = [],
                             resumable: Bool = false, flag: String = "--out",
                             note: @escaping (String) -> Void = { _ in }) throws -> RunFolder {
        let url = try target(path, flag: flag)
        let working = workingDirectory(for: url)
        try checkInputs(inputs, url: url, working: working, flag: flag)
        try makeDirectories(url.deletingLastPathComponent())

        let replaces: Bool
        switch try contents(of: url, flag: flag) {
        case .absent, .empty:
            replaces = false
        case .run(let names):
            guard overwrite else {
                throw RunFolderError(.holdsAnotherRun, folder: url.path,
                                     "\(flag) \(path) holds an earlier run (\(listing(names))); pass --overwrite to replace it, or choose another folder")
            }
            try checkReplaceable(url, names: names, flag: flag)
            replaces = true
        case .foreign(let names):
            throw foreignFiles(url, names: names, flag: flag)
        }

        let lock: RunLock
        if exists(working) {
            guard isDirectory(working) else {
                throw RunFolderError(.notAFolder, folder: url.path, "\(shown(working)) is in the way of \(flag) \(path)'s working folder; move it away")
            }
            lock = try RunLock.acquire(at: working.appendingPathComponent(RunLock.fileName), note: note)
            let checkpoint = (try? FileManager.default.contentsOfDirectory(atPath: working.appendingPathComponent(checkpointFolderName).path)) ?? []
            // Without a checkpoint the unfinished run cannot be continued: it is only the debris of a run that was
            // killed, and is cleared with a note. One with a checkpoint is work that --resume can continue.
            guard overwrite || checkpoint.isEmpty else {
                lock.release()
                let choices = resumable ? "continue it with --resume \(path), or pass --overwrite to discard it"
                                        : "pass --overwrite to discard it"
                throw RunFolderError(.unfinishedRun, folder: url.path,
                                     "\(flag) \(path) has an unfinished run in \(shown(working)); \(choices)")
            }
            note("discarding the unfinished run in \(shown(working))" + (checkpoint.isEmpty ? " (it ended without a checkpoint)" : ""))
            for name in (try? FileManager.default.contentsOfDirectory(atPath: working.path)) ?? [] where name != RunLock.fileName {
                try? FileManager.default.removeItem(at: working.appendingPathComponent(name))
            }
        } else {
            guard mkdir(working.path, 0o777) == 0 else {
                let code = errno
                if code == EEXIST { return try claim(path, command: command, overwrite: overwrite, inputs: inputs,
                                                     resumable: resumable, flag: flag, note: note) }
                throw RunFolderError(.notWritable, folder: url.path,
                                     "cannot write to \(shown(url.deletingLastPathComponent())): \(RunFolderError.reason(code))")
            }
            do {
                lock = try RunLock.acquire(at: working.appendingPathComponent(RunLock.fileName), note: note)
            } catch {
                try? FileManager.default.removeItem(at: working)
                throw error
            }
        }
        let folder = RunFolder(url: url, workingDirectory: working, replacesEarlierRun: replaces, isResumed: false,
                               lock: lock, note: note)
        do {
            try AtomicFile.writeJSON(Marker(command: command, replacesEarlierRun: replaces),
                                     to: working.appendingPathComponent(markerFileName))
        } catch {
            folder.abandon()
            throw RunFolderError(.notWritable, folder: url.path, "cannot write to \(shown(working)): \(error)")
        }
        return folder
    }

    /// Takes over the unfinished run of `path` (its working folder and checkpoint) to continue it.
    /// - Parameters:
    ///   - path: The run's final folder, as given to `--out` when it started.
    ///   - command: The command's name.
    ///   - overwrite: Allow finishing to replace a run that now sits in the folder, when the unfinished run was not
    ///     started with `--overwrite` itself.
    ///   - inputs: The run's inputs; none may lie inside the folder.
    ///   - flag: The flag that named the folder, for messages.
    ///   - note: Told in one line about a stale lock taken over.
    /// - Throws: ``RunFolderError`` (`.nothingToResume`) when there is no unfinished run with a checkpoint, or the
    ///   refusals of ``claim(_:command:overwrite:inputs:resumable:flag:note:)``.
    public static func resume(_ path: String, command: String, overwrite: Bool = false, inputs: [Input] = [],
                              flag: String = "--resume", note: @escaping (String) -> Void = { _ in }) throws -> RunFolder {
        let url = try target(path, flag: flag)
        let working = workingDirectory(for: url)
        guard isDirectory(working) else {
            let detail: String
            switch try contents(of: url, flag: flag) {
            case .absent: detail = "\(path) does not exist; nothing to resume (start a run with --out \(path))"
            case .run: detail = "\(path) is a finished run; nothing to resume (to run it again: --out \(path) --overwrite)"
            case .empty, .foreign: detail = "\(path) holds no unfinished shears run; nothing to resume"
            }
            throw RunFolderError(.nothingToResume, folder: url.path, "\(flag) \(detail)")
        }
        try checkInputs(inputs, url: url, working: working, flag: flag)
        let lock = try RunLock.acquire(at: working.appendingPathComponent(RunLock.fileName), note: note)
        func refuse(_ error: RunFolderError) -> RunFolderError {
            lock.release()
            return error
        }
        let checkpoint = working.appendingPathComponent(checkpointFolderName)
        guard !((try? FileManager.default.contentsOfDirectory(atPath: checkpoint.path)) ?? []).isEmpty else {
            throw refuse(RunFolderError(.nothingToResume, folder: url.path,
                                        "\(flag) \(path): the unfinished run in \(shown(working)) has no checkpoint (it stopped before its first epoch ended); start it again with --out \(path) --overwrite"))
        }
        let marker = FileManager.default.contents(atPath: working.appendingPathComponent(markerFileName).path)
            .flatMap { try? JSONDecoder().decode(Marker.self, from: $0) }
        var replaces = false
        switch try contents(of: url, flag: flag) {
        case .absent, .empty:
            break
        case .run(let names):
            guard marker?.replacesEarlierRun == true || overwrite else {
                throw refuse(RunFolderError(.holdsAnotherRun, folder: url.path,
                                            "\(flag) \(path) holds a finished run (\(listing(names))), which finishing the unfinished run in \(shown(working)) would replace; pass --overwrite to allow that"))
            }
            do { try checkReplaceable(url, names: names, flag: flag) } catch let error as RunFolderError { throw refuse(error) }
            replaces = true
        case .foreign(let names):
            throw refuse(foreignFiles(url, names: names, flag: flag))
        }
        return RunFolder(url: url, workingDirectory: working, replacesEarlierRun: replaces, isResumed: true, lock: lock,
                         note: note)
    }

    /// Runs `body` with the working folder, then commits; when `body` throws, abandons the run and rethrows.
    public func run<T>(_ body: (URL) throws -> T) throws -> T {
        let value: T
        do {
            value = try body(workingDirectory)
        } catch {
            abandon()
            throw error
        }
        try commit()
        return value
    }

    /// Links (or copies) files of the earlier run in ``url`` into the working folder, so that a cache survives
    /// `--overwrite`; files the working folder already has are kept. Best effort: a file that cannot be carried
    /// over is simply not there (a cache is then rebuilt).
    /// - Parameter include: Which names to carry over.
    /// - Returns: The names carried over.
    @discardableResult
    public func reuseEarlierFiles(where include: (String) -> Bool) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter(include).sorted()
        return names.filter { name in
            let source = url.appendingPathComponent(name)
            let destination = workingDirectory.appendingPathComponent(name)
            guard !Self.exists(destination), !Self.isDirectory(source) else { return false }
            if link(source.path, destination.path) == 0 { return true }
            return (try? FileManager.default.copyItem(at: source, to: destination)) != nil
        }
    }

    /// Moves the finished run into place: ``url`` then holds the whole new run (and no checkpoint), an earlier run
    /// it replaces is removed, and the lock is released.
    /// - Throws: ``RunFolderError`` (`.commitFailed`) when the folder cannot be moved; ``url`` is then as it was and
    ///   the finished run stays in the working folder.
    public func commit() throws {
        precondition(!finished, "a run folder is committed or abandoned once")
        finished = true
        defer { lock.release() }
        let parent = url.deletingLastPathComponent()
        func failure(_ detail: String) -> RunFolderError {
            RunFolderError(.commitFailed, folder: url.path, "\(detail); the finished run is kept in \(Self.shown(workingDirectory))")
        }

        var aside: URL?
        switch (try? Self.contents(of: url, flag: "--out")) ?? .foreign([]) {
        case .absent:
            break
        case .empty:
            rmdir(url.path)
        case .run:
            guard replacesEarlierRun else { throw failure("\(Self.shown(url)) was filled by something else while this run worked") }
            let place = parent.appendingPathComponent(".\(url.lastPathComponent).replaced-\(lock.owner.token)")
            guard rename(url.path, place.path) == 0 else {
                throw failure("cannot move the earlier run in \(Self.shown(url)) aside: \(RunFolderError.reason(errno))")
            }
            aside = place
        case .foreign:
            throw failure("\(Self.shown(url)) was filled with other files while this run worked")
        }
        guard rename(workingDirectory.path, url.path) == 0 else {
            let code = errno
            if let aside { rename(aside.path, url.path) }
            throw failure("cannot move the finished run into \(Self.shown(url)): \(RunFolderError.reason(code))")
        }
        lock.moved(to: url.appendingPathComponent(RunLock.fileName))
        try? FileManager.default.removeItem(at: url.appendingPathComponent(Self.checkpointFolderName))
        if let aside {
            do { try FileManager.default.removeItem(at: aside) } catch {
                note("could not remove the replaced run, now in \(Self.shown(aside)); delete it by hand")
            }
        }
        Self.syncDirectory(parent)
    }

    /// Ends a failed run: ``url`` is left as it was; the working folder is kept when its checkpoint holds
    /// something (to `--resume`), removed otherwise; the lock is released. Idempotent.
    public func abandon() {
        guard !finished else { return }
        finished = true
        let checkpoint = (try? FileManager.default.contentsOfDirectory(atPath: checkpointDirectory.path)) ?? []
        if checkpoint.isEmpty {
            try? FileManager.default.removeItem(at: workingDirectory)
            lock.release()
        } else {
            lock.release()
            note("the unfinished run is kept in \(Self.shown(workingDirectory)); continue it with --resume \(Self.shown(url))")
        }
    }

    // MARK: - What a folder holds

    /// What a folder holds, as far as claiming it goes.
    enum Contents: Equatable {
        case absent, empty
        /// A shears run (the marker, or only names shears writes).
        case run([String])
        /// Files shears did not write (their names).
        case foreign([String])
    }

    /// Whether shears writes files or folders of this name into run folders (this recognises the runs of
    /// versions from before the marker file, and the hidden temporary files of an interrupted atomic write).
    public static func isShearsOutputName(_ name: String) -> Bool {
        let exact: Set<String> = ["model.safetensors", "pruned.safetensors", "masks.safetensors", "metrics.json",
                                  checkpointFolderName, RunLock.fileName, markerFileName]
        if exact.contains(name) || name.hasPrefix("report.") { return true }
        if name.hasSuffix(".safetensors") && (name.hasPrefix("masks-") || name.hasPrefix("dense-seed")) { return true }
        return name.hasPrefix(".") && name.hasSuffix(".tmp")
    }

    /// What `url` holds; throws when a live run holds its lock.
    static func contents(of url: URL, flag: String) throws -> Contents {
        guard exists(url) else { return .absent }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
        if names.contains(RunLock.fileName), case .held(let holder) = RunLock.state(at: url.appendingPathComponent(RunLock.fileName)) {
            throw RunFolderError(.locked, folder: url.path,
                                 "another shears run (\(holder)) is finishing in \(flag) \(shown(url)); wait for it to end, or, if it is gone, delete \(shown(url.appendingPathComponent(RunLock.fileName)))")
        }
        if names.isEmpty { return .empty }
        let outputs = names.filter { $0 != RunLock.fileName && $0 != markerFileName }
        if names.contains(markerFileName) { return .run(outputs) }
        let foreign = names.filter { !isShearsOutputName($0) }
        return foreign.isEmpty ? .run(outputs) : .foreign(foreign)
    }

    /// Refuses to replace a run whose folder or files are write-protected: the protection is the user's word.
    private static func checkReplaceable(_ url: URL, names: [String], flag: String) throws {
        for item in [url] + names.map({ url.appendingPathComponent($0) }) where access(item.path, W_OK) != 0 && [EACCES, EROFS, EPERM].contains(errno) {
            throw RunFolderError(.notWritable, folder: url.path,
                                 "\(item.path) is write-protected; shears does not replace it even with --overwrite (make it writable first, or choose another \(flag))")
        }
    }

    private static func foreignFiles(_ url: URL, names: [String], flag: String) -> RunFolderError {
        RunFolderError(.foreignFiles, folder: url.path,
                       "\(flag) \(shown(url)) holds files shears did not write (\(listing(names))); shears writes only into a new or empty folder or replaces an earlier run (--overwrite); choose another folder")
    }

    private static func listing(_ names: [String]) -> String {
        let shown = names.prefix(4).joined(separator: ", ")
        return names.count > 4 ? shown + ", … (\(names.count) in all)" : shown
    }

    // MARK: - Paths

    /// The folder `path` names, refused when it is a file or a symbolic link.
    private static func target(_ path: String, flag: String) throws -> URL {
        guard !path.isEmpty else { throw RunFolderError(.notAFolder, folder: path, "\(flag) is empty; expected a folder") }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard url.path != "/" else { throw RunFolderError(.foreignFiles, folder: path, "\(flag) / is the root folder; choose a folder of its own") }
        var info = stat()
        if lstat(url.path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK {
                throw RunFolderError(.notAFolder, folder: url.path, "\(flag) \(path) is a symbolic link; give the folder it points to")
            }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                throw RunFolderError(.notAFolder, folder: url.path, "\(flag) \(path) is a file; expected a folder")
            }
        }
        return url
    }

    /// Refuses inputs that lie inside the folder (or its working folder), or are the folder.
    private static func checkInputs(_ inputs: [Input], url: URL, working: URL, flag: String) throws {
        let folders = [canonicalPath(url), canonicalPath(working)]
        for input in inputs where !input.path.isEmpty {
            let path = canonicalPath(URL(fileURLWithPath: input.path))
            if folders.contains(where: { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
                throw RunFolderError(.inputInside, folder: url.path,
                                     "\(input.flag) \(input.path) lies inside \(flag) \(shown(url)); a run never writes over its own inputs: choose another output folder")
            }
        }
    }

    /// The absolute path with symbolic links resolved as far as the path exists.
    static func canonicalPath(_ url: URL) -> String {
        var current = url.standardizedFileURL
        var rest: [String] = []
        while true {
            if let resolved = realpath(current.path, nil) {
                var path = String(cString: resolved)
                free(resolved)
                for component in rest.reversed() { path += (path.hasSuffix("/") ? "" : "/") + component }
                return path
            }
            if current.path == "/" { return url.standardizedFileURL.path }
            rest.append(current.lastPathComponent)
            current = current.deletingLastPathComponent()
        }
    }

    /// `mkdir -p`, with errors that name the folder that could not be written.
    private static func makeDirectories(_ url: URL) throws {
        if isDirectory(url) { return }
        if exists(url) {
            throw RunFolderError(.notAFolder, folder: url.path, "\(shown(url)) is a file; expected a folder")
        }
        let parent = url.deletingLastPathComponent()
        if parent.path != url.path { try makeDirectories(parent) }
        if mkdir(url.path, 0o777) != 0 {
            let code = errno
            guard code == EEXIST else {
                throw RunFolderError(.notWritable, folder: url.path, "cannot write to \(shown(parent)): \(RunFolderError.reason(code))")
            }
        }
    }

    private static func exists(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var info = stat()
        return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// A path for messages: relative to the current folder when it lies inside it, absolute otherwise.
    static func shown(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let current = FileManager.default.currentDirectoryPath
        return path.hasPrefix(current + "/") ? String(path.dropFirst(current.count + 1)) : path
    }

    /// Flushes a directory's entries (the renames); best effort.
    private static func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}
