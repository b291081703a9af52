// CUDA-samples-style Mandelbrot: escape-time fractal into uchar4 pixels with a do/while iteration.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

#define MAX_ITER 256

__device__ int calcMandelbrot(const float xPos, const float yPos, const int crunch)
{
    float x = xPos, y = yPos;
    float xx = x * x, yy = y * y;
    int i = crunch;
    do {
        y = x * y * 2.0f + yPos;
        x = xx - yy + xPos;
        yy = y * y;
        xx = x * x;
    } while (--i && (xx + yy < 4.0f));
    return crunch - i;
}

__device__ uchar4 colorOf(int m)
{
    uchar4 c;
    c.x = (unsigned char)((m * 7) & 0xff);
    c.y = static_cast<unsigned char>((m * 3) & 0xff);
    c.z = (unsigned char)(255 - (m & 0xff));
    c.w = 255;
    return c;
}

__global__ void Mandelbrot0(uchar4 *dst, const int imageW, const int imageH, const float xOff, const float yOff,
                            const float scale)
{
    const int ix = blockDim.x * blockIdx.x + threadIdx.x;
    const int iy = blockDim.y * blockIdx.y + threadIdx.y;
    if ((ix < imageW) && (iy < imageH)) {
        const float xPos = (float)ix * scale + xOff;
        const float yPos = (float)iy * scale + yOff;
        int m = calcMandelbrot(xPos, yPos, MAX_ITER);
        m = m > MAX_ITER - 1 ? 0 : m;
        dst[imageW * iy + ix] = colorOf(m);
    }
}

int main()
{
    const int w = 800, h = 600;
    uchar4 *d_dst;
    cudaMalloc(&d_dst, w * h * sizeof(uchar4));
    dim3 threads(16, 16);
    dim3 grid((w + threads.x - 1) / threads.x, (h + threads.y - 1) / threads.y);
    Mandelbrot0<<<grid, threads>>>(d_dst, w, h, -2.0f, -1.2f, 3.0f / w);
    std::vector<uchar4> img(w * h);
    cudaMemcpy(img.data(), d_dst, w * h * sizeof(uchar4), cudaMemcpyDeviceToHost);
    printf("pixel(400,300) = %d %d %d\n", img[300 * w + 400].x, img[300 * w + 400].y, img[300 * w + 400].z);
    cudaFree(d_dst);
    return 0;
}
