// CUDA-samples-style reduction #0/#1: interleaved addressing with divergent and strided indexing.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

#define BLOCK 256

__global__ void reduce0(const int *g_idata, int *g_odata, unsigned int n)
{
    __shared__ int sdata[BLOCK];
    unsigned int tid = threadIdx.x;
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    sdata[tid] = (i < n) ? g_idata[i] : 0;
    __syncthreads();
    for (unsigned int s = 1; s < blockDim.x; s *= 2) {
        // modulo arithmetic is slow and divergent, as in the original sample
        if ((tid % (2 * s)) == 0) {
            sdata[tid] += sdata[tid + s];
        }
        __syncthreads();
    }
    if (tid == 0) g_odata[blockIdx.x] = sdata[0];
}

__global__ void reduce1(const int *g_idata, int *g_odata, unsigned int n)
{
    __shared__ int sdata[BLOCK];
    unsigned int tid = threadIdx.x;
    unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
    sdata[tid] = (i < n) ? g_idata[i] : 0;
    __syncthreads();
    for (unsigned int s = 1; s < blockDim.x; s <<= 1) {
        int index = 2 * s * tid;
        if (index < blockDim.x) {
            sdata[index] += sdata[index + s];
        }
        __syncthreads();
    }
    if (tid == 0) g_odata[blockIdx.x] = sdata[0];
}

int main()
{
    const unsigned int n = 1 << 20;
    const unsigned int blocks = (n + BLOCK - 1) / BLOCK;
    std::vector<int> h_in(n, 1), h_out(blocks);
    int *d_in, *d_out;
    cudaMalloc(&d_in, n * sizeof(int));
    cudaMalloc(&d_out, blocks * sizeof(int));
    cudaMemcpy(d_in, h_in.data(), n * sizeof(int), cudaMemcpyHostToDevice);
    reduce0<<<blocks, BLOCK>>>(d_in, d_out, n);
    reduce1<<<blocks, BLOCK>>>(d_in, d_out, n);
    cudaMemcpy(h_out.data(), d_out, blocks * sizeof(int), cudaMemcpyDeviceToHost);
    long long total = 0;
    for (unsigned int b = 0; b < blocks; ++b) total += h_out[b];
    printf("sum = %lld (expected %u)\n", total, n);
    cudaFree(d_in);
    cudaFree(d_out);
    return total == n ? 0 : 1;
}
