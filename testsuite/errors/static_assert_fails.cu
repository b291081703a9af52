// expect: error: static assertion failed: "tile must fit in 48 KiB of shared memory" (line 6)
#include <cuda_runtime.h>

constexpr int TILE = 128;

static_assert(TILE * TILE * sizeof(float) <= 48 * 1024, "tile must fit in 48 KiB of shared memory");

__global__ void k(float *x)
{
    __shared__ float tile[32][32];
    tile[threadIdx.y][threadIdx.x] = x[threadIdx.x];
    __syncthreads();
    x[threadIdx.x] = tile[threadIdx.x][threadIdx.y];
}
