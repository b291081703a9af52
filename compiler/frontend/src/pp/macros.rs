//! Macro definitions and macro expansion.
//!
//! Expansion follows the C standard's algorithm with hide sets (Prosser's algorithm): every
//! token carries the set of macro names it must not be expanded by again ("painted blue").
//! Expanded text is pushed back onto the preprocessor's pending-token stack and rescanned
//! from there, so no output is ever scanned twice and a macro name at the end of an
//! expansion can take its arguments from the text that follows.
//!
//! Arguments are fully macro-expanded in isolation before substitution, except where they
//! are operands of `#` or `##`.

use super::{Next, Preprocessor, MAX_EXPANSION_NESTING, MAX_EXPANSION_WORK};
use crate::diag::Diagnostic;
use crate::lexer;
use crate::source::{Expansion, ExpansionId, FileId, Span};
use crate::token::{Punct, Token, TokenKind};
use std::collections::HashMap;
use std::rc::Rc;

/// Index of an interned hide set; `0` is the empty set.
pub(super) type HideSetId = u32;

/// A token on its way through macro expansion, with its hide set.
#[derive(Clone, Debug)]
pub(super) struct PToken {
    /// The token.
    pub tok: Token,
    /// Macro names (as interned ids) that must not expand this token.
    pub hide: HideSetId,
}

impl PToken {
    /// A token with an empty hide set.
    pub fn new(tok: Token) -> PToken {
        PToken { tok, hide: 0 }
    }
}

/// Interned hide sets: sorted vectors of macro-name ids, shared by id.
#[derive(Debug)]
pub(super) struct HideSets {
    sets: Vec<Vec<u32>>,
    index: HashMap<Vec<u32>, HideSetId>,
    union_cache: HashMap<(HideSetId, HideSetId), HideSetId>,
}

impl HideSets {
    /// Only the empty set.
    pub fn new() -> HideSets {
        let mut index = HashMap::new();
        index.insert(Vec::new(), 0);
        HideSets {
            sets: vec![Vec::new()],
            index,
            union_cache: HashMap::new(),
        }
    }

    fn get(&self, id: HideSetId) -> &[u32] {
        self.sets.get(id as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    fn intern(&mut self, set: Vec<u32>) -> HideSetId {
        if let Some(&id) = self.index.get(&set) {
            return id;
        }
        let id = self.sets.len() as HideSetId;
        self.sets.push(set.clone());
        self.index.insert(set, id);
        id
    }

    /// Whether `set` contains the macro name `name`.
    pub fn contains(&self, set: HideSetId, name: u32) -> bool {
        self.get(set).binary_search(&name).is_ok()
    }

    /// `set ∪ {name}`.
    pub fn add(&mut self, set: HideSetId, name: u32) -> HideSetId {
        let single = self.intern(vec![name]);
        self.union(set, single)
    }

    /// `a ∪ b`.
    pub fn union(&mut self, a: HideSetId, b: HideSetId) -> HideSetId {
        if a == b || b == 0 {
            return a;
        }
        if a == 0 {
            return b;
        }
        if let Some(&id) = self.union_cache.get(&(a, b)) {
            return id;
        }
        let (x, y) = (self.get(a), self.get(b));
        let mut merged = Vec::with_capacity(x.len() + y.len());
        let (mut i, mut j) = (0, 0);
        while i < x.len() || j < y.len() {
            match (x.get(i), y.get(j)) {
                (Some(&p), Some(&q)) if p == q => {
                    merged.push(p);
                    i += 1;
                    j += 1;
                }
                (Some(&p), Some(&q)) if p < q => {
                    merged.push(p);
                    i += 1;
                }
                (_, Some(&q)) => {
                    merged.push(q);
                    j += 1;
                }
                (Some(&p), None) => {
                    merged.push(p);
                    i += 1;
                }
                (None, None) => break,
            }
        }
        let id = self.intern(merged);
        self.union_cache.insert((a, b), id);
        id
    }

    /// `a ∩ b`.
    pub fn intersect(&mut self, a: HideSetId, b: HideSetId) -> HideSetId {
        if a == b {
            return a;
        }
        if a == 0 || b == 0 {
            return 0;
        }
        let y = self.get(b);
        let common: Vec<u32> = self
            .get(a)
            .iter()
            .copied()
            .filter(|n| y.binary_search(n).is_ok())
            .collect();
        self.intern(common)
    }
}

/// Macros whose value the preprocessor computes at each use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Builtin {
    /// `__FILE__`: the presumed name of the current file.
    File,
    /// `__LINE__`: the presumed line of the use.
    Line,
    /// `__COUNTER__`: 0, 1, 2, … per use.
    Counter,
    /// `__INCLUDE_LEVEL__`: include nesting depth (0 in the main file).
    IncludeLevel,
}

/// What kind of macro a definition is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum MacroKind {
    /// `#define NAME body`
    Object,
    /// `#define NAME(params) body`; a variadic macro's last parameter is `__VA_ARGS__` (or
    /// the GNU-style named one, `args...`).
    Function {
        /// Parameter names.
        params: Vec<String>,
        /// Whether the last parameter takes the variable arguments.
        variadic: bool,
    },
    /// Computed by the preprocessor.
    Builtin(Builtin),
}

