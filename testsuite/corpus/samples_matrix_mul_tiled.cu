// CUDA-samples-style matrixMul: shared-memory tiled SGEMM templated on the tile size.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

template <int BLOCK_SIZE>
__global__ void MatrixMulCUDA(float *C, float *A, float *B, int wA, int wB)
{
    int bx = blockIdx.x, by = blockIdx.y;
    int tx = threadIdx.x, ty = threadIdx.y;
    int aBegin = wA * BLOCK_SIZE * by;
    int aEnd = aBegin + wA - 1;
    int aStep = BLOCK_SIZE;
    int bBegin = BLOCK_SIZE * bx;
    int bStep = BLOCK_SIZE * wB;
    float Csub = 0;

    for (int a = aBegin, b = bBegin; a <= aEnd; a += aStep, b += bStep) {
        __shared__ float As[BLOCK_SIZE][BLOCK_SIZE];
        __shared__ float Bs[BLOCK_SIZE][BLOCK_SIZE];
        As[ty][tx] = A[a + wA * ty + tx];
        Bs[ty][tx] = B[b + wB * ty + tx];
        __syncthreads();
#pragma unroll
        for (int k = 0; k < BLOCK_SIZE; ++k) {
            Csub += As[ty][k] * Bs[k][tx];
        }
        __syncthreads();
    }
    int c = wB * BLOCK_SIZE * by + BLOCK_SIZE * bx;
    C[c + wB * ty + tx] = Csub;
}

void ConstantInit(float *data, int size, float val)
{
    for (int i = 0; i < size; ++i) data[i] = val;
}

int main(int argc, char **argv)
{
    const int block_size = 32;
    dim3 dimsA(5 * 2 * block_size, 5 * 2 * block_size, 1);
    dim3 dimsB(5 * 4 * block_size, 5 * 2 * block_size, 1);
    unsigned int size_A = dimsA.x * dimsA.y, size_B = dimsB.x * dimsB.y;
    std::vector<float> h_A(size_A), h_B(size_B);
    ConstantInit(h_A.data(), size_A, 1.0f);
    ConstantInit(h_B.data(), size_B, 0.01f);
    dim3 dimsC(dimsB.x, dimsA.y, 1);
    unsigned int size_C = dimsC.x * dimsC.y;
    std::vector<float> h_C(size_C);

    float *d_A, *d_B, *d_C;
    cudaMalloc(reinterpret_cast<void **>(&d_A), size_A * sizeof(float));
    cudaMalloc(reinterpret_cast<void **>(&d_B), size_B * sizeof(float));
    cudaMalloc(reinterpret_cast<void **>(&d_C), size_C * sizeof(float));
    cudaMemcpy(d_A, h_A.data(), size_A * sizeof(float), cudaMemcpyHostToDevice);
    cudaMemcpy(d_B, h_B.data(), size_B * sizeof(float), cudaMemcpyHostToDevice);

    dim3 threads(block_size, block_size);
    dim3 grid(dimsB.x / threads.x, dimsA.y / threads.y);
    MatrixMulCUDA<block_size><<<grid, threads>>>(d_C, d_A, d_B, dimsA.x, dimsB.x);
    cudaDeviceSynchronize();
    cudaMemcpy(h_C.data(), d_C, size_C * sizeof(float), cudaMemcpyDeviceToHost);
    bool correct = true;
    for (unsigned int i = 0; i < size_C; i++) {
        double rel_err = fabs(h_C[i] - dimsA.x * 0.01f) / fabs(dimsA.x * 0.01f);
        if (rel_err > 1e-6) correct = false;
    }
    printf("%s\n", correct ? "Result = PASS" : "Result = FAIL");
    cudaFree(d_A);
    cudaFree(d_B);
    cudaFree(d_C);
    return correct ? EXIT_SUCCESS : EXIT_FAILURE;
}
