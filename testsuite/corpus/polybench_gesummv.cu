// PolyBench/GPU-style gesummv: y = alpha*A*x + beta*B*x, one thread per row with register accumulators.
#include <cuda_runtime.h>

#define N 4096
#define ALPHA 43532.0f
#define BETA 12313.0f
typedef float DATA_TYPE;

__global__ void gesummv_kernel(const DATA_TYPE *a, const DATA_TYPE *b, const DATA_TYPE *x, DATA_TYPE *y, DATA_TYPE *tmp)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= N) return;
    DATA_TYPE t = 0, s = 0;
    for (int j = 0; j < N; j++) {
        t += a[i * N + j] * x[j];
        s += b[i * N + j] * x[j];
    }
    tmp[i] = t;
    y[i] = ALPHA * t + BETA * s;
}
