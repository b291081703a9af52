// Parboil-style histo: saturating 8-bit histogram bins packed four per word, updated with do/while CAS loops.
#include <cuda_runtime.h>

#define BINS_PER_WORD 4
#define SAT 255u

__device__ void saturating_add(unsigned int *word_base, unsigned int bin, unsigned int amount)
{
    unsigned int *word = word_base + bin / BINS_PER_WORD;
    unsigned int shift = (bin % BINS_PER_WORD) * 8;
    unsigned int old = *word, assumed;
    do {
        assumed = old;
        unsigned int count = (assumed >> shift) & 0xffu;
        if (count == SAT) return;
        unsigned int updated = (assumed & ~(0xffu << shift)) | (min(count + amount, SAT) << shift);
        old = atomicCAS(word, assumed, updated);
    } while (assumed != old);
}

__global__ void histo_main_kernel(const unsigned short *sm_mappings, unsigned int num_elements, unsigned int *global_histo,
                                  unsigned int histo_words)
{
    extern __shared__ unsigned int sub_histo[];
    for (unsigned int w = threadIdx.x; w < histo_words; w += blockDim.x) sub_histo[w] = 0;
    __syncthreads();
    const unsigned int stride = blockDim.x * gridDim.x;
    for (unsigned int i = blockIdx.x * blockDim.x + threadIdx.x; i < num_elements; i += stride) {
        saturating_add(sub_histo, sm_mappings[i], 1u);
    }
    __syncthreads();
    for (unsigned int w = threadIdx.x; w < histo_words; w += blockDim.x) {
        unsigned int packed = sub_histo[w];
#pragma unroll
        for (int b = 0; b < BINS_PER_WORD; b++) {
            unsigned int cnt = (packed >> (8 * b)) & 0xffu;
            if (cnt) saturating_add(global_histo, w * BINS_PER_WORD + b, cnt);
        }
    }
}
