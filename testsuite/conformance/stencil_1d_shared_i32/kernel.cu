// 1D stencil (radius 3) with a shared-memory tile and halo, integer weights.
#define RADIUS 3
#define BLOCK 128
extern "C" __global__ void stencil_1d(const int* in, int* out, int n)
{
    __shared__ int tile[BLOCK + 2 * RADIUS];
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    int l = threadIdx.x + RADIUS;
    tile[l] = g < n ? in[g] : 0;
    if (threadIdx.x < RADIUS) {
        int left = g - RADIUS;
        int right = g + BLOCK;
        tile[l - RADIUS] = left >= 0 ? in[left] : 0;
        tile[l + BLOCK] = right < n ? in[right] : 0;
    }
    __syncthreads();
    if (g < n) {
        int acc = 0;
        for (int k = -RADIUS; k <= RADIUS; ++k) {
            acc += (k + 4) * tile[l + k];
        }
        out[g] = acc;
    }
}
