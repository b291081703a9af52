// atomicInc / atomicDec wrap-around, atomicSub, atomicAnd / atomicOr / atomicXor, and float atomicAdd of integer values.
extern "C" __global__ void atomic_misc(unsigned int* counters, int* bits, float* fsum, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    atomicInc(&counters[0], 16u);         // wraps to 0 after reaching 16
    atomicDec(&counters[1], 10u);         // 0 or > 10 wraps to 10
    atomicInc(&counters[2], 0xffffffffu); // plain increment
    atomicSub(&counters[3], 3u);          // unsigned wrap-around below zero
    atomicAnd(&bits[0], ~(1 << (i % 31)));
    atomicOr(&bits[1], 1 << (i % 29));
    atomicXor(&bits[2], i * 2654435761u);
    atomicAdd(&fsum[0], (float)(i % 7));  // small integers: exact in any order
    atomicAdd(&fsum[1], -1.0f);
}
