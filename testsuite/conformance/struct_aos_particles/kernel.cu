// Array of structs with float3 members; structs passed to and returned from device functions by value.
struct Particle {
    float3 pos;
    float3 vel;
    float mass;
    float charge;
};

struct Step {
    float dt;
    float3 gravity;
};

__device__ Particle advance(Particle p, Step s)
{
    p.vel.x += s.gravity.x * s.dt;
    p.vel.y += s.gravity.y * s.dt;
    p.vel.z += s.gravity.z * s.dt;
    p.pos.x += p.vel.x * s.dt;
    p.pos.y += p.vel.y * s.dt;
    p.pos.z += p.vel.z * s.dt;
    if (p.pos.y < 0.0f) {
        p.pos.y = -p.pos.y;
        p.vel.y = -0.5f * p.vel.y;
    }
    p.charge = -p.charge;
    return p;
}

extern "C" __global__ void particles_step(Particle* ps, float* energy, int n, float dt)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    Step s;
    s.dt = dt;
    s.gravity = make_float3(0.0f, -9.81f, 0.0f);
    Particle p = advance(ps[i], s);
    ps[i] = p;
    energy[i] = 0.5f * p.mass * (p.vel.x * p.vel.x + p.vel.y * p.vel.y + p.vel.z * p.vel.z);
}
