// Compiles the kernels once per instruction set and picks the best one the CPU supports, once per process.
#include "TensorKernels.h"

// No fused multiply-add contraction: every variant must round exactly as the baseline does.
#pragma clang fp contract(off)

#define KERNEL(name) name##_baseline
#include "winograd_body.h"
#include "elementwise_body.h"
#include "im2col_body.h"
#undef KERNEL

#if defined(__x86_64__) && defined(__clang__)
#define SHEARS_HAS_X86_VARIANTS 1

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define KERNEL(name) name##_avx2
#include "winograd_body.h"
#include "elementwise_body.h"
#include "im2col_body.h"
#undef KERNEL
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx2,fma"))), apply_to = function)
#define KERNEL(name) name##_avx512
#include "winograd_body.h"
#include "elementwise_body.h"
#include "im2col_body.h"
#undef KERNEL
#pragma clang attribute pop
#endif

/// 0 baseline, 1 AVX2 + FMA, 2 AVX-512; decided on first use. Workers may race to decide it: they all compute the
/// same value, and the atomic load and store keep that race well-defined.
static int instruction_set(void) {
    static int chosen = -1;
    int level = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (level < 0) {
        level = 0;
#ifdef SHEARS_HAS_X86_VARIANTS
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
        if (level == 1 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) level = 2;
#endif
        __atomic_store_n(&chosen, level, __ATOMIC_RELAXED);
    }
    return level;
}

const char *shears_kernel_instruction_set(void) {
    static const char *names[] = {"baseline", "avx2", "avx512"};
    return names[instruction_set()];
}

#ifdef SHEARS_HAS_X86_VARIANTS
#define DISPATCH(name, ...)                                    \
    switch (instruction_set()) {                               \
    case 2: name##_avx512(__VA_ARGS__); return;                \
    case 1: name##_avx2(__VA_ARGS__); return;                  \
    default: name##_baseline(__VA_ARGS__); return;             \
    }
#else
#define DISPATCH(name, ...) name##_baseline(__VA_ARGS__);
#endif

#ifdef SHEARS_HAS_X86_VARIANTS
#define DISPATCH_RETURN(name, ...)                             \
    switch (instruction_set()) {                               \
    case 2: return name##_avx512(__VA_ARGS__);                 \
    case 1: return name##_avx2(__VA_ARGS__);                   \
    default: return name##_baseline(__VA_ARGS__);              \
    }
#else
#define DISPATCH_RETURN(name, ...) return name##_baseline(__VA_ARGS__);
#endif

void shears_winograd_input_plane(const float *plane, long height, long width, const float *zeros, float *columns,
                                 float *out, long stride) {
    DISPATCH(input_plane, plane, height, width, zeros, columns, out, stride)
}

void shears_winograd_output_plane(const float *products, long stride, float *plane, long height, long width) {
    DISPATCH(output_plane, products, stride, plane, height, width)
}

void shears_winograd_output_gradient_plane(const float *plane, long height, long width, const float *zeros, float *out,
                                           long stride) {
    DISPATCH(output_gradient_plane, plane, height, width, zeros, out, stride)
}

void shears_winograd_input_gradient_plane(const float *gradients, long stride, float *plane, long height, long width,
                                          float *window) {
    DISPATCH(input_gradient_plane, gradients, stride, plane, height, width, window)
}

float shears_sum(const float *x, long n) { DISPATCH_RETURN(sum, x, n) }

float shears_sum_squared_deviations(const float *x, long n, float center) {
    DISPATCH_RETURN(sum_squared_deviations, x, n, center)
}

void shears_scale_shift(const float *x, float *y, long n, float scale, float shift, int relu) {
    DISPATCH(scale_shift, x, y, n, scale, shift, relu)
}

void shears_scale_shift_in_place(float *x, long n, float scale, float shift, int relu) {
    DISPATCH(scale_shift_in_place, x, n, scale, shift, relu)
}

void shears_sum_and_centered_dot(const float *dy, const float *x, const float *mask, long n, float center,
                                 float *sum, float *dot) {
    DISPATCH(sum_and_centered_dot, dy, x, mask, n, center, sum, dot)
}

void shears_normalization_gradient(const float *dy, const float *x, const float *mask, float *dx, long n, float center,
                                   float inverse_deviation, float scale, float mean_gradient, float mean_weighted,
                                   int training) {
    DISPATCH(normalization_gradient, dy, x, mask, dx, n, center, inverse_deviation, scale, mean_gradient, mean_weighted,
             training)
}

void shears_rectified_gradient(const float *gradient, const float *output, float *result, long n) {
    DISPATCH(rectified_gradient, gradient, output, result, n)
}

void shears_add(const float *a, const float *b, float *y, long n, int relu) { DISPATCH(add, a, b, y, n, relu) }

void shears_im2col_tap(const float *origin, long row_step, long stride_w, long out_height, long out_width, long row_lo,
                       long row_hi, long lo, long hi, float *target) {
    DISPATCH(im2col_tap, origin, row_step, stride_w, out_height, out_width, row_lo, row_hi, lo, hi, target)
}

void shears_col2im_tap(const float *source, long row_step, long stride_w, long out_width, long row_lo, long row_hi,
                       long lo, long hi, float *origin) {
    DISPATCH(col2im_tap, source, row_step, stride_w, out_width, row_lo, row_hi, lo, hi, origin)
}
