// 2D grid of 2D blocks: every thread writes its packed coordinates into a 2D array.
extern "C" __global__ void grid2d_ids(unsigned int* out, int width, int height)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height) return;
    unsigned int tid_in_block = threadIdx.y * blockDim.x + threadIdx.x;
    unsigned int block_id = blockIdx.y * gridDim.x + blockIdx.x;
    out[y * width + x] = (block_id << 16) | (tid_in_block << 4) | (gridDim.y * 2 + blockDim.y);
}
