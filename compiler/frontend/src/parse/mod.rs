//! The parser: preprocessed tokens to the AST.
//!
//! Three steps:
//! 1. [`classify`] turns preprocessing tokens into [`tok::Tok`]s with a symbol table (type and
//!    template names), skips host function bodies (recording their kernel launches) and records
//!    where each namespace-level declaration ends.
//! 2. The token stream is cut into chunks, one per namespace-level declaration, descending into
//!    `namespace { … }` and `extern "C" { … }`, so a syntax error in one declaration does not
//!    hide the others.
//! 3. Each chunk is parsed by the lalrpop grammar (`src/grammar.lalrpop`); inside function bodies
//!    the grammar recovers at the next `;`.
//!
//! Host code policy: a host function definition (no `__device__` / `__global__`) becomes
//! [`ast::Item::HostCode`] with `what = "host function `name`"` and its launch sites; the
//! declaration part is not kept. A chunk that fails to parse and contains no device marker
//! (`__global__ __device__ __shared__ __constant__ __managed__`) becomes `HostCode` with
//! `what = "host declaration not parsed"`; with a device marker it is a syntax error.

pub mod actions;
pub mod classify;
pub mod tok;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, missing_docs, unused, unreachable_pub)]
    grammar,
    "/grammar.rs"
);

use crate::ast;
use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{SourceMap, Span};
use crate::token::Token;
use actions::Cx;
use classify::{Classified, GroupKind, LayoutEvent};
use lalrpop_util::ParseError;
use std::cell::RefCell;
use tok::Tok;

