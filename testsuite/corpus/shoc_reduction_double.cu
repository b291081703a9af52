// SHOC-style Reduction: double-precision sum with a templated block size and a second pass over block results.
#include <cuda_runtime.h>

template <class T, int blockSize>
__global__ void reduce(const T *__restrict__ g_idata, T *__restrict__ g_odata, const unsigned int n)
{
    const unsigned int tid = threadIdx.x;
    unsigned int i = (blockIdx.x * (blockDim.x * 2)) + tid;
    const unsigned int gridSize = blockDim.x * 2 * gridDim.x;
    extern __shared__ double sdata_raw[];
    T *sdata = (T *)sdata_raw;
    sdata[tid] = 0;
    while (i < n) {
        sdata[tid] += g_idata[i];
        if (i + blockDim.x < n) sdata[tid] += g_idata[i + blockDim.x];
        i += gridSize;
    }
    __syncthreads();
    if (blockSize >= 512) { if (tid < 256) sdata[tid] += sdata[tid + 256]; __syncthreads(); }
    if (blockSize >= 256) { if (tid < 128) sdata[tid] += sdata[tid + 128]; __syncthreads(); }
    if (blockSize >= 128) { if (tid < 64) sdata[tid] += sdata[tid + 64]; __syncthreads(); }
    if (tid < warpSize) {
        T v = sdata[tid] + sdata[tid + 32];
        for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffff, v, offset);
        if (tid == 0) g_odata[blockIdx.x] = v;
    }
}

template <class T>
__global__ void reduceFinal(T *data, int n)
{
    T sum = 0;
    if (threadIdx.x == 0) {
        for (int k = 0; k < n; ++k) sum += data[k];
        data[0] = sum;
    }
}

template __global__ void reduce<double, 256>(const double *__restrict__, double *__restrict__, const unsigned int);
template __global__ void reduce<float, 512>(const float *__restrict__, float *__restrict__, const unsigned int);
template __global__ void reduceFinal<double>(double *, int);
