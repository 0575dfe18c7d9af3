// The Winograd F(2×2, 3×3) plane transforms, included once per instruction set by kernels.c with KERNEL(name)
// naming the variant. Written as plain loops over the tile columns so that the compiler vectorises them for the
// target; the transforms are those of Lavin & Gray (2016):
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  Aᵀ = [1 1 1 0; 0 1 −1 −1].

static void KERNEL(input_plane)(const float *restrict staging, long columns, long tile_rows, long tile_columns,
                                float *restrict out, long stride) {
    for (long tr = 0; tr < tile_rows; tr++) {
        const float *r0 = staging + 2 * tr * columns, *r1 = r0 + columns, *r2 = r1 + columns, *r3 = r2 + columns;
        float *o = out + tr * tile_columns;
        for (long t = 0; t < tile_columns; t++) {
            long c = 2 * t;
            // Down each of the 4 columns (Bᵀ d) ...
            float a0 = r0[c] - r2[c], a1 = r1[c] + r2[c], a2 = r2[c] - r1[c], a3 = r1[c] - r3[c];
            float b0 = r0[c + 1] - r2[c + 1], b1 = r1[c + 1] + r2[c + 1], b2 = r2[c + 1] - r1[c + 1], b3 = r1[c + 1] - r3[c + 1];
            float e0 = r0[c + 2] - r2[c + 2], e1 = r1[c + 2] + r2[c + 2], e2 = r2[c + 2] - r1[c + 2], e3 = r1[c + 2] - r3[c + 2];
            float f0 = r0[c + 3] - r2[c + 3], f1 = r1[c + 3] + r2[c + 3], f2 = r2[c + 3] - r1[c + 3], f3 = r1[c + 3] - r3[c + 3];
            // ... then across each resulting row (· B).
            o[0 * stride + t] = a0 - e0;  o[1 * stride + t] = b0 + e0;  o[2 * stride + t] = e0 - b0;  o[3 * stride + t] = b0 - f0;
            o[4 * stride + t] = a1 - e1;  o[5 * stride + t] = b1 + e1;  o[6 * stride + t] = e1 - b1;  o[7 * stride + t] = b1 - f1;
            o[8 * stride + t] = a2 - e2;  o[9 * stride + t] = b2 + e2;  o[10 * stride + t] = e2 - b2; o[11 * stride + t] = b2 - f2;
            o[12 * stride + t] = a3 - e3; o[13 * stride + t] = b3 + e3; o[14 * stride + t] = e3 - b3; o[15 * stride + t] = b3 - f3;
        }
    }
}

static void KERNEL(output_plane)(const float *restrict products, long stride, long tile_rows, long tile_columns,
                                 float *restrict staging, long columns) {
    for (long tr = 0; tr < tile_rows; tr++) {
        const float *m = products + tr * tile_columns;
        float *top = staging + 2 * tr * columns, *bottom = top + columns;
        for (long t = 0; t < tile_columns; t++) {
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
            top[2 * t] = p0 + p1 + p2;
            top[2 * t + 1] = p1 - p2 - p3;
            bottom[2 * t] = q0 + q1 + q2;
            bottom[2 * t + 1] = q1 - q2 - q3;
        }
    }
}

static void KERNEL(output_gradient_plane)(const float *restrict staging, long columns, long tile_rows, long tile_columns,
                                          float *restrict out, long stride) {
    for (long tr = 0; tr < tile_rows; tr++) {
        const float *top = staging + 2 * tr * columns, *bottom = top + columns;
        float *o = out + tr * tile_columns;
        for (long t = 0; t < tile_columns; t++) {
            float y00 = top[2 * t], y01 = top[2 * t + 1], y10 = bottom[2 * t], y11 = bottom[2 * t + 1];
            // The adjoint of the output transform: expand each row (A dy), then each column.
            float a0 = y00, a1 = y00 + y01, a2 = y00 - y01, a3 = -y01;
            float b0 = y10, b1 = y10 + y11, b2 = y10 - y11, b3 = -y11;
            o[0 * stride + t] = a0;       o[1 * stride + t] = a1;       o[2 * stride + t] = a2;       o[3 * stride + t] = a3;
            o[4 * stride + t] = a0 + b0;  o[5 * stride + t] = a1 + b1;  o[6 * stride + t] = a2 + b2;  o[7 * stride + t] = a3 + b3;
            o[8 * stride + t] = a0 - b0;  o[9 * stride + t] = a1 - b1;  o[10 * stride + t] = a2 - b2; o[11 * stride + t] = a3 - b3;
            o[12 * stride + t] = -b0;     o[13 * stride + t] = -b1;     o[14 * stride + t] = -b2;     o[15 * stride + t] = -b3;
        }
    }
}

static void KERNEL(input_gradient_plane)(const float *restrict gradients, long stride, long tile_rows, long tile_columns,
                                         float *restrict staging, long columns, float *restrict window) {
    const long n = tile_columns;
    for (long tr = 0; tr < tile_rows; tr++) {
        const float *g = gradients + tr * n;
        // First each tile's 4×4 window gradient B dV Bᵀ, tile-major: window[(4i + j) n + t] for window row i and
        // column j (a pure stream-to-stream pass that vectorises) ...
        for (long t = 0; t < n; t++) {
            float w[4][4];
            for (int i = 0; i < 4; i++) {
                float v0 = g[(4 * i) * stride + t], v1 = g[(4 * i + 1) * stride + t];
                float v2 = g[(4 * i + 2) * stride + t], v3 = g[(4 * i + 3) * stride + t];
                w[i][0] = v0; w[i][1] = v1 - v2 + v3; w[i][2] = v1 + v2 - v0; w[i][3] = -v3;
            }
            for (int j = 0; j < 4; j++) {
                window[j * n + t] = w[0][j];
                window[(4 + j) * n + t] = w[1][j] - w[2][j] + w[3][j];
                window[(8 + j) * n + t] = w[1][j] + w[2][j] - w[0][j];
                window[(12 + j) * n + t] = -w[3][j];
            }
        }
        // ... then onto the plane: window row i lands on plane row 2 tr + i, where column 2t + j (j = 0, 1) gets window
        // column j of tile t and column 2 + j of tile t − 1 (neighbouring windows overlap by two columns).
        for (int i = 0; i < 4; i++) {
            float *row = staging + (2 * tr + i) * columns;
            const float *left0 = window + (4 * i) * n, *left1 = left0 + n, *right0 = left1 + n, *right1 = right0 + n;
            row[0] += left0[0];
            row[1] += left1[0];
            for (long t = 1; t < n; t++) {
                row[2 * t] += left0[t] + right0[t - 1];
                row[2 * t + 1] += left1[t] + right1[t - 1];
            }
            row[2 * n] += right0[n - 1];
            row[2 * n + 1] += right1[n - 1];
        }
    }
}
