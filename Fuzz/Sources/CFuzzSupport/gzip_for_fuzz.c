// gzip compression for the IDX fuzz target. The header keeps zlib's types out of Swift, so this module cannot
// clash with the main package's CZlib module.
#include "gzip_for_fuzz.h"
#include <string.h>
#include <zlib.h>

size_t gzip_for_fuzz_bound(size_t length) {
    // deflateBound for a zlib stream plus the difference between the gzip (18 bytes) and zlib (6 bytes) framing.
    return (size_t)compressBound((uLong)length) + 32;
}

size_t gzip_for_fuzz(const uint8_t *input, size_t length, uint8_t *output, size_t capacity) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    // 16 + 15 window bits ask for a gzip header and trailer instead of a zlib one; memory level 1 keeps the
    // per-input allocation small (the inputs are a few kilobytes).
    if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + 15, 1, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = output;
    stream.avail_out = (uInt)capacity;
    int status = deflate(&stream, Z_FINISH);
    size_t written = capacity - stream.avail_out;
    deflateEnd(&stream);
    return status == Z_STREAM_END ? written : 0;
}
