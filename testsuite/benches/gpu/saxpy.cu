// saxpy, out of place: out[i] = a * x[i] + y[i] (memory-bound: 12 bytes per element).
extern "C" __global__ void saxpy(int n, float a, const float* x, const float* y, float* out)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = a * x[i] + y[i];
}
