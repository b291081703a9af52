// PolyBench/GPU-style bicg: the BiCG sub-kernel, s = A^T r and q = A p.
#include <cuda_runtime.h>

#define NX 4096
#define NY 4096
typedef float DATA_TYPE;

__global__ void bicg_kernel1(const DATA_TYPE *__restrict__ A, const DATA_TYPE *__restrict__ r, DATA_TYPE *__restrict__ s)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < NY) {
        s[j] = 0.0f;
        int i;
        for (i = 0; i < NX; i++) {
            s[j] += r[i] * A[i * NY + j];
        }
    }
}

__global__ void bicg_kernel2(const DATA_TYPE *__restrict__ A, const DATA_TYPE *__restrict__ p, DATA_TYPE *__restrict__ q)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < NX) {
        q[i] = 0.0f;
        for (int j = 0; j < NY; j++) q[i] += A[i * NY + j] * p[j];
    }
}
