// Rodinia-style bfs: level-synchronous breadth-first search over a CSR graph with mask arrays and a stop flag.
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>

struct Node {
    int starting;
    int no_of_edges;
};

__global__ void Kernel(const Node *g_graph_nodes, const int *g_graph_edges, bool *g_graph_mask, bool *g_updating_graph_mask,
                       const bool *g_graph_visited, int *g_cost, int no_of_nodes)
{
    int tid = blockIdx.x * blockDim.x + threadIdx.x;
    if (tid < no_of_nodes && g_graph_mask[tid]) {
        g_graph_mask[tid] = false;
        for (int i = g_graph_nodes[tid].starting; i < (g_graph_nodes[tid].no_of_edges + g_graph_nodes[tid].starting); i++) {
            int id = g_graph_edges[i];
            if (!g_graph_visited[id]) {
                g_cost[id] = g_cost[tid] + 1;
                g_updating_graph_mask[id] = true;
            }
        }
    }
}

__global__ void Kernel2(bool *g_graph_mask, bool *g_updating_graph_mask, bool *g_graph_visited, bool *g_over, int no_of_nodes)
{
    int tid = blockIdx.x * blockDim.x + threadIdx.x;
    if (tid < no_of_nodes && g_updating_graph_mask[tid]) {
        g_graph_mask[tid] = true;
        g_graph_visited[tid] = true;
        *g_over = true;
        g_updating_graph_mask[tid] = false;
    }
}

int main()
{
    const int n = 1 << 16, degree = 4;
    std::vector<Node> nodes(n);
    std::vector<int> edges(n * degree);
    for (int i = 0; i < n; i++) {
        nodes[i].starting = i * degree;
        nodes[i].no_of_edges = degree;
        for (int k = 0; k < degree; k++) edges[i * degree + k] = (i * 7 + k * 13 + 1) % n;
    }
    Node *d_nodes; int *d_edges, *d_cost; bool *d_mask, *d_upd, *d_visited, *d_over;
    cudaMalloc((void **)&d_nodes, sizeof(Node) * n);
    cudaMalloc((void **)&d_edges, sizeof(int) * n * degree);
    cudaMalloc((void **)&d_cost, sizeof(int) * n);
    cudaMalloc((void **)&d_mask, n); cudaMalloc((void **)&d_upd, n); cudaMalloc((void **)&d_visited, n);
    cudaMalloc((void **)&d_over, sizeof(bool));
    cudaMemcpy(d_nodes, nodes.data(), sizeof(Node) * n, cudaMemcpyHostToDevice);
    cudaMemcpy(d_edges, edges.data(), sizeof(int) * n * degree, cudaMemcpyHostToDevice);
    cudaMemset(d_cost, 0xff, sizeof(int) * n);
    cudaMemset(d_mask, 0, n); cudaMemset(d_upd, 0, n); cudaMemset(d_visited, 0, n);
    bool t = true; int zero = 0;
    cudaMemcpy(d_mask, &t, 1, cudaMemcpyHostToDevice);
    cudaMemcpy(d_visited, &t, 1, cudaMemcpyHostToDevice);
    cudaMemcpy(d_cost, &zero, sizeof(int), cudaMemcpyHostToDevice);
    dim3 grid((n + 511) / 512), threads(512);
    bool stop;
    int k = 0;
    do {
        stop = false;
        cudaMemcpy(d_over, &stop, sizeof(bool), cudaMemcpyHostToDevice);
        Kernel<<<grid, threads, 0>>>(d_nodes, d_edges, d_mask, d_upd, d_visited, d_cost, n);
        Kernel2<<<grid, threads, 0>>>(d_mask, d_upd, d_visited, d_over, n);
        cudaMemcpy(&stop, d_over, sizeof(bool), cudaMemcpyDeviceToHost);
        k++;
    } while (stop);
    printf("BFS finished after %d levels\n", k);
    cudaFree(d_nodes); cudaFree(d_edges); cudaFree(d_cost);
    cudaFree(d_mask); cudaFree(d_upd); cudaFree(d_visited); cudaFree(d_over);
    return 0;
}
