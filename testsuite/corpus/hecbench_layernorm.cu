// HeCBench-style layernorm: per-row mean/variance with a two-level shared reduction, gamma/beta, 64-bit row offsets.
#include <cuda_runtime.h>

template <typename T, int BLOCK>
struct BlockReduce {
    static __device__ float sum(float v, float (&shm)[BLOCK / 32])
    {
        const int lane = threadIdx.x & 31, wid = threadIdx.x >> 5;
        for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffff, v, o);
        if (lane == 0) shm[wid] = v;
        __syncthreads();
        v = (threadIdx.x < BLOCK / 32) ? shm[lane] : 0.0f;
        if (wid == 0)
            for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffff, v, o);
        return v;
    }
};

template <typename T, int BLOCK = 256>
__global__ void layernorm_forward(T *__restrict__ out, float *__restrict__ mean_out, float *__restrict__ rstd_out,
                                  const T *__restrict__ inp, const T *__restrict__ gamma, const T *__restrict__ beta,
                                  int N, int C, float eps = 1e-5f)
{
    __shared__ float shm[BLOCK / 32];
    __shared__ float s_mean, s_rstd;
    const long long row = blockIdx.x;
    if (row >= N) return;
    const T *x = inp + row * C;
    float partial[2] = {0.0f, 0.0f};
    for (int c = threadIdx.x; c < C; c += BLOCK) {
        float v = (float)x[c];
        partial[0] += v;
        partial[1] += v * v;
    }
    float total = BlockReduce<T, BLOCK>::sum(partial[0], shm);
    __syncthreads();
    float total_sq = BlockReduce<T, BLOCK>::sum(partial[1], shm);
    if (threadIdx.x == 0) {
        float m = total / C;
        float var = fmaxf(total_sq / C - m * m, 0.0f);
        s_mean = m;
        s_rstd = rsqrtf(var + eps);
        mean_out[row] = m;
        rstd_out[row] = s_rstd;
    }
    __syncthreads();
    T *y = out + row * C;
    for (int c = threadIdx.x; c < C; c += BLOCK) {
        float n = ((float)x[c] - s_mean) * s_rstd;
        y[c] = (T)(n * (float)gamma[c] + (float)beta[c]);
    }
}

template __global__ void layernorm_forward<float, 256>(float *__restrict__, float *__restrict__, float *__restrict__,
                                                       const float *__restrict__, const float *__restrict__,
                                                       const float *__restrict__, int, int, float);
template __global__ void layernorm_forward<double, 128>(double *__restrict__, float *__restrict__, float *__restrict__,
                                                        const double *__restrict__, const double *__restrict__,
                                                        const double *__restrict__, int, int, float);
