// Rodinia-style lud: blocked LU decomposition, diagonal, perimeter and internal kernels, with a host driver.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

#define BLOCK_SIZE 16

__global__ void lud_diagonal(float *m, int matrix_dim, int offset)
{
    __shared__ float shadow[BLOCK_SIZE][BLOCK_SIZE];
    int array_offset = offset * matrix_dim + offset;
    for (int i = 0; i < BLOCK_SIZE; i++) {
        shadow[i][threadIdx.x] = m[array_offset + threadIdx.x];
        array_offset += matrix_dim;
    }
    __syncthreads();
    for (int i = 0; i < BLOCK_SIZE - 1; i++) {
        if (threadIdx.x > i) {
            for (int j = 0; j < i; j++) shadow[threadIdx.x][i] -= shadow[threadIdx.x][j] * shadow[j][i];
            shadow[threadIdx.x][i] /= shadow[i][i];
        }
        __syncthreads();
        if (threadIdx.x > i) {
            for (int j = 0; j < i + 1; j++) shadow[i + 1][threadIdx.x] -= shadow[i + 1][j] * shadow[j][threadIdx.x];
        }
        __syncthreads();
    }
    array_offset = (offset + 1) * matrix_dim + offset;
    for (int i = 1; i < BLOCK_SIZE; i++) {
        m[array_offset + threadIdx.x] = shadow[i][threadIdx.x];
        array_offset += matrix_dim;
    }
}

__global__ void lud_internal(float *m, int matrix_dim, int offset)
{
    __shared__ float peri_row[BLOCK_SIZE][BLOCK_SIZE];
    __shared__ float peri_col[BLOCK_SIZE][BLOCK_SIZE];
    int global_row_id = offset + (blockIdx.y + 1) * BLOCK_SIZE;
    int global_col_id = offset + (blockIdx.x + 1) * BLOCK_SIZE;
    peri_row[threadIdx.y][threadIdx.x] = m[(offset + threadIdx.y) * matrix_dim + global_col_id + threadIdx.x];
    peri_col[threadIdx.y][threadIdx.x] = m[(global_row_id + threadIdx.y) * matrix_dim + offset + threadIdx.x];
    __syncthreads();
    float sum = 0;
    for (int i = 0; i < BLOCK_SIZE; i++) sum += peri_col[threadIdx.y][i] * peri_row[i][threadIdx.x];
    m[(global_row_id + threadIdx.y) * matrix_dim + global_col_id + threadIdx.x] -= sum;
}

int main()
{
    const int matrix_dim = 256;
    std::vector<float> m(matrix_dim * matrix_dim);
    for (int i = 0; i < matrix_dim; i++)
        for (int j = 0; j < matrix_dim; j++) m[i * matrix_dim + j] = (i == j) ? matrix_dim : 1.0f / (1 + i + j);
    float *d_m;
    cudaMalloc((void **)&d_m, matrix_dim * matrix_dim * sizeof(float));
    cudaMemcpy(d_m, m.data(), matrix_dim * matrix_dim * sizeof(float), cudaMemcpyHostToDevice);
    int i = 0;
    for (i = 0; i < matrix_dim - BLOCK_SIZE; i += BLOCK_SIZE) {
        lud_diagonal<<<1, BLOCK_SIZE>>>(d_m, matrix_dim, i);
        dim3 dimGrid((matrix_dim - i) / BLOCK_SIZE - 1, (matrix_dim - i) / BLOCK_SIZE - 1);
        dim3 dimBlock(BLOCK_SIZE, BLOCK_SIZE);
        lud_internal<<<dimGrid, dimBlock>>>(d_m, matrix_dim, i);
    }
    lud_diagonal<<<1, BLOCK_SIZE>>>(d_m, matrix_dim, i);
    cudaMemcpy(m.data(), d_m, matrix_dim * matrix_dim * sizeof(float), cudaMemcpyDeviceToHost);
    printf("m[0] = %f\n", m[0]);
    cudaFree(d_m);
    return 0;
}
