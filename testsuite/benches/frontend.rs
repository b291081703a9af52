//! Front-end throughput benchmark: preprocess → parse → typed HIR over the whole corpus.
//!
//! Run with `cargo bench -p cwcc-testsuite --bench frontend`. It reports, on one core:
//! - the baseline measured in the same run: lexing every byte the front end reads (the corpus
//!   files and the headers they include) with `cwcc_frontend::lexer::lex`;
//! - the full front end, in MB/s of the corpus files' own bytes and of all bytes read
//!   (headers included), and its time as a ratio to the lexing baseline.
//!
//! - one large translation unit (every corpus file four times, each in its own namespace, with
//!   the headers included once at the top): the front end's speed on a big file, where the
//!   bundled headers are a small part of the input.
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
    let big = large_translation_unit(&files);
    let big_out = run_text("large.cu", big.clone(), Stage::Hir);
    let big_errors = big_out.diags.error_count();
    let big_time = best_of(rounds, || {
        std::hint::black_box(run_text("large.cu", big.clone(), Stage::Hir));
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
        "large TU  pp+parse+hir ({} bytes, {} errors) {:>8.2} ms  {:>8.1} MB/s",
        big.len(),
        big_errors,
        big_time.as_secs_f64() * 1e3,
        mbps(big.len(), big_time)
    );
    println!(
        "ratio front end / lex baseline: {:.2}x",
        full.as_secs_f64() / lex.as_secs_f64()
    );
}

/// Every corpus file four times, each copy in its own namespace with its macros undefined after
/// it, and every header the corpus includes included once at the top (outside the namespaces).
fn large_translation_unit(files: &[(String, String)]) -> String {
    let mut headers = std::collections::BTreeSet::new();
    for (_, text) in files {
        for line in text.lines() {
            let l = line.trim_start();
            if let Some(rest) = l.strip_prefix("#include") {
                headers.insert(rest.trim().to_string());
            }
        }
    }
    let mut out: String = headers.iter().map(|h| format!("#include {h}\n")).collect();
    for rep in 0..4 {
        for (j, (_, text)) in files.iter().enumerate() {
            // `::name` refers to the global namespace; inside the wrapper it must not.
            let text = text.replace("::g_", "g_");
            out.push_str(&format!("namespace tu_{rep}_{j} {{\n{text}\n}}\n"));
            for line in text.lines() {
                let l = line.trim_start();
                if let Some(rest) = l.strip_prefix("#define") {
                    let name: String = rest
                        .trim_start()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push_str(&format!("#undef {name}\n"));
                    }
                }
            }
        }
    }
    out
}
