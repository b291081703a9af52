// Rodinia-style gaussian: forward elimination with Fan1 (multipliers) and Fan2 (row updates), host-driven.
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>

#define MAXBLOCKSIZE 512
#define BLOCK_SIZE_XY 4

__global__ void Fan1(float *m_cuda, const float *a_cuda, int Size, int t)
{
    if (threadIdx.x + blockIdx.x * blockDim.x >= Size - 1 - t) return;
    int row = blockDim.x * blockIdx.x + threadIdx.x + t + 1;
    *(m_cuda + Size * row + t) = *(a_cuda + Size * row + t) / *(a_cuda + Size * t + t);
}

__global__ void Fan2(const float *m_cuda, float *a_cuda, float *b_cuda, int Size, int j1, int t)
{
    if (threadIdx.x + blockIdx.x * blockDim.x >= Size - 1 - t) return;
    if (threadIdx.y + blockIdx.y * blockDim.y >= Size - t) return;
    int xidx = blockIdx.x * blockDim.x + threadIdx.x;
    int yidx = blockIdx.y * blockDim.y + threadIdx.y;
    a_cuda[Size * (xidx + 1 + t) + (yidx + t)] -= m_cuda[Size * (xidx + 1 + t) + t] * a_cuda[Size * t + (yidx + t)];
    if (yidx == 0) b_cuda[xidx + 1 + t] -= m_cuda[Size * (xidx + 1 + t) + (yidx + t)] * b_cuda[t];
    (void)j1;
}

int main(int argc, char *argv[])
{
    int Size = 256;
    std::vector<float> a(Size * Size), b(Size, 1.0f), m(Size * Size, 0.0f);
    for (int i = 0; i < Size; i++)
        for (int j = 0; j < Size; j++) a[i * Size + j] = (i == j) ? 10.0f : (float)((i + j) % 5) / 10.0f;
    float *m_cuda, *a_cuda, *b_cuda;
    cudaMalloc((void **)&m_cuda, Size * Size * sizeof(float));
    cudaMalloc((void **)&a_cuda, Size * Size * sizeof(float));
    cudaMalloc((void **)&b_cuda, Size * sizeof(float));
    cudaMemcpy(m_cuda, m.data(), Size * Size * sizeof(float), cudaMemcpyHostToDevice);
    cudaMemcpy(a_cuda, a.data(), Size * Size * sizeof(float), cudaMemcpyHostToDevice);
    cudaMemcpy(b_cuda, b.data(), Size * sizeof(float), cudaMemcpyHostToDevice);
    int block_size = MAXBLOCKSIZE;
    int grid_size = (Size / block_size) + (!(Size % block_size) ? 0 : 1);
    dim3 dimBlock(block_size), dimGrid(grid_size);
    int blockSize2d = BLOCK_SIZE_XY;
    int gridSize2d = (Size / blockSize2d) + (!(Size % blockSize2d ? 0 : 1));
    dim3 dimBlockXY(blockSize2d, blockSize2d), dimGridXY(gridSize2d, gridSize2d);
    for (int t = 0; t < (Size - 1); t++) {
        Fan1<<<dimGrid, dimBlock>>>(m_cuda, a_cuda, Size, t);
        cudaDeviceSynchronize();
        Fan2<<<dimGridXY, dimBlockXY>>>(m_cuda, a_cuda, b_cuda, Size, Size - t, t);
        cudaDeviceSynchronize();
    }
    cudaMemcpy(b.data(), b_cuda, Size * sizeof(float), cudaMemcpyDeviceToHost);
    printf("b[last] = %f\n", b[Size - 1]);
    cudaFree(m_cuda); cudaFree(a_cuda); cudaFree(b_cuda);
    return 0;
}
