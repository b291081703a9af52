// Double-precision sin, cos, exp, log, pow, sqrt, tanh, erf.
extern "C" __global__ void math_f64(const double* x, const double* y, double* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    double a = x[i];   // [-50, 50]
    double b = y[i];   // (0, 1e10]
    double* o = out + 8 * i;
    o[0] = sin(a);
    o[1] = cos(a);
    o[2] = exp(a * 0.5);
    o[3] = log(b);
    o[4] = pow(b, a * 0.05);
    o[5] = sqrt(b);
    o[6] = tanh(a * 0.1);
    o[7] = erf(a * 0.1);
}
