// Models HeCBench-style mixed-precision kernels: a half-precision GEMV with __half2 loads and float accumulation, a softmax over half rows, and a half bias-add with conversions.
#include <cuda_fp16.h>
#include <cstdio>

#define WARP 32

__device__ __forceinline__ float warp_sum(float v)
{
#pragma unroll
    for (int off = WARP / 2; off > 0; off >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, off);
    return v;
}

__device__ __forceinline__ half warp_max_half(half v)
{
    for (int off = WARP / 2; off > 0; off >>= 1)
        v = __hmax(v, __shfl_xor_sync(0xffffffffu, v, off));
    return v;
}

// y[row] = alpha * dot(A[row, :], x) + beta * y[row]; one warp per row, two halves per load.
__global__ void gemv_half2(const half* __restrict__ A, const half* __restrict__ x, half* y,
                           int rows, int cols, float alpha, float beta)
{
    int row = blockIdx.x * (blockDim.x / WARP) + threadIdx.x / WARP;
    int lane = threadIdx.x % WARP;
    if (row >= rows) return;
    const half2* a2 = reinterpret_cast<const half2*>(A + (size_t)row * cols);
    const half2* x2 = reinterpret_cast<const half2*>(x);
    float acc = 0.0f;
    for (int c = lane; c < cols / 2; c += WARP) {
        float2 p = __half22float2(__hmul2(a2[c], x2[c]));
        acc += p.x + p.y;
    }
    acc = warp_sum(acc);
    if (lane == 0) {
        float old = __half2float(y[row]);
        y[row] = __float2half_rn(alpha * acc + beta * old);
    }
}

// Row softmax over half values; the max is taken in half, the sum in float.
__global__ void softmax_half(const __half* in, __half* out, int cols)
{
    const __half* r = in + (size_t)blockIdx.x * cols;
    __half* o = out + (size_t)blockIdx.x * cols;
    __half m = __float2half(-65504.0f);
    for (int c = threadIdx.x; c < cols; c += WARP)
        m = __hmax(m, r[c]);
    m = warp_max_half(m);
    float s = 0.0f;
    for (int c = threadIdx.x; c < cols; c += WARP)
        s += hexp(r[c] - m);
    s = warp_sum(s);
    __half inv = __float2half(1.0f / s);
    for (int c = threadIdx.x; c < cols; c += WARP)
        o[c] = hexp(r[c] - m) * inv;
}

// Bias-add with ReLU in half, counting saturated outputs with a half atomic.
__global__ void bias_relu(half2* v, const half2* bias, half* clipped, int n2, int width2)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n2) return;
    const half2 zero = __float2half2_rn(0.0f);
    half2 t = __hadd2(v[i], bias[i % width2]);
    t = __hmax2(t, zero);
    if (__hbgt2(t, __float2half2_rn(60000.0f)))
        atomicAdd(clipped, __int2half_rn(1));
    half lo = __low2half(t);
    half hi = __high2half(t);
    lo += __float2half(0.5f) * hi;
    v[i] = __halves2half2(lo, hi);
}

int main()
{
    const int rows = 256, cols = 512;
    half *A, *x, *y;
    cudaMalloc(&A, sizeof(half) * rows * cols);
    cudaMalloc(&x, sizeof(half) * cols);
    cudaMalloc(&y, sizeof(half) * rows);
    gemv_half2<<<rows / 4, 128>>>(A, x, y, rows, cols, 1.0f, 0.0f);
    softmax_half<<<rows, WARP>>>(A, A, cols);
    cudaDeviceSynchronize();
    printf("done\n");
    cudaFree(A);
    cudaFree(x);
    cudaFree(y);
    return 0;
}
