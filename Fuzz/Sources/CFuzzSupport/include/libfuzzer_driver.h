#ifndef LIBFUZZER_DRIVER_H
#define LIBFUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for programs that have their own `main` (LLVM ≥ 12); linked in by `-sanitize=fuzzer`.
/// SwiftPM renames and wraps every executable's `main`, so the targets start libFuzzer through this instead of
/// relying on libFuzzer's own `main`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
