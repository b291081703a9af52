// CUDA vector types: float4 / int2 loads and stores, make_float4, member access.
extern "C" __global__ void vector_types_float4(const float4* a, const float4* b, float4* c, int2* packed, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float4 x = a[i];
    float4 y = b[i];
    c[i] = make_float4(x.x + y.x, x.y - y.y, x.z + y.w, x.w - y.z);
    int2 p;
    p.x = (int)x.x + (int)y.y;
    p.y = i * 2;
    packed[i] = p;
}
