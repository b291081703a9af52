// A kernel template launched by its instance name: run.args says --kernel fill_pattern<int,4>.
template <typename T, int STRIDE>
__global__ void fill_pattern(T* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = (T)((i % STRIDE) * 10 + i / STRIDE);
}

template __global__ void fill_pattern<int, 4>(int*, int);
template __global__ void fill_pattern<float, 3>(float*, int);
