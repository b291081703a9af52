// Rodinia-style kmeans: nearest-centroid assignment with cluster centres in __constant__ memory.
#include <cuda_runtime.h>
#include <float.h>

#define ASSUMED_NR_CLUSTERS 32
#define FEATURES_MAX 16

__constant__ float c_clusters[ASSUMED_NR_CLUSTERS * FEATURES_MAX];

__global__ void invert_mapping(const float *input, float *output, int npoints, int nfeatures)
{
    int point_id = threadIdx.x + blockDim.x * blockIdx.x;
    if (point_id < npoints) {
        for (int i = 0; i < nfeatures; i++) output[point_id + npoints * i] = input[point_id * nfeatures + i];
    }
}

__global__ void kmeansPoint(const float *features, int nfeatures, int npoints, int nclusters, int *membership,
                            int *delta_count)
{
    unsigned int block_id = gridDim.x * blockIdx.y + blockIdx.x;
    unsigned int point_id = block_id * blockDim.x * blockDim.y + threadIdx.x;
    int index = -1;
    if (point_id < npoints) {
        float min_dist = FLT_MAX;
        for (int i = 0; i < nclusters; i++) {
            int cluster_base_index = i * nfeatures;
            float ans = 0.0;
            for (int j = 0; j < nfeatures; j++) {
                int addr = point_id + j * npoints;
                float diff = (features[addr] - c_clusters[cluster_base_index + j]);
                ans += diff * diff;
            }
            float dist = ans;
            if (dist < min_dist) {
                min_dist = dist;
                index = i;
            }
        }
        if (membership[point_id] != index) atomicAdd(delta_count, 1);
        membership[point_id] = index;
    }
}
