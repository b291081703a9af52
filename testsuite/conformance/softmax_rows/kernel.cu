// Row softmax: one block per row, shared-memory max and sum reductions, expf.
extern "C" __global__ void softmax_rows(const float* in, float* out, int cols)
{
    __shared__ float red[128];
    const float* row = in + blockIdx.x * cols;
    float* orow = out + blockIdx.x * cols;
    int t = threadIdx.x;
    float m = -3.402823466e38f; // -FLT_MAX
    for (int c = t; c < cols; c += blockDim.x) m = fmaxf(m, row[c]);
    red[t] = m;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) red[t] = fmaxf(red[t], red[t + s]);
        __syncthreads();
    }
    float mx = red[0];
    __syncthreads();
    float sum = 0.0f;
    for (int c = t; c < cols; c += blockDim.x) sum += expf(row[c] - mx);
    red[t] = sum;
    __syncthreads();
    for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (t < s) red[t] += red[t + s];
        __syncthreads();
    }
    float total = red[0];
    for (int c = t; c < cols; c += blockDim.x) orow[c] = expf(row[c] - mx) / total;
}
