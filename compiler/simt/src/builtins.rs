//! The math builtins the IR's `math` instruction may name, with their signatures.
//!
//! Names are CUDA's (`sinf`, `sin`, `__expf`, …). A name ending in `f` (and the `__`
//! intrinsics) works on `f32`; the others on `f64`. Backends implement each name; the
//! reference executor computes them in Rust (`interp::math`).
//!
//! Every argument has the builtin's float type. `ldexp`/`scalbn` (and their `f` forms) take
//! their integer exponent converted to that float type (exact for every exponent that does
//! not already overflow or underflow the result); backends scale by `2^exponent` exactly.

use crate::ir::FloatWidth;

/// `(name, number of arguments, width)` of every math builtin.
pub const MATH_BUILTINS: &[(&str, usize, FloatWidth)] = &{
    use FloatWidth::{F32, F64};
    [
        ("sinf", 1, F32),
        ("cosf", 1, F32),
        ("tanf", 1, F32),
        ("asinf", 1, F32),
        ("acosf", 1, F32),
        ("atanf", 1, F32),
        ("atan2f", 2, F32),
        ("sinhf", 1, F32),
        ("coshf", 1, F32),
        ("tanhf", 1, F32),
        ("asinhf", 1, F32),
        ("acoshf", 1, F32),
        ("atanhf", 1, F32),
        ("expf", 1, F32),
        ("exp2f", 1, F32),
        ("exp10f", 1, F32),
        ("expm1f", 1, F32),
        ("logf", 1, F32),
        ("log2f", 1, F32),
        ("log10f", 1, F32),
        ("log1pf", 1, F32),
        ("powf", 2, F32),
        ("sqrtf", 1, F32),
        ("rsqrtf", 1, F32),
        ("cbrtf", 1, F32),
        ("hypotf", 2, F32),
        ("erff", 1, F32),
        ("erfcf", 1, F32),
        ("fmaf", 3, F32),
        ("fdimf", 2, F32),
        ("roundf", 1, F32),
        ("sinpif", 1, F32),
        ("cospif", 1, F32),
        ("normcdff", 1, F32),
        ("ldexpf", 2, F32),
        ("scalbnf", 2, F32),
        ("__sinf", 1, F32),
        ("__cosf", 1, F32),
        ("__tanf", 1, F32),
        ("__expf", 1, F32),
        ("__exp10f", 1, F32),
        ("__logf", 1, F32),
        ("__log2f", 1, F32),
        ("__log10f", 1, F32),
        ("__powf", 2, F32),
        ("__fdividef", 2, F32),
        ("__frcp_rn", 1, F32),
        ("__fsqrt_rn", 1, F32),
        ("__saturatef", 1, F32),
        ("sin", 1, F64),
        ("cos", 1, F64),
        ("tan", 1, F64),
        ("asin", 1, F64),
        ("acos", 1, F64),
        ("atan", 1, F64),
        ("atan2", 2, F64),
        ("sinh", 1, F64),
        ("cosh", 1, F64),
        ("tanh", 1, F64),
        ("asinh", 1, F64),
        ("acosh", 1, F64),
        ("atanh", 1, F64),
        ("exp", 1, F64),
        ("exp2", 1, F64),
        ("exp10", 1, F64),
        ("expm1", 1, F64),
        ("log", 1, F64),
        ("log2", 1, F64),
        ("log10", 1, F64),
        ("log1p", 1, F64),
        ("pow", 2, F64),
        ("sqrt", 1, F64),
        ("rsqrt", 1, F64),
        ("cbrt", 1, F64),
        ("hypot", 2, F64),
        ("erf", 1, F64),
        ("erfc", 1, F64),
        ("fma", 3, F64),
        ("fdim", 2, F64),
        ("round", 1, F64),
        ("sinpi", 1, F64),
        ("cospi", 1, F64),
        ("normcdf", 1, F64),
        ("ldexp", 2, F64),
        ("scalbn", 2, F64),
    ]
};

/// The number of arguments and the float width of a math builtin, `None` if unknown.
pub fn math_signature(name: &str) -> Option<(usize, FloatWidth)> {
    MATH_BUILTINS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, arity, width)| (arity, width))
}
