//! Fuzzes the whole front end (preprocess → parse → HIR → HIR printing) on arbitrary text.
//! Run: `cargo +nightly fuzz run frontend` from the repository root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let out = cwcc::run_front_end(
            "fuzz.cu",
            text.to_string(),
            &cwcc_frontend::pp::PpConfig::nvcc(),
            &cwcc::FsLoader,
            cwcc::Stage::Hir,
        );
        if let Some(hir) = &out.hir {
            let _ = hir.to_string();
        }
    }
});
