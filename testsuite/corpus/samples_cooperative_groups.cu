// CUDA-samples-style cooperative groups: a block reduction with thread_block and
// thread_block_tile<32> shuffles, warp-aggregated atomics with coalesced_threads(), and a
// tile scan with cg::inclusive_scan / cg::reduce; host code launches both.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cooperative_groups/scan.h>

namespace cg = cooperative_groups;

__device__ double reduceBlock(double *sdata, double myval, const cg::thread_block &cta)
{
    const unsigned int tid = cta.thread_rank();
    cg::thread_block_tile<32> tile32 = cg::tiled_partition<32>(cta);

    sdata[tid] = myval;
    cg::sync(cta);
    double beta = sdata[tid];
    double temp;

    for (int i = tile32.size() / 2; i > 0; i >>= 1) {
        if (tile32.thread_rank() < i) {
            temp = sdata[tid + i];
            beta += temp;
            sdata[tid] = beta;
        }
        tile32.sync();
    }
    cg::sync(cta);

    if (cta.thread_rank() == 0) {
        beta = 0;
        for (int i = 0; i < blockDim.x; i += tile32.size()) {
            beta += sdata[i];
        }
        sdata[0] = beta;
    }
    cg::sync(cta);
    return sdata[0];
}

__global__ void reduceBlocks(const double *g_idata, double *g_odata, unsigned int n)
{
    cg::thread_block block = cg::this_thread_block();
    __shared__ double sdata[256];
    unsigned int i = blockIdx.x * blockDim.x + block.thread_rank();
    double v = reduceBlock(sdata, i < n ? g_idata[i] : 0.0, block);
    if (block.thread_rank() == 0) {
        g_odata[blockIdx.x] = v;
    }
}

__global__ void reduceSinglePass(const float *g_idata, double *g_odata, unsigned int n)
{
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<32, cg::thread_block> warp = cg::tiled_partition<32>(block);
    extern __shared__ double sdata[];

    double sum = 0.0;
    for (unsigned int i = block.group_index().x * blockDim.x + block.thread_rank(); i < n;
         i += blockDim.x * gridDim.x) {
        sum += g_idata[i];
    }
    for (int offset = warp.size() / 2; offset > 0; offset /= 2) {
        sum += warp.shfl_down(sum, offset);
    }
    if (warp.thread_rank() == 0) {
        sdata[warp.meta_group_rank()] = sum;
    }
    block.sync();
    if (warp.meta_group_rank() == 0) {
        double v = warp.thread_rank() < warp.meta_group_size() ? sdata[warp.thread_rank()] : 0.0;
        v = cg::reduce(warp, v, cg::plus<double>());
        if (warp.thread_rank() == 0) {
            g_odata[blockIdx.x] = v;
        }
    }
}

__device__ int atomicAggInc(int *counter)
{
    cg::coalesced_group active = cg::coalesced_threads();
    int prev;
    if (active.thread_rank() == 0) {
        prev = atomicAdd(counter, active.num_threads());
    }
    prev = active.thread_rank() + active.shfl(prev, 0);
    return prev;
}

__global__ void filterArr(int *dstArr, int *nres, const int *srcArr, int n)
{
    int id = threadIdx.x + blockIdx.x * blockDim.x;
    for (int i = id; i < n; i += gridDim.x * blockDim.x) {
        if (srcArr[i] > 0) {
            dstArr[atomicAggInc(nres)] = srcArr[i];
        }
    }
}

template <unsigned int TileSize>
__global__ void tileScan(const int *in, int *out, int *tileMax)
{
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<TileSize> tile = cg::tiled_partition<TileSize>(block);
    int gid = blockIdx.x * blockDim.x + threadIdx.x;
    int v = in[gid];
    out[gid] = cg::inclusive_scan(tile, v);
    int m = cg::reduce(tile, v, cg::greater<int>());
    if (tile.thread_rank() == 0) {
        tileMax[blockIdx.x * tile.meta_group_size() + tile.meta_group_rank()] = m;
    }
}

template __global__ void tileScan<8>(const int *, int *, int *);
template __global__ void tileScan<16>(const int *, int *, int *);

int main()
{
    const unsigned int n = 1 << 16;
    std::vector<float> h(n, 1.0f);
    float *d_in;
    double *d_out;
    cudaMalloc(&d_in, n * sizeof(float));
    cudaMalloc(&d_out, 64 * sizeof(double));
    cudaMemcpy(d_in, h.data(), n * sizeof(float), cudaMemcpyHostToDevice);
    reduceSinglePass<<<64, 256, 8 * sizeof(double)>>>(d_in, d_out, n);
    int *d_dst, *d_nres, *d_src;
    cudaMalloc(&d_dst, n * sizeof(int));
    cudaMalloc(&d_nres, sizeof(int));
    cudaMalloc(&d_src, n * sizeof(int));
    filterArr<<<64, 256>>>(d_dst, d_nres, d_src, n);
    cudaDeviceSynchronize();
    printf("done\n");
    cudaFree(d_in);
    cudaFree(d_out);
    return 0;
}
