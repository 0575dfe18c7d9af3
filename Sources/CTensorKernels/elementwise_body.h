// Element-wise and per-channel kernels of batch norm and the rectifier, included once per instruction set by
// kernels.c with KERNEL(name) naming the variant. Sums run in 16 fixed lanes combined in a fixed order, so every
// variant (and every machine) gives the same bits.

#define LANES 16

static float KERNEL(sum)(const float *restrict x, long n) {
    float lanes[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) lanes[l] += x[i + l];
    float total = 0;
    for (int l = 0; l < LANES; l++) total += lanes[l];
    for (; i < n; i++) total += x[i];
    return total;
}

static float KERNEL(sum_squared_deviations)(const float *restrict x, long n, float center) {
    float lanes[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) {
            float d = x[i + l] - center;
            lanes[l] += d * d;
        }
    float total = 0;
    for (int l = 0; l < LANES; l++) total += lanes[l];
    for (; i < n; i++) {
        float d = x[i] - center;
        total += d * d;
    }
    return total;
}

static void KERNEL(scale_shift)(const float *restrict x, float *restrict y, long n, float scale, float shift, int relu) {
    if (relu) {
        for (long i = 0; i < n; i++) {
            float v = x[i] * scale + shift;
            y[i] = v > 0 ? v : 0;
        }
    } else {
        for (long i = 0; i < n; i++) y[i] = x[i] * scale + shift;
    }
}

/// scale_shift in place: x and y may not alias under restrict, and a convolution's epilogue rewrites the plane it
/// has just written while that plane is still in cache.
static void KERNEL(scale_shift_in_place)(float *restrict x, long n, float scale, float shift, int relu) {
    if (relu) {
        for (long i = 0; i < n; i++) {
            float v = x[i] * scale + shift;
            x[i] = v > 0 ? v : 0;
        }
    } else {
        for (long i = 0; i < n; i++) x[i] = x[i] * scale + shift;
    }
}

static void KERNEL(sum_and_centered_dot)(const float *restrict dy, const float *restrict x, const float *restrict mask,
                                         long n, float center, float *sum, float *dot) {
    float sums[LANES] = {0}, dots[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) {
            float g = mask && !(mask[i + l] > 0) ? 0 : dy[i + l];
            sums[l] += g;
            dots[l] += g * (x[i + l] - center);
        }
    float s = 0, d = 0;
    for (int l = 0; l < LANES; l++) { s += sums[l]; d += dots[l]; }
    for (; i < n; i++) {
        float g = mask && !(mask[i] > 0) ? 0 : dy[i];
        s += g;
        d += g * (x[i] - center);
    }
    *sum = s;
    *dot = d;
}

static void KERNEL(normalization_gradient)(const float *restrict dy, const float *restrict x, const float *restrict mask,
                                           float *restrict dx, long n, float center, float inverse_deviation, float scale,
                                           float mean_gradient, float mean_weighted, int training) {
    if (training) {
        for (long i = 0; i < n; i++) {
            float g = mask && !(mask[i] > 0) ? 0 : dy[i];
            float normalized = (x[i] - center) * inverse_deviation;
            dx[i] = scale * (g - mean_gradient - normalized * mean_weighted);
        }
    } else {
        for (long i = 0; i < n; i++) {
            float g = mask && !(mask[i] > 0) ? 0 : dy[i];
            dx[i] = scale * g;
        }
    }
}

static void KERNEL(rectified_gradient)(const float *restrict gradient, const float *restrict output, float *restrict result,
                                       long n) {
    for (long i = 0; i < n; i++) result[i] = output[i] > 0 ? gradient[i] : 0;
}

static void KERNEL(add)(const float *restrict a, const float *restrict b, float *restrict y, long n, int relu) {
    if (relu) {
        for (long i = 0; i < n; i++) {
            float v = a[i] + b[i];
            y[i] = v > 0 ? v : 0;
        }
    } else {
        for (long i = 0; i < n; i++) y[i] = a[i] + b[i];
    }
}

#undef LANES
