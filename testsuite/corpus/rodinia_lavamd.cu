// Rodinia-style lavaMD: particle potential within neighbouring boxes, structs of double/float4 and a noinline helper.
#include <cuda_runtime.h>

#define NUMBER_PAR_PER_BOX 100
#define NUMBER_THREADS 128
#define DOT(A, B) ((A.x) * (B.x) + (A.y) * (B.y) + (A.z) * (B.z))

typedef struct {
    double x, y, z;
} THREE_VECTOR;

typedef struct {
    double v, x, y, z;
} FOUR_VECTOR;

typedef struct nei_str {
    int x, y, z;
    int number;
    long offset;
} nei_str;

typedef struct box_str {
    int x, y, z;
    int number;
    long offset;
    int nn;
    nei_str nei[26];
} box_str;

typedef struct par_str {
    double alpha;
} par_str;

__device__ __noinline__ double pair_force(double a2, const FOUR_VECTOR &ri, const FOUR_VECTOR &rj)
{
    double r2 = ri.v + rj.v - DOT(ri, rj);
    double u2 = a2 * r2;
    return exp(-u2);
}

__global__ void kernel_gpu_cuda(par_str d_par_gpu, long dim_number_boxes, const box_str *d_box_gpu, const FOUR_VECTOR *d_rv_gpu,
                                const double *d_qv_gpu, FOUR_VECTOR *d_fv_gpu)
{
    int bx = blockIdx.x;
    int tx = threadIdx.x;
    int wtx = tx;
    if (bx < dim_number_boxes) {
        double a2 = 2.0 * d_par_gpu.alpha * d_par_gpu.alpha;
        long first_i = d_box_gpu[bx].offset;
        const FOUR_VECTOR *rA = &d_rv_gpu[first_i];
        FOUR_VECTOR *fA = &d_fv_gpu[first_i];
        __shared__ FOUR_VECTOR rA_shared[NUMBER_PAR_PER_BOX];
        __shared__ FOUR_VECTOR rB_shared[NUMBER_PAR_PER_BOX];
        __shared__ double qB_shared[NUMBER_PAR_PER_BOX];
        while (wtx < NUMBER_PAR_PER_BOX) {
            rA_shared[wtx] = rA[wtx];
            wtx = wtx + NUMBER_THREADS;
        }
        wtx = tx;
        __syncthreads();
        for (int k = 0; k < (1 + d_box_gpu[bx].nn); k++) {
            int pointer = (k == 0) ? bx : d_box_gpu[bx].nei[k - 1].number;
            long first_j = d_box_gpu[pointer].offset;
            const FOUR_VECTOR *rB = &d_rv_gpu[first_j];
            const double *qB = &d_qv_gpu[first_j];
            while (wtx < NUMBER_PAR_PER_BOX) {
                rB_shared[wtx] = rB[wtx];
                qB_shared[wtx] = qB[wtx];
                wtx = wtx + NUMBER_THREADS;
            }
            wtx = tx;
            __syncthreads();
            while (wtx < NUMBER_PAR_PER_BOX) {
                for (int j = 0; j < NUMBER_PAR_PER_BOX; j++) {
                    double vij = pair_force(a2, rA_shared[wtx], rB_shared[j]);
                    double fs = 2. * vij;
                    THREE_VECTOR d;
                    d.x = rA_shared[wtx].x - rB_shared[j].x;
                    d.y = rA_shared[wtx].y - rB_shared[j].y;
                    d.z = rA_shared[wtx].z - rB_shared[j].z;
                    fA[wtx].v += qB_shared[j] * vij;
                    fA[wtx].x += qB_shared[j] * fs * d.x;
                    fA[wtx].y += qB_shared[j] * fs * d.y;
                    fA[wtx].z += qB_shared[j] * fs * d.z;
                }
                wtx = wtx + NUMBER_THREADS;
            }
            wtx = tx;
            __syncthreads();
        }
    }
}
