// atomicCAS loops (an atomic add on double and an atomic bitwise-or built from CAS) and atomicExch "first wins" counting.
__device__ double cas_add_double(double* addr, double val)
{
    unsigned long long* p = (unsigned long long*)addr;
    unsigned long long old = *p, assumed;
    do {
        assumed = old;
        old = atomicCAS(p, assumed, __double_as_longlong(val + __longlong_as_double(assumed)));
    } while (assumed != old);
    return __longlong_as_double(old);
}

__device__ unsigned int cas_or(unsigned int* addr, unsigned int bits)
{
    unsigned int old = *addr, assumed;
    do {
        assumed = old;
        old = atomicCAS(addr, assumed, assumed | bits);
    } while (assumed != old);
    return old;
}

extern "C" __global__ void atomic_cas_exch(const int* in, double* dsum, unsigned int* orbits, int* slots, int* firsts, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int v = in[i];
    cas_add_double(dsum, (double)v);          // integer-valued doubles: order does not change the sum
    cas_or(&orbits[i & 3], 1u << (v & 31));
    int old = atomicExch(&slots[v & 63], 1);
    if (old == 0) atomicAdd(firsts, 1);        // exactly one thread per distinct slot sees 0
}
