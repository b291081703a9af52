// A struct with mixed member sizes (char, short, int, double, bool) read from a raw byte buffer: checks C layout and padding.
struct Record {
    char tag;        // offset 0
    short small;     // offset 2
    int count;       // offset 4
    double weight;   // offset 8
    bool flag;       // offset 16
    unsigned char bytes[3]; // offset 17
    float ratio;     // offset 20
};                   // size 24, align 8

static_assert(sizeof(Record) == 24, "layout");

extern "C" __global__ void read_records(const Record* recs, long long* out, int* sizes, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i == 0) {
        sizes[0] = (int)sizeof(Record);
        sizes[1] = (int)alignof(Record);
        sizes[2] = (int)__builtin_offsetof(Record, weight);
        sizes[3] = (int)__builtin_offsetof(Record, ratio);
    }
    if (i >= n) return;
    Record r = recs[i];
    long long acc = r.tag;
    acc = acc * 131 + r.small;
    acc = acc * 131 + r.count;
    acc = acc * 131 + (long long)(r.weight * 4.0);
    acc = acc * 131 + (r.flag ? 1 : 0);
    acc = acc * 131 + r.bytes[0] + r.bytes[1] * 3 + r.bytes[2] * 7;
    acc = acc * 131 + (long long)(r.ratio * 16.0f);
    out[i] = acc;
}
