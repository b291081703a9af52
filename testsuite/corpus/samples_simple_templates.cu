// CUDA-samples-style simpleTemplates: a kernel templated on the element type, with a class template and specializations.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

template <typename T>
struct Accumulator {
    T value;
    __device__ Accumulator() : value(0) {}
    __device__ void add(T x) { value += x; }
    __device__ T get() const { return value; }
};

// Specialization for int: saturating accumulate.
template <>
struct Accumulator<int> {
    long long value;
    __device__ Accumulator() : value(0) {}
    __device__ void add(int x) { value += x; }
    __device__ int get() const { return value > 2147483647LL ? 2147483647 : (int)value; }
};

template <typename T>
__device__ T scaleOf() { return T(2); }

template <>
__device__ float scaleOf<float>() { return 0.5f; }

template <class T, int ITEMS = 4>
__global__ void testKernel(const T *g_idata, T *g_odata, int n)
{
    Accumulator<T> acc;
    int base = (blockIdx.x * blockDim.x + threadIdx.x) * ITEMS;
    for (int k = 0; k < ITEMS; ++k)
        if (base + k < n) acc.add(g_idata[base + k] * scaleOf<T>());
    if (base < n) g_odata[base / ITEMS] = acc.get();
}

template <class T>
class HostBuffer {
public:
    explicit HostBuffer(size_t n) : data_(n) {}
    T *data() { return data_.data(); }
    size_t bytes() const { return data_.size() * sizeof(T); }
private:
    std::vector<T> data_;
};

template <class T>
void runTest(int n)
{
    HostBuffer<T> in(n), out(n / 4);
    for (int i = 0; i < n; ++i) in.data()[i] = (T)i;
    T *d_in, *d_out;
    cudaMalloc(&d_in, in.bytes());
    cudaMalloc(&d_out, out.bytes());
    cudaMemcpy(d_in, in.data(), in.bytes(), cudaMemcpyHostToDevice);
    testKernel<T><<<(n / 4 + 127) / 128, 128>>>(d_in, d_out, n);
    testKernel<T, 4><<<(n / 4 + 127) / 128, 128>>>(d_in, d_out, n);
    cudaMemcpy(out.data(), d_out, out.bytes(), cudaMemcpyDeviceToHost);
    printf("first = %f\n", (double)out.data()[0]);
    cudaFree(d_in);
    cudaFree(d_out);
}

int main()
{
    runTest<float>(1024);
    runTest<int>(1024);
    runTest<double>(1024);
    return 0;
}
