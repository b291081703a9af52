/* cwcc device library: the types every CUDA translation unit sees */
#ifndef CWCC_BUILTIN_TYPES_H_INCLUDED
#define CWCC_BUILTIN_TYPES_H_INCLUDED

#include <driver_types.h>
#include <vector_types.h>

#endif /* CWCC_BUILTIN_TYPES_H_INCLUDED */
