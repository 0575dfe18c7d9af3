#ifndef GZIP_FOR_FUZZ_H
#define GZIP_FOR_FUZZ_H
#include <stddef.h>
#include <stdint.h>

/// The largest gzip stream `gzip_for_fuzz` can produce from `length` bytes.
size_t gzip_for_fuzz_bound(size_t length);

/// Compresses `length` bytes into a single gzip member at `output` (capacity `capacity`).
/// Returns the number of bytes written, or 0 when zlib fails.
size_t gzip_for_fuzz(const uint8_t *input, size_t length, uint8_t *output, size_t capacity);

#endif
