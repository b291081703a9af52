// DAXPY with a grid-stride loop: fewer threads than elements.
extern "C" __global__ void daxpy_grid_stride(int n, double a, const double* x, double* y)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        y[i] = a * x[i] + y[i];
    }
}
