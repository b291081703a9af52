// One dynamic shared allocation carved into a double array, a float array and an int array.
extern "C" __global__ void dynamic_carved(const float* in, double* dout, int* iout, int n)
{
    extern __shared__ double smem[];
    double* ds = smem;                              // blockDim.x doubles
    float* fs = (float*)&ds[blockDim.x];            // blockDim.x floats
    int* is = (int*)&fs[blockDim.x];                // blockDim.x ints
    int t = threadIdx.x;
    int g = blockIdx.x * blockDim.x + t;
    float v = g < n ? in[g] : 0.0f;
    fs[t] = v;
    ds[t] = (double)v * 3.0;
    is[t] = (int)(v * 8.0f);
    __syncthreads();
    int o = (t + 17) % blockDim.x;
    if (g < n) {
        dout[g] = ds[o] + (double)fs[blockDim.x - 1 - t];
        iout[g] = is[o] - is[t];
    }
}
