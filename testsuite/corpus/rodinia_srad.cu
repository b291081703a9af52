// Rodinia-style srad_v2: speckle-reducing anisotropic diffusion, derivative/coefficient pass and divergence pass.
#include <cuda_runtime.h>

#define BLOCK_SIZE 16

__global__ void srad_cuda_1(float *E_C, float *W_C, float *N_C, float *S_C, const float *J_cuda, float *C_cuda, int cols,
                            int rows, float q0sqr)
{
    int bx = blockIdx.x, by = blockIdx.y;
    int tx = threadIdx.x, ty = threadIdx.y;
    int index = cols * BLOCK_SIZE * by + BLOCK_SIZE * bx + cols * ty + tx;
    int index_n = cols * BLOCK_SIZE * by + BLOCK_SIZE * bx + tx - cols;
    int index_s = cols * BLOCK_SIZE * by + BLOCK_SIZE * bx + cols * BLOCK_SIZE + tx;
    int index_w = cols * BLOCK_SIZE * by + BLOCK_SIZE * bx + cols * ty - 1;
    int index_e = cols * BLOCK_SIZE * by + BLOCK_SIZE * bx + cols * ty + BLOCK_SIZE;
    float n, w, e, s, jc, g2, l, num, den, qsqr, c;
    __shared__ float temp[BLOCK_SIZE][BLOCK_SIZE];
    __shared__ float temp_result[BLOCK_SIZE][BLOCK_SIZE];
    __shared__ float north[BLOCK_SIZE][BLOCK_SIZE];
    __shared__ float south[BLOCK_SIZE][BLOCK_SIZE];
    __shared__ float east[BLOCK_SIZE][BLOCK_SIZE];
    __shared__ float west[BLOCK_SIZE][BLOCK_SIZE];
    north[ty][tx] = by == 0 ? J_cuda[BLOCK_SIZE * bx + tx] : J_cuda[index_n];
    south[ty][tx] = by == gridDim.y - 1 ? J_cuda[cols * BLOCK_SIZE * (gridDim.y - 1) + BLOCK_SIZE * bx + cols * (BLOCK_SIZE - 1) + tx]
                                        : J_cuda[index_s];
    west[ty][tx] = bx == 0 ? J_cuda[cols * BLOCK_SIZE * by + cols * ty] : J_cuda[index_w];
    east[ty][tx] = bx == gridDim.x - 1 ? J_cuda[cols * BLOCK_SIZE * by + BLOCK_SIZE * (gridDim.x - 1) + cols * ty + BLOCK_SIZE - 1]
                                       : J_cuda[index_e];
    __syncthreads();
    temp[ty][tx] = J_cuda[index];
    __syncthreads();
    jc = temp[ty][tx];
    n = (ty == 0 ? north[ty][tx] : temp[ty - 1][tx]) - jc;
    s = (ty == BLOCK_SIZE - 1 ? south[ty][tx] : temp[ty + 1][tx]) - jc;
    w = (tx == 0 ? west[ty][tx] : temp[ty][tx - 1]) - jc;
    e = (tx == BLOCK_SIZE - 1 ? east[ty][tx] : temp[ty][tx + 1]) - jc;
    g2 = (n * n + s * s + w * w + e * e) / (jc * jc);
    l = (n + s + w + e) / jc;
    num = (0.5f * g2) - ((1.0f / 16.0f) * (l * l));
    den = 1 + (.25f * l);
    qsqr = num / (den * den);
    den = (qsqr - q0sqr) / (q0sqr * (1 + q0sqr));
    c = 1.0f / (1.0f + den);
    if (c < 0) temp_result[ty][tx] = 0;
    else if (c > 1) temp_result[ty][tx] = 1;
    else temp_result[ty][tx] = c;
    __syncthreads();
    C_cuda[index] = temp_result[ty][tx];
    E_C[index] = e;
    W_C[index] = w;
    S_C[index] = s;
    N_C[index] = n;
    (void)rows;
}

__global__ void srad_cuda_2(const float *E_C, const float *W_C, const float *N_C, const float *S_C, float *J_cuda,
                            const float *C_cuda, int cols, float lambda)
{
    int index = cols * BLOCK_SIZE * blockIdx.y + BLOCK_SIZE * blockIdx.x + cols * threadIdx.y + threadIdx.x;
    int last_col = (threadIdx.x == BLOCK_SIZE - 1 && blockIdx.x == gridDim.x - 1);
    float cc = C_cuda[index];
    float ce = last_col ? cc : C_cuda[index + 1];
    float cs = C_cuda[index];
    float d_sum = cc * N_C[index] + cs * S_C[index] + cc * W_C[index] + ce * E_C[index];
    J_cuda[index] = J_cuda[index] + 0.25f * lambda * d_sum;
}
