// Signed division and remainder truncate toward zero; shifts of negatives; 32- and 64-bit.
extern "C" __global__ void div_mod_neg(const int* a, const int* b, int* out, long long* out64, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int x = a[i], y = b[i];   // y != 0, and never (INT_MIN, -1)
    int* o = out + 6 * i;
    o[0] = x / y;
    o[1] = x % y;
    o[2] = x / 7;
    o[3] = x % -7;
    o[4] = x >> 3;
    o[5] = (unsigned int)x / (unsigned int)(y < 0 ? -y : y);
    long long X = (long long)x * 65537LL;
    long long Y = (long long)y;
    out64[2 * i] = X / Y;
    out64[2 * i + 1] = X % Y;
}
