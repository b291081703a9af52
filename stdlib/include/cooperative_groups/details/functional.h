/* cwcc device library: the function objects of cg::reduce and cg::*_scan */
#ifndef CWCC_COOPERATIVE_GROUPS_FUNCTIONAL_H_INCLUDED
#define CWCC_COOPERATIVE_GROUPS_FUNCTIONAL_H_INCLUDED

namespace cooperative_groups {

/* a + b */
template <typename T>
struct plus {
    __device__ T operator()(T a, T b) const { return a + b; }
};
/* The smaller of a and b. */
template <typename T>
struct less {
    __device__ T operator()(T a, T b) const { return b < a ? b : a; }
};
/* The larger of a and b. */
template <typename T>
struct greater {
    __device__ T operator()(T a, T b) const { return a < b ? b : a; }
};
/* a & b */
template <typename T>
struct bit_and {
    __device__ T operator()(T a, T b) const { return a & b; }
};
/* a | b */
template <typename T>
struct bit_or {
    __device__ T operator()(T a, T b) const { return a | b; }
};
/* a ^ b */
template <typename T>
struct bit_xor {
    __device__ T operator()(T a, T b) const { return a ^ b; }
};

} /* namespace cooperative_groups */

#endif /* CWCC_COOPERATIVE_GROUPS_FUNCTIONAL_H_INCLUDED */
