// The Winograd F(2×2, 3×3) plane transforms, included once per instruction set by kernels.c with KERNEL(name)
// naming the variant. Written as plain loops over the tile columns so that the compiler vectorises them for the
// target; the transforms are those of Lavin & Gray (2016):
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  Aᵀ = [1 1 1 0; 0 1 −1 −1].
//
// The kernels read and write the NCHW planes themselves (height × width floats, row-major) and handle the padding of
// the convolution at the borders: tile (tr, t) covers output rows 2tr, 2tr + 1 and columns 2t, 2t + 1, and its 4×4
// input window rows 2tr − 1 … 2tr + 2 and columns 2t − 1 … 2t + 2; whatever falls outside the plane reads as zero and
// is dropped on writing. A plane of height × width has ⌈height / 2⌉ × ⌈width / 2⌉ tiles.

/// Bᵀ d down every column of one tile row's four window rows r0 … r3: column c of the plane goes to
/// k[i · padded + c + 1] for the four rows i of Bᵀ d.
static inline void KERNEL(input_columns)(const float *r0, const float *r1, const float *r2, const float *r3,
                                         long width, float *restrict k, long padded) {
    float *k0 = k, *k1 = k0 + padded, *k2 = k1 + padded, *k3 = k2 + padded;
    for (long c = 0; c < width; c++) {
        k0[c + 1] = r0[c] - r2[c];
        k1[c + 1] = r1[c] + r2[c];
        k2[c + 1] = r2[c] - r1[c];
        k3[c + 1] = r1[c] - r3[c];
    }
}

/// · B across one tile row's padded columns k (from input_columns): tile t's window is padded columns 2t … 2t + 3.
static inline void KERNEL(input_across)(const float *restrict k, long padded, long tiles, float *restrict o,
                                        long stride) {
    const float *k0 = k, *k1 = k0 + padded, *k2 = k1 + padded, *k3 = k2 + padded;
    for (long t = 0; t < tiles; t++) {
        long c = 2 * t;
        float a0 = k0[c], b0 = k0[c + 1], e0 = k0[c + 2], f0 = k0[c + 3];
        float a1 = k1[c], b1 = k1[c + 1], e1 = k1[c + 2], f1 = k1[c + 3];
        float a2 = k2[c], b2 = k2[c + 1], e2 = k2[c + 2], f2 = k2[c + 3];
        float a3 = k3[c], b3 = k3[c + 1], e3 = k3[c + 2], f3 = k3[c + 3];
        o[0 * stride + t] = a0 - e0;  o[1 * stride + t] = b0 + e0;  o[2 * stride + t] = e0 - b0;  o[3 * stride + t] = b0 - f0;
        o[4 * stride + t] = a1 - e1;  o[5 * stride + t] = b1 + e1;  o[6 * stride + t] = e1 - b1;  o[7 * stride + t] = b1 - f1;
        o[8 * stride + t] = a2 - e2;  o[9 * stride + t] = b2 + e2;  o[10 * stride + t] = e2 - b2; o[11 * stride + t] = b2 - f2;
        o[12 * stride + t] = a3 - e3; o[13 * stride + t] = b3 + e3; o[14 * stride + t] = e3 - b3; o[15 * stride + t] = b3 - f3;
    }
}

static void KERNEL(input_plane)(const float *restrict plane, long height, long width, const float *restrict zeros,
                                float *restrict columns, float *restrict out, long stride) {
    const long tile_rows = (height + 1) / 2, tile_columns = (width + 1) / 2, padded = 2 * tile_columns + 2;
    // Down each column (Bᵀ d) once per tile row, into four rows of `padded` columns per tile row: neighbouring windows
    // share two columns, and the zero columns left and right of the plane make every tile's window the same four
    // padded columns, so that the pass across is one loop over all the tiles, without edge cases. All tile rows go
    // down before any goes across: reading the columns right after writing them, at other offsets than the vector
    // stores, stalled store-to-load forwarding.
    for (long tr = 0; tr < tile_rows; tr++) {
        // Rows above or below the plane read the row of zeros.
        const float *rows[4];
        for (int i = 0; i < 4; i++) {
            long r = 2 * tr - 1 + i;
            rows[i] = r >= 0 && r < height ? plane + r * width : zeros;
        }
        float *k = columns + tr * 4 * padded;
        KERNEL(input_columns)(rows[0], rows[1], rows[2], rows[3], width, k, padded);
        // The padding: column 0, and columns width + 1 … padded − 1 (one, or two when the width is odd).
        for (int i = 0; i < 4; i++) {
            k[i * padded] = 0;
            k[i * padded + width + 1] = 0;
            k[i * padded + padded - 1] = 0;
        }
    }
    for (long tr = 0; tr < tile_rows; tr++)
        KERNEL(input_across)(columns + tr * 4 * padded, padded, tile_columns, out + tr * tile_columns, stride);
}

