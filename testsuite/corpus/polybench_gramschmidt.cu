// PolyBench/GPU-style gramschmidt: QR by modified Gram-Schmidt, one column step per launch sequence.
#include <cuda_runtime.h>
#include <math.h>

#define M 512
#define N 512
typedef float DATA_TYPE;

__global__ void gramschmidt_kernel1(const DATA_TYPE *a, DATA_TYPE *r, int k)
{
    int tid = blockIdx.x * blockDim.x + threadIdx.x;
    if (tid == 0) {
        DATA_TYPE nrm = 0.0;
        for (int i = 0; i < M; i++) nrm += a[i * N + k] * a[i * N + k];
        r[k * N + k] = sqrtf(nrm);
    }
}

__global__ void gramschmidt_kernel2(const DATA_TYPE *a, const DATA_TYPE *r, DATA_TYPE *q, int k)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < M) q[i * N + k] = a[i * N + k] / r[k * N + k];
}

__global__ void gramschmidt_kernel3(DATA_TYPE *a, DATA_TYPE *r, const DATA_TYPE *q, int k)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if ((j > k) && (j < N)) {
        r[k * N + j] = 0.0;
        int i;
        for (i = 0; i < M; i++) r[k * N + j] += q[i * N + k] * a[i * N + j];
        for (i = 0; i < M; i++) a[i * N + j] -= q[i * N + k] * r[k * N + j];
    }
}
