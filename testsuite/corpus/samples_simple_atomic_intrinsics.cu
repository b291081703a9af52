// CUDA-samples-style simpleAtomicIntrinsics: every integer atomic on global memory, with a host check.
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

__global__ void testKernel(int *g_odata)
{
    const unsigned int tid = blockDim.x * blockIdx.x + threadIdx.x;
    atomicAdd(&g_odata[0], 10);
    atomicExch(&g_odata[1], tid);
    atomicMax(&g_odata[2], tid);
    atomicMin(&g_odata[3], tid);
    atomicInc((unsigned int *)&g_odata[4], 17);
    atomicDec((unsigned int *)&g_odata[5], 137);
    atomicCAS(&g_odata[6], tid - 1, tid);
    atomicAnd(&g_odata[7], 2 * tid + 7);
    atomicOr(&g_odata[8], 1 << tid);
    atomicXor(&g_odata[9], tid);
    atomicSub(&g_odata[10], 10);
}

__global__ void testScopedKernel(unsigned long long *counters, float *fsum)
{
    atomicAdd_block(&counters[0], 1ull);
    atomicAdd_system(&counters[1], 2ull);
    atomicAdd(fsum, 0.5f);
    float old = atomicExch(fsum + 1, (float)threadIdx.x);
    (void)old;
}

int main(int argc, char **argv)
{
    unsigned int numThreads = 256, numBlocks = 64, numData = 11;
    unsigned int memSize = sizeof(int) * numData;
    int *hOData = (int *)malloc(memSize);
    for (unsigned int i = 0; i < numData; i++) hOData[i] = 0;
    hOData[8] = hOData[10] = 0xff;
    int *dOData;
    cudaMalloc((void **)&dOData, memSize);
    cudaMemcpy(dOData, hOData, memSize, cudaMemcpyHostToDevice);
    testKernel<<<numBlocks, numThreads, 0>>>(dOData);
    cudaMemcpy(hOData, dOData, memSize, cudaMemcpyDeviceToHost);
    printf("add=%d max=%d min=%d\n", hOData[0], hOData[2], hOData[3]);
    cudaFree(dOData);
    free(hOData);
    return 0;
}
