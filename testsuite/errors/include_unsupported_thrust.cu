// expect: error: `thrust/device_vector.h` is not supported by cwcc (thrust is not provided) on line 3
#include <cuda_runtime.h>
#include <thrust/device_vector.h>

__global__ void k(float *x) { x[threadIdx.x] = 1.0f; }

int main()
{
    thrust::device_vector<float> v(256);
    k<<<1, 256>>>(thrust::raw_pointer_cast(v.data()));
    return 0;
}
