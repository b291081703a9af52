/* cwcc device library: <stddef.h>: size_t, ptrdiff_t, NULL, offsetof */
#ifndef CWCC_STDDEF_H_INCLUDED
#define CWCC_STDDEF_H_INCLUDED

/* LP64, as with nvcc on Linux: size_t and ptrdiff_t are 64 bits. */
typedef unsigned long size_t;
typedef long ptrdiff_t;

#ifndef NULL
#define NULL 0
#endif

/* The classic definition: the address of `member` in an object placed at address 0. */
#define offsetof(type, member) ((size_t) & (((type *)0)->member))

#endif /* CWCC_STDDEF_H_INCLUDED */
