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
//! Syntax errors name what a user forgot where that can be told: an unclosed `(` / `[` (with
//! the opener shown), a `;` missing at the end of a line, an unknown type name (`flaot x`).
//! Errors that are consequences of an earlier one (right after a bad character or a macro
//! error, or after a first error in the same declaration with nothing expected) are not
//! reported again.
//!
//! Host code policy: a host function definition (no `__device__` / `__global__`) becomes two
//! items: an [`ast::Item::Function`] with `body: None` (its declaration, so later stages can
//! name it, e.g. when device code calls it) followed by [`ast::Item::HostCode`] with
//! `what = "host function `name`"` and the launch sites of the skipped body. When the
//! declaration part does not parse, only the `HostCode` is kept. A chunk that fails to parse
//! and contains no device marker
//! (`__global__ __device__ __shared__ __constant__ __managed__`) becomes `HostCode` with
//! `what = "host declaration not parsed"`; with a device marker it is a syntax error.

pub mod actions;
pub mod classify;
pub mod ns_alias;
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
use tok::{Kw, Tok};

/// Parses preprocessed tokens into a translation unit. Reports syntax errors as diagnostics
/// and recovers per namespace-level declaration and per statement, so one run shows several
/// errors.
pub fn parse(
    tokens: &[Token],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> ast::TranslationUnit {
    // Errors already reported (bad characters, macro misuse): a syntax error right after one
    // of them is its consequence and is not reported again.
    let earlier_errors: Vec<Span> = diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .filter_map(|d| d.primary.as_ref().map(|(s, _)| sources.user_span(*s)))
        .collect();
    let tokens = ns_alias::expand_namespace_aliases(tokens);
    let classified = classify::classify(&tokens, sources, diags);
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
        let items = parse_chunk(
            &parser,
            &classified,
            sources,
            (from, to),
            &earlier_errors,
            diags,
        );
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
    (from, to): (usize, usize),
    earlier_errors: &[Span],
    diags: &mut Diagnostics,
) -> Vec<ast::Item> {
    let follows_error = |err: &ParseError<usize, Tok, ()>| -> bool {
        let ParseError::UnrecognizedToken {
            token: (l, _, _), ..
        } = err
        else {
            return false;
        };
        let (Some(prev), Some(here)) = (
            l.checked_sub(1).and_then(|p| c.spans.get(p)),
            c.spans.get(*l),
        ) else {
            return false;
        };
        let prev = sources.user_span(*prev);
        let here = sources.user_span(*here);
        earlier_errors.iter().any(|e| {
            e.file == here.file && e.file == prev.file && e.lo >= prev.lo && e.hi <= here.lo
        })
    };
    // `flaot x`: an identifier used as a type. The chunk is parsed again with it read as a
    // type name, so the declaration is kept and the HIR reports the unknown type (with a
    // suggestion) instead of every later use of the declaration.
    let mut as_types: Vec<usize> = Vec::new();
    let (result, cx) = loop {
        let (result, cx) = run_parser(parser, c, sources, (from, to), &as_types);
        let mut unknown: Vec<usize> = cx
            .recovered
            .borrow()
            .iter()
            .map(|e| &e.error)
            .chain(result.as_ref().err())
            .filter_map(|e| match e {
                ParseError::UnrecognizedToken {
                    token: (l, _, _), ..
                } => unknown_type_at(c, from, *l),
                _ => None,
            })
            .filter(|k| !as_types.contains(k))
            .collect();
        if unknown.is_empty() || as_types.len() >= 8 {
            break (result, cx);
        }
        as_types.append(&mut unknown);
    };
    let toks = &c.toks[from..to];
    let has_device_marker = toks.iter().any(Tok::is_device_marker);
    let chunk_span = span_of(c, from, to);
    match result {
        Ok(items) => {
            for d in cx.diags.into_inner() {
                diags.push(d);
            }
            let errors: Vec<_> = cx
                .recovered
                .into_inner()
                .into_iter()
                .filter(|e| !follows_error(&e.error))
                .map(|e| syntax_error(c, sources, e.error, from, to))
                .collect();
            push_syntax_errors(c, errors, 0, diags);
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
            let is_eof = matches!(err, ParseError::UnrecognizedEof { .. });
            let mut errors: Vec<_> = cx
                .recovered
                .into_inner()
                .into_iter()
                .filter(|e| !follows_error(&e.error))
                .map(|e| syntax_error(c, sources, e.error, from, to))
                .collect();
            if !follows_error(&err) {
                errors.push(syntax_error(c, sources, err, from, to));
            }
            push_syntax_errors(c, errors, usize::from(is_eof), diags);
            Vec::new()
        }
    }
}

fn span_of(c: &Classified, from: usize, to: usize) -> Span {
    let first = c.spans.get(from).copied().unwrap_or_default();
    let last = c.spans.get(to.saturating_sub(1)).copied().unwrap_or(first);
    first.to(last)
}

/// A readable name of a grammar terminal (`"\";\""` becomes `` `;` ``); `None` for terminals
/// that would only confuse a user when offered as an expectation (`<<<`).
fn terminal_name(t: &str) -> Option<String> {
    let unquoted = t.trim_matches('"');
    Some(match unquoted {
        "Ident" => "identifier".to_string(),
        "TypeName" => "type name".to_string(),
        "TypeTemplate" | "FuncTemplate" => "template name".to_string(),
        "ScopeName" => "qualified name".to_string(),
        "CtorName" => "constructor name".to_string(),
        "IntLit" | "FloatLit" => "number".to_string(),
        "CharLit" => "character literal".to_string(),
        "StrLit" => "string literal".to_string(),
        "BodyOpen" | "HostBody" => "`{`".to_string(),
        "DeclParen" => "`(`".to_string(),
        "CtorColon" => "`:`".to_string(),
        "LaunchOpen" => return None,
        "LaunchClose" => "`>>>`".to_string(),
        "PragmaEnd" => "end of pragma".to_string(),
        "ExternLang" => "`extern \"C\"`".to_string(),
        "AsmTok" => "`asm`".to_string(),
        "LambdaTok" => "lambda".to_string(),
        "PragmaUnroll" => "`#pragma unroll`".to_string(),
        other => format!("`{}`", other.replace("\\\"", "\"")),
    })
}

/// Closing and separating punctuators, shown first in "expected …" lists: they are what a
/// user most often forgot.
const PRIORITY_TERMINALS: [&str; 5] = ["\")\"", "\"]\"", "\";\"", "\"}\"", "\",\""];

/// The expected terminals in a readable form, or `None` when nothing useful can be said.
fn describe_expected(expected: &[String]) -> Option<String> {
    let has = |n: &str| expected.iter().any(|e| e == n);
    let mut names: Vec<String> = Vec::new();
    let push = |names: &mut Vec<String>, n: Option<String>| {
        if let Some(n) = n {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    };
    for p in PRIORITY_TERMINALS {
        if has(p) {
            push(&mut names, terminal_name(p));
        }
    }
    let expression = has("Ident") && has("IntLit") && has("\"(\"");
    let declaration = has("TypeName") && has("\"int\"") && has("\"struct\"");
    if expression && declaration {
        push(&mut names, Some("a declaration or statement".to_string()));
    } else if expression {
        push(&mut names, Some("an expression".to_string()));
    } else if declaration {
        push(&mut names, Some("a type".to_string()));
    }
    if expected.len() <= 8 && !expression && !declaration {
        for e in expected {
            push(&mut names, terminal_name(e));
        }
    }
    names.truncate(6);
    match names.len() {
        0 => None,
        1 => Some(names.remove(0)),
        _ => {
            let last = names.pop().unwrap_or_default();
            Some(format!("{} or {}", names.join(", "), last))
        }
    }
}

fn token_text(c: &Classified, sources: &SourceMap, index: usize) -> String {
    let tok = c.toks.get(index);
    match tok {
        Some(Tok::HostBody(_)) => "a function body".to_string(),
        Some(Tok::BodyOpen) => "`{`".to_string(),
        Some(Tok::DeclParen) => "`(`".to_string(),
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

/// The line of a span in the file the user wrote (through macro expansions).
fn line_of(sources: &SourceMap, span: Span) -> Option<(crate::source::FileId, u32)> {
    let user = sources.user_span(span);
    let file = sources.get_file(user.file)?;
    Some((user.file, file.line_col(user.lo).0))
}

/// Whether token `index` of a chunk lies inside a function body that starts in the chunk.
fn inside_body(c: &Classified, from: usize, index: usize) -> bool {
    let mut braces: Vec<bool> = Vec::new();
    for t in c.toks.get(from..index).unwrap_or_default() {
        match t {
            Tok::BodyOpen => braces.push(true),
            Tok::P(crate::token::Punct::LBrace) => braces.push(false),
            Tok::P(crate::token::Punct::RBrace) => {
                braces.pop();
            }
            _ => {}
        }
    }
    braces.contains(&true)
}

/// `flaot x` / `__device__ flaot f(…)`: an identifier that names no type, followed by another
/// identifier, where a declaration starts. Returns the index of the first identifier.
fn unknown_type_at(c: &Classified, from: usize, l: usize) -> Option<usize> {
    use crate::token::Punct as P;
    let first = l.checked_sub(1).filter(|&f| f >= from)?;
    if !matches!(c.toks.get(first), Some(Tok::Ident(_)))
        || !matches!(c.toks.get(l), Some(Tok::Ident(_)))
    {
        return None;
    }
    let Some(before) = first.checked_sub(1).filter(|&b| b >= from) else {
        return Some(first);
    };
    let starts_declaration = match c.toks.get(before) {
        Some(Tok::P(P::Semi | P::LBrace | P::RBrace | P::Colon))
        | Some(Tok::BodyOpen | Tok::PragmaEnd | Tok::CtorColon) => true,
        Some(Tok::Kw(k)) => matches!(
            k,
            Kw::Static
                | Kw::Extern
                | Kw::Inline
                | Kw::Const
                | Kw::Volatile
                | Kw::Constexpr
                | Kw::Register
                | Kw::Typedef
                | Kw::Mutable
                | Kw::Virtual
                | Kw::Explicit
                | Kw::Friend
                | Kw::ThreadLocal
                | Kw::Global
                | Kw::Device
                | Kw::Host
                | Kw::Shared
                | Kw::Constant
                | Kw::Managed
                | Kw::ForceInline
                | Kw::NoInline
        ),
        // A parameter list of a declaration (not a call inside a body).
        Some(Tok::P(P::LParen | P::Comma)) => !inside_body(c, from, first),
        _ => false,
    };
    starts_declaration.then_some(first)
}

type ChunkResult<'a> = Result<Vec<ast::Item>, ParseError<usize, Tok<'a>, ()>>;

/// Runs the grammar on tokens `from..to`, reading the identifiers at `as_types` as type names.
fn run_parser<'c>(
    parser: &grammar::ChunkParser,
    c: &'c Classified<'c>,
    sources: &'c SourceMap,
    (from, to): (usize, usize),
    as_types: &[usize],
) -> (ChunkResult<'c>, Cx<'c>) {
    let cx = Cx {
        spans: &c.spans,
        sources,
        strings: &c.strings,
        texts: &c.texts,
        hosts: &c.hosts,
        diags: RefCell::new(Vec::new()),
        recovered: RefCell::new(Vec::new()),
    };
    let toks = c.toks.get(from..to).unwrap_or_default();
    let iter = toks.iter().enumerate().map(|(k, t)| {
        let tok = match t {
            Tok::Ident(name) if as_types.contains(&(from + k)) => Tok::TypeName(name),
            other => *other,
        };
        Ok::<_, ()>((from + k, tok, from + k + 1))
    });
    let result = parser.parse(&cx, iter);
    (result, cx)
}

/// The innermost `(` or `[` before `l` in the chunk that is not closed, within the current
/// block.
fn unclosed_opener(c: &Classified, from: usize, l: usize) -> Option<usize> {
    use crate::token::Punct as P;
    let mut parens = 0usize;
    let mut squares = 0usize;
    let mut braces = 0usize;
    let mut j = l;
    while j > from {
        j -= 1;
        match c.toks.get(j)? {
            Tok::P(P::RParen) => parens += 1,
            Tok::P(P::RBracket) => squares += 1,
            Tok::P(P::RBrace) => braces += 1,
            Tok::P(P::LParen) | Tok::DeclParen => {
                if parens == 0 {
                    return Some(j);
                }
                parens -= 1;
            }
            Tok::P(P::LBracket) => {
                if squares == 0 {
                    return Some(j);
                }
                squares -= 1;
            }
            Tok::P(P::LBrace) | Tok::BodyOpen => {
                if braces == 0 {
                    return None;
                }
                braces -= 1;
            }
            _ => {}
        }
    }
    None
}

/// A syntax error, and whether the parser knew what it expected (errors it did not are
/// usually consequences of an earlier one).
fn syntax_error(
    c: &Classified,
    sources: &SourceMap,
    err: ParseError<usize, Tok, ()>,
    chunk_start: usize,
    chunk_end: usize,
) -> (Diagnostic, bool) {
    match err {
        ParseError::UnrecognizedToken {
            token: (l, _, _),
            expected,
        } => {
            let span = c.spans.get(l).copied().unwrap_or_default();
            let found = token_text(c, sources, l);
            if let Some(first) = unknown_type_at(c, chunk_start, l) {
                let name_span = c.spans.get(first).copied().unwrap_or(span);
                let name = sources.snippet(name_span).to_string();
                return (
                    Diagnostic::error(format!("unknown type name `{name}`"), name_span)
                        .with_label("no type of this name is declared here"),
                    true,
                );
            }
            let has = |t: &str| expected.iter().any(|e| e == t);
            // A bracket left open: `if (a < n {`, `x[i = 0;`.
            if let Some(open) = unclosed_opener(c, chunk_start, l) {
                let (open_text, close) = match c.toks.get(open) {
                    Some(Tok::P(crate::token::Punct::LBracket)) => ("[", "]"),
                    _ => ("(", ")"),
                };
                if has(&format!("\"{close}\"")) {
                    let open_span = c.spans.get(open).copied().unwrap_or(span);
                    return (
                        Diagnostic::error(
                            format!(
                                "expected `{close}` to close the `{open_text}` opened here, found {found}"
                            ),
                            span,
                        )
                        .with_label(format!("expected `{close}` before this"))
                        .with_secondary(open_span, format!("this `{open_text}` is not closed")),
                        true,
                    );
                }
            }
            // A missing `;` at the end of a line.
            if has("\";\"") && l > chunk_start {
                let prev_span = c.spans.get(l - 1).copied().unwrap_or(span);
                let prev_line = line_of(sources, prev_span);
                let line = line_of(sources, span);
                if prev_line.is_some() && line.is_some() && prev_line != line {
                    return (
                        Diagnostic::error(format!("expected `;`, found {found}"), prev_span)
                            .with_label("expected `;` after this")
                            .with_secondary(span, "unexpected here"),
                        true,
                    );
                }
            }
            match describe_expected(&expected) {
                Some(what) => (
                    Diagnostic::error(format!("expected {what}, found {found}"), span)
                        .with_label("unexpected here"),
                    true,
                ),
                None => (
                    Diagnostic::error(format!("unexpected {found}"), span)
                        .with_label("unexpected here"),
                    false,
                ),
            }
        }
        ParseError::UnrecognizedEof { expected, .. } => {
            let last = chunk_end.saturating_sub(1);
            let span = c.spans.get(last).copied().unwrap_or_default();
            match describe_expected(&expected) {
                Some(what) => (
                    Diagnostic::error(
                        format!("expected {what} after this, found the end of the declaration"),
                        span,
                    ),
                    true,
                ),
                None => (
                    Diagnostic::error("unexpected end of the declaration", span),
                    false,
                ),
            }
        }
        ParseError::ExtraToken { token: (l, _, _) } => {
            let span = c.spans.get(l).copied().unwrap_or_default();
            (
                Diagnostic::error(
                    format!(
                        "unexpected {} after the declaration",
                        token_text(c, sources, l)
                    ),
                    span,
                ),
                true,
            )
        }
        ParseError::InvalidToken { location } => {
            let span = c.spans.get(location).copied().unwrap_or_default();
            (Diagnostic::error("invalid token", span), true)
        }
        ParseError::User { .. } => {
            let span = c
                .spans
                .get(chunk_end.saturating_sub(1))
                .copied()
                .unwrap_or_default();
            (Diagnostic::error("syntax error", span), true)
        }
    }
}

/// Pushes a chunk's syntax errors: all of them, except errors without an expectation that
/// follow an earlier error (cascades of the first), and an "unexpected end" when the
/// classifier already reported the bracket left open at the end of the file.
fn push_syntax_errors(
    c: &Classified,
    errors: Vec<(Diagnostic, bool)>,
    eof_errors: usize,
    diags: &mut Diagnostics,
) {
    let mut reported = 0usize;
    let total = errors.len();
    for (k, (d, knows_expected)) in errors.into_iter().enumerate() {
        let is_eof = k + eof_errors >= total;
        if is_eof && c.unclosed_at_end {
            continue;
        }
        if reported > 0 && !knows_expected {
            continue;
        }
        reported += 1;
        diags.push(d);
    }
}

#[cfg(test)]
mod tests;
