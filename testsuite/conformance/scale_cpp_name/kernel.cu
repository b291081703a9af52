// A kernel with a C++ (mangled) name, not extern "C": run it as --kernel scale_values.
__global__ void scale_values(float* data, float s, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) data[i] = data[i] * s;
}
