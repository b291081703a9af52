// Function templates, a class template with a static member function, and a non-type template parameter,
// all instantiated for int, float and double inside one extern "C" kernel.
template <typename T>
__device__ T clamp_add(T a, T b, T lo, T hi)
{
    T s = a + b;
    return s < lo ? lo : (s > hi ? hi : s);
}

template <typename T, int N>
struct Unrolled {
    __device__ static T sum_pow(T x)
    {
        T acc = T(0);
        T p = T(1);
        #pragma unroll
        for (int k = 0; k < N; ++k) {
            acc += p;
            p *= x;
        }
        return acc;
    }
};

template <typename T>
struct Pair {
    T first;
    T second;
    __device__ T larger() const { return first > second ? first : second; }
};

extern "C" __global__ void templates_kernel(const int* ai, const float* af, const double* ad,
                                            int* oi, float* of, double* od, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    oi[2 * i]     = clamp_add<int>(ai[i], 7, -50, 50);
    oi[2 * i + 1] = Unrolled<int, 5>::sum_pow(ai[i] % 5);
    of[2 * i]     = clamp_add(af[i], 0.25f, -1.0f, 1.0f);
    Pair<float> p{af[i], -af[i]};
    of[2 * i + 1] = p.larger();
    od[2 * i]     = clamp_add(ad[i], 1.0, -2.0, 2.0);
    od[2 * i + 1] = Unrolled<double, 4>::sum_pow(0.5);
}
