// Tiled matrix multiply C = A * B (n x n, row-major) with 32x32 shared tiles, one thread per
// output element (the CUDA samples' matrixMul shape). n must be a multiple of MATMUL_TILE.
#define MATMUL_TILE 32
extern "C" __global__ void matmul(const float* A, const float* B, float* C, int n)
{
    __shared__ float As[MATMUL_TILE][MATMUL_TILE];
    __shared__ float Bs[MATMUL_TILE][MATMUL_TILE];
    int tx = threadIdx.x, ty = threadIdx.y;
    int row = blockIdx.y * MATMUL_TILE + ty;
    int col = blockIdx.x * MATMUL_TILE + tx;
    float acc = 0.0f;
    for (int t = 0; t < n; t += MATMUL_TILE) {
        As[ty][tx] = A[row * n + t + tx];
        Bs[ty][tx] = B[(t + ty) * n + col];
        __syncthreads();
#pragma unroll
        for (int k = 0; k < MATMUL_TILE; ++k) acc += As[ty][k] * Bs[k][tx];
        __syncthreads();
    }
    C[row * n + col] = acc;
}
