// PolyBench/GPU-style correlation: column means, standard deviations, normalization and the correlation matrix.
#include <cuda_runtime.h>
#include <math.h>

#define M 512
#define N 512
#define FLOAT_N 3214212.01f
#define EPS 0.005f
#define sqrt_of_array_cell(x, j) sqrtf(x[j])
typedef float DATA_TYPE;

__global__ void mean_kernel(DATA_TYPE *mean, const DATA_TYPE *data)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < M) {
        mean[j] = 0.0;
        for (int i = 0; i < N; i++) mean[j] += data[i * M + j];
        mean[j] /= (DATA_TYPE)FLOAT_N;
    }
}

__global__ void std_kernel(const DATA_TYPE *mean, DATA_TYPE *std, const DATA_TYPE *data)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < M) {
        std[j] = 0.0;
        for (int i = 0; i < N; i++) std[j] += (data[i * M + j] - mean[j]) * (data[i * M + j] - mean[j]);
        std[j] /= FLOAT_N;
        std[j] = sqrt_of_array_cell(std, j);
        if (std[j] <= EPS) std[j] = 1.0;
    }
}

__global__ void reduce_kernel(const DATA_TYPE *mean, const DATA_TYPE *std, DATA_TYPE *data)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    if ((i < N) && (j < M)) {
        data[i * M + j] -= mean[j];
        data[i * M + j] /= (sqrtf(FLOAT_N) * std[j]);
    }
}

__global__ void corr_kernel(DATA_TYPE *symmat, const DATA_TYPE *data)
{
    int j1 = blockIdx.x * blockDim.x + threadIdx.x;
    if (j1 < (M - 1)) {
        symmat[j1 * M + j1] = 1.0;
        for (int j2 = (j1 + 1); j2 < M; j2++) {
            symmat[j1 * M + j2] = 0.0;
            for (int i = 0; i < N; i++) symmat[j1 * M + j2] += data[i * M + j1] * data[i * M + j2];
            symmat[j2 * M + j1] = symmat[j1 * M + j2];
        }
    }
}