/// Y = Aᵀ M A of tile t from the position streams m[k · stride + t]: y[0], y[1] on its top row, y[2], y[3] below.
static inline void KERNEL(output_tile)(const float *restrict m, long stride, long t, float y[4]) {
    // Down each of the 4 columns (Aᵀ M) ...
    float p0 = m[0 * stride + t] + m[4 * stride + t] + m[8 * stride + t];
    float q0 = m[4 * stride + t] - m[8 * stride + t] - m[12 * stride + t];
    float p1 = m[1 * stride + t] + m[5 * stride + t] + m[9 * stride + t];
    float q1 = m[5 * stride + t] - m[9 * stride + t] - m[13 * stride + t];
    float p2 = m[2 * stride + t] + m[6 * stride + t] + m[10 * stride + t];
    float q2 = m[6 * stride + t] - m[10 * stride + t] - m[14 * stride + t];
    float p3 = m[3 * stride + t] + m[7 * stride + t] + m[11 * stride + t];
    float q3 = m[7 * stride + t] - m[11 * stride + t] - m[15 * stride + t];
    // ... then across the 2 resulting rows (· A).
    y[0] = p0 + p1 + p2;
    y[1] = p1 - p2 - p3;
    y[2] = q0 + q1 + q2;
    y[3] = q1 - q2 - q3;
}

/// One tile row of output_plane: the first `full` tiles write both their columns of `top` and `bottom` (NULL when an
/// odd height crops the tile row to its top row), and a last tile that an odd width crops writes its left column.
/// Top and bottom are separate restrict pointers, per tile row: with a single plane pointer the vectoriser guarded
/// the loop over all tile rows with one overlap test of all their rows, which always failed.
static inline void KERNEL(output_row)(const float *restrict m, long stride, long full, long tiles,
                                      float *restrict top, float *restrict bottom) {
    float y[4];
    // Separate loops rather than a test inside one, so that each vectorises.
    if (bottom) {
        for (long t = 0; t < full; t++) {
            KERNEL(output_tile)(m, stride, t, y);
            top[2 * t] = y[0]; top[2 * t + 1] = y[1];
            bottom[2 * t] = y[2]; bottom[2 * t + 1] = y[3];
        }
    } else {
        for (long t = 0; t < full; t++) {
            KERNEL(output_tile)(m, stride, t, y);
            top[2 * t] = y[0]; top[2 * t + 1] = y[1];
        }
    }
    if (full < tiles) {
        KERNEL(output_tile)(m, stride, full, y);
        top[2 * full] = y[0];
        if (bottom) bottom[2 * full] = y[2];
    }
}

static void KERNEL(output_plane)(const float *restrict products, long stride, float *restrict plane, long height,
                                 long width) {
    const long tile_rows = (height + 1) / 2, tile_columns = (width + 1) / 2;
    for (long tr = 0; tr < tile_rows; tr++) {
        float *top = plane + 2 * tr * width, *bottom = 2 * tr + 1 < height ? top + width : NULL;
        KERNEL(output_row)(products + tr * tile_columns, stride, width / 2, tile_columns, top, bottom);
    }
}

/// dM = A dY Aᵀ of tile t, whose output gradient is y00 y01 on the top row and y10 y11 below, into o[k · stride + t].
static inline void KERNEL(output_gradient_tile)(float y00, float y01, float y10, float y11, float *restrict o,
                                                long stride, long t) {
    // The adjoint of the output transform: expand each row (A dy), then each column.
    float a0 = y00, a1 = y00 + y01, a2 = y00 - y01, a3 = -y01;
    float b0 = y10, b1 = y10 + y11, b2 = y10 - y11, b3 = -y11;
    o[0 * stride + t] = a0;       o[1 * stride + t] = a1;       o[2 * stride + t] = a2;       o[3 * stride + t] = a3;
    o[4 * stride + t] = a0 + b0;  o[5 * stride + t] = a1 + b1;  o[6 * stride + t] = a2 + b2;  o[7 * stride + t] = a3 + b3;
    o[8 * stride + t] = a0 - b0;  o[9 * stride + t] = a1 - b1;  o[10 * stride + t] = a2 - b2; o[11 * stride + t] = a3 - b3;
    o[12 * stride + t] = -b0;     o[13 * stride + t] = -b1;     o[14 * stride + t] = -b2;     o[15 * stride + t] = -b3;
}

