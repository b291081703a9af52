// Shared-memory transpose without padding (bank conflicts, same result), integer data, square tiles of 16.
#define TD 16
extern "C" __global__ void transpose_unpadded(const unsigned int* in, unsigned int* out, int width, int height)
{
    __shared__ unsigned int tile[TD][TD];
    int x = blockIdx.x * TD + threadIdx.x;
    int y = blockIdx.y * TD + threadIdx.y;
    if (x < width && y < height) tile[threadIdx.y][threadIdx.x] = in[y * width + x];
    __syncthreads();
    x = blockIdx.y * TD + threadIdx.x;
    y = blockIdx.x * TD + threadIdx.y;
    if (x < height && y < width) out[y * height + x] = tile[threadIdx.x][threadIdx.y];
}
