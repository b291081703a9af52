// Parboil-style mri-q: Q-matrix computation over k-space samples held as a struct array in __constant__ memory.
#include <cuda_runtime.h>
#include <math.h>

#define PI 3.1415926535897932384626433832795029f
#define PIx2 6.2831853071795864769252867665590058f
#define KERNEL_Q_THREADS_PER_BLOCK 256
#define KERNEL_Q_K_ELEMS_PER_GRID 1024

struct kValues {
    float Kx;
    float Ky;
    float Kz;
    float PhiMag;
};

__constant__ __device__ kValues ck[KERNEL_Q_K_ELEMS_PER_GRID];

__global__ void ComputePhiMag_GPU(const float *phiR, const float *phiI, float *phiMag, int numK)
{
    int indexK = blockIdx.x * KERNEL_Q_THREADS_PER_BLOCK + threadIdx.x;
    if (indexK < numK) {
        float real = phiR[indexK];
        float imag = phiI[indexK];
        phiMag[indexK] = real * real + imag * imag;
    }
}

__global__ void ComputeQ_GPU(int numK, int kGlobalIndex, const float *x, const float *y, const float *z, float *Qr, float *Qi)
{
    float sX, sY, sZ, sQr, sQi;
    int xIndex = blockIdx.x * KERNEL_Q_THREADS_PER_BLOCK + threadIdx.x;
    sX = x[xIndex];
    sY = y[xIndex];
    sZ = z[xIndex];
    sQr = Qr[xIndex];
    sQi = Qi[xIndex];
    int kIndex = 0;
    if (numK % 2) {
        float expArg = PIx2 * (ck[0].Kx * sX + ck[0].Ky * sY + ck[0].Kz * sZ);
        sQr += ck[0].PhiMag * __cosf(expArg);
        sQi += ck[0].PhiMag * __sinf(expArg);
        kIndex++;
        kGlobalIndex++;
    }
    for (; (kIndex < KERNEL_Q_K_ELEMS_PER_GRID) && (kGlobalIndex < numK); kIndex += 2, kGlobalIndex += 2) {
        float expArg = PIx2 * (ck[kIndex].Kx * sX + ck[kIndex].Ky * sY + ck[kIndex].Kz * sZ);
        sQr += ck[kIndex].PhiMag * cosf(expArg);
        sQi += ck[kIndex].PhiMag * sinf(expArg);
        int kIndex1 = kIndex + 1;
        float expArg1 = PIx2 * (ck[kIndex1].Kx * sX + ck[kIndex1].Ky * sY + ck[kIndex1].Kz * sZ);
        float s, c;
        sincosf(expArg1, &s, &c);
        sQr += ck[kIndex1].PhiMag * c;
        sQi += ck[kIndex1].PhiMag * s;
    }
    Qr[xIndex] = sQr;
    Qi[xIndex] = sQi;
}
