// Block-wide predicate barriers: __syncthreads_count, __syncthreads_and, __syncthreads_or.
extern "C" __global__ void sync_preds(const int* in, int* counts, int* ands, int* ors)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int v = in[i];
    int c = __syncthreads_count(v > 10);
    int a = __syncthreads_and(v >= blockIdx.x);
    int o = __syncthreads_or(v == 42);
    if (threadIdx.x == 0) {
        counts[blockIdx.x] = c;
        ands[blockIdx.x] = a != 0;
        ors[blockIdx.x] = o != 0;
    }
}
