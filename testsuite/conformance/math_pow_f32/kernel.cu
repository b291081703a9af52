// powf over mixed bases and exponents, including negative bases with integer exponents and special cases.
extern "C" __global__ void math_pow(const float* base, const float* expo, float* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = powf(base[i], expo[i]);
}