/// One macro definition.
#[derive(Clone, Debug)]
pub(super) struct MacroDef {
    /// The macro's name.
    pub name: String,
    /// Interned id of the name (for hide sets).
    pub name_id: u32,
    /// Object-like, function-like or builtin.
    pub kind: MacroKind,
    /// Replacement list, as spelled in the `#define` line.
    pub body: Vec<Token>,
    /// For each body token: the index of the parameter it names, if any.
    pub param_of: Vec<Option<usize>>,
    /// The macro name in its `#define` (`None` for predefined and builtin macros).
    pub def_site: Option<Span>,
}

impl MacroDef {
    /// Whether a redefinition is the same as this definition (same kind, parameters, tokens
    /// and whitespace separation), so no warning is due.
    pub fn same_definition(&self, other: &MacroDef) -> bool {
        self.kind == other.kind
            && self.body.len() == other.body.len()
            && self
                .body
                .iter()
                .zip(&other.body)
                .enumerate()
                .all(|(i, (a, b))| {
                    a.text == b.text && (i == 0 || a.leading_space == b.leading_space)
                })
    }

    fn is_variadic(&self) -> bool {
        matches!(self.kind, MacroKind::Function { variadic: true, .. })
    }

    fn param_count(&self) -> usize {
        match &self.kind {
            MacroKind::Function { params, .. } => params.len(),
            _ => 0,
        }
    }
}

/// The parts of a `#define` line, before the name is interned.
pub(super) struct ParsedDefine {
    pub name: String,
    pub name_span: Span,
    pub kind: MacroKind,
    pub body: Vec<Token>,
    pub param_of: Vec<Option<usize>>,
    /// Non-fatal problems (e.g. `__VA_ARGS__` in a non-variadic macro).
    pub warnings: Vec<Diagnostic>,
}

