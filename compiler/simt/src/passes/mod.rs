//! The passes, one file each. [`by_name`] makes a pass from the name `--passes` uses.

pub mod const_fold;
pub mod dce;
pub mod flatten_logic;
pub mod inline;
pub mod shared_to_buffer;
pub mod warp_to_loop;

use crate::pass::Pass;

/// The names of all passes.
pub const PASS_NAMES: &[&str] = &[
    "const-fold",
    "dce",
    "flatten-logic",
    "inline",
    "warp-to-loop",
    "shared-to-buffer",
];

/// Makes the pass with this name.
pub fn by_name(name: &str) -> Option<Box<dyn Pass>> {
    match name {
        "const-fold" => Some(Box::new(const_fold::ConstFold)),
        "dce" => Some(Box::new(dce::DeadCodeElimination)),
        "flatten-logic" => Some(Box::new(flatten_logic::FlattenLogic)),
        "inline" => Some(Box::new(inline::Inline)),
        "warp-to-loop" => Some(Box::new(warp_to_loop::WarpToLoop)),
        "shared-to-buffer" => Some(Box::new(shared_to_buffer::SharedToBuffer)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_makes_its_pass() {
        for name in PASS_NAMES {
            let pass = by_name(name).unwrap();
            assert_eq!(pass.name(), *name);
        }
        assert!(by_name("nope").is_none());
    }
}
