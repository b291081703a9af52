/* cwcc device library: <assert.h>: assert, usable in device code */
#ifndef CWCC_ASSERT_H_INCLUDED
#define CWCC_ASSERT_H_INCLUDED

/* __assert_fail_device reports the failed expression and stops the kernel (a device-library builtin). */
__host__ __device__ void __assert_fail_device(const char *expression, const char *file, int line);

#endif /* CWCC_ASSERT_H_INCLUDED */

#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __assert_fail_device(#e, __FILE__, __LINE__))
#endif
