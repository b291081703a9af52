// cbrtf, hypotf, sinpif, cospif, fdimf over mixed inputs.
extern "C" __global__ void math_cbrt_hypot(const float* x, const float* y, float* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float* o = out + 5 * i;
    o[0] = cbrtf(y[i]);
    o[1] = hypotf(x[i], y[i]);
    o[2] = sinpif(x[i] * 0.01f);
    o[3] = cospif(x[i] * 0.01f);
    o[4] = fdimf(x[i], y[i]);
}
