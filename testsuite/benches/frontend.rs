//! Front-end throughput benchmark: preprocess → parse → typed HIR over the whole corpus.
//!
//! Run with `cargo bench -p cwcc-testsuite --bench frontend`. It reports, on one core:
//! - the baseline measured in the same run: lexing every byte the front end reads (the corpus
//!   files and the headers they include) with `cwcc_frontend::lexer::lex`;
//! - the full front end, in MB/s of the corpus files' own bytes and of all bytes read
//!   (headers included), and its time as a ratio to the lexing baseline.
//!
//! The target is ≥ 1 MB/s of source for the whole front end.

use cwcc::Stage;
use cwcc_frontend::diag::Diagnostics;
use cwcc_frontend::source::FileId;
use cwcc_testsuite::{cu_files, run_text};
use std::time::{Duration, Instant};

fn best_of<F: FnMut()>(rounds: usize, mut f: F) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
    }
    best
}

fn main() {
    let files: Vec<(String, String)> = cu_files("corpus")
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect();
    if files.is_empty() {
        eprintln!("no corpus files found");
        std::process::exit(1);
    }
    let own_bytes: usize = files.iter().map(|(_, t)| t.len()).sum();

    // Every file the front end reads, once per corpus file (headers are re-read per file).
    let mut all_texts: Vec<String> = Vec::new();
    for (name, text) in &files {
        let out = run_text(name, text.clone(), Stage::Preprocess);
        all_texts.extend(out.sources.files().iter().map(|f| f.text.clone()));
    }
    let all_bytes: usize = all_texts.iter().map(String::len).sum();

    let rounds = 5;
    let lex = best_of(rounds, || {
        for t in &all_texts {
            let mut d = Diagnostics::new();
            std::hint::black_box(cwcc_frontend::lexer::lex(FileId(0), t, &mut d));
        }
    });
    let full = best_of(rounds, || {
        for (name, text) in &files {
            std::hint::black_box(run_text(name, text.clone(), Stage::Hir));
        }
    });
    let mbps = |bytes: usize, d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
    println!(
        "corpus: {} files, {} bytes own source, {} bytes read incl. headers",
        files.len(),
        own_bytes,
        all_bytes
    );
    println!(
        "baseline  lex only (all bytes read)     {:>8.2} ms  {:>8.1} MB/s",
        lex.as_secs_f64() * 1e3,
        mbps(all_bytes, lex)
    );
    println!(
        "front end pp+parse+hir (own source)     {:>8.2} ms  {:>8.1} MB/s",
        full.as_secs_f64() * 1e3,
        mbps(own_bytes, full)
    );
    println!(
        "front end pp+parse+hir (all bytes read) {:>8.2} ms  {:>8.1} MB/s",
        full.as_secs_f64() * 1e3,
        mbps(all_bytes, full)
    );
    println!(
        "ratio front end / lex baseline: {:.2}x",
        full.as_secs_f64() / lex.as_secs_f64()
    );
}
