// 1D 5-point float stencil with a shared halo loaded by the edge threads.
#define R 2
extern "C" __global__ void stencil_1d_f32(const float* in, float* out, int n)
{
    __shared__ float s[256 + 2 * R];
    int g = blockIdx.x * blockDim.x + threadIdx.x;
    int l = threadIdx.x + R;
    s[l] = g < n ? in[g] : 0.0f;
    if (threadIdx.x < R) {
        s[threadIdx.x] = (g - R >= 0 && g - R < n) ? in[g - R] : 0.0f;
    }
    if (threadIdx.x >= blockDim.x - R) {
        s[l + R] = (g + R < n) ? in[g + R] : 0.0f;
    }
    __syncthreads();
    if (g < n) {
        out[g] = 0.1f * s[l - 2] + 0.2f * s[l - 1] + 0.4f * s[l] + 0.2f * s[l + 1] + 0.1f * s[l + 2];
    }
}
