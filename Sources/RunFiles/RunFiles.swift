// Module RunFiles: the files of a run, apart from any format — writes that appear whole or not at all, the output
// folder a run claims, and the lock that keeps a second run out of it. Needs only Foundation, so the safetensors
// format, the pipeline's run checkpoints and the reports all write through it. See docs/ARCHITECTURE.md.
//
// Layout of the module, one job per file:
//   AtomicFile.swift      — write-to-temporary-then-rename for every file Shears writes
//   RunFolder.swift       — claims a run's output folder, works beside it, and commits it in one rename
//   RunFolderError.swift  — the error thrown when a run folder cannot be claimed, resumed or committed
//   RunLock.swift         — the lock file of a run's working folder, taken over when its owner has ended
