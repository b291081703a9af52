// expect: error: macro `IDX2` takes 3 arguments but 2 were given (line 10), with a note at its definition on line 4
#include <cuda_runtime.h>

#define IDX2(row, col, ld) ((row) * (ld) + (col))

__global__ void transpose(const float *in, float *out, int w, int h)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < w && y < h) out[IDX2(x, y)] = in[IDX2(y, x, w)];
}