/// Parses preprocessed tokens into a translation unit. Reports syntax errors as diagnostics
/// and recovers per namespace-level declaration and per statement, so one run shows several
/// errors.
pub fn parse(
    tokens: &[Token],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> ast::TranslationUnit {
    let classified = classify::classify(tokens, sources, diags);
    let parser = grammar::ChunkParser::new();
    let mut frames: Vec<Frame> = vec![Frame {
        group: None,
        items: Vec::new(),
    }];
    let mut chunk_start = 0usize;
    let run = |from: usize, to: usize, frames: &mut Vec<Frame>, diags: &mut Diagnostics| {
        if from >= to {
            return;
        }
        let items = parse_chunk(&parser, &classified, sources, from, to, diags);
        if let Some(f) = frames.last_mut() {
            f.items.extend(items);
        }
    };
    for event in &classified.layout {
        match event {
            LayoutEvent::End(at) => {
                run(chunk_start, at + 1, &mut frames, diags);
                chunk_start = at + 1;
            }
            LayoutEvent::Open { kind, start, brace } => {
                run(chunk_start, *start, &mut frames, diags);
                frames.push(Frame {
                    group: Some((kind.clone(), *start)),
                    items: Vec::new(),
                });
                chunk_start = brace + 1;
            }
            LayoutEvent::Close(at) => {
                run(chunk_start, *at, &mut frames, diags);
                chunk_start = at + 1;
                close_frame(&mut frames, &classified, *at);
            }
        }
    }
    run(chunk_start, classified.toks.len(), &mut frames, diags);
    while frames.len() > 1 {
        let at = classified.toks.len().saturating_sub(1);
        if let Some(Frame {
            group: Some((_, start)),
            ..
        }) = frames.last()
        {
            if let Some(span) = classified.spans.get(*start) {
                diags.push(Diagnostic::error(
                    "this block is not closed before the end of the file",
                    *span,
                ));
            }
        }
        close_frame(&mut frames, &classified, at);
    }
    ast::TranslationUnit {
        items: frames.pop().map(|f| f.items).unwrap_or_default(),
    }
}

struct Frame {
    group: Option<(GroupKind, usize)>,
    items: Vec<ast::Item>,
}

fn close_frame(frames: &mut Vec<Frame>, c: &Classified, at: usize) {
    if frames.len() < 2 {
        return;
    }
    let Some(frame) = frames.pop() else { return };
    let Some((kind, start)) = frame.group else {
        return;
    };
    let first = c.spans.get(start).copied().unwrap_or_default();
    let last = c.spans.get(at).copied().unwrap_or(first);
    let span = first.to(last);
    let item = match kind {
        GroupKind::Namespace { name, is_inline } => ast::Item::Namespace(ast::Namespace {
            name: name.map(|(name, span)| ast::Ident { name, span }),
            is_inline,
            items: frame.items,
            span,
        }),
        GroupKind::Linkage(lang) => ast::Item::Linkage(ast::LinkageBlock {
            lang,
            items: frame.items,
            span,
        }),
    };
    if let Some(f) = frames.last_mut() {
        f.items.push(item);
    }
}

fn parse_chunk(
    parser: &grammar::ChunkParser,
    c: &Classified,
    sources: &SourceMap,
    from: usize,
    to: usize,
    diags: &mut Diagnostics,
) -> Vec<ast::Item> {
    let cx = Cx {
        spans: &c.spans,
        sources,
        strings: &c.strings,
        texts: &c.texts,
        hosts: &c.hosts,
        diags: RefCell::new(Vec::new()),
        recovered: RefCell::new(Vec::new()),
    };
    let toks = &c.toks[from..to];
    let iter = toks
        .iter()
        .enumerate()
        .map(|(k, t)| Ok::<_, ()>((from + k, *t, from + k + 1)));
    let result = parser.parse(&cx, iter);
    let has_device_marker = toks.iter().any(Tok::is_device_marker);
    let chunk_span = span_of(c, from, to);
    match result {
        Ok(items) => {
            for d in cx.diags.into_inner() {
                diags.push(d);
            }
            for e in cx.recovered.into_inner() {
                diags.push(syntax_error(c, sources, e.error, to));
            }
            items
        }
        Err(err) => {
            // Host code the grammar cannot read is kept as host code, not an error.
            let hosts: Vec<&classify::HostBodyInfo> = toks
                .iter()
                .filter_map(|t| match t {
                    Tok::HostBody(i) => c.hosts.get(*i as usize),
                    _ => None,
                })
                .collect();
            if !hosts.is_empty() && !toks.iter().any(|t| matches!(t, Tok::BodyOpen)) {
                return hosts
                    .into_iter()
                    .map(|h| {
                        ast::Item::HostCode(ast::HostCode {
                            what: format!("host function `{}`", h.name),
                            span: chunk_span,
                            launches: h.launches.clone(),
                        })
                    })
                    .collect();
            }
            if !has_device_marker {
                return vec![ast::Item::HostCode(ast::HostCode {
                    what: "host declaration not parsed".to_string(),
                    span: chunk_span,
                    launches: Vec::new(),
                })];
            }
            for d in cx.diags.into_inner() {
                diags.push(d);
            }
            for e in cx.recovered.into_inner() {
                diags.push(syntax_error(c, sources, e.error, to));
            }
            diags.push(syntax_error(c, sources, err, to));
            Vec::new()
        }
    }
}

fn span_of(c: &Classified, from: usize, to: usize) -> Span {
    let first = c.spans.get(from).copied().unwrap_or_default();
    let last = c.spans.get(to.saturating_sub(1)).copied().unwrap_or(first);
    first.to(last)
}

/// A readable name of a grammar terminal (`"\";\""` becomes `` `;` ``).
fn terminal_name(t: &str) -> String {
    let unquoted = t.trim_matches('"');
    match unquoted {
        "Ident" => "identifier".to_string(),
        "TypeName" => "type name".to_string(),
        "TypeTemplate" | "FuncTemplate" => "template name".to_string(),
        "ScopeName" => "qualified name".to_string(),
        "CtorName" => "constructor name".to_string(),
        "IntLit" | "FloatLit" => "number".to_string(),
        "CharLit" => "character literal".to_string(),
        "StrLit" => "string literal".to_string(),
        "BodyOpen" => "`{`".to_string(),
        "CtorColon" => "`:`".to_string(),
        "LaunchOpen" => "`<<<`".to_string(),
        "LaunchClose" => "`>>>`".to_string(),
        "PragmaEnd" => "end of pragma".to_string(),
        other => format!("`{}`", other.replace("\\\"", "\"")),
    }
}

fn describe_expected(expected: &[String]) -> String {
    let has = |n: &str| expected.iter().any(|e| e == n);
    let mut names: Vec<String> = Vec::new();
    let expression = has("Ident") && has("IntLit") && has("\"(\"");
    let declaration = has("TypeName") && has("\"int\"") && has("\"struct\"");
    if expression && declaration {
        names.push("a declaration or statement".to_string());
    } else if expression {
        names.push("an expression".to_string());
    } else if declaration {
        names.push("a type".to_string());
    }
    if names.is_empty() || expected.len() <= 8 {
        for e in expected {
            let n = terminal_name(e);
            if !names.contains(&n) {
                names.push(n);
            }
        }
    } else {
        for p in ["\";\"", "\")\"", "\"}\"", "\"]\"", "\",\""] {
            if has(p) {
                names.push(terminal_name(p));
            }
        }
    }
    names.truncate(6);
    match names.len() {
        0 => "something else".to_string(),
        1 => names.remove(0),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {}", names.join(", "), last)
        }
    }
}

