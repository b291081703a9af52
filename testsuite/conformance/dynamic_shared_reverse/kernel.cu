// extern __shared__ array sized at launch (--shared-bytes): reverse each block's segment.
extern "C" __global__ void dynamic_reverse(int* d, int n)
{
    extern __shared__ int s[];
    int t = threadIdx.x;
    int base = blockIdx.x * blockDim.x;
    if (base + t < n) s[t] = d[base + t];
    __syncthreads();
    int src = blockDim.x - 1 - t;
    if (base + t < n && base + src < n) d[base + t] = s[src];
}
