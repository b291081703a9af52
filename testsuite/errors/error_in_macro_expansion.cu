// expect: error: use of undeclared identifier `threadIdy` inside the expansion of `GLOBAL_Y` (defined on line 5), used on line 11; the diagnostic shows the expansion chain
#include <cuda_runtime.h>

#define GLOBAL_X (blockIdx.x * blockDim.x + threadIdx.x)
#define GLOBAL_Y (blockIdx.y * blockDim.y + threadIdy.y)
#define AT(ptr, x, y, w) ((ptr)[(y) * (w) + (x)])

__global__ void fill2d(float *img, int w, int h, float v)
{
    int x = GLOBAL_X;
    int y = GLOBAL_Y;
    if (x < w && y < h) AT(img, x, y, w) = v;
}