/// Parses the tokens of a `#define` line after `define`.
pub(super) fn parse_define(
    line: &[Token],
    directive: Span,
) -> Result<ParsedDefine, Box<Diagnostic>> {
    let Some(name_tok) = line.first() else {
        return Err(Box::new(Diagnostic::error(
            "macro name missing in `#define`",
            directive,
        )));
    };
    if name_tok.kind != TokenKind::Ident {
        return Err(Box::new(
            Diagnostic::error("macro name must be an identifier", name_tok.span)
                .with_label(format!("`{}` is not an identifier", name_tok.text)),
        ));
    }
    if name_tok.text == "defined" || name_tok.text == "__VA_ARGS__" || name_tok.text == "__VA_OPT__"
    {
        return Err(Box::new(Diagnostic::error(
            format!("`{}` cannot be used as a macro name", name_tok.text),
            name_tok.span,
        )));
    }
    let mut pos = 1;
    let mut kind = MacroKind::Object;
    if let Some(open) = line
        .get(1)
        .filter(|t| t.is_punct(Punct::LParen) && !t.leading_space)
    {
        pos = 2;
        let mut params: Vec<String> = Vec::new();
        let mut variadic = false;
        let mut expect_param = true;
        loop {
            let Some(t) = line.get(pos) else {
                return Err(Box::new(
                    Diagnostic::error("missing `)` in macro parameter list", open.span)
                        .with_label("parameter list starts here"),
                ));
            };
            pos += 1;
            if variadic {
                if t.is_punct(Punct::RParen) {
                    break;
                }
                return Err(Box::new(Diagnostic::error(
                    "expected `)` after `...` in macro parameter list",
                    t.span,
                )));
            }
            if t.is_punct(Punct::RParen) && (!expect_param || params.is_empty()) {
                break;
            }
            if expect_param {
                if t.is_punct(Punct::Ellipsis) {
                    params.push("__VA_ARGS__".to_string());
                    variadic = true;
                    continue;
                }
                if t.kind != TokenKind::Ident {
                    return Err(Box::new(
                        Diagnostic::error("expected a macro parameter name", t.span)
                            .with_label(format!("found `{}`", t.text)),
                    ));
                }
                if t.text == "__VA_ARGS__" {
                    return Err(Box::new(Diagnostic::error(
                        "`__VA_ARGS__` cannot be a parameter name; write `...`",
                        t.span,
                    )));
                }
                if params.contains(&t.text) {
                    return Err(Box::new(Diagnostic::error(
                        format!("duplicate macro parameter `{}`", t.text),
                        t.span,
                    )));
                }
                params.push(t.text.clone());
                // GNU named variadic parameter: `args...`.
                if line.get(pos).is_some_and(|t| t.is_punct(Punct::Ellipsis)) {
                    pos += 1;
                    variadic = true;
                }
                expect_param = false;
            } else if t.is_punct(Punct::Comma) {
                expect_param = true;
            } else {
                return Err(Box::new(
                    Diagnostic::error("expected `,` or `)` in macro parameter list", t.span)
                        .with_label(format!("found `{}`", t.text)),
                ));
            }
        }
        kind = MacroKind::Function { params, variadic };
    }
    let body: Vec<Token> = line.get(pos..).unwrap_or(&[]).to_vec();
    let mut warnings = Vec::new();
    let (params, variadic): (&[String], bool) = match &kind {
        MacroKind::Function { params, variadic } => (params, *variadic),
        _ => (&[], false),
    };
    let param_of: Vec<Option<usize>> = body
        .iter()
        .map(|t| {
            if t.kind == TokenKind::Ident {
                params.iter().position(|p| *p == t.text)
            } else {
                None
            }
        })
        .collect();
    if let Some(first) = body.first().filter(|t| t.is_punct(Punct::HashHash)) {
        return Err(Box::new(Diagnostic::error(
            "`##` cannot appear at the start of a macro body",
            first.span,
        )));
    }
    if let Some(last) = body.last().filter(|t| t.is_punct(Punct::HashHash)) {
        return Err(Box::new(Diagnostic::error(
            "`##` cannot appear at the end of a macro body",
            last.span,
        )));
    }
    let function_like = matches!(kind, MacroKind::Function { .. });
    for (i, t) in body.iter().enumerate() {
        if function_like && t.is_punct(Punct::Hash) {
            let next_is_param = param_of.get(i + 1).is_some_and(Option::is_some);
            if !next_is_param {
                return Err(Box::new(Diagnostic::error(
                    "`#` is not followed by a macro parameter",
                    t.span,
                )));
            }
        }
        if t.is_ident("__VA_ARGS__") && !variadic {
            warnings.push(Diagnostic::warning(
                "`__VA_ARGS__` can only appear in the body of a variadic macro",
                t.span,
            ));
        }
    }
    Ok(ParsedDefine {
        name: name_tok.text.clone(),
        name_span: name_tok.span,
        kind,
        body,
        param_of,
        warnings,
    })
}

/// One element of a macro's substituted body before `##` is applied.
enum Sub {
    Tok(PToken),
    /// An empty argument next to `##` (C standard placemarker).
    Placemarker,
    /// The `##` operator (span of the `##` in the body, with the expansion).
    Paste(Span),
}

/// The text of a string literal spelling `tokens` (the `#` operator).
pub(super) fn stringify_text(tokens: &[PToken]) -> String {
    let mut s = String::from("\"");
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 && (t.tok.leading_space || t.tok.at_line_start) {
            s.push(' ');
        }
        if matches!(t.tok.kind, TokenKind::StringLit | TokenKind::CharLit) {
            for c in t.tok.text.chars() {
                if c == '"' || c == '\\' {
                    s.push('\\');
                }
                s.push(c);
            }
        } else {
            s.push_str(&t.tok.text);
        }
    }
    s.push('"');
    s
}