fn token_text(c: &Classified, sources: &SourceMap, index: usize) -> String {
    let tok = c.toks.get(index);
    match tok {
        Some(Tok::HostBody(_)) => "a function body".to_string(),
        Some(Tok::BodyOpen) => "`{`".to_string(),
        Some(Tok::LaunchOpen) => "`<<<`".to_string(),
        Some(Tok::LaunchClose) => "`>>>`".to_string(),
        Some(Tok::PragmaUnroll) => "`#pragma unroll`".to_string(),
        Some(Tok::PragmaEnd) => "end of pragma".to_string(),
        Some(Tok::Kw(k)) => format!("`{}`", k.as_str()),
        Some(Tok::P(p)) => format!("`{}`", p.as_str()),
        Some(Tok::CtorColon) => "`:`".to_string(),
        Some(_) => {
            let text = c
                .spans
                .get(index)
                .map(|s| sources.snippet(*s))
                .unwrap_or_default();
            if text.is_empty() || text.len() > 40 {
                "this token".to_string()
            } else {
                format!("`{text}`")
            }
        }
        None => "end of input".to_string(),
    }
}

fn syntax_error(
    c: &Classified,
    sources: &SourceMap,
    err: ParseError<usize, Tok, ()>,
    chunk_end: usize,
) -> Diagnostic {
    match err {
        ParseError::UnrecognizedToken {
            token: (l, _, _),
            expected,
        } => {
            let span = c.spans.get(l).copied().unwrap_or_default();
            Diagnostic::error(
                format!(
                    "expected {}, found {}",
                    describe_expected(&expected),
                    token_text(c, sources, l)
                ),
                span,
            )
            .with_label("unexpected here")
        }
        ParseError::UnrecognizedEof { expected, .. } => {
            let last = chunk_end.saturating_sub(1);
            let span = c.spans.get(last).copied().unwrap_or_default();
            Diagnostic::error(
                format!(
                    "expected {} after this, found the end of the declaration",
                    describe_expected(&expected)
                ),
                span,
            )
        }
        ParseError::ExtraToken { token: (l, _, _) } => {
            let span = c.spans.get(l).copied().unwrap_or_default();
            Diagnostic::error(
                format!(
                    "unexpected {} after the declaration",
                    token_text(c, sources, l)
                ),
                span,
            )
        }
        ParseError::InvalidToken { location } => {
            let span = c.spans.get(location).copied().unwrap_or_default();
            Diagnostic::error("invalid token", span)
        }
        ParseError::User { .. } => {
            let span = c
                .spans
                .get(chunk_end.saturating_sub(1))
                .copied()
                .unwrap_or_default();
            Diagnostic::error("syntax error", span)
        }
    }
}

#[cfg(test)]
mod tests;
