/* cwcc device library: CUDA vector types (char1 ... double4) and dim3 */
#ifndef CWCC_VECTOR_TYPES_H_INCLUDED
#define CWCC_VECTOR_TYPES_H_INCLUDED

/*
 * The CUDA vector types: structs with fields x, y, z, w, aligned as CUDA aligns them.
 * `__align__(N)` is a keyword of cwcc's parser, not a macro.
 * `long` is 64 bits (LP64), as with nvcc on Linux.
 */

struct char1 { signed char x; };
struct __align__(2) char2 { signed char x; signed char y; };
struct char3 { signed char x; signed char y; signed char z; };
struct __align__(4) char4 { signed char x; signed char y; signed char z; signed char w; };

struct uchar1 { unsigned char x; };
struct __align__(2) uchar2 { unsigned char x; unsigned char y; };
struct uchar3 { unsigned char x; unsigned char y; unsigned char z; };
struct __align__(4) uchar4 { unsigned char x; unsigned char y; unsigned char z; unsigned char w; };

struct short1 { short x; };
struct __align__(4) short2 { short x; short y; };
struct short3 { short x; short y; short z; };
struct __align__(8) short4 { short x; short y; short z; short w; };

struct ushort1 { unsigned short x; };
struct __align__(4) ushort2 { unsigned short x; unsigned short y; };
struct ushort3 { unsigned short x; unsigned short y; unsigned short z; };
struct __align__(8) ushort4 { unsigned short x; unsigned short y; unsigned short z; unsigned short w; };

struct int1 { int x; };
struct __align__(8) int2 { int x; int y; };
struct int3 { int x; int y; int z; };
struct __align__(16) int4 { int x; int y; int z; int w; };

struct uint1 { unsigned int x; };
struct __align__(8) uint2 { unsigned int x; unsigned int y; };
struct uint3 { unsigned int x; unsigned int y; unsigned int z; };
struct __align__(16) uint4 { unsigned int x; unsigned int y; unsigned int z; unsigned int w; };

struct long1 { long int x; };
struct __align__(16) long2 { long int x; long int y; };
struct long3 { long int x; long int y; long int z; };
struct __align__(16) long4 { long int x; long int y; long int z; long int w; };

struct ulong1 { unsigned long int x; };
struct __align__(16) ulong2 { unsigned long int x; unsigned long int y; };
struct ulong3 { unsigned long int x; unsigned long int y; unsigned long int z; };
struct __align__(16) ulong4 { unsigned long int x; unsigned long int y; unsigned long int z; unsigned long int w; };

struct longlong1 { long long int x; };
struct __align__(16) longlong2 { long long int x; long long int y; };
struct longlong3 { long long int x; long long int y; long long int z; };
struct __align__(16) longlong4 { long long int x; long long int y; long long int z; long long int w; };

struct ulonglong1 { unsigned long long int x; };
struct __align__(16) ulonglong2 { unsigned long long int x; unsigned long long int y; };
struct ulonglong3 { unsigned long long int x; unsigned long long int y; unsigned long long int z; };
struct __align__(16) ulonglong4 { unsigned long long int x; unsigned long long int y; unsigned long long int z; unsigned long long int w; };

struct float1 { float x; };
struct __align__(8) float2 { float x; float y; };
struct float3 { float x; float y; float z; };
struct __align__(16) float4 { float x; float y; float z; float w; };

struct double1 { double x; };
struct __align__(16) double2 { double x; double y; };
struct double3 { double x; double y; double z; };
struct __align__(16) double4 { double x; double y; double z; double w; };

/* The launch-configuration type: unspecified components default to 1. */
struct dim3 {
    unsigned int x, y, z;
    __host__ __device__ dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
    __host__ __device__ dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    __host__ __device__ operator uint3() const { uint3 t = {x, y, z}; return t; }
};

#endif /* CWCC_VECTOR_TYPES_H_INCLUDED */