/// Lexes `text` and returns the single token it forms, if it forms exactly one.
pub(super) fn lex_single(text: &str) -> Option<Token> {
    let mut diags = crate::diag::Diagnostics::new();
    let mut toks = lexer::lex(FileId(0), text, &mut diags);
    if toks.len() != 1 || !diags.is_empty() {
        return None;
    }
    toks.pop().filter(|t| t.text == text)
}

impl Preprocessor<'_> {
    /// Expands the macro `def` invoked by `name`, pushing the result onto the pending stack.
    /// `Err(name)` when it is not an invocation after all (a function-like macro name not
    /// followed by `(`), or when expansion was refused.
    pub(super) fn expand_macro(&mut self, def: Rc<MacroDef>, name: PToken) -> Result<(), PToken> {
        if self.expansion_too_large(&name.tok.span) {
            return Err(name);
        }
        match &def.kind {
            MacroKind::Builtin(builtin) => {
                let tok = self.builtin_value(*builtin, &def, &name);
                self.pending.push(tok);
                Ok(())
            }
            MacroKind::Object => {
                let exp = self.sources.add_expansion(Expansion {
                    macro_name: def.name.clone(),
                    call_site: name.tok.span,
                    def_site: def.def_site,
                });
                let hide = self.hide.add(name.hide, def.name_id);
                let mut items = Vec::with_capacity(def.body.len());
                self.substitute(
                    &def,
                    &[],
                    &mut Vec::new(),
                    exp,
                    0,
                    def.body.len(),
                    &mut items,
                );
                self.finish_expansion(items, exp, hide, &name);
                Ok(())
            }
            MacroKind::Function { .. } => {
                match self.next_main() {
                    Next::Tok(t) if t.tok.is_punct(Punct::LParen) => {}
                    Next::Tok(t) => {
                        self.pending.push(t);
                        return Err(name);
                    }
                    Next::EndOfFile | Next::End => return Err(name),
                }
                let Some((mut args, rparen)) = self.collect_args(&def, &name) else {
                    return Ok(());
                };
                let call_site = name.tok.span.to(rparen.tok.span);
                if !self.check_arg_count(&def, &mut args, call_site) {
                    return Ok(());
                }
                let exp = self.sources.add_expansion(Expansion {
                    macro_name: def.name.clone(),
                    call_site,
                    def_site: def.def_site,
                });
                let common = self.hide.intersect(name.hide, rparen.hide);
                let hide = self.hide.add(common, def.name_id);
                let mut expanded_args = vec![None; args.len()];
                let mut items = Vec::with_capacity(def.body.len());
                self.substitute(
                    &def,
                    &args,
                    &mut expanded_args,
                    exp,
                    0,
                    def.body.len(),
                    &mut items,
                );
                self.finish_expansion(items, exp, hide, &name);
                Ok(())
            }
        }
    }

    /// Whether macro expansion has produced too many tokens since the last token read from a
    /// file (exponential expansion); reports it once.
    fn expansion_too_large(&mut self, at: &Span) -> bool {
        if self.work <= MAX_EXPANSION_WORK {
            return false;
        }
        if !self.work_exceeded_reported {
            self.work_exceeded_reported = true;
            self.diags.push(
                Diagnostic::error(
                    format!("macro expansion is too large (more than {MAX_EXPANSION_WORK} tokens)"),
                    *at,
                )
                .with_note("this usually means macros expand exponentially; expansion stops here"),
            );
        }
        true
    }

    /// Reads the arguments of a function-like macro call after its `(`: the argument token
    /// lists and the closing `)`. `None` (after reporting an error) at the end of input.
    fn collect_args(
        &mut self,
        def: &MacroDef,
        name: &PToken,
    ) -> Option<(Vec<Vec<PToken>>, PToken)> {
        let n_params = def.param_count();
        let variadic = def.is_variadic();
        let mut args: Vec<Vec<PToken>> = vec![Vec::new()];
        let mut depth = 0usize;
        loop {
            match self.next_main() {
                Next::Tok(mut t) => {
                    if t.tok.is_punct(Punct::LParen) {
                        depth += 1;
                    } else if t.tok.is_punct(Punct::RParen) {
                        if depth == 0 {
                            return Some((args, t));
                        }
                        depth -= 1;
                    } else if t.tok.is_punct(Punct::Comma)
                        && depth == 0
                        && !(variadic && args.len() >= n_params)
                    {
                        args.push(Vec::new());
                        continue;
                    }
                    // A newline inside the arguments is just whitespace.
                    if t.tok.at_line_start {
                        t.tok.at_line_start = false;
                        t.tok.leading_space = true;
                    }
                    if let Some(last) = args.last_mut() {
                        last.push(t);
                    }
                }
                Next::EndOfFile | Next::End => {
                    self.diags.push(
                        Diagnostic::error(
                            format!("unterminated argument list for macro `{}`", def.name),
                            name.tok.span,
                        )
                        .with_label("the `(` after this macro name is never closed"),
                    );
                    return None;
                }
            }
        }
    }

    /// Checks the number of arguments against the parameters, normalising `F()` for a
    /// macro without parameters and an omitted variadic argument. `false` after an error.
    fn check_arg_count(&mut self, def: &MacroDef, args: &mut Vec<Vec<PToken>>, at: Span) -> bool {
        let Some(message) = arg_count_problem(def, args) else {
            return true;
        };
        let mut d = Diagnostic::error(message, at);
        if let Some(site) = def.def_site {
            d = d.with_secondary(site, format!("macro `{}` defined here", def.name));
        }
        self.diags.push(d);
        false
    }

    /// Substitutes arguments into `def.body[lo..hi]`, appending to `out`.
    #[allow(clippy::too_many_arguments)]
    fn substitute(
        &mut self,
        def: &MacroDef,
        args: &[Vec<PToken>],
        expanded: &mut Vec<Option<Vec<PToken>>>,
        exp: ExpansionId,
        lo: usize,
        hi: usize,
        out: &mut Vec<Sub>,
    ) {
        let body = &def.body;
        let param_at = |i: usize| def.param_of.get(i).copied().flatten();
        let is_paste = |i: usize| body.get(i).is_some_and(|t| t.is_punct(Punct::HashHash));
        let va_index = if def.is_variadic() {
            def.param_count().checked_sub(1)
        } else {
            None
        };
        let va_empty = va_index
            .and_then(|v| args.get(v))
            .is_none_or(|a| a.is_empty());
        let mut i = lo;
        while i < hi {
            let Some(tok) = body.get(i) else { break };
            // GNU extension: `, ## __VA_ARGS__` drops the comma when there are no variable
            // arguments.
            if tok.is_punct(Punct::Comma)
                && is_paste(i + 1)
                && va_index.is_some()
                && param_at(i + 2) == va_index
                && i + 2 < hi
            {
                if !va_empty {
                    out.push(Sub::Tok(PToken::new(body_token(tok, exp))));
                    if let Some(va) = va_index.and_then(|v| args.get(v)) {
                        out.extend(va.iter().cloned().map(Sub::Tok));
                    }
                }
                i += 3;
                continue;
            }
            if tok.is_punct(Punct::Hash) {
                if let Some(p) = param_at(i + 1) {
                    let arg = args.get(p).map(Vec::as_slice).unwrap_or(&[]);
                    let mut t = body_token(tok, exp);
                    t.kind = TokenKind::StringLit;
                    t.text = stringify_text(arg);
                    out.push(Sub::Tok(PToken::new(t)));
                    i += 2;
                    continue;
                }
            }
            if tok.is_ident("__VA_OPT__")
                && va_index.is_some()
                && body.get(i + 1).is_some_and(|t| t.is_punct(Punct::LParen))
            {
                let mut depth = 0usize;
                let mut close = None;
                for (j, t) in body.iter().enumerate().take(hi).skip(i + 1) {
                    if t.is_punct(Punct::LParen) {
                        depth += 1;
                    } else if t.is_punct(Punct::RParen) {
                        depth -= 1;
                        if depth == 0 {
                            close = Some(j);
                            break;
                        }
                    }
                }
                if let Some(close) = close {
                    if va_empty {
                        out.push(Sub::Placemarker);
                    } else {
                        self.substitute(def, args, expanded, exp, i + 2, close, out);
                    }
                    i = close + 1;
                    continue;
                }
                self.diags.push(Diagnostic::error(
                    "unterminated `__VA_OPT__`",
                    body_token(tok, exp).span,
                ));
                i += 1;
                continue;
            }
            if let Some(p) = param_at(i) {
                let pasted = (i > lo && is_paste(i - 1)) || (i + 1 < hi && is_paste(i + 1));
                let arg = args.get(p).map(Vec::as_slice).unwrap_or(&[]);
                if self.expansion_too_large(&tok.span) {
                    return;
                }
                if pasted {
                    if arg.is_empty() {
                        out.push(Sub::Placemarker);
                    } else {
                        out.extend(arg.iter().cloned().map(Sub::Tok));
                    }
                } else {
                    if expanded.get(p).is_some_and(Option::is_none) {
                        let result = self.expand_isolated(arg.to_vec());
                        if let Some(slot) = expanded.get_mut(p) {
                            *slot = Some(result);
                        }
                    }
                    if let Some(Some(e)) = expanded.get(p) {
                        self.work += e.len();
                        out.extend(e.iter().cloned().map(Sub::Tok));
                    }
                }
                i += 1;
                continue;
            }
            if tok.is_punct(Punct::HashHash) {
                out.push(Sub::Paste(body_token(tok, exp).span));
                i += 1;
                continue;
            }
            out.push(Sub::Tok(PToken::new(body_token(tok, exp))));
            i += 1;
        }
    }

    /// Applies `##`, adds the hide set, fixes whitespace flags and pushes the result onto the
    /// pending stack for rescanning.
    fn finish_expansion(
        &mut self,
        items: Vec<Sub>,
        exp: ExpansionId,
        hide: HideSetId,
        name: &PToken,
    ) {
        let mut pasted: Vec<Sub> = Vec::with_capacity(items.len());
        let mut iter = items.into_iter();
        while let Some(item) = iter.next() {
            let Sub::Paste(span) = item else {
                pasted.push(item);
                continue;
            };
            let right = match iter.next() {
                Some(Sub::Paste(_)) | None => Sub::Placemarker,
                Some(r) => r,
            };
            let left = pasted.pop().unwrap_or(Sub::Placemarker);
            match (left, right) {
                (Sub::Placemarker, r) => pasted.push(r),
                (l, Sub::Placemarker) => pasted.push(l),
                (Sub::Tok(a), Sub::Tok(b)) => {
                    let text = format!("{}{}", a.tok.text, b.tok.text);
                    match lex_single(&text) {
                        Some(t) => {
                            let hide = self.hide.union(a.hide, b.hide);
                            pasted.push(Sub::Tok(PToken {
                                tok: Token {
                                    kind: t.kind,
                                    text,
                                    span: Span {
                                        expansion: Some(exp),
                                        ..a.tok.span
                                    },
                                    leading_space: a.tok.leading_space,
                                    at_line_start: false,
                                },
                                hide,
                            }));
                        }
                        None => {
                            self.diags.push(
                                Diagnostic::error(
                                    format!(
                                        "pasting `{}` and `{}` does not give a valid preprocessing token",
                                        a.tok.text, b.tok.text
                                    ),
                                    span,
                                )
                                .with_label("`##` used here"),
                            );
                            pasted.push(Sub::Tok(a));
                            pasted.push(Sub::Tok(b));
                        }
                    }
                }
                (l, r) => {
                    pasted.push(l);
                    pasted.push(r);
                }
            }
        }
        let mut result: Vec<PToken> = Vec::with_capacity(pasted.len());
        for item in pasted {
            if let Sub::Tok(mut t) = item {
                t.hide = self.hide.union(t.hide, hide);
                t.tok.at_line_start = false;
                result.push(t);
            }
        }
        match result.first_mut() {
            Some(first) => {
                first.tok.leading_space = name.tok.leading_space;
                first.tok.at_line_start = name.tok.at_line_start;
            }
            None => {
                if name.tok.at_line_start {
                    self.carry_line_start = true;
                }
            }
        }
        self.work += result.len();
        self.pending.extend(result.into_iter().rev());
    }

    /// Fully macro-expands `tokens` on their own (a macro argument, an `#if` expression):
    /// nothing after them is read.
    pub(super) fn expand_isolated(&mut self, tokens: Vec<PToken>) -> Vec<PToken> {
        if self.isolation_depth >= MAX_EXPANSION_NESTING {
            if let Some(t) = tokens.first() {
                self.diags.push(Diagnostic::error(
                    format!(
                        "macro invocations nested more than {MAX_EXPANSION_NESTING} deep in arguments"
                    ),
                    t.tok.span,
                ));
            }
            return tokens;
        }
        let mut stack: Vec<PToken> = tokens.into_iter().rev().collect();
        std::mem::swap(&mut self.pending, &mut stack);
        self.isolation_depth += 1;
        let mut out = Vec::new();
        while let Next::Tok(t) = self.next_expanded() {
            out.push(t);
        }
        self.isolation_depth -= 1;
        std::mem::swap(&mut self.pending, &mut stack);
        out
    }

    /// The token a builtin macro such as `__LINE__` expands to.
    fn builtin_value(&mut self, builtin: Builtin, def: &MacroDef, name: &PToken) -> PToken {
        let exp = self.sources.add_expansion(Expansion {
            macro_name: def.name.clone(),
            call_site: name.tok.span,
            def_site: None,
        });
        let (kind, text) = match builtin {
            Builtin::File => (
                TokenKind::StringLit,
                string_literal(&self.presumed_file_name()),
            ),
            Builtin::Line => (
                TokenKind::Number,
                self.presumed_line(name.tok.span).to_string(),
            ),
            Builtin::Counter => {
                let n = self.counter;
                self.counter += 1;
                (TokenKind::Number, n.to_string())
            }
            Builtin::IncludeLevel => (
                TokenKind::Number,
                self.files.len().saturating_sub(1).to_string(),
            ),
        };
        let hide = self.hide.add(name.hide, def.name_id);
        PToken {
            tok: Token {
                kind,
                text,
                span: Span {
                    expansion: Some(exp),
                    ..name.tok.span
                },
                leading_space: name.tok.leading_space,
                at_line_start: name.tok.at_line_start,
            },
            hide,
        }
    }
}

