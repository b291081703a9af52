//! The C preprocessor.
//!
//! [`preprocess`] lexes the main file with [`crate::lexer::lex`], runs directives
//! (`#include`, `#define`, conditionals, `#pragma`, …) and expands macros, and returns the
//! token stream the parser reads. Each included file is lexed once per inclusion; tokens
//! stream through a pending stack (see [`macros`]), so the work is linear in the size of the
//! output.
//!
//! Every output token keeps where it was spelled: tokens from a macro body carry
//! `span.expansion`, a record of the invocation (and, through its call site, of the outer
//! invocations), so diagnostics can point at the user's text. Included files record the
//! `#include` directive that brought them in.
//!
//! Errors never stop preprocessing: each is a diagnostic, and the rest of the input is still
//! processed so one run shows as many problems as possible.

mod expr;
mod macros;

use crate::diag::{Diagnostic, Diagnostics};
use crate::lexer;
use crate::source::{FileId, SourceMap, Span};
use crate::token::{Punct, Token, TokenKind};
use macros::{Builtin, HideSets, MacroDef, MacroKind, PToken};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// Where the preprocessor gets `#include`d files from.
pub trait IncludeLoader {
    /// Reads a file from the file system (tests use an in-memory map).
    fn read(&self, path: &Path) -> std::io::Result<String>;
    /// A header bundled with cwcc (stdlib/include), by the name written between <> or "".
    fn builtin(&self, name: &str) -> Option<&'static str>;
}

/// Preprocessor options (from `-I`, `-D`, `-U` and `--cuda-arch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PpConfig {
    /// Directories searched for `#include` (after the including file's directory for
    /// `"x"`), in order, before the bundled headers.
    pub include_dirs: Vec<PathBuf>,
    /// `-D NAME=VALUE` definitions as `(NAME, VALUE)` (`-D NAME` is `(NAME, "1")`); `NAME`
    /// may be `F(x)` for a function-like macro. Applied after the predefined macros.
    pub defines: Vec<(String, String)>,
    /// `-U NAME`: macros to undefine, applied after `defines`.
    pub undefines: Vec<String>,
    /// The value of `__CUDA_ARCH__` (e.g. 900 for sm_90).
    pub cuda_arch: u32,
    /// Headers included before the main file, as `#include <NAME>` (nvcc includes
    /// `cuda_runtime.h` implicitly; see [`PpConfig::nvcc`]).
    pub implicit_includes: Vec<String>,
}

impl PpConfig {
    /// The configuration nvcc behaves like: the defaults plus the implicit
    /// `#include <cuda_runtime.h>` before the main file.
    pub fn nvcc() -> PpConfig {
        PpConfig {
            implicit_includes: vec!["cuda_runtime.h".to_string()],
            ..PpConfig::default()
        }
    }
}

impl Default for PpConfig {
    fn default() -> Self {
        PpConfig {
            include_dirs: Vec::new(),
            defines: Vec::new(),
            undefines: Vec::new(),
            cuda_arch: 900,
            implicit_includes: Vec::new(),
        }
    }
}

/// CUDA libraries cwcc does not support: an `#include` of a header whose name starts with
/// one of these prefixes is an error ("unsupported: <NAME> (library not supported by cwcc)"),
/// reported before any search so that a stray copy of the header cannot hide the problem.
pub const UNSUPPORTED_HEADER_PREFIXES: &[&str] = &[
    "thrust/", "cub/", "cublas", "cufft", "cusparse", "cusolver", "curand.h", "cudnn", "nccl",
    "cutlass/", "mma.h",
];

/// Deepest allowed `#include` nesting.
pub const MAX_INCLUDE_DEPTH: usize = 200;
/// Deepest allowed nesting of macro invocations inside macro arguments.
const MAX_EXPANSION_NESTING: u32 = 200;
/// Most tokens macro expansion may produce between two tokens read from a file.
const MAX_EXPANSION_WORK: usize = 1_000_000;
/// Name prefix of bundled headers in the [`SourceMap`].
const BUILTIN_PREFIX: &str = "<cwcc>/";

/// Preprocesses file `main` of `sources`: returns the tokens for the parser, with no
/// directive tokens left. Included files and macro expansions are added to `sources`.
pub fn preprocess(
    sources: &mut SourceMap,
    main: FileId,
    config: &PpConfig,
    loader: &dyn IncludeLoader,
    diags: &mut Diagnostics,
) -> Vec<Token> {
    let mut pp = Preprocessor {
        sources,
        config,
        loader,
        diags,
        files: Vec::new(),
        pending: Vec::new(),
        isolation_depth: 0,
        macros: HashMap::new(),
        name_ids: HashMap::new(),
        hide: HideSets::new(),
        once: HashSet::new(),
        counter: 0,
        work: 0,
        work_exceeded_reported: false,
        carry_line_start: false,
        pushed_macros: HashMap::new(),
        predefined_mode: false,
    };
    pp.run(main)
}

/// Text of the preprocessed tokens, with line structure kept roughly (for
/// `cwcc --emit=preprocessed`).
///
/// A token that started a line starts a line here; other tokens are separated by a space
/// where the source had whitespace, or where printing them next to each other would lex
/// differently. `#pragma unroll` is printed back as a directive on its own line.
pub fn tokens_to_text(sources: &SourceMap, tokens: &[Token]) -> String {
    let _ = sources;
    let mut out = String::with_capacity(tokens.iter().map(|t| t.text.len() + 1).sum());
    let mut prev: Option<&Token> = None;
    let mut line_empty = true;
    for t in tokens {
        match t.kind {
            TokenKind::PragmaUnroll => {
                if !line_empty {
                    out.push('\n');
                }
                out.push_str("#pragma unroll");
                line_empty = false;
                prev = Some(t);
                continue;
            }
            TokenKind::PragmaEnd => {
                out.push('\n');
                line_empty = true;
                prev = None;
                continue;
            }
            _ => {}
        }
        if t.at_line_start && !line_empty {
            out.push('\n');
            line_empty = true;
        }
        if !line_empty {
            let need_space = t.leading_space || prev.is_some_and(|p| would_merge(p, t));
            if need_space {
                out.push(' ');
            }
        }
        out.push_str(&t.text);
        line_empty = false;
        prev = Some(t);
    }
    if !line_empty {
        out.push('\n');
    }
    out
}

