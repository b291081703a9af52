// expf, exp2f, expm1f, logf, log2f, log10f, log1pf over their useful ranges and special values.
extern "C" __global__ void math_exp_log(const float* x, const float* y, float* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float a = x[i];   // in [-90, 90]
    float b = y[i];   // positive, 1e-30 .. 1e30, plus specials
    float* o = out + 7 * i;
    o[0] = expf(a);
    o[1] = exp2f(a);
    o[2] = expm1f(a * 0.01f);
    o[3] = logf(b);
    o[4] = log2f(b);
    o[5] = log10f(b);
    o[6] = log1pf(b);
}
