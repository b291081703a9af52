// Rodinia-style cfd (euler3d): per-cell flux computation with float3 helpers, operator overloads and a namespace.
#include <cuda_runtime.h>

#define GAMMA 1.4f
#define NNB 4
#define NDIM 3
#define NVAR (NDIM + 2)
#define VAR_DENSITY 0
#define VAR_MOMENTUM 1
#define VAR_DENSITY_ENERGY (VAR_MOMENTUM + NDIM)

namespace cfd {

__host__ __device__ __forceinline__ float3 operator+(float3 a, float3 b) { return make_float3(a.x + b.x, a.y + b.y, a.z + b.z); }
__host__ __device__ __forceinline__ float3 operator*(float s, float3 a) { return make_float3(s * a.x, s * a.y, s * a.z); }
__host__ __device__ __forceinline__ float dot(const float3 &a, const float3 &b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

__device__ __forceinline__ void compute_velocity(float &density, float3 &momentum, float3 &velocity)
{
    velocity.x = momentum.x / density;
    velocity.y = momentum.y / density;
    velocity.z = momentum.z / density;
}

__device__ __forceinline__ float compute_speed_sqd(float3 &velocity) { return dot(velocity, velocity); }

__device__ __forceinline__ float compute_pressure(float &density, float &density_energy, float &speed_sqd)
{
    return (float(GAMMA) - float(1.0f)) * (density_energy - float(0.5f) * density * speed_sqd);
}

__device__ __forceinline__ float compute_speed_of_sound(float &density, float &pressure)
{
    return sqrtf(float(GAMMA) * pressure / density);
}

} // namespace cfd

__global__ void cuda_compute_step_factor(int nelr, const float *variables, const float *areas, float *step_factors)
{
    const int i = (blockDim.x * blockIdx.x + threadIdx.x);
    if (i >= nelr) return;
    float density = variables[i + VAR_DENSITY * nelr];
    float3 momentum;
    momentum.x = variables[i + (VAR_MOMENTUM + 0) * nelr];
    momentum.y = variables[i + (VAR_MOMENTUM + 1) * nelr];
    momentum.z = variables[i + (VAR_MOMENTUM + 2) * nelr];
    float density_energy = variables[i + VAR_DENSITY_ENERGY * nelr];
    float3 velocity;
    cfd::compute_velocity(density, momentum, velocity);
    float speed_sqd = cfd::compute_speed_sqd(velocity);
    float pressure = cfd::compute_pressure(density, density_energy, speed_sqd);
    float speed_of_sound = cfd::compute_speed_of_sound(density, pressure);
    step_factors[i] = float(0.5f) / (sqrtf(areas[i]) * (sqrtf(speed_sqd) + speed_of_sound));
}

__global__ void cuda_time_step(int j, int nelr, const float *old_variables, float *variables, const float *step_factors,
                               const float *fluxes)
{
    using namespace cfd;
    const int i = (blockDim.x * blockIdx.x + threadIdx.x);
    if (i >= nelr) return;
    float factor = step_factors[i] / float(4 - j);
    float3 m = make_float3(fluxes[i + 1 * nelr], fluxes[i + 2 * nelr], fluxes[i + 3 * nelr]);
    float3 old = make_float3(old_variables[i + 1 * nelr], old_variables[i + 2 * nelr], old_variables[i + 3 * nelr]);
    float3 upd = old + factor * m;
    variables[i + VAR_DENSITY * nelr] = old_variables[i + VAR_DENSITY * nelr] + factor * fluxes[i + VAR_DENSITY * nelr];
    variables[i + 1 * nelr] = upd.x;
    variables[i + 2 * nelr] = upd.y;
    variables[i + 3 * nelr] = upd.z;
    variables[i + VAR_DENSITY_ENERGY * nelr] =
        old_variables[i + VAR_DENSITY_ENERGY * nelr] + factor * fluxes[i + VAR_DENSITY_ENERGY * nelr];
}
