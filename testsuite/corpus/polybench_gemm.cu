// PolyBench/GPU-style gemm: C = alpha*A*B + beta*C with a 2D grid, DATA_TYPE macros and a host driver.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

#ifndef NI
#define NI 512
#endif
#define NJ 512
#define NK 512
#define DIM_THREAD_BLOCK_X 32
#define DIM_THREAD_BLOCK_Y 8

#if defined(USE_DOUBLE)
typedef double DATA_TYPE;
#else
typedef float DATA_TYPE;
#endif

#define ALPHA 32412.0f
#define BETA 2123.0f

__global__ void gemm_kernel(DATA_TYPE *a, DATA_TYPE *b, DATA_TYPE *c)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    if ((i < NI) && (j < NJ)) {
        c[i * NJ + j] *= BETA;
        for (int k = 0; k < NK; k++) {
            c[i * NJ + j] += ALPHA * a[i * NK + k] * b[k * NJ + j];
        }
    }
}

void init(DATA_TYPE *A, DATA_TYPE *B, DATA_TYPE *C)
{
    for (int i = 0; i < NI; i++)
        for (int k = 0; k < NK; k++) A[i * NK + k] = ((DATA_TYPE)i * k) / NI;
    for (int k = 0; k < NK; k++)
        for (int j = 0; j < NJ; j++) B[k * NJ + j] = ((DATA_TYPE)k * j) / NI;
    for (int i = 0; i < NI; i++)
        for (int j = 0; j < NJ; j++) C[i * NJ + j] = ((DATA_TYPE)i * j) / NI;
}

int main(int argc, char *argv[])
{
    std::vector<DATA_TYPE> A(NI * NK), B(NK * NJ), C(NI * NJ);
    init(A.data(), B.data(), C.data());
    DATA_TYPE *A_gpu, *B_gpu, *C_gpu;
    cudaMalloc((void **)&A_gpu, sizeof(DATA_TYPE) * NI * NK);
    cudaMalloc((void **)&B_gpu, sizeof(DATA_TYPE) * NK * NJ);
    cudaMalloc((void **)&C_gpu, sizeof(DATA_TYPE) * NI * NJ);
    cudaMemcpy(A_gpu, A.data(), sizeof(DATA_TYPE) * NI * NK, cudaMemcpyHostToDevice);
    cudaMemcpy(B_gpu, B.data(), sizeof(DATA_TYPE) * NK * NJ, cudaMemcpyHostToDevice);
    cudaMemcpy(C_gpu, C.data(), sizeof(DATA_TYPE) * NI * NJ, cudaMemcpyHostToDevice);
    dim3 block(DIM_THREAD_BLOCK_X, DIM_THREAD_BLOCK_Y);
    dim3 grid((size_t)(ceil(((float)NI) / ((float)block.x))), (size_t)(ceil(((float)NJ) / ((float)block.y))));
    gemm_kernel<<<grid, block>>>(A_gpu, B_gpu, C_gpu);
    cudaDeviceSynchronize();
    cudaMemcpy(C.data(), C_gpu, sizeof(DATA_TYPE) * NI * NJ, cudaMemcpyDeviceToHost);
    printf("C[1][1] = %f\n", (double)C[NJ + 1]);
    cudaFree(A_gpu);
    cudaFree(B_gpu);
    cudaFree(C_gpu);
    return 0;
}
