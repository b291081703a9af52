// HeCBench-style softmax: row-wise numerically stable softmax, one warp per row with shuffle reductions, host check.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

#define CHECK_CUDA(call, ...)                                                    \
    do {                                                                         \
        cudaError_t e = (call);                                                  \
        if (e != cudaSuccess) {                                                  \
            fprintf(stderr, "CUDA error %s at " __VA_ARGS__ "\n", cudaGetErrorString(e)); \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

constexpr int kWarp = 32;
constexpr int kRowsPerBlock = 4;
static_assert(kWarp * kRowsPerBlock <= 1024, "block too large");

__device__ __forceinline__ float warpMax(float v)
{
    for (int o = kWarp / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ float warpSum(float v)
{
    for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__global__ void softmax_warp(const float *__restrict__ in, float *__restrict__ out, int rows, int cols)
{
    const int row = blockIdx.x * kRowsPerBlock + threadIdx.y;
    const int lane = threadIdx.x;
    if (row >= rows) return;
    const float *x = in + (size_t)row * cols;
    float *y = out + (size_t)row * cols;
    float m = -INFINITY;
    for (int c = lane; c < cols; c += kWarp) m = fmaxf(m, x[c]);
    m = warpMax(m);
    float s = 0.0f;
    for (int c = lane; c < cols; c += kWarp) s += expf(x[c] - m);
    s = warpSum(s);
    const float inv = 1.0f / s;
    for (int c = lane; c < cols; c += kWarp) y[c] = expf(x[c] - m) * inv;
}

int main(int argc, char *argv[])
{
    const int rows = 1024, cols = 1000;
    const size_t bytes = (size_t)rows * cols * sizeof(float);
    std::vector<float> h_in((size_t)rows * cols), h_out((size_t)rows * cols);
    for (auto &v : h_in) v = rand() / (float)RAND_MAX;
    float *d_in = nullptr, *d_out = nullptr;
    CHECK_CUDA(cudaMalloc(&d_in, bytes), "malloc in");
    CHECK_CUDA(cudaMalloc(&d_out, bytes), "malloc out");
    CHECK_CUDA(cudaMemcpy(d_in, h_in.data(), bytes, cudaMemcpyHostToDevice), "copy in");
    dim3 block(kWarp, kRowsPerBlock);
    dim3 grid((rows + kRowsPerBlock - 1) / kRowsPerBlock);
    softmax_warp<<<grid, block>>>(d_in, d_out, rows, cols);
    CHECK_CUDA(cudaMemcpy(h_out.data(), d_out, bytes, cudaMemcpyDeviceToHost), "copy out");
    double total = 0.0;
    for (int c = 0; c < cols; c++) total += h_out[c];
    printf("row 0 sums to %f\n", total);
    cudaFree(d_in);
    cudaFree(d_out);
    return std::fabs(total - 1.0) < 1e-3 ? 0 : 1;
}
