// Tiled integer matrix multiply (8x8 tiles), exact; exercises shared 2D arrays and the tile loop barrier.
#define TS 8
extern "C" __global__ void matmul_tiled_i32(const int* A, const int* B, int* C, int n)
{
    __shared__ int As[TS][TS];
    __shared__ int Bs[TS][TS];
    int ty = threadIdx.y, tx = threadIdx.x;
    int row = blockIdx.y * TS + ty, col = blockIdx.x * TS + tx;
    int acc = 0;
    for (int t = 0; t < n; t += TS) {
        As[ty][tx] = (row < n && t + tx < n) ? A[row * n + t + tx] : 0;
        Bs[ty][tx] = (t + ty < n && col < n) ? B[(t + ty) * n + col] : 0;
        __syncthreads();
        #pragma unroll
        for (int k = 0; k < TS; ++k) acc += As[ty][k] * Bs[k][tx];
        __syncthreads();
    }
    if (row < n && col < n) C[row * n + col] = acc;
}
