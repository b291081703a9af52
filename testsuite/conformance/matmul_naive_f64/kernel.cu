// Naive double-precision matrix multiply with a transposed B operand.
extern "C" __global__ void dgemm_nt(const double* A, const double* Bt, double* C, int M, int N, int K, double alpha, double beta)
{
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    int row = blockIdx.y * blockDim.y + threadIdx.y;
    if (row >= M || col >= N) return;
    double s = 0.0;
    for (int k = 0; k < K; ++k) s += A[row * K + k] * Bt[col * K + k];
    C[row * N + col] = alpha * s + beta * C[row * N + col];
}
