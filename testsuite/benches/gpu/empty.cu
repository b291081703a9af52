// Calibration: a kernel that does nothing (the store never happens: n is -1), launched over
// 1024 blocks of 256 threads. Its time is the fixed cost of one launch as each side measures it.
extern "C" __global__ void empty(int n, int* out)
{
    int i = threadIdx.x;
    if (i == n) out[0] = i;
}
