// Inclusive warp scan with __shfl_up_sync, then a block scan over warp totals (floats with exact dyadic values).
extern "C" __global__ void scan_warp(const float* in, float* out, int n)
{
    __shared__ float warp_totals[32];
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31;
    int wid = threadIdx.x >> 5;
    float v = g < n ? in[g] : 0.0f;
    for (int d = 1; d < 32; d <<= 1) {
        float up = __shfl_up_sync(0xffffffffu, v, d);
        if (lane >= d) v += up;
    }
    if (lane == 31) warp_totals[wid] = v;
    __syncthreads();
    if (wid == 0) {
        int nw = blockDim.x >> 5;
        float t = lane < nw ? warp_totals[lane] : 0.0f;
        for (int d = 1; d < 32; d <<= 1) {
            float up = __shfl_up_sync(0xffffffffu, t, d);
            if (lane >= d) t += up;
        }
        if (lane < nw) warp_totals[lane] = t;
    }
    __syncthreads();
    if (wid > 0) v += warp_totals[wid - 1];
    if (g < n) out[g] = v;
}
