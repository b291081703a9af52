// Barriers inside block-uniform branches and inside a data-dependent (but block-uniform) while loop.
extern "C" __global__ void uniform_branches(const int* in, int* out, const int* trip_counts)
{
    __shared__ int s[128];
    int t = threadIdx.x;
    int g = blockIdx.x * blockDim.x + t;
    s[t] = in[g];
    __syncthreads();
    if (blockIdx.x % 2 == 0) {
        int v = s[(t + 1) & 127];
        __syncthreads();
        s[t] = v * 2;
        __syncthreads();
    } else {
        int v = s[127 - t];
        __syncthreads();
        s[t] = v - t;
        __syncthreads();
    }
    int trips = trip_counts[blockIdx.x];   // same for the whole block
    int k = 0;
    while (k < trips) {
        int v = s[(t + k) & 127] + s[t];
        __syncthreads();
        s[t] = v & 0xffff;
        __syncthreads();
        ++k;
    }
    out[g] = s[t];
}
