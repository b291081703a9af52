// sinf / cosf / sincosf / tanf over [-100, 100] and special values (default precision, no fast math).
extern "C" __global__ void math_sin_cos(const float* x, float* s, float* c, float* s2, float* c2, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float v = x[i];
    s[i] = sinf(v);
    c[i] = cosf(v);
    float a, b;
    sincosf(v, &a, &b);
    s2[i] = a;
    c2[i] = b;
}
