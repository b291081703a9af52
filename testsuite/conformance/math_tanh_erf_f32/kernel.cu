// tanhf, erff, erfcf, atanf, atan2f, asinf over [-6, 6] style ranges.
extern "C" __global__ void math_tanh_erf(const float* x, float* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = x[i];
    float* o = out + 6 * i;
    o[0] = tanhf(v);
    o[1] = erff(v);
    o[2] = erfcf(v * 0.5f);
    o[3] = atanf(v);
    o[4] = atan2f(v, 1.5f - v);
    o[5] = asinf(v / 8.0f);
}
