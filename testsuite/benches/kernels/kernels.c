/* The benchmark kernels hand-written in C, as a CPU programmer would: one loop, same
 * arithmetic in the same order as the CUDA versions (so results are bit-identical).
 * Built by the benchmark with `gcc -O2 -shared -fPIC`. */

void saxpy(int n, float a, const float* x, float* y) {
    for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

void vadd(int n, const float* a, const float* b, float* c) {
    for (int i = 0; i < n; i++) c[i] = a[i] + b[i];
}

void jacobi2d(int w, int h, const float* in, float* out) {
    for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++) {
            int i = y * w + x;
            out[i] = 0.25f * (in[i - 1] + in[i + 1] + in[i - w] + in[i + w]);
        }
}

void stencil1d(int n, const float* in, float* out) {
    for (int i = 0; i < n; i++) {
        float sum = 0.0f;
        for (int k = -3; k <= 3; k++) {
            int j = i + k;
            sum += (j >= 0 && j < n) ? in[j] : 0.0f;
        }
        out[i] = sum;
    }
}
