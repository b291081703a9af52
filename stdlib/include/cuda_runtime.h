/* cwcc device library: cuda_runtime.h, the header nvcc includes into every .cu file */
#ifndef CWCC_CUDA_RUNTIME_H_INCLUDED
#define CWCC_CUDA_RUNTIME_H_INCLUDED

/*
 * Everything a CUDA program sees: types, built-in variables, the device builtins
 * (math, atomics, warp primitives, intrinsics) and the host runtime API.
 */
#include <stddef.h>
#include <builtin_types.h>
#include <vector_types.h>
#include <vector_functions.h>
#include <device_launch_parameters.h>
#include <device_functions.h>
#include <math_functions.h>
#include <sm_20_atomic_functions.h>
#include <sm_30_intrinsics.h>
#include <sm_32_intrinsics.h>
#include <cuda_runtime_api.h>

/* Device-side printf and assert, as nvcc provides them without an explicit include. */
__host__ __device__ int printf(const char *format, ...);
__host__ __device__ void __assert_fail_device(const char *expression, const char *file, int line);

#endif /* CWCC_CUDA_RUNTIME_H_INCLUDED */
