// Matrix-vector product, one warp per row, partial sums combined with __shfl_down_sync.
extern "C" __global__ void sgemv_warp(const float* A, const float* x, float* y, int rows, int cols)
{
    int warp = (blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x % 32;
    if (warp >= rows) return;
    float s = 0.0f;
    for (int c = lane; c < cols; c += 32) s += A[warp * cols + c] * x[c];
    for (int off = 16; off > 0; off >>= 1) s += __shfl_down_sync(0xffffffffu, s, off);
    if (lane == 0) y[warp] = s;
}
