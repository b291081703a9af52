// CUDA-samples-style SobelFilter: 3x3 gradient magnitude over 8-bit pixels with clamped borders.
#include <cuda_runtime.h>

typedef unsigned char Pixel;

__device__ Pixel ComputeSobel(Pixel ul, Pixel um, Pixel ur, Pixel ml, Pixel mm, Pixel mr, Pixel ll, Pixel lm, Pixel lr,
                              float fScale)
{
    short Horz = ur + 2 * mr + lr - ul - 2 * ml - ll;
    short Vert = ul + 2 * um + ur - ll - 2 * lm - lr;
    short Sum = (short)(fScale * (abs((int)Horz) + abs((int)Vert)));
    if (Sum < 0) return 0;
    else if (Sum > 0xff) return 0xff;
    return (Pixel)Sum;
    (void)mm;
}

__device__ __forceinline__ Pixel at(const Pixel *img, int w, int h, int x, int y)
{
    x = x < 0 ? 0 : (x >= w ? w - 1 : x);
    y = y < 0 ? 0 : (y >= h ? h - 1 : y);
    return img[y * w + x];
}

__global__ void SobelTex(Pixel *pSobelOriginal, unsigned int Pitch, const Pixel *src, int w, int h, float fScale)
{
    Pixel *pSobel = (Pixel *)(((char *)pSobelOriginal) + blockIdx.x * Pitch);
    for (int i = threadIdx.x; i < w; i += blockDim.x) {
        int y = blockIdx.x;
        Pixel pix00 = at(src, w, h, i - 1, y - 1), pix01 = at(src, w, h, i, y - 1), pix02 = at(src, w, h, i + 1, y - 1);
        Pixel pix10 = at(src, w, h, i - 1, y), pix11 = at(src, w, h, i, y), pix12 = at(src, w, h, i + 1, y);
        Pixel pix20 = at(src, w, h, i - 1, y + 1), pix21 = at(src, w, h, i, y + 1), pix22 = at(src, w, h, i + 1, y + 1);
        pSobel[i] = ComputeSobel(pix00, pix01, pix02, pix10, pix11, pix12, pix20, pix21, pix22, fScale);
    }
}

__global__ void rgbaToLuma(Pixel *luma, const uchar4 *rgba, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        uchar4 p = rgba[i];
        luma[i] = (Pixel)__float2int_rn(0.299f * p.x + 0.587f * p.y + 0.114f * p.z);
    }
}
