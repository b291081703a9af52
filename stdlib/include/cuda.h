/* cwcc device library: cuda.h (forwards to cuda_runtime.h; the driver API itself is not provided) */
#ifndef CWCC_CUDA_H_INCLUDED
#define CWCC_CUDA_H_INCLUDED

#include <cuda_runtime.h>

#endif /* CWCC_CUDA_H_INCLUDED */
