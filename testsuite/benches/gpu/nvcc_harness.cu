// The nvcc side of benches/gpu_vs_nvcc.rs: the SAME kernel files, built by nvcc, launched with
// the same shapes on inputs with the same bits, timed with CUDA events around each launch.
//
//   nvcc -O3 -arch=sm_90 -o nvcc_harness nvcc_harness.cu
//   ./nvcc_harness OUTDIR [--quick] [--iters N] [--n-log2 K]
//
// Writes OUTDIR/NAME.bin (the output buffer after one launch on poisoned output memory) and
// OUTDIR/times.txt (lines `NAME MEDIAN_MS ITERS`). Keep the cases in step with `cases()` in
// gpu_vs_nvcc.rs.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "saxpy.cu"
#include "stencil2d.cu"
#include "matmul.cu"
#include "reduce.cu"
#include "reduce_warp.cu"
#include "transpose.cu"
#include "histogram.cu"
#include "empty.cu"

#define CHECK(call)                                                                         \
    do {                                                                                    \
        cudaError_t err_ = (call);                                                          \
        if (err_ != cudaSuccess) {                                                          \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call,                   \
                    cudaGetErrorString(err_));                                              \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

static unsigned hash_u32(unsigned i, unsigned seed)
{
    unsigned x = (i * 0x9E3779B1u) ^ (seed * 0x85EBCA6Bu);
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    x ^= x >> 16;
    return x;
}

static std::vector<float> floats(size_t n, unsigned seed)
{
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = (float)(hash_u32((unsigned)i, seed) >> 8) * (1.0f / 8388608.0f) - 1.0f;
    return v;
}

template <class T> static T* upload(const std::vector<T>& v)
{
    T* d = nullptr;
    CHECK(cudaMalloc(&d, v.size() * sizeof(T)));
    CHECK(cudaMemcpy(d, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
    return d;
}

struct Timing {
    double median_ms;
    int iters;
};

static std::string out_dir;
static int max_iters = 20;
static FILE* times_file = nullptr;

// Launches once (output poisoned with `fill` first) and saves the output, then times.
template <class Launch>
static void bench(const char* name, Launch launch, void* out, size_t out_bytes, int fill)
{
    CHECK(cudaMemset(out, fill, out_bytes));
    cudaEvent_t a, b;
    CHECK(cudaEventCreate(&a));
    CHECK(cudaEventCreate(&b));
    CHECK(cudaEventRecord(a));
    launch();
    CHECK(cudaGetLastError());
    CHECK(cudaEventRecord(b));
    CHECK(cudaDeviceSynchronize());
    float first_ms = 0;
    CHECK(cudaEventElapsedTime(&first_ms, a, b));
    std::vector<unsigned char> host(out_bytes);
    CHECK(cudaMemcpy(host.data(), out, out_bytes, cudaMemcpyDeviceToHost));
    std::string path = out_dir + "/" + name + ".bin";
    FILE* f = fopen(path.c_str(), "wb");
    if (!f || fwrite(host.data(), 1, out_bytes, f) != out_bytes) {
        fprintf(stderr, "cannot write %s\n", path.c_str());
        exit(1);
    }
    fclose(f);
    int n = max_iters;
    if (first_ms > 0) n = std::min(n, (int)(6000.0 / first_ms));
    n = std::max(n, 3);
    for (int i = 0; i < 3; ++i) launch();
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    std::vector<float> t(n);
    for (int i = 0; i < n; ++i) {
        CHECK(cudaEventRecord(a));
        launch();
        CHECK(cudaEventRecord(b));
        CHECK(cudaEventSynchronize(b));
        CHECK(cudaGetLastError());
        CHECK(cudaEventElapsedTime(&t[i], a, b));
    }
    std::sort(t.begin(), t.end());
    double med = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    printf("%-10s median %.4f ms over %d launches\n", name, med, n);
    fprintf(times_file, "%s %.6f %d\n", name, med, n);
    fflush(times_file);
    CHECK(cudaEventDestroy(a));
    CHECK(cudaEventDestroy(b));
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUTDIR [--quick] [--iters N]\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    bool quick = false;
    int n_log2 = 26;
    for (int i = 2; i < argc; ++i) {
        if (!strcmp(argv[i], "--quick")) quick = true;
        else if (!strcmp(argv[i], "--iters") && i + 1 < argc) max_iters = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--n-log2") && i + 1 < argc) n_log2 = atoi(argv[++i]);
    }
    times_file = fopen((out_dir + "/times.txt").c_str(), "w");
    if (n_log2 < 10 || n_log2 > 28) {
        fprintf(stderr, "--n-log2 must be 10..28\n");
        return 2;
    }
    if (!times_file) {
        fprintf(stderr, "cannot write %s/times.txt\n", out_dir.c_str());
        return 1;
    }
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    printf("nvcc harness on %s (sm_%d%d, %d SMs)\n", prop.name, prop.major, prop.minor, prop.multiProcessorCount);

    {  // saxpy
        int n = quick ? 1 << 16 : 1 << n_log2;
        float* x = upload(floats(n, 1));
        float* y = upload(floats(n, 2));
        float* out;
        CHECK(cudaMalloc(&out, (size_t)n * 4));
        bench("saxpy", [&] { saxpy<<<n / 256, 256>>>(n, 2.5f, x, y, out); }, out, (size_t)n * 4, 0xFF);
        CHECK(cudaFree(x)); CHECK(cudaFree(y)); CHECK(cudaFree(out));
    }
    {  // stencil2d
        int w = quick ? 256 : 4096;
        float* in = upload(floats((size_t)w * w, 3));
        float* out;
        CHECK(cudaMalloc(&out, (size_t)w * w * 4));
        bench("stencil2d", [&] { stencil2d<<<dim3(w / 32, w / 8), dim3(32, 8)>>>(in, out, w, w); }, out,
              (size_t)w * w * 4, 0xFF);
        CHECK(cudaFree(in)); CHECK(cudaFree(out));
    }
    {  // matmul
        int n = quick ? 128 : 4096;
        float* a = upload(floats((size_t)n * n, 4));
        float* b = upload(floats((size_t)n * n, 5));
        float* c;
        CHECK(cudaMalloc(&c, (size_t)n * n * 4));
        bench("matmul", [&] { matmul<<<dim3(n / 32, n / 32), dim3(32, 32)>>>(a, b, c, n); }, c,
              (size_t)n * n * 4, 0xFF);
        CHECK(cudaFree(a)); CHECK(cudaFree(b)); CHECK(cudaFree(c));
    }
    {  // reduce
        unsigned n = quick ? 1u << 16 : 1u << n_log2;
        float* in = upload(floats(n, 6));
        float* partial;
        CHECK(cudaMalloc(&partial, (size_t)n / 512 * 4));
        bench("reduce", [&] { reduce<<<n / 512, 256>>>(in, partial, n); }, partial, (size_t)n / 512 * 4, 0xFF);
        CHECK(cudaFree(in)); CHECK(cudaFree(partial));
    }
    {  // reduce_warp
        unsigned n = quick ? 1u << 16 : 1u << n_log2;
        float* in = upload(floats(n, 6));
        float* partial;
        CHECK(cudaMalloc(&partial, (size_t)n / 512 * 4));
        bench("reduce_warp", [&] { reduce_warp<<<n / 512, 256>>>(in, partial, n); }, partial,
              (size_t)n / 512 * 4, 0xFF);
        CHECK(cudaFree(in)); CHECK(cudaFree(partial));
    }
    {  // transpose
        int w = quick ? 256 : 4096;
        float* in = upload(floats((size_t)w * w, 7));
        float* out;
        CHECK(cudaMalloc(&out, (size_t)w * w * 4));
        bench("transpose", [&] { transpose<<<dim3(w / 32, w / 32), dim3(32, 8)>>>(in, out, w, w); }, out,
              (size_t)w * w * 4, 0xFF);
        CHECK(cudaFree(in)); CHECK(cudaFree(out));
    }
    {  // histogram
        int n = quick ? 1 << 16 : 1 << n_log2;
        std::vector<unsigned char> data(n);
        for (int i = 0; i < n; ++i) data[i] = (unsigned char)(hash_u32((unsigned)i, 8) >> 24);
        unsigned char* d = upload(data);
        unsigned* bins;
        CHECK(cudaMalloc(&bins, 256 * 4));
        int grid = quick ? 64 : 1024;
        bench("histogram", [&] { histogram<<<grid, 256>>>(d, bins, n); }, bins, 256 * 4, 0);
        CHECK(cudaFree(d)); CHECK(cudaFree(bins));
    }
    {  // empty: the fixed cost of one launch
        int* out;
        CHECK(cudaMalloc(&out, 4));
        bench("empty", [&] { empty<<<1024, 256>>>(-1, out); }, out, 4, 0xFF);
        CHECK(cudaFree(out));
    }
    fclose(times_file);
    return 0;
}
