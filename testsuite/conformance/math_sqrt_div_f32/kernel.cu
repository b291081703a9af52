// sqrtf, float division and fmaf: correctly rounded by default (-prec-sqrt=true, -prec-div=true), so bit-exact.
extern "C" __global__ void math_sqrt_div(const float* x, const float* y, float* sq, float* dv, float* fm, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    sq[i] = sqrtf(x[i]);
    dv[i] = x[i] / y[i];
    fm[i] = fmaf(x[i], y[i], -1.0f);
}
