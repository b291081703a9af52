// SHOC-style MD: Lennard-Jones forces over a neighbor list, templated on float4/double4 position types.
#include <cuda_runtime.h>

template <class T>
struct texReader;

template <>
struct texReader<float4> {
    __device__ __forceinline__ float4 operator()(const float4 *p, int idx) const { return __ldg(p + idx); }
};

template <>
struct texReader<double4> {
    __device__ __forceinline__ double4 operator()(const double4 *p, int idx) const { return p[idx]; }
};

template <class T, class posVecType, bool useTexture>
__global__ void compute_lj_force(posVecType *force, const posVecType *position, const int neighCount, const int *neighList,
                                 const T cutsq, const T lj1, const T lj2, const int inum)
{
    unsigned int idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= inum) return;
    texReader<posVecType> read;
    posVecType ipos = useTexture ? read(position, idx) : position[idx];
    posVecType f = {0.0f, 0.0f, 0.0f, 0.0f};
    int j = 0;
    while (j < neighCount) {
        int jidx = neighList[j * inum + idx];
        posVecType jpos = position[jidx];
        T delx = ipos.x - jpos.x;
        T dely = ipos.y - jpos.y;
        T delz = ipos.z - jpos.z;
        T r2inv = delx * delx + dely * dely + delz * delz;
        if (r2inv < cutsq) {
            r2inv = (T)1.0 / r2inv;
            T r6inv = r2inv * r2inv * r2inv;
            T forceC = r2inv * r6inv * (lj1 * r6inv - lj2);
            f.x += delx * forceC;
            f.y += dely * forceC;
            f.z += delz * forceC;
        }
        j++;
    }
    force[idx] = f;
}

template __global__ void compute_lj_force<float, float4, true>(float4 *, const float4 *, const int, const int *, const float,
                                                               const float, const float, const int);
template __global__ void compute_lj_force<double, double4, false>(double4 *, const double4 *, const int, const int *,
                                                                  const double, const double, const double, const int);