/// Whether printing `a` directly followed by `b` could lex as different tokens.
fn would_merge(a: &Token, b: &Token) -> bool {
    let (Some(last), Some(first)) = (a.text.chars().last(), b.text.chars().next()) else {
        return false;
    };
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii();
    if word(last) && (word(first) || first == '\'' || first == '"') {
        return true;
    }
    if a.kind == TokenKind::Number && (first == '.' || first == '+' || first == '-') {
        return true;
    }
    if first == '.' && b.kind == TokenKind::Number {
        return true;
    }
    let joinable = |c: char| "+-*/%^&|~!=<>#:.?".contains(c);
    matches!(a.kind, TokenKind::Punct(_)) && joinable(last) && joinable(first)
}

/// What the token source yields.
enum Next {
    /// A token.
    Tok(PToken),
    /// The current file has no more tokens (it stays on the stack until popped).
    EndOfFile,
    /// No more input at all (or the end of an isolated token list).
    End,
}

/// One `#if` group being processed.
#[derive(Clone, Debug)]
struct Cond {
    /// The opening directive (for "unterminated" errors).
    start: Span,
    /// Its name (`if`, `ifdef`, `ifndef`).
    directive: &'static str,
    /// Whether the whole group lies in skipped text.
    outer_skipping: bool,
    /// Whether some branch was already taken.
    taken: bool,
    /// Whether the current branch is being emitted.
    active: bool,
    /// The `#else`, once seen.
    else_span: Option<Span>,
}

/// A file being read.
struct FileState {
    file: FileId,
    tokens: std::iter::Peekable<std::vec::IntoIter<Token>>,
    conds: Vec<Cond>,
    /// Lexer diagnostics, in text order; reported once processing passes them, unless they
    /// lie in a quiet range.
    lex_diags: VecDeque<Diagnostic>,
    /// Byte ranges whose lexer diagnostics are not reported (skipped groups, `#error` text).
    quiet: Vec<(u32, u32)>,
    /// Start of the skipped text being read, if skipping.
    skip_start: Option<u32>,
    /// `#line`: presumed line = physical line + `line_delta`.
    line_delta: i64,
    /// `#line N "name"`: the presumed file name.
    presumed_name: Option<String>,
    /// Key for `#pragma once`.
    once_key: String,
    /// Index of the include directory the file was found in (for `#include_next`).
    dir_index: Option<usize>,
    /// Pragma names already noted as ignored in this file.
    noted_pragmas: HashSet<String>,
}

impl FileState {
    fn skipping(&self) -> bool {
        self.conds
            .last()
            .is_some_and(|c| c.outer_skipping || !c.active)
    }
}

/// Where an `#include` was found.
enum Found {
    File {
        path: PathBuf,
        text: String,
        dir_index: Option<usize>,
    },
    Builtin {
        name: String,
        text: &'static str,
    },
}

/// The preprocessor's state.
struct Preprocessor<'a> {
    sources: &'a mut SourceMap,
    config: &'a PpConfig,
    loader: &'a dyn IncludeLoader,
    diags: &'a mut Diagnostics,
    /// The include stack.
    files: Vec<FileState>,
    /// Tokens to read before the current file, top of the stack last.
    pending: Vec<PToken>,
    /// > 0 while expanding an isolated token list (then the file is never read).
    isolation_depth: u32,
    macros: HashMap<String, Rc<MacroDef>>,
    name_ids: HashMap<String, u32>,
    hide: HideSets,
    /// `#pragma once` keys of files already included.
    once: HashSet<String>,
    /// Next `__COUNTER__` value.
    counter: u64,
    /// Tokens produced by expansion since the last token read from a file.
    work: usize,
    work_exceeded_reported: bool,
    /// A macro at the start of a line expanded to nothing: the next output token starts the
    /// line.
    carry_line_start: bool,
    /// `#pragma push_macro` stacks.
    pushed_macros: HashMap<String, Vec<Option<Rc<MacroDef>>>>,
    /// Defining the predefined macros (their definitions have no `def_site`).
    predefined_mode: bool,
}

