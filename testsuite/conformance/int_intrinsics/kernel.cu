// Integer intrinsics: __popc __popcll __clz __clzll __ffs __ffsll __brev __brevll __byte_perm __mulhi __umulhi
// __mul64hi __umul64hi __sad __usad __funnelshift_l/r.
extern "C" __global__ void int_intrinsics(const unsigned int* a, const unsigned int* b, unsigned int* o32, unsigned long long* o64, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    unsigned int x = a[i], y = b[i];
    unsigned long long X = ((unsigned long long)x << 32) | y;
    unsigned int* o = o32 + 14 * i;
    o[0] = __popc(x);
    o[1] = __clz((int)x);
    o[2] = __ffs((int)x);
    o[3] = __brev(x);
    o[4] = __byte_perm(x, y, 0x5140);
    o[5] = __byte_perm(x, y, 0x0123 + (i & 0x777));
    o[6] = (unsigned int)__mulhi((int)x, (int)y);
    o[7] = __umulhi(x, y);
    o[8] = __sad((int)x, (int)y, 7u);
    o[9] = __usad(x, y, 0u);
    o[10] = __popcll(X);
    o[11] = __clzll((long long)(X >> (i & 63)));
    o[12] = __ffsll((long long)(X << (i & 31)));
    o[13] = __funnelshift_l(x, y, i & 63) ^ __funnelshift_r(x, y, (i * 7) & 63);
    unsigned long long* p = o64 + 3 * i;
    p[0] = __brevll(X);
    p[1] = (unsigned long long)__mul64hi((long long)X, (long long)(X * 3 + 1));
    p[2] = __umul64hi(X, X ^ 0xDEADBEEFCAFEBABEULL);
}
