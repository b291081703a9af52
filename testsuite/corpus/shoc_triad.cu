// SHOC-style Triad: streaming A = B + s*C with extern "C" kernels, streams and event timing on the host.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>
#include <cuda_runtime.h>

extern "C" __global__ void triad(const float *A, const float *B, float *C, float s)
{
    int gid = threadIdx.x + (blockIdx.x * blockDim.x);
    C[gid] = A[gid] + s * B[gid];
}

extern "C" {
__global__ void triad_gridstride(const float *A, const float *B, float *C, float s, long long n)
{
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x)
        C[i] = A[i] + s * B[i];
}
}

int main()
{
    const int blockSize = 128;
    const int numFloats = 1 << 22;
    const size_t bytes = numFloats * sizeof(float);
    std::vector<float> hA(numFloats, 1.0f), hB(numFloats, 2.0f), hC(numFloats);
    float *dA, *dB, *dC;
    cudaMalloc((void **)&dA, bytes);
    cudaMalloc((void **)&dB, bytes);
    cudaMalloc((void **)&dC, bytes);
    cudaStream_t streams[2];
    cudaStreamCreate(&streams[0]);
    cudaStreamCreate(&streams[1]);
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    cudaEventRecord(start, 0);
    cudaMemcpyAsync(dA, hA.data(), bytes, cudaMemcpyHostToDevice, streams[0]);
    cudaMemcpyAsync(dB, hB.data(), bytes, cudaMemcpyHostToDevice, streams[0]);
    triad<<<numFloats / blockSize, blockSize, 0, streams[0]>>>(dA, dB, dC, 1.75f);
    triad_gridstride<<<256, blockSize, 0, streams[1]>>>(dA, dB, dC, 1.75f, numFloats);
    cudaMemcpyAsync(hC.data(), dC, bytes, cudaMemcpyDeviceToHost, streams[1]);
    cudaStreamSynchronize(streams[1]);
    cudaEventRecord(stop, 0);
    cudaEventSynchronize(stop);
    float ms;
    cudaEventElapsedTime(&ms, start, stop);
    std::cout << "Triad: " << (3.0 * bytes / (ms * 1e6)) << " GB/s, C[0] = " << hC[0] << std::endl;
    cudaStreamDestroy(streams[0]);
    cudaStreamDestroy(streams[1]);
    cudaFree(dA); cudaFree(dB); cudaFree(dC);
    return 0;
}
