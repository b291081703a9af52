// Kernels calling chains of device functions: inline and noinline helpers, reference and pointer out-parameters,
// a helper with a loop, and a static device function.
__device__ __forceinline__ int sq(int x) { return x * x; }

__device__ __noinline__ int gcd(int a, int b)
{
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    while (b != 0) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static __device__ void minmax(int a, int b, int& lo, int& hi)
{
    lo = a < b ? a : b;
    hi = a < b ? b : a;
}

__device__ bool split_digits(int v, int* digits_sum, int* count)
{
    if (v < 0) return false;
    int s = 0, c = 0;
    do {
        s += v % 10;
        v /= 10;
        ++c;
    } while (v != 0);
    *digits_sum = s;
    *count = c;
    return true;
}

__device__ int combine(int a, int b)
{
    int lo, hi;
    minmax(a, b, lo, hi);
    int ds = 0, dc = 0;
    bool ok = split_digits(hi, &ds, &dc);
    return gcd(a, b) * 1000 + (ok ? ds * 10 + dc : -1) + sq(lo % 7);
}

extern "C" __global__ void device_chain(const int* a, const int* b, int* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = combine(a[i], b[i]);
}
