/* cwcc device library: <stdarg.h>: variable arguments (host-only) */
#ifndef CWCC_STDARG_H_INCLUDED
#define CWCC_STDARG_H_INCLUDED

/* Host-only: cwcc skips host code, so these only need to keep host code well-formed. */
typedef char *va_list;
#define va_start(ap, last) ((void)(ap))
#define va_arg(ap, type) (*(type *)(ap))
#define va_end(ap) ((void)(ap))
#define va_copy(dst, src) ((void)((dst) = (src)))

#endif /* CWCC_STDARG_H_INCLUDED */
