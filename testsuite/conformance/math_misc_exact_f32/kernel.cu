// Exact float functions: fabsf floorf ceilf truncf roundf rintf fminf fmaxf fmodf copysignf ldexpf, isnan/isinf.
extern "C" __global__ void math_misc(const float* x, const float* y, float* out, int* cls, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float a = x[i], b = y[i];
    float* o = out + 11 * i;
    o[0] = fabsf(a);
    o[1] = floorf(a);
    o[2] = ceilf(a);
    o[3] = truncf(a);
    o[4] = roundf(a);
    o[5] = rintf(a);
    o[6] = fminf(a, b);
    o[7] = fmaxf(a, b);
    o[8] = fmodf(a, b);
    o[9] = copysignf(3.0f, b);
    o[10] = ldexpf(a, (int)(i % 9) - 4);
    cls[i] = (isnan(a) ? 1 : 0) | (isinf(a) ? 2 : 0) | (signbit(a) ? 4 : 0) | (isfinite(b) ? 8 : 0);
}
