//! The CUDA device library of cwcc: the headers CUDA code includes (`cuda_runtime.h`,
//! `math.h`, `cstdint`, …), embedded into the compiler so it needs no installation.
//!
//! The headers declare the device builtins (math, atomics, warp intrinsics, `__syncthreads`,
//! integer intrinsics) and define the vector types. The compiler treats a function declared
//! in one of these headers without a body as provided by the device library.

include!(concat!(env!("OUT_DIR"), "/headers.rs"));

/// The text of the embedded header `name` (as written between `<` and `>`).
pub fn header(name: &str) -> Option<&'static str> {
    HEADERS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The directory the headers were embedded from (for `--print-include-dir` and docs).
pub fn include_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/include")
}

/// The CUDA C source of the math device library (`stdlib/device/math.cu`): the `__cwcc_<name>`
/// implementations of the math builtins that a target has no native instruction for. The
/// driver compiles it with cwcc itself and links the functions a module needs.
pub fn device_library_source() -> &'static str {
    include_str!("../device/math.cu")
}