static void KERNEL(output_gradient_plane)(const float *restrict plane, long height, long width,
                                          const float *restrict zeros, float *restrict out, long stride) {
    const long tile_rows = (height + 1) / 2, tile_columns = (width + 1) / 2;
    const long full_columns = width / 2;
    for (long tr = 0; tr < tile_rows; tr++) {
        // An odd height's last tile row reads its bottom row from the row of zeros.
        const float *top = plane + 2 * tr * width, *bottom = 2 * tr + 1 < height ? top + width : zeros;
        float *o = out + tr * tile_columns;
        for (long t = 0; t < full_columns; t++)
            KERNEL(output_gradient_tile)(top[2 * t], top[2 * t + 1], bottom[2 * t], bottom[2 * t + 1], o, stride, t);
        // An odd width's last tile has no right column.
        if (full_columns < tile_columns)
            KERNEL(output_gradient_tile)(top[2 * full_columns], 0, bottom[2 * full_columns], 0, o, stride, full_columns);
    }
}

/// Row i of the tile row's windows combined onto one plane row: column 2s gets window column 1 of tile s and column
/// 3 of tile s − 1, column 2s + 1 gets window column 2 of tile s and column 0 of tile s + 1 (neighbouring windows
/// overlap by two columns). `w` holds the window columns j = 0 … 3 at w[j · padded + t + 1], with zeros for the
/// missing neighbours of the first and last tiles at w[3 · padded] and w[n + 1]; the window columns left of column 0
/// or right of width − 1 are dropped. The sum is stored when `accumulate` is 0, else added to the row: the caller
/// passes a constant, so each use compiles to one vectorised loop.
static inline void KERNEL(window_row)(float *restrict row, long width, const float *restrict w, long padded,
                                      int accumulate) {
    const float *w0 = w + 1, *w1 = w0 + padded, *w2 = w1 + padded, *w3 = w2 + padded;
    // Column pairs 2s, 2s + 1 that lie inside the row; an odd width leaves column width − 1 alone at the end.
    const long pairs = width / 2;
    if (accumulate) {
        for (long s = 0; s < pairs; s++) {
            row[2 * s] += w1[s] + w3[s - 1];
            row[2 * s + 1] += w2[s] + w0[s + 1];
        }
        if (width % 2) row[width - 1] += w1[pairs] + w3[pairs - 1];
    } else {
        for (long s = 0; s < pairs; s++) {
            row[2 * s] = w1[s] + w3[s - 1];
            row[2 * s + 1] = w2[s] + w0[s + 1];
        }
        if (width % 2) row[width - 1] = w1[pairs] + w3[pairs - 1];
    }
}

static void KERNEL(input_gradient_plane)(const float *restrict gradients, long stride, float *restrict plane,
                                         long height, long width, float *restrict window) {
    const long tile_rows = (height + 1) / 2, n = (width + 1) / 2, padded = n + 2;
    // The missing neighbours of the first and last tiles (see window_row); the pass below never overwrites them.
    for (int i = 0; i < 4; i++) {
        window[(4 * i + 3) * padded] = 0;
        window[(4 * i) * padded + n + 1] = 0;
    }
    for (long tr = 0; tr < tile_rows; tr++) {
        const float *g = gradients + tr * n;
        // First each tile's 4×4 window gradient B dV Bᵀ, tile-major: window[(4i + j) padded + t + 1] for window row i
        // and column j (a pure stream-to-stream pass that vectorises) ...
        for (long t = 0; t < n; t++) {
            float w[4][4];
            for (int i = 0; i < 4; i++) {
                float v0 = g[(4 * i) * stride + t], v1 = g[(4 * i + 1) * stride + t];
                float v2 = g[(4 * i + 2) * stride + t], v3 = g[(4 * i + 3) * stride + t];
                w[i][0] = v0; w[i][1] = v1 - v2 + v3; w[i][2] = v1 + v2 - v0; w[i][3] = -v3;
            }
            for (int j = 0; j < 4; j++) {
                window[j * padded + t + 1] = w[0][j];
                window[(4 + j) * padded + t + 1] = w[1][j] - w[2][j] + w[3][j];
                window[(8 + j) * padded + t + 1] = w[1][j] + w[2][j] - w[0][j];
                window[(12 + j) * padded + t + 1] = -w[3][j];
            }
        }
        // ... then onto the plane: window row i lands on plane row 2tr + i − 1. The plane is not zeroed beforehand:
        // rows 2tr + 1 and 2tr + 2 are first reached here (window rows 2 and 3) and are stored; rows 2tr − 1 and 2tr
        // were stored by the tile row above and get window rows 0 and 1 added, except that the first tile row stores
        // row 0 (and drops row −1).
        if (tr > 0) {
            KERNEL(window_row)(plane + (2 * tr - 1) * width, width, window, padded, 1);
            KERNEL(window_row)(plane + 2 * tr * width, width, window + 4 * padded, padded, 1);
        } else {
            KERNEL(window_row)(plane, width, window + 4 * padded, padded, 0);
        }
        if (2 * tr + 1 < height) KERNEL(window_row)(plane + (2 * tr + 1) * width, width, window + 8 * padded, padded, 0);
        if (2 * tr + 2 < height) KERNEL(window_row)(plane + (2 * tr + 2) * width, width, window + 12 * padded, padded, 0);
    }
}
