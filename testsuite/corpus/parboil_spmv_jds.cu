// Parboil-style spmv: JDS (jagged diagonal storage) sparse matrix-vector product with __constant__ jds_ptr offsets.
#include <cuda_runtime.h>

#define MAX_DIAG 1024
__constant__ int jds_ptr_int[MAX_DIAG];
__constant__ int sh_zcnt_int[MAX_DIAG];

__global__ void spmv_jds(float *dst_vector, const float *d_data, const int *d_index, const int *d_perm, const float *x_vec,
                         const int dim, const int *__restrict__ d_nzcnt)
{
    int ix = blockIdx.x * blockDim.x + threadIdx.x;
    int warp_id = ix >> 5;
    if (ix < dim) {
        float sum = 0.0f;
        int bound = sh_zcnt_int[warp_id];
        int j = jds_ptr_int[0] + ix;
        float d = d_data[j];
        int i = d_index[j];
        float t = x_vec[i];
        if (bound > 1) {
            j = jds_ptr_int[1] + ix;
            i = d_index[j];
            int in;
            float dn;
            float tn;
            for (int k = 2; k < bound; k++) {
                sum += d * t;
                in = d_index[j];
                dn = d_data[j];
                tn = x_vec[in];
                j = jds_ptr_int[k] + ix;
                t = tn;
                d = dn;
            }
        }
        sum += d * t;
        dst_vector[d_perm[ix]] = sum;
    }
    (void)d_nzcnt;
}
