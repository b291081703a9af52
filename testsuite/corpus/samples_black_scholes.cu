// CUDA-samples-style BlackScholes: European option pricing with a polynomial CND and fast math.
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

__device__ inline float cndGPU(float d)
{
    const float A1 = 0.31938153f;
    const float A2 = -0.356563782f;
    const float A3 = 1.781477937f;
    const float A4 = -1.821255978f;
    const float A5 = 1.330274429f;
    const float RSQRT2PI = 0.39894228040143267793994605993438f;
    float K = __fdividef(1.0f, (1.0f + 0.2316419f * fabsf(d)));
    float cnd = RSQRT2PI * __expf(-0.5f * d * d) * (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5)))));
    if (d > 0) cnd = 1.0f - cnd;
    return cnd;
}

__device__ inline void BlackScholesBodyGPU(float &CallResult, float &PutResult, float S, float X, float T, float R, float V)
{
    float sqrtT = sqrtf(T);
    float d1 = __fdividef(__logf(S / X) + (R + 0.5f * V * V) * T, V * sqrtT);
    float d2 = d1 - V * sqrtT;
    float CNDD1 = cndGPU(d1), CNDD2 = cndGPU(d2);
    float expRT = __expf(-R * T);
    CallResult = S * CNDD1 - X * expRT * CNDD2;
    PutResult = X * expRT * (1.0f - CNDD2) - S * (1.0f - CNDD1);
}

__launch_bounds__(128) __global__ void BlackScholesGPU(float2 *__restrict d_CallResult, float2 *__restrict d_PutResult,
                                                       float2 *__restrict d_StockPrice, float2 *__restrict d_OptionStrike,
                                                       float2 *__restrict d_OptionYears, float Riskfree, float Volatility,
                                                       int optN)
{
    const int opt = blockDim.x * blockIdx.x + threadIdx.x;
    if (opt < (optN / 2)) {
        float callResult1, callResult2, putResult1, putResult2;
        BlackScholesBodyGPU(callResult1, putResult1, d_StockPrice[opt].x, d_OptionStrike[opt].x, d_OptionYears[opt].x,
                            Riskfree, Volatility);
        BlackScholesBodyGPU(callResult2, putResult2, d_StockPrice[opt].y, d_OptionStrike[opt].y, d_OptionYears[opt].y,
                            Riskfree, Volatility);
        d_CallResult[opt] = make_float2(callResult1, callResult2);
        d_PutResult[opt] = make_float2(putResult1, putResult2);
    }
}

static float RandFloat(float low, float high)
{
    float t = (float)rand() / (float)RAND_MAX;
    return (1.0f - t) * low + t * high;
}

int main()
{
    const int OPT_N = 4000000;
    const size_t OPT_SZ = OPT_N * sizeof(float);
    float *h_S = (float *)malloc(OPT_SZ), *h_X = (float *)malloc(OPT_SZ), *h_T = (float *)malloc(OPT_SZ);
    for (int i = 0; i < OPT_N; i++) {
        h_S[i] = RandFloat(5.0f, 30.0f);
        h_X[i] = RandFloat(1.0f, 100.0f);
        h_T[i] = RandFloat(0.25f, 10.0f);
    }
    float *d_Call, *d_Put, *d_S, *d_X, *d_T;
    cudaMalloc((void **)&d_Call, OPT_SZ);
    cudaMalloc((void **)&d_Put, OPT_SZ);
    cudaMalloc((void **)&d_S, OPT_SZ);
    cudaMalloc((void **)&d_X, OPT_SZ);
    cudaMalloc((void **)&d_T, OPT_SZ);
    cudaMemcpy(d_S, h_S, OPT_SZ, cudaMemcpyHostToDevice);
    cudaMemcpy(d_X, h_X, OPT_SZ, cudaMemcpyHostToDevice);
    cudaMemcpy(d_T, h_T, OPT_SZ, cudaMemcpyHostToDevice);
    BlackScholesGPU<<<(OPT_N / 2 + 127) / 128, 128>>>((float2 *)d_Call, (float2 *)d_Put, (float2 *)d_S, (float2 *)d_X,
                                                      (float2 *)d_T, 0.02f, 0.30f, OPT_N);
    cudaDeviceSynchronize();
    printf("BlackScholesGPU done: %s\n", cudaGetErrorString(cudaGetLastError()));
    cudaFree(d_Call); cudaFree(d_Put); cudaFree(d_S); cudaFree(d_X); cudaFree(d_T);
    free(h_S); free(h_X); free(h_T);
    return 0;
}
