// Inclusive Hillis-Steele scan per block with double-buffered shared memory.
extern "C" __global__ void scan_hillis_steele(const int* in, int* out, int n)
{
    __shared__ int buf[2][256];
    int tid = threadIdx.x;
    int g = blockIdx.x * blockDim.x + tid;
    int pout = 0, pin = 1;
    buf[pout][tid] = g < n ? in[g] : 0;
    __syncthreads();
    for (int offset = 1; offset < blockDim.x; offset *= 2) {
        pout = 1 - pout;
        pin = 1 - pout;
        if (tid >= offset) buf[pout][tid] = buf[pin][tid] + buf[pin][tid - offset];
        else buf[pout][tid] = buf[pin][tid];
        __syncthreads();
    }
    if (g < n) out[g] = buf[pout][tid];
}
