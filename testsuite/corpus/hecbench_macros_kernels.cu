// HeCBench-style element-wise op library: kernels stamped out by token-pasting macros, variadic debug logging, #if chains.
#include <cuda_runtime.h>
#include <stdio.h>

#define VERSION_MAJOR 2
#define STR_(x) #x
#define STR(x) STR_(x)
#define OPLIB_NAME "oplib-v" STR(VERSION_MAJOR)

#ifdef OPLIB_DEBUG
#define DLOG(fmt, ...) printf("[" OPLIB_NAME "] " fmt "\n", __VA_ARGS__)
#else
#define DLOG(fmt, ...) ((void)0)
#endif

#if VERSION_MAJOR >= 3
#define UNROLL 8
#elif VERSION_MAJOR == 2
#define UNROLL 4
#else
#define UNROLL 1
#endif

#define GRID_STRIDE_LOOP(i, n) \
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < (n); i += (size_t)blockDim.x * gridDim.x)

#define DEFINE_UNARY_KERNEL(name, T, expr)                                   \
    __global__ void name##_kernel_##T(T *out, const T *in, size_t n)          \
    {                                                                         \
        GRID_STRIDE_LOOP(i, n) {                                              \
            T x = in[i];                                                      \
            out[i] = (expr);                                                  \
        }                                                                     \
    }

#define DEFINE_BINARY_KERNEL(name, T, op)                                    \
    __global__ void name##_kernel_##T(T *out, const T *a, const T *b, size_t n) \
    {                                                                         \
        GRID_STRIDE_LOOP(i, n) out[i] = a[i] op b[i];                         \
    }

DEFINE_UNARY_KERNEL(square, float, x * x)
DEFINE_UNARY_KERNEL(square, double, x * x)
DEFINE_UNARY_KERNEL(negate, int, -x)
DEFINE_UNARY_KERNEL(abs, float, fabsf(x))
DEFINE_BINARY_KERNEL(add, float, +)
DEFINE_BINARY_KERNEL(mul, float, *)
DEFINE_BINARY_KERNEL(band, int, &)

#undef DEFINE_UNARY_KERNEL
#undef DEFINE_BINARY_KERNEL

__global__ void axpy_unrolled(float *y, const float *x, float a, int n)
{
    int base = (blockIdx.x * blockDim.x + threadIdx.x) * UNROLL;
#pragma unroll 4
    for (int k = 0; k < UNROLL; k++) {
        int i = base + k;
        if (i < n) y[i] = a * x[i] + y[i];
    }
    if (base == 0) DLOG("axpy n=%d a=%f", n, a);
}

#if !defined(UNROLL) || UNROLL < 1
#error "UNROLL must be a positive constant"
#endif
