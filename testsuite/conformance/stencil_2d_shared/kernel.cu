// 2D 5-point Jacobi step with a 16x16 shared tile plus a one-cell halo (2D grid and block).
#define T 16
extern "C" __global__ void jacobi_2d_shared(const float* in, float* out, int w, int h)
{
    __shared__ float tile[T + 2][T + 2];
    int x = blockIdx.x * T + threadIdx.x;
    int y = blockIdx.y * T + threadIdx.y;
    int tx = threadIdx.x + 1, ty = threadIdx.y + 1;
    bool inside = x < w && y < h;
    tile[ty][tx] = inside ? in[y * w + x] : 0.0f;
    if (threadIdx.x == 0)     tile[ty][0]     = (x > 0 && y < h) ? in[y * w + x - 1] : 0.0f;
    if (threadIdx.x == T - 1) tile[ty][T + 1] = (x + 1 < w && y < h) ? in[y * w + x + 1] : 0.0f;
    if (threadIdx.y == 0)     tile[0][tx]     = (y > 0 && x < w) ? in[(y - 1) * w + x] : 0.0f;
    if (threadIdx.y == T - 1) tile[T + 1][tx] = (y + 1 < h && x < w) ? in[(y + 1) * w + x] : 0.0f;
    __syncthreads();
    if (inside) {
        out[y * w + x] = 0.25f * (tile[ty][tx - 1] + tile[ty][tx + 1] + tile[ty - 1][tx] + tile[ty + 1][tx]);
    }
}
