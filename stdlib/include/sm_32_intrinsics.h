/* cwcc device library: read-only cache loads (__ldg) */
#ifndef CWCC_SM_32_INTRINSICS_H_INCLUDED
#define CWCC_SM_32_INTRINSICS_H_INCLUDED

#include <vector_types.h>

/* __ldg(p): load *p through the read-only data cache. */
__device__ char __ldg(const char *ptr);
__device__ signed char __ldg(const signed char *ptr);
__device__ short __ldg(const short *ptr);
__device__ int __ldg(const int *ptr);
__device__ long __ldg(const long *ptr);
__device__ long long __ldg(const long long *ptr);
__device__ unsigned char __ldg(const unsigned char *ptr);
__device__ unsigned short __ldg(const unsigned short *ptr);
__device__ unsigned int __ldg(const unsigned int *ptr);
__device__ unsigned long __ldg(const unsigned long *ptr);
__device__ unsigned long long __ldg(const unsigned long long *ptr);
__device__ float __ldg(const float *ptr);
__device__ double __ldg(const double *ptr);
__device__ char2 __ldg(const char2 *ptr);
__device__ char4 __ldg(const char4 *ptr);
__device__ short2 __ldg(const short2 *ptr);
__device__ short4 __ldg(const short4 *ptr);
__device__ int2 __ldg(const int2 *ptr);
__device__ int4 __ldg(const int4 *ptr);
__device__ longlong2 __ldg(const longlong2 *ptr);
__device__ uchar2 __ldg(const uchar2 *ptr);
__device__ uchar4 __ldg(const uchar4 *ptr);
__device__ ushort2 __ldg(const ushort2 *ptr);
__device__ ushort4 __ldg(const ushort4 *ptr);
__device__ uint2 __ldg(const uint2 *ptr);
__device__ uint4 __ldg(const uint4 *ptr);
__device__ ulonglong2 __ldg(const ulonglong2 *ptr);
__device__ float2 __ldg(const float2 *ptr);
__device__ float4 __ldg(const float4 *ptr);
__device__ double2 __ldg(const double2 *ptr);

#endif /* CWCC_SM_32_INTRINSICS_H_INCLUDED */
