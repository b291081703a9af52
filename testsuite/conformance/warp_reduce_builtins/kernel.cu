// sm_80 warp reduction builtins: __reduce_add_sync, _min_, _max_, _and_, _or_, _xor_.
extern "C" __global__ void warp_reduce_builtins(const unsigned int* in, unsigned int* out)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int v = in[i];
    unsigned int* o = out + i * 6;
    o[0] = __reduce_add_sync(0xffffffffu, v);
    o[1] = (unsigned int)__reduce_min_sync(0xffffffffu, (int)v - 5000);
    o[2] = __reduce_max_sync(0xffffffffu, v);
    o[3] = __reduce_and_sync(0xffffffffu, v | 0x10000u);
    o[4] = __reduce_or_sync(0xffffffffu, v);
    o[5] = __reduce_xor_sync(0xffffffffu, v);
}
