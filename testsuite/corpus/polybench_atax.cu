// PolyBench/GPU-style atax: y = A^T (A x) as two matrix-vector kernels.
#include <cuda_runtime.h>

#define NX 4096
#define NY 4096
typedef float DATA_TYPE;

__global__ void atax_kernel1(const DATA_TYPE *A, const DATA_TYPE *x, DATA_TYPE *tmp)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < NX) {
        DATA_TYPE acc = 0;
        for (int j = 0; j < NY; j++) acc += A[i * NY + j] * x[j];
        tmp[i] = acc;
    }
}

__global__ void atax_kernel2(const DATA_TYPE *A, DATA_TYPE *y, const DATA_TYPE *tmp)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < NY) {
        y[j] = 0;
        for (int i = 0; i < NX; i++) y[j] += A[i * NY + j] * tmp[i];
    }
}
