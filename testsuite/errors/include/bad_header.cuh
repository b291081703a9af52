// A user header with a mistake: the return type `flaot` is misspelled (line 7).
#ifndef BAD_HEADER_CUH
#define BAD_HEADER_CUH

#include <cuda_runtime.h>

__device__ inline flaot lerp(float a, float b, float t)
{
    return a + t * (b - a);
}

#endif