impl Preprocessor<'_> {
    fn run(&mut self, main: FileId) -> Vec<Token> {
        let mut out = Vec::new();
        for (name, builtin) in [
            ("__FILE__", Builtin::File),
            ("__LINE__", Builtin::Line),
            ("__COUNTER__", Builtin::Counter),
            ("__INCLUDE_LEVEL__", Builtin::IncludeLevel),
        ] {
            let name_id = self.name_id(name);
            self.macros.insert(
                name.to_string(),
                Rc::new(MacroDef {
                    name: name.to_string(),
                    name_id,
                    kind: MacroKind::Builtin(builtin),
                    body: Vec::new(),
                    param_of: Vec::new(),
                    def_site: None,
                }),
            );
        }
        let predefined = format!(
            "#define __CUDACC__ 1\n\
             #define __NVCC__ 1\n\
             #define __CUDA_ARCH__ {}\n\
             #define __cplusplus 201703L\n\
             #define __CUDACC_VER_MAJOR__ 13\n\
             #define __CUDACC_VER_MINOR__ 0\n\
             #define __CUDACC_VER_BUILD__ 0\n\
             #define __STDC__ 1\n\
             #define __cwcc__ 1\n\
             #define __DATE__ \"Jan  1 2026\"\n\
             #define __TIME__ \"00:00:00\"\n",
            self.config.cuda_arch
        );
        let id = self.sources.add_file("<built-in>", predefined, None);
        self.sources.mark_system(id);
        self.predefined_mode = true;
        self.push_file(id, None, "<built-in>".to_string());
        self.drain(&mut out);
        self.predefined_mode = false;

        if !self.config.defines.is_empty() || !self.config.undefines.is_empty() {
            let mut text = String::new();
            for (name, value) in &self.config.defines {
                text.push_str(&format!("#define {name} {}\n", value.replace('\n', " ")));
            }
            for name in &self.config.undefines {
                text.push_str(&format!("#undef {name}\n"));
            }
            let id = self.sources.add_file("<command line>", text, None);
            self.push_file(id, None, "<command line>".to_string());
            self.drain(&mut out);
        }

        if !self.config.implicit_includes.is_empty() {
            let text: String = self
                .config
                .implicit_includes
                .iter()
                .map(|h| format!("#include <{h}>\n"))
                .collect();
            let id = self.sources.add_file("<implicit includes>", text, None);
            self.sources.mark_system(id);
            self.push_file(id, None, "<implicit includes>".to_string());
            self.drain(&mut out);
        }

        let key = normalize(Path::new(&self.sources.file(main).name));
        self.push_file(main, None, key);
        self.drain(&mut out);
        out
    }

    /// Reads all remaining input into `out`.
    fn drain(&mut self, out: &mut Vec<Token>) {
        loop {
            match self.next_expanded() {
                Next::Tok(t) => {
                    if t.tok.is_ident("_Pragma") {
                        self.pragma_operator(t);
                        continue;
                    }
                    let mut tok = t.tok;
                    if self.carry_line_start {
                        self.carry_line_start = false;
                        tok.at_line_start = true;
                        tok.leading_space = true;
                    }
                    out.push(tok);
                }
                Next::EndOfFile => self.pop_file(),
                Next::End => break,
            }
        }
    }

    /// Interned id of a macro name (for hide sets).
    fn name_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.name_ids.len() as u32;
        self.name_ids.insert(name.to_string(), id);
        id
    }

    fn push_file(&mut self, file: FileId, dir_index: Option<usize>, once_key: String) {
        let mut lex_diags = Diagnostics::new();
        let tokens = lexer::lex(file, &self.sources.file(file).text, &mut lex_diags);
        let mut lex_diags: Vec<Diagnostic> = lex_diags.into_vec();
        lex_diags.sort_by_key(|d| d.primary.as_ref().map(|(s, _)| s.lo).unwrap_or(0));
        self.files.push(FileState {
            file,
            tokens: tokens.into_iter().peekable(),
            conds: Vec::new(),
            lex_diags: lex_diags.into(),
            quiet: Vec::new(),
            skip_start: None,
            line_delta: 0,
            presumed_name: None,
            once_key,
            dir_index,
            noted_pragmas: HashSet::new(),
        });
    }

    /// Ends the current file: reports its unterminated conditionals and remaining lexer
    /// diagnostics.
    fn pop_file(&mut self) {
        let Some(mut state) = self.files.pop() else {
            return;
        };
        if let Some(start) = state.skip_start.take() {
            state.quiet.push((start, u32::MAX));
        }
        flush_lex_diags(&mut state, u32::MAX, self.diags);
        for cond in state.conds.iter().rev() {
            let mut d =
                Diagnostic::error(format!("unterminated `#{}`", cond.directive), cond.start)
                    .with_label("this conditional has no matching `#endif`");
            if let Some(else_span) = cond.else_span {
                d = d.with_secondary(else_span, "its `#else` is here");
            }
            self.diags.push(d);
        }
    }

    /// The next token after expansion.
    fn next_expanded(&mut self) -> Next {
        loop {
            let t = match self.next_main() {
                Next::Tok(t) => t,
                other => return other,
            };
            if t.tok.kind == TokenKind::Ident {
                if let Some(def) = self.macros.get(&t.tok.text) {
                    if !self.hide.contains(t.hide, def.name_id) {
                        let def = Rc::clone(def);
                        match self.expand_macro(def, t) {
                            Ok(()) => continue,
                            Err(t) => return Next::Tok(t),
                        }
                    }
                }
            }
            return Next::Tok(t);
        }
    }

    /// The next token before expansion: pending tokens first, then the current file, with
    /// directives run and skipped groups left out.
    fn next_main(&mut self) -> Next {
        if let Some(t) = self.pending.pop() {
            return Next::Tok(t);
        }
        if self.isolation_depth > 0 {
            return Next::End;
        }
        loop {
            let Some(state) = self.files.last_mut() else {
                return Next::End;
            };
            let skipping = state.skipping();
            let Some(tok) = state.tokens.next() else {
                return Next::EndOfFile;
            };
            if tok.at_line_start && tok.is_punct(Punct::Hash) {
                let mut line = Vec::new();
                while let Some(t) = state.tokens.next_if(|t| !t.at_line_start) {
                    line.push(t);
                }
                if !skipping {
                    flush_lex_diags(state, tok.span.lo, self.diags);
                }
                self.directive(tok, line, skipping);
                if let Some(t) = self.pending.pop() {
                    return Next::Tok(t);
                }
                continue;
            }
            if skipping {
                continue;
            }
            flush_lex_diags(state, tok.span.lo, self.diags);
            self.work = 0;
            return Next::Tok(PToken::new(tok));
        }
    }

    /// Runs one directive: `hash` is the `#`, `line` the rest of its line.
    fn directive(&mut self, hash: Token, line: Vec<Token>, skipping: bool) {
        let Some(name_tok) = line.first() else {
            return; // The null directive.
        };
        let span = match line.last() {
            Some(last) => hash.span.to(last.span),
            None => hash.span,
        };
        let name = match name_tok.kind {
            TokenKind::Ident => name_tok.text.clone(),
            TokenKind::Number if !skipping => {
                // GNU line marker `# 12 "file"`, as written by other preprocessors.
                self.line_directive(&line, span, hash.span);
                return;
            }
            _ => {
                if !skipping {
                    self.diags.push(
                        Diagnostic::error("invalid preprocessing directive", name_tok.span)
                            .with_label(format!("`{}` is not a directive name", name_tok.text)),
                    );
                }
                return;
            }
        };
        let args = line.get(1..).unwrap_or(&[]);
        let was_skipping = skipping;
        match name.as_str() {
            "if" | "ifdef" | "ifndef" => self.dir_if(&name, args, span, skipping),
            "elif" | "elifdef" | "elifndef" => self.dir_elif(&name, args, span),
            "else" => self.dir_else(args, span),
            "endif" => self.dir_endif(args, span),
            _ if skipping => {}
            "define" => self.dir_define(args, span),
            "undef" => self.dir_undef(args, span),
            "include" => self.dir_include(args, span, false),
            "include_next" => self.dir_include(args, span, true),
            "line" => self.line_directive(args, span, hash.span),
            "error" | "warning" => {
                let text = self.directive_text(args);
                let message = if text.is_empty() {
                    format!("#{name}")
                } else {
                    text
                };
                if let (Some(state), Some(first), Some(last)) =
                    (self.files.last_mut(), args.first(), args.last())
                {
                    state.quiet.push((first.span.lo, last.span.hi));
                }
                let d = if name == "error" {
                    Diagnostic::error(message, span)
                } else {
                    Diagnostic::warning(message, span)
                };
                self.diags
                    .push(d.with_label(format!("`#{name}` directive")));
            }
            "pragma" => self.pragma(args.to_vec(), span),
            "ident" | "sccs" => {}
            other => {
                self.diags.push(
                    Diagnostic::error(
                        format!("unknown preprocessing directive `#{other}`"),
                        name_tok.span,
                    )
                    .with_label("not a directive cwcc knows"),
                );
            }
        }
        // Track the extent of skipped text (its lexer diagnostics are not reported).
        if let Some(state) = self.files.last_mut() {
            let now = state.skipping();
            if !was_skipping && now {
                state.skip_start = Some(span.hi);
            } else if was_skipping && !now {
                if let Some(start) = state.skip_start.take() {
                    state.quiet.push((start, hash.span.lo));
                }
            }
        }
    }

    /// The source text of a directive's arguments (for `#error`), as written.
    fn directive_text(&self, args: &[Token]) -> String {
        let (Some(first), Some(last)) = (args.first(), args.last()) else {
            return String::new();
        };
        if first.span.file == last.span.file && first.span.expansion.is_none() {
            let text = &self.sources.file(first.span.file).text;
            if let Some(s) = text.get(first.span.lo as usize..last.span.hi as usize) {
                // Continuation lines are joined.
                return s
                    .replace("\\\r\n", " ")
                    .replace("\\\n", " ")
                    .trim()
                    .to_string();
            }
        }
        join_spelling(args)
    }

    fn dir_if(&mut self, name: &str, args: &[Token], span: Span, skipping: bool) {
        let directive: &'static str = match name {
            "ifdef" => "ifdef",
            "ifndef" => "ifndef",
            _ => "if",
        };
        let mut cond = Cond {
            start: span,
            directive,
            outer_skipping: skipping,
            taken: true,
            active: false,
            else_span: None,
        };
        if !skipping {
            let value = match directive {
                "if" => self.eval_condition(args, span, "#if"),
                _ => self.ifdef_condition(args, span, directive == "ifndef"),
            };
            cond.active = value;
            cond.taken = value;
        }
        if let Some(state) = self.files.last_mut() {
            state.conds.push(cond);
        }
    }

    fn dir_elif(&mut self, name: &str, args: &[Token], span: Span) {
        let Some(cond) = self.files.last().and_then(|s| s.conds.last()).cloned() else {
            self.diags
                .push(Diagnostic::error(format!("`#{name}` without `#if`"), span));
            return;
        };
        if cond.else_span.is_some() {
            self.diags.push(
                Diagnostic::error(format!("`#{name}` after `#else`"), span)
                    .with_secondary(cond.start, "in this conditional"),
            );
        }
        let (active, taken) = if cond.outer_skipping || cond.taken {
            (false, cond.taken)
        } else {
            let value = match name {
                "elifdef" => self.ifdef_condition(args, span, false),
                "elifndef" => self.ifdef_condition(args, span, true),
                _ => self.eval_condition(args, span, "#elif"),
            };
            (value, value)
        };
        if let Some(c) = self.files.last_mut().and_then(|s| s.conds.last_mut()) {
            c.active = active;
            c.taken = taken;
        }
    }

    fn dir_else(&mut self, args: &[Token], span: Span) {
        let Some(c) = self.files.last_mut().and_then(|s| s.conds.last_mut()) else {
            self.diags
                .push(Diagnostic::error("`#else` without `#if`", span));
            return;
        };
        let outer_skipping = c.outer_skipping;
        if c.else_span.is_some() {
            let start = c.start;
            self.diags.push(
                Diagnostic::error("`#else` after `#else`", span)
                    .with_secondary(start, "in this conditional"),
            );
            if let Some(c) = self.files.last_mut().and_then(|s| s.conds.last_mut()) {
                c.active = false;
            }
        } else {
            c.else_span = Some(span);
            c.active = !c.taken;
            c.taken = true;
        }
        if !outer_skipping {
            self.extra_tokens(args, "#else");
        }
    }

    fn dir_endif(&mut self, args: &[Token], span: Span) {
        match self.files.last_mut().and_then(|s| s.conds.pop()) {
            Some(c) => {
                if !c.outer_skipping {
                    self.extra_tokens(args, "#endif");
                }
            }
            None => self
                .diags
                .push(Diagnostic::error("`#endif` without `#if`", span)),
        }
    }

    /// Warns about tokens after a directive that takes none.
    fn extra_tokens(&mut self, args: &[Token], directive: &str) {
        if let (Some(first), Some(last)) = (args.first(), args.last()) {
            self.diags.push(Diagnostic::warning(
                format!("extra tokens at the end of `{directive}` directive"),
                first.span.to(last.span),
            ));
        }
    }

    /// `#ifdef X` / `#ifndef X`.
    fn ifdef_condition(&mut self, args: &[Token], span: Span, negate: bool) -> bool {
        let Some(name) = args.first().filter(|t| t.kind == TokenKind::Ident) else {
            self.diags.push(Diagnostic::error(
                "expected a macro name after the directive",
                args.first().map(|t| t.span).unwrap_or(span),
            ));
            return false;
        };
        if let Some(extra) = args.get(1) {
            self.diags.push(Diagnostic::warning(
                "extra tokens after the macro name",
                extra.span,
            ));
        }
        self.is_defined(&name.text) != negate
    }

    fn is_defined(&self, name: &str) -> bool {
        self.macros.contains_key(name) || name == "__has_include" || name == "__has_include_next"
    }

    /// Evaluates an `#if`/`#elif` expression; errors count as false.
    fn eval_condition(&mut self, args: &[Token], span: Span, directive: &str) -> bool {
        if args.is_empty() {
            self.diags.push(Diagnostic::error(
                format!("`{directive}` with no expression"),
                span,
            ));
            return false;
        }
        let prepared = match self.replace_defined(args, span) {
            Ok(t) => t,
            Err(d) => {
                self.diags.push(*d);
                return false;
            }
        };
        let expanded = self.expand_isolated(prepared.into_iter().map(PToken::new).collect());
        let expanded: Vec<Token> = expanded.into_iter().map(|t| t.tok).collect();
        // `defined` produced by macro expansion (undefined behaviour in C; GCC and Clang
        // evaluate it).
        let tokens = match self.replace_defined(&expanded, span) {
            Ok(t) => t,
            Err(d) => {
                self.diags.push(*d);
                return false;
            }
        };
        match expr::evaluate(&tokens, span) {
            Ok(v) => v,
            Err(d) => {
                self.diags.push(*d);
                false
            }
        }
    }

    /// Replaces `defined X`, `defined(X)`, `__has_include(...)` and other `__has_*(...)`
    /// queries by `1` or `0`.
    fn replace_defined(
        &mut self,
        tokens: &[Token],
        span: Span,
    ) -> Result<Vec<Token>, Box<Diagnostic>> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        let number = |t: &Token, v: bool| Token {
            kind: TokenKind::Number,
            text: if v { "1" } else { "0" }.to_string(),
            ..t.clone()
        };
        while let Some(t) = tokens.get(i) {
            if t.is_ident("defined") {
                let (name, next) = match tokens.get(i + 1) {
                    Some(n) if n.kind == TokenKind::Ident => (n, i + 2),
                    Some(p) if p.is_punct(Punct::LParen) => {
                        match (tokens.get(i + 2), tokens.get(i + 3)) {
                            (Some(n), Some(c))
                                if n.kind == TokenKind::Ident && c.is_punct(Punct::RParen) =>
                            {
                                (n, i + 4)
                            }
                            _ => {
                                return Err(Box::new(Diagnostic::error(
                                    "expected `defined(NAME)`",
                                    p.span,
                                )))
                            }
                        }
                    }
                    _ => {
                        return Err(Box::new(Diagnostic::error(
                            "`defined` must be followed by a macro name",
                            t.span,
                        )))
                    }
                };
                out.push(number(t, self.is_defined(&name.text)));
                i = next;
                continue;
            }
            let is_query = t.kind == TokenKind::Ident
                && t.text.starts_with("__has_")
                && tokens.get(i + 1).is_some_and(|p| p.is_punct(Punct::LParen));
            if is_query {
                // Find the matching `)`.
                let mut depth = 0usize;
                let mut close = None;
                for (j, u) in tokens.iter().enumerate().skip(i + 1) {
                    if u.is_punct(Punct::LParen) {
                        depth += 1;
                    } else if u.is_punct(Punct::RParen) {
                        depth -= 1;
                        if depth == 0 {
                            close = Some(j);
                            break;
                        }
                    }
                }
                let Some(close) = close else {
                    return Err(Box::new(Diagnostic::error(
                        format!("missing `)` after `{}(`", t.text),
                        t.span,
                    )));
                };
                let inner = tokens.get(i + 2..close).unwrap_or(&[]);
                let value = if t.text == "__has_include" || t.text == "__has_include_next" {
                    let next = t.text == "__has_include_next";
                    match self.header_name(inner, span) {
                        Some((name, angled)) => {
                            !is_unsupported(&name) && self.find_include(&name, angled, next).is_ok()
                        }
                        None => false,
                    }
                } else {
                    // `__has_builtin`, `__has_attribute`, `__has_feature`, …: cwcc claims
                    // none, so headers take their portable paths.
                    false
                };
                out.push(number(t, value));
                i = close + 1;
                continue;
            }
            out.push(t.clone());
            i += 1;
        }
        Ok(out)
    }

    fn dir_define(&mut self, args: &[Token], span: Span) {
        let parsed = match macros::parse_define(args, span) {
            Ok(p) => p,
            Err(d) => {
                self.diags.push(*d);
                return;
            }
        };
        for w in parsed.warnings {
            self.diags.push(w);
        }
        let name_id = self.name_id(&parsed.name);
        let def = MacroDef {
            name: parsed.name.clone(),
            name_id,
            kind: parsed.kind,
            body: parsed.body,
            param_of: parsed.param_of,
            def_site: if self.predefined_mode {
                None
            } else {
                Some(parsed.name_span)
            },
        };
        if let Some(old) = self.macros.get(&parsed.name) {
            if matches!(old.kind, MacroKind::Builtin(_)) {
                self.diags.push(Diagnostic::error(
                    format!("cannot redefine builtin macro `{}`", parsed.name),
                    parsed.name_span,
                ));
                return;
            }
            if !old.same_definition(&def) {
                let mut d =
                    Diagnostic::warning(format!("`{}` redefined", parsed.name), parsed.name_span);
                if let Some(prev) = old.def_site {
                    d = d.with_secondary(prev, "previous definition");
                } else {
                    d = d.with_note("the previous definition is predefined by cwcc");
                }
                self.diags.push(d);
            }
        }
        self.macros.insert(parsed.name, Rc::new(def));
    }

    fn dir_undef(&mut self, args: &[Token], span: Span) {
        let Some(name) = args.first().filter(|t| t.kind == TokenKind::Ident) else {
            self.diags.push(Diagnostic::error(
                "expected a macro name after `#undef`",
                args.first().map(|t| t.span).unwrap_or(span),
            ));
            return;
        };
        if let Some(extra) = args.get(1) {
            self.diags.push(Diagnostic::warning(
                "extra tokens at the end of `#undef` directive",
                extra.span,
            ));
        }
        if self
            .macros
            .get(&name.text)
            .is_some_and(|m| matches!(m.kind, MacroKind::Builtin(_)))
        {
            self.diags.push(Diagnostic::error(
                format!("cannot undefine builtin macro `{}`", name.text),
                name.span,
            ));
            return;
        }
        self.macros.remove(&name.text);
    }

    /// `#line N ["file"]` (and the GNU `# N "file"` marker): `args` start at the number.
    fn line_directive(&mut self, args: &[Token], span: Span, hash: Span) {
        let tokens: Vec<Token> = if args.first().is_some_and(|t| t.kind == TokenKind::Number) {
            args.to_vec()
        } else {
            self.expand_isolated(args.iter().cloned().map(PToken::new).collect())
                .into_iter()
                .map(|t| t.tok)
                .collect()
        };
        let number = tokens
            .first()
            .filter(|t| t.kind == TokenKind::Number && t.text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|t| t.text.parse::<i64>().ok());
        let Some(number) = number else {
            self.diags.push(Diagnostic::error(
                "`#line` expects a line number",
                tokens.first().map(|t| t.span).unwrap_or(span),
            ));
            return;
        };
        let name = match tokens.get(1) {
            Some(t) if t.kind == TokenKind::StringLit => {
                match crate::literal::parse_string(&t.text) {
                    Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                    Err(e) => {
                        self.diags.push(Diagnostic::error(e, t.span));
                        return;
                    }
                }
            }
            Some(t) => {
                self.diags.push(Diagnostic::error(
                    "invalid file name in `#line` directive",
                    t.span,
                ));
                return;
            }
            None => None,
        };
        let physical_next = {
            let file = self.sources.file(hash.file);
            file.line_col(span.hi).0 as i64 + 1
        };
        if let Some(state) = self.files.last_mut() {
            state.line_delta = number - physical_next;
            if name.is_some() {
                state.presumed_name = name;
            }
        }
    }

    /// The presumed name of the current file (for `__FILE__`).
    fn presumed_file_name(&self) -> String {
        match self.files.last() {
            Some(state) => state
                .presumed_name
                .clone()
                .unwrap_or_else(|| self.sources.file(state.file).name.clone()),
            None => String::new(),
        }
    }

    /// The presumed line of `span` (for `__LINE__`).
    fn presumed_line(&self, span: Span) -> i64 {
        let user = self.sources.user_span(span);
        let line = match self.sources.get_file(user.file) {
            Some(f) => f.line_col(user.lo).0 as i64,
            None => 0,
        };
        match self.files.last() {
            Some(state) if state.file == user.file => line + state.line_delta,
            _ => line,
        }
    }

    /// The header name of an `#include` line: `("x", false)` for `"x"`, `("x", true)` for
    /// `<x>`; macro-expanded first when it is neither. `None` after reporting an error.
    fn header_name(&mut self, args: &[Token], span: Span) -> Option<(String, bool)> {
        match self.header_name_quiet(args) {
            Some(r) => return Some(r),
            None if args.first().is_some_and(|t| t.kind == TokenKind::Ident) => {
                let expanded: Vec<Token> = self
                    .expand_isolated(args.iter().cloned().map(PToken::new).collect())
                    .into_iter()
                    .map(|t| t.tok)
                    .collect();
                if let Some(r) = self.header_name_quiet(&expanded) {
                    return Some(r);
                }
            }
            None => {}
        }
        self.diags.push(
            Diagnostic::error(
                "expected a header name: `\"file\"` or `<file>`",
                args.first().map(|t| t.span).unwrap_or(span),
            )
            .with_label("after `#include`"),
        );
        None
    }

    fn header_name_quiet(&self, args: &[Token]) -> Option<(String, bool)> {
        let first = args.first()?;
        if first.kind == TokenKind::StringLit {
            let name = first.text.strip_prefix('"')?.strip_suffix('"')?;
            return Some((name.to_string(), false));
        }
        if !first.is_punct(Punct::Lt) {
            return None;
        }
        let close = args.iter().position(|t| t.is_punct(Punct::Gt))?;
        let close_tok = args.get(close)?;
        // Spelled directly in a file: take the text as written.
        if first.span.expansion.is_none()
            && close_tok.span.expansion.is_none()
            && first.span.file == close_tok.span.file
        {
            if let Some(s) = self
                .sources
                .file(first.span.file)
                .text
                .get(first.span.hi as usize..close_tok.span.lo as usize)
            {
                if !s.contains('\n') {
                    return Some((s.trim().to_string(), true));
                }
            }
        }
        Some((join_spelling(args.get(1..close)?), true))
    }

    fn dir_include(&mut self, args: &[Token], span: Span, next: bool) {
        let Some((name, angled)) = self.header_name(args, span) else {
            return;
        };
        if name.is_empty() {
            self.diags
                .push(Diagnostic::error("empty file name in `#include`", span));
            return;
        }
        if is_unsupported(&name) {
            self.diags.push(
                Diagnostic::error(
                    format!("unsupported: <{name}> (library not supported by cwcc)"),
                    span,
                )
                .with_label("this header belongs to a CUDA library cwcc does not provide"),
            );
            return;
        }
        if self.files.len() >= MAX_INCLUDE_DEPTH {
            self.diags.push(
                Diagnostic::error(
                    format!("`#include` nested more than {MAX_INCLUDE_DEPTH} levels deep"),
                    span,
                )
                .with_note("is a header including itself without an include guard?"),
            );
            return;
        }
        match self.find_include(&name, angled, next) {
            Ok(Found::File {
                path,
                text,
                dir_index,
            }) => {
                let key = normalize(&path);
                if self.once.contains(&key) {
                    return;
                }
                let id =
                    self.sources
                        .add_file(path.to_string_lossy().into_owned(), text, Some(span));
                self.push_file(id, dir_index, key);
            }
            Ok(Found::Builtin { name, text }) => {
                let key = format!("{BUILTIN_PREFIX}{name}");
                if self.once.contains(&key) {
                    return;
                }
                let id = self.sources.add_file(key.clone(), text, Some(span));
                self.sources.mark_system(id);
                self.push_file(id, None, key);
            }
            Err(Some(d)) => self.diags.push(*d),
            Err(None) => {
                let mut searched: Vec<String> = Vec::new();
                if !angled {
                    if let Some(dir) = self.current_dir() {
                        searched.push(display_dir(&dir));
                    }
                }
                searched.extend(self.config.include_dirs.iter().map(|d| display_dir(d)));
                searched.push("the headers bundled with cwcc".to_string());
                self.diags.push(
                    Diagnostic::error(format!("cannot find include file `{name}`"), span)
                        .with_note(format!("searched: {}", searched.join(", "))),
                );
            }
        }
    }

    /// Directory of the current file, for `#include "x"` (`None` for bundled headers and
    /// files with no directory).
    fn current_dir(&self) -> Option<PathBuf> {
        let state = self.files.last()?;
        let name = &self.sources.file(state.file).name;
        if name.starts_with('<') {
            return None;
        }
        Some(Path::new(name).parent()?.to_path_buf())
    }

    /// Searches for an include file. `Err(None)`: not found; `Err(Some(d))`: found but
    /// unreadable.
    fn find_include(
        &self,
        name: &str,
        angled: bool,
        next: bool,
    ) -> Result<Found, Option<Box<Diagnostic>>> {
        let try_read =
            |path: PathBuf, dir_index: Option<usize>| -> Result<Option<Found>, Box<Diagnostic>> {
                match self.loader.read(&path) {
                    Ok(text) => Ok(Some(Found::File {
                        path,
                        text,
                        dir_index,
                    })),
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                        ) =>
                    {
                        Ok(None)
                    }
                    Err(e) => Err(Box::new(Diagnostic::error_no_span(format!(
                        "cannot read include file `{}`: {e}",
                        path.display()
                    )))),
                }
            };
        let path = Path::new(name);
        if path.is_absolute() {
            return match try_read(path.to_path_buf(), None) {
                Ok(Some(f)) => Ok(f),
                Ok(None) => Err(None),
                Err(d) => Err(Some(d)),
            };
        }
        let current = self.files.last();
        let start_dir = if next {
            current
                .and_then(|s| s.dir_index)
                .map(|i| i + 1)
                .unwrap_or(0)
        } else {
            0
        };
        if !angled && !next {
            if let Some(dir) = self.current_dir() {
                if let Some(f) = try_read(dir.join(path), None).map_err(Some)? {
                    return Ok(f);
                }
            }
        }
        for (i, dir) in self.config.include_dirs.iter().enumerate().skip(start_dir) {
            if let Some(f) = try_read(dir.join(path), Some(i)).map_err(Some)? {
                return Ok(f);
            }
        }
        let from_builtin =
            current.is_some_and(|s| self.sources.file(s.file).name.starts_with(BUILTIN_PREFIX));
        if next && from_builtin {
            return Err(None);
        }
        match self.loader.builtin(name) {
            Some(text) => Ok(Found::Builtin {
                name: name.to_string(),
                text,
            }),
            None => Err(None),
        }
    }

    /// `#pragma` with `args` after `pragma`; `span` is the whole directive.
    fn pragma(&mut self, args: Vec<Token>, span: Span) {
        let Some(first) = args.first() else {
            return;
        };
        match first.text.as_str() {
            "once" if first.kind == TokenKind::Ident => {
                if let Some(state) = self.files.last() {
                    self.once.insert(state.once_key.clone());
                }
            }
            "unroll" if first.kind == TokenKind::Ident => {
                let end_span = args.last().map(|t| t.span).unwrap_or(span);
                let end_span = Span {
                    lo: end_span.hi,
                    ..end_span
                };
                let mut tokens = Vec::with_capacity(args.len() + 1);
                tokens.push(PToken::new(Token {
                    kind: TokenKind::PragmaUnroll,
                    text: "#pragma unroll".to_string(),
                    span,
                    leading_space: true,
                    at_line_start: true,
                }));
                for t in args.into_iter().skip(1) {
                    tokens.push(PToken::new(Token {
                        at_line_start: false,
                        ..t
                    }));
                }
                tokens.push(PToken::new(Token {
                    kind: TokenKind::PragmaEnd,
                    text: String::new(),
                    span: end_span,
                    leading_space: false,
                    at_line_start: false,
                }));
                self.pending.extend(tokens.into_iter().rev());
            }
            "push_macro" | "pop_macro" if first.kind == TokenKind::Ident => {
                let name = match (args.get(1), args.get(2), args.get(3)) {
                    (Some(l), Some(s), Some(r))
                        if l.is_punct(Punct::LParen)
                            && s.kind == TokenKind::StringLit
                            && r.is_punct(Punct::RParen) =>
                    {
                        crate::literal::parse_string(&s.text)
                            .ok()
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                    }
                    _ => None,
                };
                let Some(name) = name else {
                    self.diags.push(Diagnostic::error(
                        format!("expected `#pragma {}(\"NAME\")`", first.text),
                        span,
                    ));
                    return;
                };
                if first.text == "push_macro" {
                    let current = self.macros.get(&name).cloned();
                    self.pushed_macros.entry(name).or_default().push(current);
                } else if let Some(saved) = self.pushed_macros.get_mut(&name).and_then(Vec::pop) {
                    match saved {
                        Some(def) => {
                            self.macros.insert(name, def);
                        }
                        None => {
                            self.macros.remove(&name);
                        }
                    }
                }
            }
            _ => {
                let name = first.text.clone();
                let Some(state) = self.files.last_mut() else {
                    return;
                };
                if state.noted_pragmas.insert(name.clone()) {
                    self.diags
                        .push(Diagnostic::note(format!("ignoring #pragma {name}"), span));
                }
            }
        }
    }

    /// `_Pragma("...")`: `name` is the `_Pragma` token.
    fn pragma_operator(&mut self, name: PToken) {
        let mut consumed = Vec::new();
        let mut string = None;
        for step in 0..3 {
            match self.next_expanded() {
                Next::Tok(t) => {
                    let ok = match step {
                        0 => t.tok.is_punct(Punct::LParen),
                        1 => t.tok.kind == TokenKind::StringLit,
                        _ => t.tok.is_punct(Punct::RParen),
                    };
                    if !ok {
                        self.pending.push(t);
                        break;
                    }
                    if step == 1 {
                        string = Some(t.tok.clone());
                    }
                    consumed.push(t);
                }
                Next::EndOfFile | Next::End => break,
            }
        }
        let Some(string) = string.filter(|_| consumed.len() == 3) else {
            self.diags.push(
                Diagnostic::error(
                    "`_Pragma` must be followed by a parenthesized string literal",
                    name.tok.span,
                )
                .with_label("expected `_Pragma(\"...\")`"),
            );
            // Put back what was read after `(` so no text is lost.
            if consumed.len() > 1 {
                while let Some(t) = consumed.pop() {
                    if consumed.is_empty() {
                        break;
                    }
                    self.pending.push(t);
                }
            }
            return;
        };
        // Destringize: drop the prefix and quotes, unescape `\"` and `\\`.
        let text = string.text.trim_start_matches(['L', 'u', 'U', '8']);
        let inner = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or("");
        let mut body = String::with_capacity(inner.len());
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && matches!(chars.peek(), Some('"') | Some('\\')) {
                if let Some(n) = chars.next() {
                    body.push(n);
                }
            } else {
                body.push(c);
            }
        }
        let mut lex_diags = Diagnostics::new();
        let span = name.tok.span.to(string.span);
        let tokens: Vec<Token> = lexer::lex(string.span.file, &body, &mut lex_diags)
            .into_iter()
            .map(|t| Token {
                span: string.span,
                at_line_start: false,
                ..t
            })
            .collect();
        for d in lex_diags.into_vec() {
            self.diags.push(Diagnostic {
                primary: Some((string.span, String::new())),
                ..d
            });
        }
        self.pragma(tokens, span);
    }
}

