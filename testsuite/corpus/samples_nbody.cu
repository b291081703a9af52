// CUDA-samples-style nbody: all-pairs gravitational forces with float4 bodies, shared tiles and rsqrtf.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

#define SOFTENING_SQUARED 0.01f

__device__ float3 bodyBodyInteraction(float3 ai, float4 bi, float4 bj)
{
    float3 r;
    r.x = bj.x - bi.x;
    r.y = bj.y - bi.y;
    r.z = bj.z - bi.z;
    float distSqr = r.x * r.x + r.y * r.y + r.z * r.z + SOFTENING_SQUARED;
    float invDist = rsqrtf(distSqr);
    float invDistCube = invDist * invDist * invDist;
    float s = bj.w * invDistCube;
    ai.x += r.x * s;
    ai.y += r.y * s;
    ai.z += r.z * s;
    return ai;
}

__global__ void integrateBodies(float4 *__restrict__ newPos, float4 *__restrict__ vel, const float4 *__restrict__ oldPos,
                                float deltaTime, float damping, int numBodies)
{
    extern __shared__ float4 sharedPos[];
    int index = blockIdx.x * blockDim.x + threadIdx.x;
    float4 position = oldPos[index];
    float3 acc = make_float3(0.0f, 0.0f, 0.0f);
    for (int tile = 0; tile < gridDim.x; tile++) {
        sharedPos[threadIdx.x] = oldPos[tile * blockDim.x + threadIdx.x];
        __syncthreads();
#pragma unroll 4
        for (unsigned int counter = 0; counter < blockDim.x; counter++)
            acc = bodyBodyInteraction(acc, position, sharedPos[counter]);
        __syncthreads();
    }
    float4 velocity = vel[index];
    velocity.x = (velocity.x + acc.x * deltaTime) * damping;
    velocity.y = (velocity.y + acc.y * deltaTime) * damping;
    velocity.z = (velocity.z + acc.z * deltaTime) * damping;
    position.x += velocity.x * deltaTime;
    position.y += velocity.y * deltaTime;
    position.z += velocity.z * deltaTime;
    newPos[index] = position;
    vel[index] = velocity;
}

int main()
{
    const int numBodies = 4096, blockSize = 256;
    std::vector<float4> pos(numBodies), vel(numBodies);
    for (int i = 0; i < numBodies; i++) {
        pos[i] = make_float4((float)(i % 64), (float)(i / 64), 0.5f * i, 1.0f);
        vel[i] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    }
    float4 *dPos[2], *dVel;
    cudaMalloc(&dPos[0], numBodies * sizeof(float4));
    cudaMalloc(&dPos[1], numBodies * sizeof(float4));
    cudaMalloc(&dVel, numBodies * sizeof(float4));
    cudaMemcpy(dPos[0], pos.data(), numBodies * sizeof(float4), cudaMemcpyHostToDevice);
    cudaMemcpy(dVel, vel.data(), numBodies * sizeof(float4), cudaMemcpyHostToDevice);
    for (int step = 0; step < 10; step++) {
        int cur = step & 1;
        integrateBodies<<<numBodies / blockSize, blockSize, blockSize * sizeof(float4)>>>(
            dPos[1 - cur], dVel, dPos[cur], 0.016f, 0.995f, numBodies);
    }
    cudaMemcpy(pos.data(), dPos[0], numBodies * sizeof(float4), cudaMemcpyDeviceToHost);
    printf("body 0: %f %f %f\n", pos[0].x, pos[0].y, pos[0].z);
    cudaFree(dPos[0]);
    cudaFree(dPos[1]);
    cudaFree(dVel);
    return 0;
}
