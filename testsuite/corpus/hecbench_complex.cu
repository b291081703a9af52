// HeCBench-style complex: a device complex-number class with constructors and operators, used in a batched FMA kernel.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

template <typename T>
class Complex {
public:
    T re, im;
    __host__ __device__ Complex() : re(0), im(0) {}
    __host__ __device__ Complex(T r, T i = T(0)) : re(r), im(i) {}
    __host__ __device__ Complex operator+(const Complex &o) const { return Complex(re + o.re, im + o.im); }
    __host__ __device__ Complex operator-(const Complex &o) const { return Complex(re - o.re, im - o.im); }
    __host__ __device__ Complex operator*(const Complex &o) const { return Complex(re * o.re - im * o.im, re * o.im + im * o.re); }
    __host__ __device__ Complex &operator+=(const Complex &o)
    {
        re += o.re;
        im += o.im;
        return *this;
    }
    __host__ __device__ bool operator==(const Complex &o) const { return re == o.re && im == o.im; }
    __host__ __device__ Complex conj() const { return Complex(re, -im); }
    __host__ __device__ T norm2() const { return re * re + im * im; }
};

using cfloat = Complex<float>;
template <typename T>
using DevPtr = T *;

__global__ void complex_mul_add(DevPtr<const cfloat> a, DevPtr<const cfloat> b, DevPtr<cfloat> c, int n, int repeat)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    cfloat acc = c[i];
    const cfloat x = a[i], y = b[i].conj();
    for (int r = 0; r < repeat; r++) acc += x * y - cfloat(0.5f);
    c[i] = acc == cfloat() ? cfloat(1.0f, 1.0f) : acc;
}

__global__ void complex_norms(const cfloat *a, float *out, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) out[i] = sqrtf(a[i].norm2());
}

int main()
{
    const int n = 1 << 16;
    std::vector<cfloat> ha(n), hb(n), hc(n);
    for (int i = 0; i < n; i++) {
        ha[i] = cfloat((float)i, 1.0f);
        hb[i] = cfloat(1.0f, (float)-i);
    }
    cfloat *da, *db, *dc;
    cudaMalloc(&da, n * sizeof(cfloat));
    cudaMalloc(&db, n * sizeof(cfloat));
    cudaMalloc(&dc, n * sizeof(cfloat));
    cudaMemcpy(da, ha.data(), n * sizeof(cfloat), cudaMemcpyHostToDevice);
    cudaMemcpy(db, hb.data(), n * sizeof(cfloat), cudaMemcpyHostToDevice);
    cudaMemset(dc, 0, n * sizeof(cfloat));
    complex_mul_add<<<(n + 255) / 256, 256>>>(da, db, dc, n, 4);
    cudaMemcpy(hc.data(), dc, n * sizeof(cfloat), cudaMemcpyDeviceToHost);
    printf("c[1] = (%f, %f)\n", hc[1].re, hc[1].im);
    cudaFree(da); cudaFree(db); cudaFree(dc);
    return 0;
}
