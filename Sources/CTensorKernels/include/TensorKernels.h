// Hot element-wise kernels of the tensor engine, in C so that they can be compiled for the vector units the CPU
// has (AVX2 + FMA, AVX-512) and chosen at run time, while the package itself builds for baseline x86-64. Swift's
// SIMD types on baseline x86-64 map to 128-bit registers, and the 16-input Winograd transforms spilled most of
// their values to the stack there.
//
// Layout conventions (see Sources/TensorEngine/Operations/Winograd.swift): a plane is one image channel, row-major,
// height × width; the 16 transform-domain values of tile (tile_row, tile_column) of one channel lie at
// out[position * stride + tile_row * tile_columns + tile_column] for position = 4 * row + column of the 4×4 tile,
// with tile_columns = ⌈width / 2⌉.
#ifndef SHEARS_TENSOR_KERNELS_H
#define SHEARS_TENSOR_KERNELS_H

#include <stddef.h>

/// V = Bᵀ d B for every 4×4 window (stride 2) of a height × width plane, written to the 16 position streams. The
/// windows extend one row and column beyond the plane on each side (the convolution's padding), which read as zero.
/// `zeros` holds `width` zeros; `columns` is scratch for 4 × (2⌈width / 2⌉ + 2) × ⌈height / 2⌉ floats.
void shears_winograd_input_plane(const float *plane, long height, long width, const float *zeros, float *columns,
                                 float *out, long stride);

/// Y = Aᵀ M A for every tile, from the 16 position streams, into a height × width plane (2 rows and 2 columns per
/// tile, the last tile row or column cropped when the height or width is odd).
void shears_winograd_output_plane(const float *products, long stride, float *plane, long height, long width);

/// dM = A dY Aᵀ for every tile, from a height × width plane of the output gradient (zero beyond a cropped edge), into
/// the 16 streams. `zeros` holds `width` zeros.
void shears_winograd_output_gradient_plane(const float *plane, long height, long width, const float *zeros, float *out,
                                           long stride);

/// Σ B dV Bᵀ over the overlapping 4×4 windows, from the 16 streams, written to a height × width plane (whose
/// contents on entry do not matter); window parts beyond the plane are dropped. `window` is scratch for
/// 16 × (⌈width / 2⌉ + 2) floats.
void shears_winograd_input_gradient_plane(const float *gradients, long stride, float *plane, long height, long width,
                                          float *window);

/// Σ x over n floats, in 16 lanes combined in a fixed order.
float shears_sum(const float *x, long n);

/// Σ (x − center)² over n floats, in 16 lanes.
float shears_sum_squared_deviations(const float *x, long n, float center);

/// y = x · scale + shift, then max(·, 0) when relu is non-zero.
void shears_scale_shift(const float *x, float *y, long n, float scale, float shift, int relu);

/// x = x · scale + shift, then max(·, 0) when relu is non-zero, in place (bit for bit what shears_scale_shift gives).
void shears_scale_shift_in_place(float *x, long n, float scale, float shift, int relu);

/// Σ g and Σ g · (x − center), with g = dy where mask is NULL or positive, else 0 (a fused ReLU's gradient).
void shears_sum_and_centered_dot(const float *dy, const float *x, const float *mask, long n, float center,
                                 float *sum, float *dot);

/// Batch norm's input gradient over n floats (g masked as in shears_sum_and_centered_dot):
/// training: scale · (g − mean_gradient − (x − center) · inverse_deviation · mean_weighted); else scale · g.
void shears_normalization_gradient(const float *dy, const float *x, const float *mask, float *dx, long n, float center,
                                   float inverse_deviation, float scale, float mean_gradient, float mean_weighted,
                                   int training);

/// result = gradient where output > 0, else 0 (the gradient through a rectifier, from its output).
void shears_rectified_gradient(const float *gradient, const float *output, float *result, long n);

/// y = a + b, then max(·, 0) when relu is non-zero.
void shears_add(const float *a, const float *b, float *y, long n, int relu);

/// One kernel tap of im2col for one image: target[r · out_width + i] = origin[r · row_step + i · stride_w] for output
/// rows row_lo ..< row_hi and columns lo ..< hi (the positions whose input lies inside the image), 0 elsewhere in the
/// out_height × out_width block. `origin` points at the input element of output position (0, 0) for this tap.
void shears_im2col_tap(const float *origin, long row_step, long stride_w, long out_height, long out_width, long row_lo,
                       long row_hi, long lo, long hi, float *target);

/// The adjoint of shears_im2col_tap: origin[r · row_step + i · stride_w] += source[r · out_width + i] over the same
/// rows and columns.
void shears_col2im_tap(const float *source, long row_step, long stride_w, long out_width, long row_lo, long row_hi,
                       long lo, long hi, float *origin);

/// The name of the instruction set the kernels run with on this CPU ("avx512", "avx2" or "baseline").
const char *shears_kernel_instruction_set(void);

#endif