/// The error message when `args` do not fit the parameters of `def`; normalises `F()` for a
/// macro without parameters (no arguments) and an omitted variadic argument (one empty).
fn arg_count_problem(def: &MacroDef, args: &mut Vec<Vec<PToken>>) -> Option<String> {
    let n = def.param_count();
    let given = args.len();
    if n == 0 {
        if given == 1 && args.first().is_some_and(Vec::is_empty) {
            args.clear();
            return None;
        }
        return Some(format!(
            "macro `{}` takes no arguments, but {given} were given",
            def.name
        ));
    }
    if def.is_variadic() {
        if given + 1 == n {
            args.push(Vec::new());
            return None;
        }
        if given >= n {
            return None;
        }
        return Some(format!(
            "macro `{}` requires at least {} argument{}, but only {given} given",
            def.name,
            n - 1,
            if n == 2 { "" } else { "s" }
        ));
    }
    if given != n {
        return Some(format!(
            "macro `{}` requires {n} argument{}, but {given} given",
            def.name,
            if n == 1 { "" } else { "s" }
        ));
    }
    None
}

/// A copy of a macro body token, its span marked as coming from expansion `exp`.
fn body_token(t: &Token, exp: ExpansionId) -> Token {
    Token {
        span: Span {
            expansion: Some(exp),
            ..t.span
        },
        ..t.clone()
    }
}

