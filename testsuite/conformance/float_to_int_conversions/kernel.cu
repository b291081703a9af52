// Float <-> integer conversions: truncation, CUDA's saturating behaviour out of range (NaN -> 0),
// the rounding-mode intrinsics, and int -> float rounding of large values.
extern "C" __global__ void conversions(const float* f, const double* d, const long long* L, int* oi, unsigned int* ou,
                                       long long* ol, float* of, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float x = f[i];
    double y = d[i];
    int* p = oi + 7 * i;
    p[0] = (int)x;
    p[1] = __float2int_rn(x);
    p[2] = __float2int_rd(x);
    p[3] = __float2int_ru(x);
    p[4] = __float2int_rz(x);
    p[5] = (int)y;
    p[6] = __double2int_rn(y);
    ou[2 * i] = (unsigned int)x;
    ou[2 * i + 1] = __float2uint_rn(x);
    ol[2 * i] = (long long)x;
    ol[2 * i + 1] = (long long)y;
    of[3 * i] = (float)L[i];                  // round to nearest even
    of[3 * i + 1] = (float)(int)L[i];
    of[3 * i + 2] = (float)y;                 // double -> float rounding
}
