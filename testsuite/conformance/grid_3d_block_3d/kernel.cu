// 3D grid of 3D blocks over a 3D volume: a 7-point sum over a volume plus packed ids.
extern "C" __global__ void grid3d(const int* vol, int* sums, unsigned int* ids, int nx, int ny, int nz)
{
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    int z = blockIdx.z * blockDim.z + threadIdx.z;
    if (x >= nx || y >= ny || z >= nz) return;
    int c = (z * ny + y) * nx + x;
    int s = vol[c];
    if (x > 0) s += vol[c - 1];
    if (x + 1 < nx) s += vol[c + 1];
    if (y > 0) s += vol[c - nx];
    if (y + 1 < ny) s += vol[c + nx];
    if (z > 0) s += vol[c - nx * ny];
    if (z + 1 < nz) s += vol[c + nx * ny];
    sums[c] = s;
    ids[c] = (blockIdx.z << 24) | (blockIdx.y << 16) | (blockIdx.x << 8) |
             (threadIdx.z << 6) | (threadIdx.y << 3) | threadIdx.x;
}
