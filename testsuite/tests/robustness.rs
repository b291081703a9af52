//! Robustness: mutated versions of every corpus file (a token deleted, duplicated, or swapped
//! with its neighbour) must never make the front end panic, and every error must come with a
//! message and an in-bounds location.
//!
//! `CWCC_MUTATIONS=N` raises the number of mutations per file and kind (default 4).

use cwcc::Stage;
use cwcc_frontend::diag::Diagnostics;
use cwcc_frontend::source::FileId;
use cwcc_testsuite::{cu_files, display_name, run_text};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Clone, Copy, Debug)]
enum Mutation {
    Delete,
    Duplicate,
    Swap,
}

fn mutate(text: &str, ranges: &[(usize, usize)], i: usize, m: Mutation) -> String {
    let (lo, hi) = ranges[i];
    match m {
        Mutation::Delete => format!("{}{}", &text[..lo], &text[hi..]),
        Mutation::Duplicate => format!("{} {}", &text[..hi], &text[lo..]),
        Mutation::Swap => {
            let Some(&(lo2, hi2)) = ranges.get(i + 1) else {
                return text.to_string();
            };
            format!(
                "{}{}{}{}{}",
                &text[..lo],
                &text[lo2..hi2],
                &text[hi..lo2],
                &text[lo..hi],
                &text[hi2..]
            )
        }
    }
}

fn check_diagnostics(
    name: &str,
    what: &str,
    diags: &Diagnostics,
    sources: &cwcc_frontend::source::SourceMap,
) {
    for d in diags.iter() {
        assert!(
            !d.message.trim().is_empty(),
            "{name} ({what}): diagnostic without a message"
        );
        if let Some((span, _)) = &d.primary {
            let file = sources.get_file(span.file);
            assert!(
                file.is_some_and(|f| span.lo <= span.hi && span.hi as usize <= f.text.len()),
                "{name} ({what}): diagnostic `{}` has an out-of-bounds span {span:?}",
                d.message
            );
        }
    }
}

#[test]
fn mutated_corpus_never_panics() {
    let per_kind: usize = std::env::var("CWCC_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let mut runs = 0;
    let mut with_errors = 0;
    for path in cu_files("corpus") {
        let name = display_name(&path);
        let text = std::fs::read_to_string(&path).expect("corpus file is readable");
        let mut scratch = Diagnostics::new();
        let ranges: Vec<(usize, usize)> = cwcc_frontend::lexer::lex(FileId(0), &text, &mut scratch)
            .iter()
            .map(|t| (t.span.lo as usize, t.span.hi as usize))
            .collect();
        if ranges.len() < 2 {
            continue;
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ text.len() as u64);
        for m in [Mutation::Delete, Mutation::Duplicate, Mutation::Swap] {
            for _ in 0..per_kind {
                let i = rng.below(ranges.len() - 1);
                let mutated = mutate(&text, &ranges, i, m);
                let what = format!("{m:?} token {i} `{}`", &text[ranges[i].0..ranges[i].1]);
                let result = std::panic::catch_unwind(|| {
                    let out = run_text(&name, mutated.clone(), Stage::Hir);
                    let printed = out.hir.as_ref().map(|h| h.to_string());
                    (out, printed)
                });
                let Ok((out, _)) = result else {
                    panic!("{name}: the front end panicked on mutation {what}");
                };
                check_diagnostics(&name, &what, &out.diags, &out.sources);
                runs += 1;
                with_errors += usize::from(out.diags.has_errors());
            }
        }
    }
    assert!(runs > 0, "no mutations were run");
    eprintln!("{runs} mutated files, {with_errors} rejected with diagnostics, none panicked");
}
