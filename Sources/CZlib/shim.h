// zlib's inflate reads the gzipped IDX files (Foundation on Linux has no gzip decoder).
#pragma once
#include <zlib.h>
