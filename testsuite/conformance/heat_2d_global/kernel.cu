// Naive 2D heat-equation step straight from global memory; boundary cells copied.
extern "C" __global__ void heat_step(const float* u, float* v, int nx, int ny, float alpha)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int j = blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= nx || j >= ny) return;
    int c = j * nx + i;
    if (i == 0 || j == 0 || i == nx - 1 || j == ny - 1) {
        v[c] = u[c];
        return;
    }
    float lap = u[c - 1] + u[c + 1] + u[c - nx] + u[c + nx] - 4.0f * u[c];
    v[c] = u[c] + alpha * lap;
}
