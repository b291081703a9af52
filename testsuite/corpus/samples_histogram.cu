// CUDA-samples-style histogram256: per-block shared-memory histogram merged with global atomics.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

#define HISTOGRAM256_BIN_COUNT 256
typedef unsigned int uint;
typedef unsigned char uchar;

__global__ void histogram256Kernel(uint *d_Histogram, const uchar4 *d_Data, uint dataCount)
{
    __shared__ uint s_Hist[HISTOGRAM256_BIN_COUNT];
    for (uint bin = threadIdx.x; bin < HISTOGRAM256_BIN_COUNT; bin += blockDim.x) s_Hist[bin] = 0;
    __syncthreads();
    for (uint pos = blockIdx.x * blockDim.x + threadIdx.x; pos < dataCount; pos += blockDim.x * gridDim.x) {
        uchar4 data = d_Data[pos];
        atomicAdd(&s_Hist[data.x], 1u);
        atomicAdd(&s_Hist[data.y], 1u);
        atomicAdd(&s_Hist[data.z], 1u);
        atomicAdd(&s_Hist[data.w], 1u);
    }
    __syncthreads();
    for (uint bin = threadIdx.x; bin < HISTOGRAM256_BIN_COUNT; bin += blockDim.x) {
        uint count = s_Hist[bin];
        if (count != 0) atomicAdd(d_Histogram + bin, count);
    }
}

int main()
{
    const uint byteCount = 1u << 22;
    std::vector<uchar> h_Data(byteCount);
    for (uint i = 0; i < byteCount; i++) h_Data[i] = rand() % 256;
    uchar *d_Data;
    uint *d_Histogram;
    cudaMalloc((void **)&d_Data, byteCount);
    cudaMalloc((void **)&d_Histogram, HISTOGRAM256_BIN_COUNT * sizeof(uint));
    cudaMemcpy(d_Data, h_Data.data(), byteCount, cudaMemcpyHostToDevice);
    cudaMemset(d_Histogram, 0, HISTOGRAM256_BIN_COUNT * sizeof(uint));
    histogram256Kernel<<<240, 192>>>(d_Histogram, (const uchar4 *)d_Data, byteCount / 4);
    std::vector<uint> h_Histogram(HISTOGRAM256_BIN_COUNT);
    cudaMemcpy(h_Histogram.data(), d_Histogram, HISTOGRAM256_BIN_COUNT * sizeof(uint), cudaMemcpyDeviceToHost);
    uint sum = 0;
    for (uint b = 0; b < HISTOGRAM256_BIN_COUNT; b++) sum += h_Histogram[b];
    printf("total = %u (expected %u)\n", sum, byteCount);
    cudaFree(d_Data);
    cudaFree(d_Histogram);
    return sum == byteCount ? 0 : 1;
}
