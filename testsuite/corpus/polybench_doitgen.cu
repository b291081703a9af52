// PolyBench/GPU-style doitgen: multiresolution analysis kernel, sum[r][q][p] over a 3D tensor with 64-bit indexing.
#include <cuda_runtime.h>
#include <stdint.h>

#define NR 128
#define NQ 128
#define NP 128
typedef double DATA_TYPE;

__global__ void doitgen_kernel1(DATA_TYPE *sum, const DATA_TYPE *A, const DATA_TYPE *C4, int r)
{
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int q = blockIdx.y * blockDim.y + threadIdx.y;
    if ((p < NP) && (q < NQ)) {
        int64_t base = (int64_t)r * (NQ * NP) + (int64_t)q * NP;
        DATA_TYPE s = 0;
        for (int s_idx = 0; s_idx < NP; s_idx++) s += A[base + s_idx] * C4[s_idx * NP + p];
        sum[base + p] = s;
    }
}

__global__ void doitgen_kernel2(const DATA_TYPE *sum, DATA_TYPE *A, int r)
{
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    int q = blockIdx.y * blockDim.y + threadIdx.y;
    if ((p < NP) && (q < NQ)) {
        size_t idx = (size_t)r * (NQ * NP) + (size_t)q * NP + p;
        A[idx] = sum[idx];
    }
}
