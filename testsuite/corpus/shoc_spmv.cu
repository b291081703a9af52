// SHOC-style Spmv: CSR sparse matrix-vector product, scalar (thread per row) and vector (warp per row) kernels.
#include <cuda_runtime.h>

template <typename fpType>
__global__ void spmv_csr_scalar_kernel(const fpType *__restrict__ val, const int *__restrict__ cols,
                                       const int *__restrict__ rowDelimiters, const int dim, fpType *__restrict__ out,
                                       const fpType *__restrict__ vec)
{
    int myRow = blockIdx.x * blockDim.x + threadIdx.x;
    if (myRow < dim) {
        fpType t = 0.0f;
        int start = rowDelimiters[myRow];
        int end = rowDelimiters[myRow + 1];
        for (int j = start; j < end; j++) {
            int col = cols[j];
            t += val[j] * __ldg(vec + col);
        }
        out[myRow] = t;
    }
}

template <typename fpType, int BLOCK_SIZE>
__global__ void spmv_csr_vector_kernel(const fpType *__restrict__ val, const int *__restrict__ cols,
                                       const int *__restrict__ rowDelimiters, const int dim, fpType *__restrict__ out,
                                       const fpType *__restrict__ vec)
{
    int t = threadIdx.x;
    int id = t & (warpSize - 1);
    int warpsPerBlock = blockDim.x / warpSize;
    int myRow = (blockIdx.x * warpsPerBlock) + (t / warpSize);
    __shared__ volatile fpType partialSums[BLOCK_SIZE];
    if (myRow < dim) {
        int warpStart = rowDelimiters[myRow];
        int warpEnd = rowDelimiters[myRow + 1];
        fpType mySum = 0;
        for (int j = warpStart + id; j < warpEnd; j += warpSize) {
            int col = cols[j];
            mySum += val[j] * vec[col];
        }
        partialSums[t] = mySum;
        __syncwarp();
        if (id < 16) partialSums[t] = mySum = mySum + partialSums[t + 16];
        __syncwarp();
        if (id < 8) partialSums[t] = mySum = mySum + partialSums[t + 8];
        __syncwarp();
        if (id < 4) partialSums[t] = mySum = mySum + partialSums[t + 4];
        __syncwarp();
        if (id < 2) partialSums[t] = mySum = mySum + partialSums[t + 2];
        __syncwarp();
        if (id < 1) partialSums[t] = mySum = mySum + partialSums[t + 1];
        __syncwarp();
        if (id == 0) out[myRow] = partialSums[t];
    }
}

template __global__ void spmv_csr_scalar_kernel<float>(const float *__restrict__, const int *__restrict__, const int *__restrict__,
                                                       const int, float *__restrict__, const float *__restrict__);
template __global__ void spmv_csr_vector_kernel<double, 128>(const double *__restrict__, const int *__restrict__,
                                                             const int *__restrict__, const int, double *__restrict__,
                                                             const double *__restrict__);
