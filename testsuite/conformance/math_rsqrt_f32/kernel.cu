// rsqrtf (2 ulp) and the reciprocal 1.0f/sqrtf for comparison.
extern "C" __global__ void math_rsqrt(const float* x, float* r, float* r2, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    r[i] = rsqrtf(x[i]);
    r2[i] = 1.0f / sqrtf(x[i]);
}
