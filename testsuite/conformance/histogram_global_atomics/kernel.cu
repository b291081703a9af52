// Histogram of signed keys into 61 bins straight in global memory (atomicAdd on int), with an out-of-range counter.
extern "C" __global__ void histogram_global(const int* keys, int* bins, int* rejected, int n, int nbins)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int k = keys[i];
    if (k < 0 || k >= 10000) {
        atomicAdd(rejected, 1);
        return;
    }
    atomicAdd(&bins[k % nbins], 1);
}
