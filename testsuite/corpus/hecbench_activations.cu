// HeCBench-style activation functions: a kernel templated on an enum class selecting ReLU/GELU/SiLU/tanh by switch.
#include <cuda_runtime.h>
#include <math.h>

enum class Activation : int { Identity = 0, ReLU, LeakyReLU, GELU, SiLU, Tanh };

enum Mode { MODE_FORWARD, MODE_BACKWARD = 4 };

template <Activation A>
__device__ __forceinline__ float activate(float x)
{
    switch (A) {
    case Activation::ReLU:
        return x > 0.0f ? x : 0.0f;
    case Activation::LeakyReLU:
        return x > 0.0f ? x : 0.01f * x;
    case Activation::GELU:
        return 0.5f * x * (1.0f + erff(x * 0.70710678f));
    case Activation::SiLU:
        return x / (1.0f + expf(-x));
    case Activation::Tanh:
        return tanhf(x);
    case Activation::Identity:
    default:
        return x;
    }
}

__device__ float gelu_grad(float x)
{
    const float cdf = normcdff(x);
    const float pdf = 0.3989422804f * expf(-0.5f * x * x);
    return cdf + x * pdf;
}

template <Activation A>
__global__ void activation_kernel(float *__restrict__ y, const float *__restrict__ x, long long n, Mode mode)
{
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
        float v = x[i];
        if (mode == MODE_FORWARD) {
            y[i] = activate<A>(v);
        } else {
            y[i] = A == Activation::GELU ? gelu_grad(v) : (activate<A>(v + 1e-3f) - activate<A>(v - 1e-3f)) * 500.0f;
        }
    }
}

template __global__ void activation_kernel<Activation::ReLU>(float *__restrict__, const float *__restrict__, long long, Mode);
template __global__ void activation_kernel<Activation::GELU>(float *__restrict__, const float *__restrict__, long long, Mode);
template __global__ void activation_kernel<Activation::SiLU>(float *__restrict__, const float *__restrict__, long long, Mode);
template __global__ void activation_kernel<Activation::Tanh>(float *__restrict__, const float *__restrict__, long long, Mode);
