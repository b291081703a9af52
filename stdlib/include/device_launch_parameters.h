/* cwcc device library: the built-in variables threadIdx, blockIdx, blockDim, gridDim, warpSize */
#ifndef CWCC_DEVICE_LAUNCH_PARAMETERS_H_INCLUDED
#define CWCC_DEVICE_LAUNCH_PARAMETERS_H_INCLUDED

#include <vector_types.h>

/* Each is defined by the device library of every backend; they are read-only. */
extern const __device__ uint3 threadIdx;
extern const __device__ uint3 blockIdx;
extern const __device__ dim3 blockDim;
extern const __device__ dim3 gridDim;
extern const __device__ int warpSize;

#endif /* CWCC_DEVICE_LAUNCH_PARAMETERS_H_INCLUDED */
