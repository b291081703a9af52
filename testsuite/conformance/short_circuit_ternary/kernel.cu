// Short-circuit && / || with side effects, nested ternaries, min/max/abs on int, unsigned and 64-bit.
__device__ int bump(int* counter, int v)
{
    *counter += 1;
    return v;
}

extern "C" __global__ void short_circuit(const int* a, int* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int x = a[i];
    int calls = 0;
    bool p = (x > 0 && bump(&calls, x % 3) == 1) || (bump(&calls, x) < -100 && bump(&calls, 1));
    int t = x > 100 ? 3 : x > 0 ? 2 : x == 0 ? 1 : 0;
    long long big = (long long)x * x;
    int* o = out + 8 * i;
    o[0] = p;
    o[1] = calls;
    o[2] = t;
    o[3] = min(x, 17) + max(x, -17);
    o[4] = (int)min((unsigned int)x, 1000u);     // unsigned comparison
    o[5] = abs(x);
    o[6] = (int)(llabs(big - 5000LL) >> 4);
    o[7] = !x + (~x & 0xff) + (x ? 1 : 2);
}
