// expect: error: `cooperative_groups::grid_group::sync` is unsupported (a grid barrier needs a cooperative launch) on line 12
#include <cooperative_groups.h>

namespace cg = cooperative_groups;

__global__ void two_phase(float *data, float *partial, int n)
{
    cg::grid_group grid = cg::this_grid();
    unsigned long long i = grid.thread_rank();
    if (i < n)
        partial[i] = data[i] * 2.0f;
    grid.sync();
    if (i < n)
        data[i] = partial[(i + 1) % n];
}
