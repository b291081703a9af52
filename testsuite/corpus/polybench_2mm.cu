// PolyBench/GPU-style 2mm: D = alpha*A*B*C + beta*D as two chained matrix products, with host timing.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

#define NI 256
#define NJ 256
#define NK 256
#define NL 256
typedef float DATA_TYPE;

__global__ void mm2_kernel1(const DATA_TYPE *A, const DATA_TYPE *B, DATA_TYPE *tmp, DATA_TYPE alpha)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i < NI && j < NJ) {
        DATA_TYPE s = 0;
        for (int k = 0; k < NK; k++) s += alpha * A[i * NK + k] * B[k * NJ + j];
        tmp[i * NJ + j] = s;
    }
}

__global__ void mm2_kernel2(const DATA_TYPE *tmp, const DATA_TYPE *C, DATA_TYPE *D, DATA_TYPE beta)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i < NI && j < NL) {
        D[i * NL + j] *= beta;
        for (int k = 0; k < NJ; k++) D[i * NL + j] += tmp[i * NJ + k] * C[k * NL + j];
    }
}

class GpuTimer {
public:
    GpuTimer() { cudaEventCreate(&start_); cudaEventCreate(&stop_); }
    ~GpuTimer() { cudaEventDestroy(start_); cudaEventDestroy(stop_); }
    void start() { cudaEventRecord(start_, 0); }
    float stop()
    {
        float ms = 0;
        cudaEventRecord(stop_, 0);
        cudaEventSynchronize(stop_);
        cudaEventElapsedTime(&ms, start_, stop_);
        return ms;
    }
private:
    cudaEvent_t start_, stop_;
};

int main()
{
    std::vector<DATA_TYPE> A(NI * NK, 1.0f), B(NK * NJ, 2.0f), C(NL * NJ, 3.0f), D(NI * NL, 4.0f);
    DATA_TYPE *dA, *dB, *dC, *dD, *dTmp;
    cudaMalloc(&dA, A.size() * sizeof(DATA_TYPE));
    cudaMalloc(&dB, B.size() * sizeof(DATA_TYPE));
    cudaMalloc(&dC, C.size() * sizeof(DATA_TYPE));
    cudaMalloc(&dD, D.size() * sizeof(DATA_TYPE));
    cudaMalloc(&dTmp, NI * NJ * sizeof(DATA_TYPE));
    cudaMemcpy(dA, A.data(), A.size() * sizeof(DATA_TYPE), cudaMemcpyHostToDevice);
    cudaMemcpy(dB, B.data(), B.size() * sizeof(DATA_TYPE), cudaMemcpyHostToDevice);
    cudaMemcpy(dC, C.data(), C.size() * sizeof(DATA_TYPE), cudaMemcpyHostToDevice);
    cudaMemcpy(dD, D.data(), D.size() * sizeof(DATA_TYPE), cudaMemcpyHostToDevice);
    dim3 block(32, 8);
    dim3 grid1((NJ + block.x - 1) / block.x, (NI + block.y - 1) / block.y);
    dim3 grid2((NL + block.x - 1) / block.x, (NI + block.y - 1) / block.y);
    GpuTimer t;
    t.start();
    mm2_kernel1<<<grid1, block>>>(dA, dB, dTmp, 32412.0f);
    mm2_kernel2<<<grid2, block>>>(dTmp, dC, dD, 2123.0f);
    printf("2mm: %.3f ms\n", t.stop());
    cudaMemcpy(D.data(), dD, D.size() * sizeof(DATA_TYPE), cudaMemcpyDeviceToHost);
    cudaFree(dA); cudaFree(dB); cudaFree(dC); cudaFree(dD); cudaFree(dTmp);
    return 0;
}