/// Reports the lexer diagnostics before byte `upto` that are not in quiet ranges.
fn flush_lex_diags(state: &mut FileState, upto: u32, diags: &mut Diagnostics) {
    while let Some(d) = state.lex_diags.front() {
        let pos = d.primary.as_ref().map(|(s, _)| s.lo).unwrap_or(0);
        if pos >= upto {
            break;
        }
        if let Some(d) = state.lex_diags.pop_front() {
            let quiet = state.quiet.iter().any(|&(lo, hi)| pos >= lo && pos < hi)
                || state.skip_start.is_some_and(|s| pos >= s);
            if !quiet {
                diags.push(d);
            }
        }
    }
}

/// Tokens spelled as text, separated by spaces where the source had whitespace.
fn join_spelling(tokens: &[Token]) -> String {
    let mut s = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 && t.leading_space {
            s.push(' ');
        }
        s.push_str(&t.text);
    }
    s
}

/// Whether `name` is a header of an unsupported CUDA library.
fn is_unsupported(name: &str) -> bool {
    UNSUPPORTED_HEADER_PREFIXES
        .iter()
        .any(|p| name.starts_with(p))
}

/// A path with `.` removed and `dir/..` folded, for `#pragma once` identity.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(parts.last(), Some(Component::Normal(_))) {
                    parts.pop();
                } else {
                    parts.push(c);
                }
            }
            other => parts.push(other),
        }
    }
    parts
        .iter()
        .collect::<PathBuf>()
        .to_string_lossy()
        .into_owned()
}

fn display_dir(dir: &Path) -> String {
    let s = dir.to_string_lossy();
    if s.is_empty() {
        "`.`".to_string()
    } else {
        format!("`{s}`")
    }
}

#[cfg(test)]
mod tests;
