// Element-wise integer add with a bounds check; n is not a multiple of the block size.
extern "C" __global__ void vec_add_i32(const int* a, const int* b, int* c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        c[i] = a[i] + b[i];
    }
}
