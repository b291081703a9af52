// PolyBench/GPU-style mvt: x1 += A y1 and x2 += A^T y2, one thread per output element.
#include <cuda_runtime.h>

#define N 4096
#define DATA_TYPE float

__global__ void mvt_kernel1(DATA_TYPE *a, DATA_TYPE *x1, DATA_TYPE *y_1)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < N) {
        int j;
        for (j = 0; j < N; j++) x1[i] += a[i * N + j] * y_1[j];
    }
}

__global__ void mvt_kernel2(DATA_TYPE *a, DATA_TYPE *x2, DATA_TYPE *y_2)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < N) {
        for (int j = 0; j < N; j++) x2[i] += a[j * N + i] * y_2[j];
    }
}
