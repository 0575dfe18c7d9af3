// Module SafeTensorsFormat: the safetensors file format, for weights and masks (read, validate, write). Files are
// written through RunFiles' `AtomicFile`, so none is ever half-written. See docs/ARCHITECTURE.md.
//
// Layout of the module, one job per file:
//   CheckpointError.swift     — the error thrown for bad or unreadable files
//   SafeTensorsDType.swift    — element types of the format and their sizes
//   StoredTensor.swift        — one tensor as stored: dtype, shape, raw little-endian bytes
//   ScalarConversion.swift    — stored bytes → Float (F16/BF16 bit decoding, integer and bool widening)
//   SafeTensorsFile.swift     — a parsed file: tensors in file order plus metadata
//   WeightTensors.swift       — which stored tensors may be weights (float dtypes, finite values)
//   SafeTensorsDecoder.swift  — parses and validates a file: length prefix, header, then the data
//   ReadableFile.swift        — opens a regular file (refusing folders and FIFOs by type) for reads by offset
//   JSONText.swift            — a stack-free JSON grammar check with depth cap, duplicate keys and line/column
//   SafeTensorsEncoder.swift  — serialises tensors the way Python's safetensors does
//   SafeTensors.swift         — the public read/write entry points, for raw, Float and mask tensors
