// CUDA-samples-style bitonic sort: in-shared-memory sort of key/value pairs with a reference swap helper.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

#define SHARED_SIZE_LIMIT 1024U

__device__ inline void Comparator(unsigned int &keyA, unsigned int &valA, unsigned int &keyB, unsigned int &valB,
                                  unsigned int dir)
{
    unsigned int t;
    if ((keyA > keyB) == dir) {
        t = keyA; keyA = keyB; keyB = t;
        t = valA; valA = valB; valB = t;
    }
}

__global__ void bitonicSortShared(unsigned int *d_DstKey, unsigned int *d_DstVal, const unsigned int *d_SrcKey,
                                  const unsigned int *d_SrcVal, unsigned int arrayLength, unsigned int dir)
{
    __shared__ unsigned int s_key[SHARED_SIZE_LIMIT];
    __shared__ unsigned int s_val[SHARED_SIZE_LIMIT];
    d_SrcKey += blockIdx.x * SHARED_SIZE_LIMIT + threadIdx.x;
    d_SrcVal += blockIdx.x * SHARED_SIZE_LIMIT + threadIdx.x;
    d_DstKey += blockIdx.x * SHARED_SIZE_LIMIT + threadIdx.x;
    d_DstVal += blockIdx.x * SHARED_SIZE_LIMIT + threadIdx.x;
    s_key[threadIdx.x + 0] = d_SrcKey[0];
    s_val[threadIdx.x + 0] = d_SrcVal[0];
    s_key[threadIdx.x + (SHARED_SIZE_LIMIT / 2)] = d_SrcKey[(SHARED_SIZE_LIMIT / 2)];
    s_val[threadIdx.x + (SHARED_SIZE_LIMIT / 2)] = d_SrcVal[(SHARED_SIZE_LIMIT / 2)];

    for (unsigned int size = 2; size < arrayLength; size <<= 1) {
        unsigned int ddd = dir ^ ((threadIdx.x & (size / 2)) != 0);
        for (unsigned int stride = size / 2; stride > 0; stride >>= 1) {
            __syncthreads();
            unsigned int pos = 2 * threadIdx.x - (threadIdx.x & (stride - 1));
            Comparator(s_key[pos + 0], s_val[pos + 0], s_key[pos + stride], s_val[pos + stride], ddd);
        }
    }
    for (unsigned int stride = arrayLength / 2; stride > 0; stride >>= 1) {
        __syncthreads();
        unsigned int pos = 2 * threadIdx.x - (threadIdx.x & (stride - 1));
        Comparator(s_key[pos + 0], s_val[pos + 0], s_key[pos + stride], s_val[pos + stride], dir);
    }
    __syncthreads();
    d_DstKey[0] = s_key[threadIdx.x + 0];
    d_DstVal[0] = s_val[threadIdx.x + 0];
    d_DstKey[(SHARED_SIZE_LIMIT / 2)] = s_key[threadIdx.x + (SHARED_SIZE_LIMIT / 2)];
    d_DstVal[(SHARED_SIZE_LIMIT / 2)] = s_val[threadIdx.x + (SHARED_SIZE_LIMIT / 2)];
}

int main()
{
    const unsigned int N = SHARED_SIZE_LIMIT;
    std::vector<unsigned int> keys(N), vals(N);
    for (unsigned int i = 0; i < N; i++) { keys[i] = rand() % 100000; vals[i] = i; }
    unsigned int *dk, *dv, *sk, *sv;
    cudaMalloc(&dk, N * 4); cudaMalloc(&dv, N * 4); cudaMalloc(&sk, N * 4); cudaMalloc(&sv, N * 4);
    cudaMemcpy(sk, keys.data(), N * 4, cudaMemcpyHostToDevice);
    cudaMemcpy(sv, vals.data(), N * 4, cudaMemcpyHostToDevice);
    bitonicSortShared<<<1, SHARED_SIZE_LIMIT / 2>>>(dk, dv, sk, sv, N, 1);
    cudaMemcpy(keys.data(), dk, N * 4, cudaMemcpyDeviceToHost);
    int errors = 0;
    for (unsigned int i = 1; i < N; i++) if (keys[i - 1] > keys[i]) errors++;
    printf("bitonic sort: %s\n", errors ? "FAILED" : "OK");
    cudaFree(dk); cudaFree(dv); cudaFree(sk); cudaFree(sv);
    return errors;
}
