/* cwcc device library: forwards to cuda_fp16.h (everything is defined there) */
#include <cuda_fp16.h>
