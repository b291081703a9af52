//! Half precision (`cuda_fp16.h`) against NumPy: the `fp16_conversions` conformance kernel runs
//! on the reference executor, and its float -> half roundings (all four modes, over 16384 floats:
//! random bit patterns from 2^-30 to 2^17, exact ties between halves and their neighbours,
//! specials) and its half -> float values for all 65536 bit patterns must equal the tables in
//! `testsuite/fp16/`, which `testsuite/fp16/numpy_check.py --tables` computed with NumPy's
//! float16 (correctly rounded to nearest even).

use cwcc_runtime::npy::{read_npy, NpyArray};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testsuite")
}

fn load(path: &Path) -> NpyArray {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_npy(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Raw 16- or 32-bit elements; NaNs compare equal to any NaN of the same width.
fn elements(a: &NpyArray) -> Vec<u32> {
    let size = a.dtype.size();
    a.data
        .chunks_exact(size)
        .map(|c| {
            if size == 2 {
                let b = u16::from_le_bytes([c[0], c[1]]) as u32;
                if b & 0x7fff > 0x7c00 {
                    0x7e00
                } else {
                    b
                }
            } else {
                let b = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                if b & 0x7fff_ffff > 0x7f80_0000 {
                    0x7fc0_0000
                } else {
                    b
                }
            }
        })
        .collect()
}

#[test]
fn float_half_conversions_match_numpy_on_interp() {
    let case = root().join("conformance/fp16_conversions");
    let out = std::env::temp_dir().join(format!("cwcc-fp16-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let args = std::fs::read_to_string(case.join("run.args")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_cwcc"))
        .current_dir(&case)
        .arg("run")
        .arg("kernel.cu")
        .args(args.split_whitespace())
        .args(["--backend", "interp", "--out-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tables = [
        (2, "float_to_half_rn.npy"),
        (3, "float_to_half_rz.npy"),
        (4, "float_to_half_rd.npy"),
        (5, "float_to_half_ru.npy"),
        (6, "float_to_half_rn.npy"),
        (7, "half_to_float.npy"),
    ];
    let input = elements(&load(&case.join("in0.npy")));
    for (arg, table) in tables {
        let got = elements(&load(&out.join(format!("arg{arg}.npy"))));
        let want = elements(&load(&root().join("fp16").join(table)));
        assert_eq!(got.len(), want.len(), "arg{arg} against {table}");
        let bad: Vec<String> = (0..got.len())
            .filter(|&i| got[i] != want[i])
            .take(5)
            .map(|i| {
                let x = input.get(i).copied().unwrap_or_default();
                format!(
                    "[{i}] input {x:#010x}: got {:#x}, numpy {:#x}",
                    got[i], want[i]
                )
            })
            .collect();
        assert!(bad.is_empty(), "arg{arg} against {table}: {bad:#?}");
    }
    let _ = std::fs::remove_dir_all(&out);
}
