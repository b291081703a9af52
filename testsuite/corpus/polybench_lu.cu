// PolyBench/GPU-style lu: in-place LU decomposition, row scaling then trailing-submatrix update per pivot.

#define N 2048
typedef float DATA_TYPE;

__global__ void lu_kernel1(DATA_TYPE *A, int k)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if ((j > k) && (j < N)) A[k * N + j] = A[k * N + j] / A[k * N + k];
}

__global__ void lu_kernel2(DATA_TYPE *A, int k)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    if ((i > k) && (j > k) && (i < N) && (j < N)) {
        A[i * N + j] = A[i * N + j] - A[i * N + k] * A[k * N + j];
    }
}
