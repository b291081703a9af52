// PolyBench/GPU-style syrk: symmetric rank-k update C = alpha*A*A^T + beta*C on the full matrix.
#include <cuda_runtime.h>

#define N 1024
#define M 1024
typedef float DATA_TYPE;
const DATA_TYPE alpha = 12435;
const DATA_TYPE beta = 4546;

__global__ void syrk_kernel(const DATA_TYPE *a, DATA_TYPE *c)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    if ((i < N) && (j < N)) {
        c[i * N + j] *= beta;
        for (int k = 0; k < M; k++) {
            c[i * N + j] += alpha * a[i * M + k] * a[j * M + k];
        }
    }
}
