//! Library functions that the bundled headers declare so that real code parses, but that cwcc
//! cannot provide. Each is a bodiless declaration in a system header (a builtin by the stdlib
//! convention) that no backend implements; a call in device code is a compile-time error at
//! the call, with the reason, instead of a silent no-op or an error from a backend.

/// `(name as the HIR prints it, why cwcc cannot provide it)`.
const UNAVAILABLE_BUILTINS: &[(&str, &str)] = &[
    ("cooperative_groups::grid_group::sync", GRID_SYNC),
    ("cooperative_groups::sync", GRID_SYNC),
];

const GRID_SYNC: &str = "a grid-wide barrier needs a cooperative launch (cudaLaunchCooperativeKernel), which cwcc does not do; \
     split the kernel at the barrier into two launches";

/// Why the bundled builtin `name` cannot be used, if it is one of the unavailable ones.
pub fn unavailable_builtin(name: &str) -> Option<&'static str> {
    UNAVAILABLE_BUILTINS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::unavailable_builtin;

    #[test]
    fn lookup_is_by_exact_name() {
        assert!(unavailable_builtin("cooperative_groups::grid_group::sync").is_some());
        assert!(unavailable_builtin("cooperative_groups::thread_block::sync").is_none());
        assert!(unavailable_builtin("grid_group::sync").is_none());
    }
}
