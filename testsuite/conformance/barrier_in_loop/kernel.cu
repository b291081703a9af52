// Iterative smoothing in shared memory: a loop whose body has two barriers (read phase / write phase).
extern "C" __global__ void smooth_iterations(const int* in, int* out, int iters)
{
    __shared__ int a[256];
    int t = threadIdx.x;
    int g = blockIdx.x * blockDim.x + t;
    a[t] = in[g];
    __syncthreads();
    for (int it = 0; it < iters; ++it) {
        int left = a[(t + blockDim.x - 1) % blockDim.x];
        int right = a[(t + 1) % blockDim.x];
        int mid = a[t];
        __syncthreads();
        a[t] = (left + 2 * mid + right + it) / 4;
        __syncthreads();
    }
    out[g] = a[t];
}
