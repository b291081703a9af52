//! Embeds every file under `include/` into the crate as a `(name, text)` table.
use std::path::Path;

fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, root, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    // An empty table would make every `#include <cuda_runtime.h>` fail at run time: stop the
    // build instead.
    assert!(
        files.iter().any(|f| f == "cuda_runtime.h"),
        "no headers found under {}",
        root.display()
    );
    let mut code = String::from("/// Every embedded header: (name as written in `#include <…>`, text).\npub static HEADERS: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", root.join(f).display());
        code.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            f,
            root.join(f).display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("headers.rs");
    std::fs::write(out, code).expect("cannot write headers.rs");
}
