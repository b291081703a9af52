// CUDA-samples-style reduction #3/#4: sequential addressing, first add during load, dynamic shared memory.
#include <cuda_runtime.h>

template <class T>
struct SharedMemory {
    __device__ inline operator T *()
    {
        extern __shared__ int __smem[];
        return (T *)__smem;
    }
    __device__ inline operator const T *() const
    {
        extern __shared__ int __smem[];
        return (T *)__smem;
    }
};

template <class T>
__global__ void reduce3(const T *__restrict__ g_idata, T *__restrict__ g_odata, unsigned int n)
{
    T *sdata = SharedMemory<T>();
    unsigned int tid = threadIdx.x;
    unsigned int i = blockIdx.x * (blockDim.x * 2) + threadIdx.x;
    T mySum = (i < n) ? g_idata[i] : 0;
    if (i + blockDim.x < n) mySum += g_idata[i + blockDim.x];
    sdata[tid] = mySum;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (tid < s) {
            sdata[tid] = mySum = mySum + sdata[tid + s];
        }
        __syncthreads();
    }
    if (tid == 0) g_odata[blockIdx.x] = mySum;
}

// Explicit instantiations for the types the host side launches.
template __global__ void reduce3<int>(const int *__restrict__, int *__restrict__, unsigned int);
template __global__ void reduce3<float>(const float *__restrict__, float *__restrict__, unsigned int);
template __global__ void reduce3<double>(const double *__restrict__, double *__restrict__, unsigned int);
