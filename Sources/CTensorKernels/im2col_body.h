// The inner loops of im2col and its adjoint for one kernel tap of one image, included once per instruction set by
// kernels.c. Copies and element-wise additions only, so every variant gives the same bits.

static void KERNEL(im2col_tap)(const float *origin, long row_step, long stride_w, long out_height, long out_width,
                               long row_lo, long row_hi, long lo, long hi, float *restrict target) {
    for (long i = 0; i < row_lo * out_width; i++) target[i] = 0;
    for (long r = row_lo; r < row_hi; r++) {
        const float *source = origin + r * row_step;
        float *destination = target + r * out_width;
        for (long i = 0; i < lo; i++) destination[i] = 0;
        if (stride_w == 1) {
            for (long i = lo; i < hi; i++) destination[i] = source[i];
        } else {
            for (long i = lo; i < hi; i++) destination[i] = source[i * stride_w];
        }
        for (long i = hi; i < out_width; i++) destination[i] = 0;
    }
    for (long i = row_hi * out_width; i < out_height * out_width; i++) target[i] = 0;
}

static void KERNEL(col2im_tap)(const float *restrict source, long row_step, long stride_w, long out_width,
                               long row_lo, long row_hi, long lo, long hi, float *origin) {
    for (long r = row_lo; r < row_hi; r++) {
        float *destination = origin + r * row_step;
        const float *from = source + r * out_width;
        if (stride_w == 1) {
            for (long i = lo; i < hi; i++) destination[i] += from[i];
        } else {
            for (long i = lo; i < hi; i++) destination[i * stride_w] += from[i];
        }
    }
}
