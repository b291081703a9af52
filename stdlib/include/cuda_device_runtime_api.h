/* cwcc device library: device runtime API header (forwards to cuda_runtime_api.h) */
#ifndef CWCC_CUDA_DEVICE_RUNTIME_API_H_INCLUDED
#define CWCC_CUDA_DEVICE_RUNTIME_API_H_INCLUDED

#include <cuda_runtime_api.h>

#endif /* CWCC_CUDA_DEVICE_RUNTIME_API_H_INCLUDED */
