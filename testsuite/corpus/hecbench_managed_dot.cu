// HeCBench-style dot product: last-block-finishes reduction with __managed__ results, fences, device printf and assert.
#include <cstdio>
#include <cassert>
#include <cuda_runtime.h>

#define THREADS 256

__managed__ double g_result;
__device__ unsigned int g_blocksDone = 0;
__device__ long long g_cycles;

namespace dot {
namespace detail {
__device__ double blockSum(double v, double *scratch)
{
    scratch[threadIdx.x] = v;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) scratch[threadIdx.x] += scratch[threadIdx.x + s];
        __syncthreads();
    }
    return scratch[0];
}
} // namespace detail

__global__ void dot_kernel(const float *a, const float *b, double *partial, size_t n)
{
    __shared__ double scratch[THREADS];
    __shared__ bool amLast;
    assert(blockDim.x == THREADS);
    long long t0 = clock64();
    double v = 0.0;
    for (size_t i = blockIdx.x * (size_t)THREADS + threadIdx.x; i < n; i += (size_t)THREADS * gridDim.x)
        v += (double)a[i] * (double)b[i];
    double s = detail::blockSum(v, scratch);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = s;
        __threadfence();
        unsigned int ticket = atomicInc(&::g_blocksDone, gridDim.x);
        amLast = (ticket == gridDim.x - 1);
    }
    __syncthreads();
    int nonzero = __syncthreads_count(v != 0.0);
    if (amLast) {
        double total = 0.0;
        for (unsigned int k = threadIdx.x; k < gridDim.x; k += THREADS) total += partial[k];
        total = detail::blockSum(total, scratch);
        if (threadIdx.x == 0) {
            ::g_result = total;
            g_blocksDone = 0;
            g_cycles = clock64() - t0;
            printf("dot = %f (%d threads with data in the last block)\n", total, nonzero);
        }
    }
}
} // namespace dot

int main()
{
    const size_t n = 1 << 24;
    const int blocks = 128;
    float *a, *b;
    double *partial;
    cudaMallocManaged(&a, n * sizeof(float));
    cudaMallocManaged(&b, n * sizeof(float));
    cudaMalloc(&partial, blocks * sizeof(double));
    for (size_t i = 0; i < n; i++) {
        a[i] = 1.0f;
        b[i] = 0.5f;
    }
    dot::dot_kernel<<<blocks, THREADS>>>(a, b, partial, n);
    cudaDeviceSynchronize();
    printf("host sees %f (expected %f)\n", g_result, 0.5 * n);
    cudaFree(a);
    cudaFree(b);
    cudaFree(partial);
    return 0;
}
