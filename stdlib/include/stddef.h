/* cwcc device library: <stddef.h>: size_t, ptrdiff_t, NULL, offsetof */
#ifndef CWCC_STDDEF_H_INCLUDED
#define CWCC_STDDEF_H_INCLUDED

/* LP64, as with nvcc on Linux: size_t and ptrdiff_t are 64 bits. */
typedef unsigned long size_t;
typedef long ptrdiff_t;

#ifndef NULL
#define NULL 0
#endif

/* A constant expression, as C++ requires (e.g. in static_assert); the compiler computes it from the record layout. */
#define offsetof(type, member) __builtin_offsetof(type, member)

#endif /* CWCC_STDDEF_H_INCLUDED */
