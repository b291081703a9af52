// Unsigned wrap-around and the usual arithmetic conversions with 8/16/32-bit types.
extern "C" __global__ void unsigned_wrap(const unsigned int* in, unsigned int* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    unsigned int x = in[i];
    unsigned char c = (unsigned char)x;
    unsigned short s = (unsigned short)(x >> 8);
    signed char sc = (signed char)x;
    short ss = (short)x;
    unsigned int* o = out + 10 * i;
    o[0] = x + 0xFFFFFFF0u;                 // wraps
    o[1] = x * 2654435761u;                 // wraps
    o[2] = 0u - x;                          // negation of unsigned
    o[3] = (unsigned char)(c + 200);        // 8-bit wrap
    o[4] = (unsigned short)(s * 300);       // 16-bit wrap after int promotion
    o[5] = (unsigned int)(c * c * c);       // promoted to int first
    o[6] = (unsigned int)(int)sc;           // sign extension
    o[7] = (unsigned int)(ss >> 3);         // arithmetic shift of a negative short
    o[8] = (x < 100u) ? x - 100u : x >> 31; // comparison stays unsigned
    o[9] = (unsigned int)(-1 < (int)x) + ((unsigned int)-1 > x ? 2u : 0u);
}
