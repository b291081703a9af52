// SHOC-style Stencil2D: 9-point weighted stencil templated on precision, shared tile with halo, host iteration loop.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

#define LROWS 16
#define LCOLS 32

template <class T>
__global__ void StencilKernel(const T *__restrict__ data, T *__restrict__ newData, int alignment, int nStripItems, T wCenter,
                              T wCardinal, T wDiagonal)
{
    int gRow = blockIdx.x * LROWS * nStripItems + 1;
    int gCol = blockIdx.y * blockDim.x + 1 + threadIdx.x;
    int nCols = gridDim.y * blockDim.x + 2 + alignment;
    __shared__ T sh[LROWS * 4 + 2][LCOLS + 2];
    int lCol = threadIdx.x + 1;
    for (int i = 0; i < nStripItems * LROWS + 2; i++) {
        int r = gRow - 1 + i;
        if (i < LROWS * 4 + 2) {
            sh[i][lCol] = data[(size_t)r * nCols + gCol];
            if (threadIdx.x == 0) sh[i][0] = data[(size_t)r * nCols + gCol - 1];
            if (threadIdx.x == blockDim.x - 1) sh[i][lCol + 1] = data[(size_t)r * nCols + gCol + 1];
        }
    }
    __syncthreads();
    for (int i = 1; i <= nStripItems * LROWS && i < LROWS * 4 + 1; i++) {
        T center = sh[i][lCol];
        T cardinal = sh[i - 1][lCol] + sh[i + 1][lCol] + sh[i][lCol - 1] + sh[i][lCol + 1];
        T diagonal = sh[i - 1][lCol - 1] + sh[i - 1][lCol + 1] + sh[i + 1][lCol - 1] + sh[i + 1][lCol + 1];
        newData[(size_t)(gRow - 1 + i) * nCols + gCol] = wCenter * center + wCardinal * cardinal + wDiagonal * diagonal;
    }
}

template <class T>
class Matrix2D {
public:
    Matrix2D(int rows, int cols) : rows_(rows), cols_(cols), data_((size_t)rows * cols, T(0)) {}
    T *data() { return data_.data(); }
    size_t bytes() const { return data_.size() * sizeof(T); }
    int rows() const { return rows_; }
private:
    int rows_, cols_;
    std::vector<T> data_;
};

int main()
{
    const int nStrip = 4, iters = 10;
    dim3 block(LCOLS, 1), grid(8, 8);
    int rows = grid.x * LROWS * nStrip + 2, cols = grid.y * LCOLS + 2;
    Matrix2D<float> m(rows, cols);
    for (int i = 0; i < rows; i++) m.data()[(size_t)i * cols + cols / 2] = 1.0f;
    float *d_a, *d_b;
    cudaMalloc(&d_a, m.bytes());
    cudaMalloc(&d_b, m.bytes());
    cudaMemcpy(d_a, m.data(), m.bytes(), cudaMemcpyHostToDevice);
    cudaMemcpy(d_b, m.data(), m.bytes(), cudaMemcpyHostToDevice);
    for (int it = 0; it < iters; it++) {
        StencilKernel<float><<<grid, block>>>(d_a, d_b, 0, nStrip, 0.25f, 0.15f, 0.05f);
        float *tmp = d_a; d_a = d_b; d_b = tmp;
    }
    cudaMemcpy(m.data(), d_a, m.bytes(), cudaMemcpyDeviceToHost);
    printf("center = %f\n", m.data()[(size_t)(rows / 2) * cols + cols / 2]);
    cudaFree(d_a);
    cudaFree(d_b);
    return 0;
}
