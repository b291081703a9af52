// Rodinia-style nn: Euclidean distance from every hurricane record to a target latitude/longitude.

typedef struct latLong {
    float lat;
    float lng;
} LatLong;

__global__ void euclid(const LatLong *d_locations, float *d_distances, int numRecords, float lat, float lng)
{
    int globalId = blockDim.x * (gridDim.x * blockIdx.y + blockIdx.x) + threadIdx.x;
    if (globalId < numRecords) {
        const LatLong *latLong = d_locations + globalId;
        float *dist = d_distances + globalId;
        *dist = (float)sqrt((lat - latLong->lat) * (lat - latLong->lat) + (lng - latLong->lng) * (lng - latLong->lng));
    }
}
