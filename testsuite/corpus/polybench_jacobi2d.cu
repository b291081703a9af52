// PolyBench/GPU-style jacobi-2d-imper: 5-point Jacobi sweeps ping-ponging two grids from the host.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

#define N 1000
#define TSTEPS 20
#define DIM_THREAD_BLOCK_X 32
#define DIM_THREAD_BLOCK_Y 8
typedef float DATA_TYPE;

__global__ void runJacobiCUDA_kernel1(const DATA_TYPE *A, DATA_TYPE *B)
{
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if ((i >= 1) && (i < (N - 1)) && (j >= 1) && (j < (N - 1))) {
        B[i * N + j] = 0.2f * (A[i * N + j] + A[i * N + (j - 1)] + A[i * N + (1 + j)] + A[(1 + i) * N + j] +
                               A[(i - 1) * N + j]);
    }
}

__global__ void runJacobiCUDA_kernel2(DATA_TYPE *A, const DATA_TYPE *B)
{
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if ((i >= 1) && (i < (N - 1)) && (j >= 1) && (j < (N - 1))) A[i * N + j] = B[i * N + j];
}

int main()
{
    std::vector<DATA_TYPE> A(N * N), B(N * N);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i * N + j] = ((DATA_TYPE)i * (j + 2) + 10) / N;
            B[i * N + j] = ((DATA_TYPE)(i - 4) * (j - 1) + 11) / N;
        }
    DATA_TYPE *Agpu, *Bgpu;
    cudaMalloc(&Agpu, N * N * sizeof(DATA_TYPE));
    cudaMalloc(&Bgpu, N * N * sizeof(DATA_TYPE));
    cudaMemcpy(Agpu, A.data(), N * N * sizeof(DATA_TYPE), cudaMemcpyHostToDevice);
    cudaMemcpy(Bgpu, B.data(), N * N * sizeof(DATA_TYPE), cudaMemcpyHostToDevice);
    dim3 block(DIM_THREAD_BLOCK_X, DIM_THREAD_BLOCK_Y, 1);
    dim3 grid((unsigned int)((N + block.x - 1) / block.x), (unsigned int)((N + block.y - 1) / block.y), 1);
    for (int t = 0; t < TSTEPS; t++) {
        runJacobiCUDA_kernel1<<<grid, block>>>(Agpu, Bgpu);
        cudaDeviceSynchronize();
        runJacobiCUDA_kernel2<<<grid, block>>>(Agpu, Bgpu);
        cudaDeviceSynchronize();
    }
    cudaMemcpy(A.data(), Agpu, N * N * sizeof(DATA_TYPE), cudaMemcpyDeviceToHost);
    printf("A[500][500] = %f\n", A[500 * N + 500]);
    cudaFree(Agpu);
    cudaFree(Bgpu);
    return 0;
}
