// Module Checkpoints: safetensors files for weights and masks, and atomic file writes for every artefact Shears
// saves (checkpoints, metrics.json, reports). See docs/ARCHITECTURE.md.
//
// Layout of the module, one job per file:
//   CheckpointError.swift     — the error thrown for bad or unreadable files
//   SafeTensorsDType.swift    — element types of the format and their sizes
//   StoredTensor.swift        — one tensor as stored: dtype, shape, raw little-endian bytes
//   ScalarConversion.swift    — stored bytes → Float (F16/BF16 bit decoding, integer and bool widening)
//   SafeTensorsFile.swift     — a parsed file: tensors in file order plus metadata
//   SafeTensorsDecoder.swift  — parses and validates a file's bytes
//   SafeTensorsEncoder.swift  — serialises tensors the way Python's safetensors does
//   SafeTensors.swift         — the public read/write entry points, for raw, Float and mask tensors
//   AtomicFile.swift          — write-to-temporary-then-rename for every file Shears writes
