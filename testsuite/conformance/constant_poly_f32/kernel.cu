// Horner evaluation of a degree-7 polynomial whose coefficients live in __constant__ memory.
__constant__ float c_coef[8] = {1.0f, -0.5f, 0.25f, -0.125f, 0.0625f, 0.03125f, -0.015625f, 0.0078125f};

extern "C" __global__ void poly_horner(const float* x, float* y, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float t = x[i];
    float acc = c_coef[7];
    for (int k = 6; k >= 0; --k) acc = acc * t + c_coef[k];
    y[i] = acc;
}
