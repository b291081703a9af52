// Element-wise double add and subtract into two outputs.
extern "C" __global__ void vec_add_f64(const double* a, const double* b, double* sum, double* diff, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    sum[i] = a[i] + b[i];
    diff[i] = a[i] - b[i];
}