/// `s` as a C string literal (quotes added, `\` and `"` escaped).
pub(super) fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hide_sets() {
        let mut h = HideSets::new();
        let a = h.add(0, 3);
        let b = h.add(a, 1);
        assert!(h.contains(b, 1) && h.contains(b, 3) && !h.contains(b, 2));
        assert_eq!(h.add(b, 3), b);
        let c = h.add(0, 1);
        assert_eq!(h.union(a, c), b);
        assert_eq!(h.intersect(b, c), c);
        assert_eq!(h.intersect(a, c), 0);
        assert!(!h.contains(0, 0));
    }

    #[test]
    fn stringify_escapes_literals() {
        let mut d = crate::diag::Diagnostics::new();
        let toks: Vec<PToken> = lexer::lex(FileId(0), r#"a  +  "x\n" '"'"#, &mut d)
            .into_iter()
            .map(PToken::new)
            .collect();
        assert_eq!(stringify_text(&toks), r#""a + \"x\\n\" '\"'""#);
        assert_eq!(stringify_text(&[]), "\"\"");
    }

    #[test]
    fn single_token_lexing() {
        assert!(lex_single("xy").is_some());
        assert!(lex_single("<<=").is_some());
        assert!(lex_single("+-").is_none());
        assert!(lex_single("//").is_none());
        assert!(lex_single("a b").is_none());
    }
}
