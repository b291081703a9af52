// switch with fall-through, default in the middle, a nested loop with break/continue, and goto-free early exits.
__device__ int classify(int v)
{
    int r = 0;
    switch (v & 7) {
    case 0:
        r += 1;
    case 1:                 // fall through from 0
        r += 10;
        break;
    default:
        r += 1000;
    case 2:                 // reached from default by fall-through
        r += 100;
        break;
    case 5:
    case 6:
        r = -r - 5;
        break;
    }
    return r;
}

extern "C" __global__ void switch_fallthrough(const int* in, int* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int v = in[i];
    int acc = classify(v);
    for (int k = 0; k < 20; ++k) {
        if (k == (v & 15)) break;
        if ((k & 1) == (v & 1)) continue;
        switch (k % 3) {
        case 0: acc += k; break;
        case 1: acc ^= k << 4; break;
        default: acc -= 3;
        }
    }
    int w = 0;
    while (v > 1 && w < 50) {     // Collatz steps, bounded
        v = (v & 1) ? 3 * v + 1 : v >> 1;
        ++w;
    }
    out[2 * i] = acc;
    out[2 * i + 1] = w;
}
