// __shfl_sync / __shfl_up_sync / __shfl_down_sync / __shfl_xor_sync with width 4, 8 and 16 and out-of-range sources.
extern "C" __global__ void shuffle_width(const int* in, int* out)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31;
    int v = in[i];
    int* o = out + i * 8;
    o[0] = __shfl_sync(0xffffffffu, v, 3, 8);            // lane 3 of each group of 8
    o[1] = __shfl_sync(0xffffffffu, v, lane + 5, 16);    // wraps inside groups of 16
    o[2] = __shfl_sync(0xffffffffu, v, 37);              // srcLane 37 -> 37 % 32
    o[3] = __shfl_up_sync(0xffffffffu, v, 3, 8);         // lanes < 3 in a group keep their value
    o[4] = __shfl_down_sync(0xffffffffu, v, 5, 16);      // lanes past the group end keep their value
    o[5] = __shfl_xor_sync(0xffffffffu, v, 3, 4);
    o[6] = __shfl_xor_sync(0xffffffffu, v, 9, 8);        // laneMask reaching past the group keeps own value
    float f = __shfl_down_sync(0xffffffffu, (float)v * 0.5f, 1);
    o[7] = (int)(f * 4.0f);
}
