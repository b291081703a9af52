//! The token classifier: preprocessing tokens to the parser's [`Tok`]s, with a symbol table.
//!
//! C++ cannot be parsed without knowing which identifiers name types and templates. This pass
//! walks the tokens once with a scope stack (namespaces, classes, template parameter lists,
//! function bodies and blocks) and records every type name (typedef and `using` aliases,
//! struct/class/union/enum names, template type parameters) and template name (class, alias and
//! function templates) where it is declared. Each identifier is then emitted as
//! [`Tok::Ident`], [`Tok::TypeName`], [`Tok::TypeTemplate`] / [`Tok::FuncTemplate`] (only when
//! followed by `<`, which then always opens a template argument list), [`Tok::ScopeName`]
//! (followed by `::`) or [`Tok::CtorName`].
//!
//! Rules worth knowing:
//! - A qualified name `A::B::x` is resolved by looking `x` up in the scope named `A::B`; when
//!   that scope is unknown (a dependent `T::x`, or `std::`), `x` is an identifier unless
//!   `typename` came first.
//! - A class body is pre-scanned for the types it declares, so member functions can use types
//!   declared later in the class (C++'s complete-class context).
//! - A name that is a type in an outer scope but is declared as a variable (`float4 float4;`
//!   style, after a type and before `=`, `;`, `,`, `[` or `)`) is shadowed in its scope.
//! - `>>` closing two template argument lists becomes two `>` tokens; `<<<` / `>>>` of kernel
//!   launches become [`Tok::LaunchOpen`] / [`Tok::LaunchClose`].
//! - A function definition at namespace or class scope whose specifiers contain neither
//!   `__device__` nor `__global__` is host code: its body becomes one [`Tok::HostBody`] token and
//!   the kernel launches in it are recorded in [`HostBodyInfo`].
//! - `__attribute__((aligned(N)))` becomes `__align__(N)` where a specifier may stand; other
//!   attributes (`__attribute__`, `__declspec`, `[[…]]`) are dropped with one note per name;
//!   `override`, `final` and `noexcept(…)`'s operand are dropped; `asm(…)` and lambdas become
//!   one token each.
//! - A `(` after a type that opens a parenthesised declarator (`float (&a)[4]`,
//!   `void (*fp)(int)`) becomes [`Tok::DeclParen`].
//! - A leading `::` before a type or namespace name is dropped (`::T x;`).
//! - The layout of declarations (where each namespace-level declaration ends, where namespaces
//!   and `extern "C"` blocks open and close) is recorded for the chunked, error-tolerant parse.

use super::tok::{Kw, Tok};
use crate::ast::{IntLiteral, IntSuffix, LaunchSite};
use crate::diag::{Diagnostic, Diagnostics};
use crate::literal::{self, Number};
use crate::source::{SourceMap, Span};
use crate::token::{Punct, Token, TokenKind};
use std::collections::HashMap;

/// A skipped host function body.
#[derive(Clone, Debug)]
pub struct HostBodyInfo {
    /// The function's name (the last identifier before its parameter list).
    pub name: String,
    /// The body, from `{` to `}`.
    pub span: Span,
    /// Kernel launches found inside.
    pub launches: Vec<LaunchSite>,
}

/// A namespace or `extern "C"` block opened at declaration level.
#[derive(Clone, Debug, PartialEq)]
pub enum GroupKind {
    /// `[inline] namespace [name] {`
    Namespace {
        /// The name, with its span; `None` for an anonymous namespace.
        name: Option<(String, Span)>,
        /// `inline namespace`.
        is_inline: bool,
    },
    /// `extern "lang" {`
    Linkage(String),
}

/// The structure of the token stream at namespace level, in token order.
#[derive(Clone, Debug, PartialEq)]
pub enum LayoutEvent {
    /// A declaration ends with token `at` (inclusive).
    End(usize),
    /// A group opens: its first token and its `{`.
    Open {
        /// What kind of group.
        kind: GroupKind,
        /// Index of the group's first token.
        start: usize,
        /// Index of its `{`.
        brace: usize,
    },
    /// The group opened last closes at this `}`.
    Close(usize),
}

/// The classifier's output.
#[derive(Debug, Default)]
pub struct Classified<'a> {
    /// The tokens for the parser.
    pub toks: Vec<Tok<'a>>,
    /// The span of each token.
    pub spans: Vec<Span>,
    /// Values of string literals ([`Tok::Str`]).
    pub strings: Vec<Vec<u8>>,
    /// Texts of `asm` statements and lambdas.
    pub texts: Vec<String>,
    /// Skipped host function bodies.
    pub hosts: Vec<HostBodyInfo>,
    /// Declaration and group boundaries at namespace level.
    pub layout: Vec<LayoutEvent>,
    /// A bracket is still open at the end of the file (already reported); the parser does not
    /// report the resulting "unexpected end" again.
    pub unclosed_at_end: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ScopeKind {
    Namespace,
    Class,
    Template,
    Block,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameKind {
    Type,
    TypeTemplate,
    FuncTemplate,
    Value,
}

#[derive(Debug)]
struct Scope {
    kind: ScopeKind,
    name: String,
    parent: Option<usize>,
    /// A class scope whose names are visible too (bodies of out-of-class member functions).
    extra: Option<usize>,
    /// Namespaces named by `using namespace N;` in this scope: their names are visible here.
    using: Vec<usize>,
    names: HashMap<String, NameKind>,
    children: HashMap<String, usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BraceKind {
    /// Namespace, linkage block or class body: declarations inside.
    DeclLevel { class: bool, group: bool },
    /// A function body.
    Body,
    /// A block or braced initializer inside a body, or an initializer / enum body outside.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bracket {
    Paren,
    Square,
    Brace {
        kind: BraceKind,
        scope: bool,
    },
    /// A template argument or parameter list.
    Angle,
    Launch,
}

/// A namespace whose `{` is expected: its name, `inline`, and its first token.
type PendingNamespace = (Option<(String, Span)>, bool, usize);

/// Per-declaration state at a declaration level.
#[derive(Clone, Debug, Default)]
struct DeclState {
    device: bool,
    record: Option<String>,
    namespace: Option<PendingNamespace>,
    linkage: Option<(String, usize)>,
    typedef: bool,
    typedef_named: bool,
    template_scopes: usize,
    template_named: bool,
    saw_eq: bool,
    saw_arrow: bool,
    saw_ctor_colon: bool,
    func_name: Option<String>,
    qualifier_scope: Option<usize>,
}

struct Classifier<'a, 's> {
    raw: &'a [Token],
    sources: &'s SourceMap,
    diags: &'s mut Diagnostics,
    out: Classified<'a>,
    scopes: Vec<Scope>,
    stack: Vec<usize>,
    brackets: Vec<Bracket>,
    decls: Vec<DeclState>,
    /// For `::`: the scope the next name is looked up in; `Some(None)` means unknown.
    qualifier: Option<Option<usize>>,
    force_type: bool,
    last_template_name: Option<String>,
    /// Attribute names already reported as ignored (one note per name).
    noted_attributes: std::collections::HashSet<String>,
}

/// Classifies `tokens` (see the module documentation).
pub fn classify<'a>(
    tokens: &'a [Token],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> Classified<'a> {
    let mut c = Classifier {
        raw: tokens,
        sources,
        diags,
        out: Classified::default(),
        scopes: vec![Scope {
            kind: ScopeKind::Namespace,
            name: String::new(),
            parent: None,
            extra: None,
            using: Vec::new(),
            names: HashMap::new(),
            children: HashMap::new(),
        }],
        stack: vec![0],
        brackets: Vec::new(),
        decls: vec![DeclState::default()],
        qualifier: None,
        force_type: false,
        last_template_name: None,
        noted_attributes: std::collections::HashSet::new(),
    };
    c.out.toks.reserve(tokens.len());
    c.out.spans.reserve(tokens.len());
    c.run();
    c.out
}

fn is_ident(t: Option<&Token>) -> bool {
    t.is_some_and(|t| t.kind == TokenKind::Ident)
}

fn is_punct(t: Option<&Token>, p: Punct) -> bool {
    t.is_some_and(|t| t.kind == TokenKind::Punct(p))
}

impl<'a> Classifier<'a, '_> {
    fn emit(&mut self, tok: Tok<'a>, span: Span) {
        self.out.toks.push(tok);
        self.out.spans.push(span);
    }

    fn prev(&self) -> Option<Tok<'a>> {
        self.out.toks.last().copied()
    }

    fn cur_scope(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn push_scope(&mut self, kind: ScopeKind, name: &str) -> usize {
        let parent = self.cur_scope();
        if kind == ScopeKind::Namespace || kind == ScopeKind::Class {
            if let Some(&existing) = self.scopes[parent].children.get(name) {
                if !name.is_empty() && self.scopes[existing].kind == kind {
                    self.stack.push(existing);
                    return existing;
                }
            }
        }
        let id = self.scopes.len();
        self.scopes.push(Scope {
            kind,
            name: name.to_string(),
            parent: Some(parent),
            extra: None,
            using: Vec::new(),
            names: HashMap::new(),
            children: HashMap::new(),
        });
        if !name.is_empty() {
            self.scopes[parent].children.insert(name.to_string(), id);
        }
        self.stack.push(id);
        id
    }

    fn pop_scope(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    /// The scope declarations go to: skips template parameter scopes.
    fn decl_scope(&self) -> usize {
        for &s in self.stack.iter().rev() {
            if self.scopes[s].kind != ScopeKind::Template {
                return s;
            }
        }
        0
    }

    fn declare(&mut self, name: &str, kind: NameKind) {
        let s = self.decl_scope();
        self.scopes[s].names.insert(name.to_string(), kind);
    }

    fn lookup(&self, name: &str) -> Option<NameKind> {
        let mut s = Some(self.cur_scope());
        let mut guard = 0;
        while let Some(id) = s {
            let scope = &self.scopes[id];
            if let Some(k) = scope.names.get(name) {
                return Some(*k);
            }
            if let Some(extra) = scope.extra {
                if let Some(k) = self.lookup_in(extra, name) {
                    return Some(k);
                }
            }
            if let Some(k) = scope.using.iter().find_map(|&u| self.lookup_in(u, name)) {
                return Some(k);
            }
            s = scope.parent;
            guard += 1;
            if guard > 10_000 {
                break;
            }
        }
        None
    }

    /// Looks `name` up in a class scope and its enclosing scopes' members only.
    fn lookup_in(&self, scope: usize, name: &str) -> Option<NameKind> {
        self.scopes.get(scope)?.names.get(name).copied()
    }

    /// The scope a name followed by `::` denotes, searching outwards (and through the
    /// namespaces of `using namespace` directives).
    fn lookup_scope(&self, name: &str) -> Option<usize> {
        let mut s = Some(self.cur_scope());
        while let Some(id) = s {
            if let Some(&c) = self.scopes[id].children.get(name) {
                return Some(c);
            }
            let used = self.scopes[id]
                .using
                .iter()
                .find_map(|&u| self.scopes[u].children.get(name).copied());
            if used.is_some() {
                return used;
            }
            s = self.scopes[id].parent;
        }
        None
    }

    /// `using namespace A::B;` at `i` (the `using`): makes the names of that namespace visible
    /// in the current scope. An unknown namespace is left to the later stages to report.
    fn using_directive(&mut self, i: usize) {
        let mut j = i + 2;
        if is_punct(self.raw.get(j), Punct::ColonColon) {
            j += 1;
        }
        let mut scope: Option<usize> = None;
        while let Some(t) = self.raw.get(j).filter(|t| t.kind == TokenKind::Ident) {
            scope = match scope {
                None => self.lookup_scope(&t.text),
                Some(s) => self.scopes[s].children.get(&t.text).copied(),
            };
            if scope.is_none() || !is_punct(self.raw.get(j + 1), Punct::ColonColon) {
                break;
            }
            j += 2;
        }
        if let Some(target) = scope.filter(|&t| self.scopes[t].kind == ScopeKind::Namespace) {
            let here = self.decl_scope();
            if !self.scopes[here].using.contains(&target) {
                self.scopes[here].using.push(target);
            }
        }
    }

    fn decl_state(&mut self) -> &mut DeclState {
        if self.decls.is_empty() {
            self.decls.push(DeclState::default());
        }
        let last = self.decls.len() - 1;
        &mut self.decls[last]
    }

    fn at_decl_level(&self) -> bool {
        matches!(
            self.brackets.last(),
            None | Some(Bracket::Brace {
                kind: BraceKind::DeclLevel { .. },
                ..
            })
        )
    }

    fn at_group_level(&self) -> bool {
        match self.brackets.last() {
            None => true,
            Some(Bracket::Brace {
                kind: BraceKind::DeclLevel { class, .. },
                ..
            }) => !class,
            _ => false,
        }
    }

    fn in_class_level(&self) -> Option<String> {
        match self.brackets.last() {
            Some(Bracket::Brace {
                kind: BraceKind::DeclLevel { class: true, .. },
                ..
            }) => {
                let s = self.cur_scope();
                let s = if self.scopes[s].kind == ScopeKind::Template {
                    self.decl_scope()
                } else {
                    s
                };
                Some(self.scopes[s].name.clone())
            }
            _ => None,
        }
    }

    fn in_template_params(&self) -> bool {
        matches!(self.brackets.last(), Some(Bracket::Angle))
            && self
                .stack
                .last()
                .is_some_and(|&s| self.scopes[s].kind == ScopeKind::Template)
    }

    /// Ends the declaration at the current level after token `at`.
    fn end_decl(&mut self, at: usize) {
        let state = std::mem::take(self.decl_state());
        for _ in 0..state.template_scopes {
            if self
                .stack
                .last()
                .is_some_and(|&s| self.scopes[s].kind == ScopeKind::Template)
            {
                self.pop_scope();
            }
        }
        if self.at_group_level() {
            self.out.layout.push(LayoutEvent::End(at));
        }
    }

    fn matching(&self, open: usize, o: Punct, c: Punct) -> Option<usize> {
        let mut depth = 0usize;
        for (j, t) in self.raw.iter().enumerate().skip(open) {
            if t.is_punct(o) {
                depth += 1;
            } else if t.is_punct(c) {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(j);
                }
            }
        }
        None
    }

    fn text_between(&self, from: usize, to_inclusive: usize) -> String {
        let (Some(a), Some(b)) = (self.raw.get(from), self.raw.get(to_inclusive)) else {
            return String::new();
        };
        let span = a.span.to(b.span);
        if span.hi == b.span.hi && a.span.file == b.span.file {
            let s = self.sources.snippet(span);
            if !s.is_empty() {
                return s.to_string();
            }
        }
        let mut s = String::new();
        for (k, t) in self.raw[from..=to_inclusive].iter().enumerate() {
            if k > 0 && t.leading_space {
                s.push(' ');
            }
            s.push_str(&t.text);
        }
        s
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.raw.len() {
            i = self.step(i);
        }
        if !self.brackets.is_empty() {
            self.out.unclosed_at_end = true;
            if let Some(t) = self.raw.last() {
                let diag = match self.first_unclosed() {
                    Some(open) => {
                        let o = &self.raw[open];
                        let what = match self.function_of_brace(open) {
                            Some(name) => format!("the `{{` of `{name}`"),
                            None => format!("this `{}`", o.text),
                        };
                        Diagnostic::error(
                            format!("unexpected end of file: {what} is never closed"),
                            o.span,
                        )
                        .with_label(format!("this `{}` has no matching closing bracket", o.text))
                        .with_secondary(t.span, "the file ends here")
                    }
                    None => {
                        Diagnostic::error("unexpected end of file: a bracket is not closed", t.span)
                            .with_label("the file ends here")
                    }
                };
                self.diags.push(diag);
            }
        }
    }

    /// The name of the function whose body the `{` at `open` starts (`name(…) {`).
    fn function_of_brace(&self, open: usize) -> Option<String> {
        let mut j = open.checked_sub(1)?;
        // Qualifiers between `)` and `{`.
        while self.raw[j].kind == TokenKind::Ident
            && matches!(
                self.raw[j].text.as_str(),
                "const" | "noexcept" | "override" | "final"
            )
        {
            j = j.checked_sub(1)?;
        }
        if !self.raw[j].is_punct(Punct::RParen) {
            return None;
        }
        let mut depth = 0usize;
        loop {
            let t = &self.raw[j];
            if t.is_punct(Punct::RParen) {
                depth += 1;
            } else if t.is_punct(Punct::LParen) {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            j = j.checked_sub(1)?;
        }
        let name = self.raw.get(j.checked_sub(1)?)?;
        (name.kind == TokenKind::Ident && Kw::from_spelling(&name.text).is_none())
            .then(|| name.text.clone())
    }

    /// The outermost bracket `(`, `[` or `{` of the file that is never closed.
    fn first_unclosed(&self) -> Option<usize> {
        let mut open: Vec<usize> = Vec::new();
        for (j, t) in self.raw.iter().enumerate() {
            match t.kind {
                TokenKind::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => open.push(j),
                TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                    open.pop();
                }
                _ => {}
            }
        }
        // The innermost brace of the unclosed ones: usually the function body left open.
        open.iter()
            .rev()
            .find(|&&j| self.raw[j].is_punct(Punct::LBrace))
            .or(open.first())
            .copied()
    }

    /// Handles the token at `i`, returns the index of the next one.
    fn step(&mut self, i: usize) -> usize {
        let t = &self.raw[i];
        let span = t.span;
        match t.kind {
            TokenKind::Ident => self.ident(i),
            TokenKind::Number => {
                let tok = match literal::parse_number(&t.text) {
                    Ok(Number::Int(v)) => Tok::Int(v),
                    Ok(Number::Float(v)) => Tok::Float(v),
                    Err(msg) => {
                        self.diags.push(Diagnostic::error(msg, span));
                        Tok::Int(IntLiteral {
                            value: 0,
                            suffix: IntSuffix::default(),
                            decimal: true,
                        })
                    }
                };
                self.emit(tok, span);
                i + 1
            }
            TokenKind::CharLit => {
                let v = match literal::parse_char(&t.text) {
                    Ok(v) => v,
                    Err(msg) => {
                        self.diags.push(Diagnostic::error(msg, span));
                        (0, crate::ast::CharPrefix::None)
                    }
                };
                self.emit(Tok::Char(v), span);
                i + 1
            }
            TokenKind::StringLit => {
                let idx = self.string(i);
                self.emit(Tok::Str(idx), span);
                i + 1
            }
            TokenKind::PragmaUnroll => {
                let end = (i..self.raw.len())
                    .find(|&j| self.raw[j].kind == TokenKind::PragmaEnd)
                    .unwrap_or(self.raw.len().saturating_sub(1));
                let next = self.raw.get(end + 1);
                let loops = next.is_some_and(|n| {
                    n.kind == TokenKind::Ident && matches!(n.text.as_str(), "for" | "while" | "do")
                });
                if loops {
                    self.emit(Tok::PragmaUnroll, span);
                    i + 1
                } else {
                    self.diags.push(Diagnostic::warning(
                        "`#pragma unroll` is not followed by a loop; ignored",
                        span,
                    ));
                    end + 1
                }
            }
            TokenKind::PragmaEnd => {
                self.emit(Tok::PragmaEnd, span);
                i + 1
            }
            TokenKind::Punct(p) => self.punct(i, p),
        }
    }

    fn string(&mut self, i: usize) -> u32 {
        let t = &self.raw[i];
        let bytes = match literal::parse_string(&t.text) {
            Ok(b) => b,
            Err(msg) => {
                self.diags.push(Diagnostic::error(msg, t.span));
                Vec::new()
            }
        };
        self.out.strings.push(bytes);
        (self.out.strings.len() - 1) as u32
    }

    fn skip_balanced(&self, open: usize) -> usize {
        if is_punct(self.raw.get(open), Punct::LParen) {
            self.matching(open, Punct::LParen, Punct::RParen)
                .map_or(self.raw.len(), |j| j + 1)
        } else {
            open
        }
    }

    fn ident(&mut self, i: usize) -> usize {
        let t = &self.raw[i];
        let text: &'a str = &self.raw[i].text;
        let span = t.span;
        let next = self.raw.get(i + 1);
        match text {
            "__attribute__" | "__declspec" => return self.attribute(i),
            "__grid_constant__" => return i + 1,
            "override" | "final"
                if matches!(
                    self.prev(),
                    Some(Tok::P(Punct::RParen) | Tok::Kw(Kw::Const | Kw::Noexcept))
                ) || (text == "final" && matches!(self.prev(), Some(Tok::TypeName(_)))) =>
            {
                return i + 1;
            }
            "asm" | "__asm__" | "__asm" => {
                let mut j = i + 1;
                while self.raw.get(j).is_some_and(|t| {
                    matches!(
                        t.text.as_str(),
                        "volatile" | "__volatile__" | "goto" | "inline"
                    )
                }) {
                    j += 1;
                }
                let end = self.skip_balanced(j);
                let last = end.saturating_sub(1).max(i);
                let text = self.text_between(i, last.min(self.raw.len() - 1));
                self.out.texts.push(text);
                let idx = (self.out.texts.len() - 1) as u32;
                let sp = span.to(self.raw[last.min(self.raw.len() - 1)].span);
                self.emit(Tok::Asm(idx), sp);
                return end.max(i + 1);
            }
            _ => {}
        }
        if let Some(kw) = Kw::from_spelling(text) {
            return self.keyword(i, kw);
        }
        // A name directly followed by `::` qualifies the next one.
        if is_punct(next, Punct::ColonColon) {
            let scope = match self.qualifier.take() {
                Some(Some(q)) => self.scopes[q].children.get(text).copied(),
                Some(None) => None,
                None => self.lookup_scope(text),
            };
            self.qualifier = Some(scope);
            if self.at_decl_level() {
                self.decl_state().qualifier_scope = scope;
            }
            self.emit(Tok::ScopeName(text), span);
            return i + 1;
        }
        let qualified = self.qualifier.take();
        let after_member = matches!(self.prev(), Some(Tok::P(Punct::Dot | Punct::Arrow)));
        let next_lt = is_punct(next, Punct::Lt);
        // Template parameter names.
        if self.in_template_params()
            && matches!(
                self.prev(),
                Some(Tok::Kw(Kw::Typename | Kw::Class) | Tok::P(Punct::Ellipsis))
            )
        {
            let s = self.cur_scope();
            self.scopes[s]
                .names
                .insert(text.to_string(), NameKind::Type);
            self.emit(Tok::Ident(text), span);
            return i + 1;
        }
        let kind = match qualified {
            Some(Some(scope)) => self.lookup_in(scope, text),
            Some(None) => {
                if std::mem::take(&mut self.force_type) {
                    Some(NameKind::Type)
                } else {
                    None
                }
            }
            None if after_member => None,
            None => self.lookup(text),
        };
        let force = std::mem::take(&mut self.force_type);
        let kind = if force { Some(NameKind::Type) } else { kind };
        // Constructors: `Foo(` inside class Foo, and `Foo::Foo(`.
        if is_punct(next, Punct::LParen) && !matches!(self.prev(), Some(Tok::P(Punct::Tilde))) {
            let in_class = qualified.is_none() && self.in_class_level().as_deref() == Some(text);
            let out_of_class = qualified.is_some()
                && self.out.toks.len() >= 2
                && self.out.toks[self.out.toks.len() - 2] == Tok::ScopeName(text);
            if in_class || out_of_class {
                self.emit(Tok::CtorName(text), span);
                return i + 1;
            }
        }
        let next_ends_declarator = next.is_some_and(|n| {
            matches!(
                n.kind,
                TokenKind::Punct(
                    Punct::Assign | Punct::Semi | Punct::Comma | Punct::LBracket | Punct::RParen
                )
            )
        });
        let prev_is_type = matches!(
            self.prev(),
            Some(
                Tok::TypeName(_)
                    | Tok::P(Punct::Star | Punct::Amp | Punct::AmpAmp | Punct::Gt | Punct::RBrace)
                    | Tok::Kw(
                        Kw::Int
                            | Kw::Float
                            | Kw::Double
                            | Kw::Char
                            | Kw::Bool
                            | Kw::Long
                            | Kw::Short
                            | Kw::Unsigned
                            | Kw::Signed
                            | Kw::Void
                            | Kw::Const
                            | Kw::Volatile
                            | Kw::Restrict
                            | Kw::Auto
                    )
            )
        ) && !matches!(self.brackets.last(), Some(Bracket::Angle));
        // Typedef names.
        let in_typedef = self.decl_state_ref().typedef && !self.decl_state_ref().typedef_named;
        if in_typedef
            && qualified.is_none()
            && !after_member
            && (kind.is_none()
                || kind == Some(NameKind::Value)
                || (prev_is_type && next_ends_declarator))
            && self.typedef_position()
        {
            self.declare(text, NameKind::Type);
            self.decl_state().typedef_named = true;
            self.emit(Tok::Ident(text), span);
            return i + 1;
        }
        // A type name redeclared as a variable shadows the type.
        if kind.is_some_and(|k| k != NameKind::Value)
            && qualified.is_none()
            && prev_is_type
            && next_ends_declarator
            && !matches!(self.prev(), Some(Tok::P(Punct::RBrace)))
        {
            let s = self.cur_scope();
            self.scopes[s]
                .names
                .insert(text.to_string(), NameKind::Value);
            self.emit(Tok::Ident(text), span);
            return i + 1;
        }
        match kind {
            Some(NameKind::Type) => {
                self.emit(Tok::TypeName(text), span);
            }
            Some(NameKind::TypeTemplate) if next_lt => {
                self.last_template_name = Some(text.to_string());
                self.emit(Tok::TypeTemplate(text), span);
            }
            Some(NameKind::TypeTemplate) => self.emit(Tok::TypeName(text), span),
            Some(NameKind::FuncTemplate) if next_lt => {
                self.emit(Tok::FuncTemplate(text), span);
            }
            _ => {
                // Function template names and host function names.
                if is_punct(next, Punct::LParen) && self.at_decl_level() && qualified.is_none() {
                    let st = self.decl_state_ref();
                    if st.template_scopes > 0 && !st.template_named && st.record.is_none() {
                        self.declare(text, NameKind::FuncTemplate);
                        self.decl_state().template_named = true;
                    }
                    if self.decl_state_ref().func_name.is_none() {
                        self.decl_state().func_name = Some(text.to_string());
                    }
                } else if is_punct(next, Punct::LParen)
                    && self.at_decl_level()
                    && self.decl_state_ref().func_name.is_none()
                {
                    self.decl_state().func_name = Some(text.to_string());
                }
                self.emit(Tok::Ident(text), span);
            }
        }
        i + 1
    }

    fn decl_state_ref(&self) -> &DeclState {
        static EMPTY: std::sync::OnceLock<DeclState> = std::sync::OnceLock::new();
        self.decls
            .last()
            .unwrap_or_else(|| EMPTY.get_or_init(DeclState::default))
    }

    /// Whether a typedef's declarator name may appear here (the typedef's own level, or one
    /// parenthesis deeper for `typedef void (*fn)(int)`).
    fn typedef_position(&self) -> bool {
        match self.brackets.last() {
            None | Some(Bracket::Brace { .. }) => true,
            Some(Bracket::Paren) => matches!(self.prev(), Some(Tok::P(Punct::Star))),
            _ => false,
        }
    }

    // The arms read as "which token, then under which condition"; merging them would hide that.
    #[allow(clippy::collapsible_match)]
    fn keyword(&mut self, i: usize, kw: Kw) -> usize {
        let span = self.raw[i].span;
        let next = self.raw.get(i + 1);
        match kw {
            Kw::Typename => {
                if self.in_template_params()
                    && matches!(self.prev(), Some(Tok::P(Punct::Lt | Punct::Comma)))
                {
                    self.emit(Tok::Kw(kw), span);
                } else {
                    // `typename T::x`: dropped, the qualified name is a type.
                    self.force_type = true;
                }
                return i + 1;
            }
            Kw::Template => {
                if matches!(
                    self.prev(),
                    Some(Tok::P(Punct::ColonColon | Punct::Dot | Punct::Arrow))
                ) {
                    return i + 1;
                }
                self.emit(Tok::Kw(kw), span);
                if is_punct(next, Punct::Lt) {
                    self.push_scope(ScopeKind::Template, "");
                    if self.at_decl_level() {
                        self.decl_state().template_scopes += 1;
                    }
                    self.emit(Tok::P(Punct::Lt), self.raw[i + 1].span);
                    self.brackets.push(Bracket::Angle);
                    return i + 2;
                }
                return i + 1;
            }
            Kw::Noexcept => {
                self.emit(Tok::Kw(kw), span);
                return self.skip_balanced(i + 1);
            }
            Kw::StaticCast | Kw::ReinterpretCast | Kw::ConstCast | Kw::DynamicCast => {
                self.emit(Tok::Kw(kw), span);
                if is_punct(next, Punct::Lt) {
                    self.emit(Tok::P(Punct::Lt), self.raw[i + 1].span);
                    self.brackets.push(Bracket::Angle);
                    return i + 2;
                }
                return i + 1;
            }
            Kw::Extern => {
                if let Some(n) = next.filter(|n| n.kind == TokenKind::StringLit) {
                    let idx = self.string(i + 1);
                    let lang =
                        String::from_utf8_lossy(&self.out.strings[idx as usize]).into_owned();
                    let sp = span.to(n.span);
                    let start = self.out.toks.len();
                    self.emit(Tok::ExternLang(idx), sp);
                    if is_punct(self.raw.get(i + 2), Punct::LBrace) && self.at_decl_level() {
                        self.decl_state().linkage = Some((lang, start));
                    }
                    return i + 2;
                }
            }
            Kw::Global | Kw::Device => {
                if self.at_decl_level() {
                    self.decl_state().device = true;
                }
            }
            Kw::Typedef => {
                if matches!(self.brackets.last(), None | Some(Bracket::Brace { .. })) {
                    self.decl_state().typedef = true;
                }
            }
            Kw::Namespace => {
                if self.at_decl_level() {
                    let start = if matches!(self.prev(), Some(Tok::Kw(Kw::Inline))) {
                        self.out.toks.len() - 1
                    } else {
                        self.out.toks.len()
                    };
                    let is_inline = matches!(self.prev(), Some(Tok::Kw(Kw::Inline)));
                    let mut j = i + 1;
                    let mut name: Option<(String, Span)> = None;
                    while is_ident(self.raw.get(j)) || is_punct(self.raw.get(j), Punct::ColonColon)
                    {
                        if let Some(t) = self.raw.get(j).filter(|t| t.kind == TokenKind::Ident) {
                            name = Some((t.text.clone(), t.span));
                        }
                        j += 1;
                    }
                    if is_punct(self.raw.get(j), Punct::LBrace) {
                        // Emit the keyword and skip to the brace; nested `A::B` names open
                        // only the last namespace (documented limitation).
                        self.emit(Tok::Kw(kw), span);
                        self.decl_state().namespace = Some((name, is_inline, start));
                        for k in i + 1..j {
                            let t = &self.raw[k];
                            self.emit(Tok::Ident(&t.text), t.span);
                        }
                        return j;
                    }
                }
            }
            Kw::Using => {
                if next.is_some_and(|n| n.is_ident("namespace")) {
                    self.using_directive(i);
                }
                if let (Some(n), true) = (next, is_punct(self.raw.get(i + 2), Punct::Assign)) {
                    if n.kind == TokenKind::Ident {
                        let templ = self.decl_state_ref().template_scopes > 0;
                        self.emit(Tok::Kw(kw), span);
                        let name: &'a str = &self.raw[i + 1].text;
                        self.declare(
                            name,
                            if templ {
                                NameKind::TypeTemplate
                            } else {
                                NameKind::Type
                            },
                        );
                        self.emit(Tok::Ident(name), n.span);
                        return i + 2;
                    }
                }
            }
            Kw::Struct | Kw::Class | Kw::Union | Kw::Enum => {
                if kw == Kw::Class && self.in_template_params() {
                    self.emit(Tok::Kw(kw), span);
                    return i + 1;
                }
                if matches!(self.prev(), Some(Tok::Kw(Kw::Enum))) {
                    self.emit(Tok::Kw(kw), span);
                    return i + 1;
                }
                return self.record_head(i, kw);
            }
            _ => {}
        }
        self.emit(Tok::Kw(kw), span);
        i + 1
    }
}

impl<'a> Classifier<'a, '_> {
    /// `struct|class|union|enum [class|struct] [align] [Name]`: declares the name.
    fn record_head(&mut self, i: usize, kw: Kw) -> usize {
        let span = self.raw[i].span;
        self.emit(Tok::Kw(kw), span);
        let mut j = i + 1;
        if kw == Kw::Enum
            && self
                .raw
                .get(j)
                .is_some_and(|t| t.is_ident("class") || t.is_ident("struct"))
        {
            self.emit(Tok::Kw(Kw::Class), self.raw[j].span);
            j += 1;
        }
        // Attributes and alignment before the name are handled by the main loop.
        while let Some(t) = self.raw.get(j) {
            if t.is_ident("__attribute__") || t.is_ident("__declspec") {
                j = self.attribute(j);
            } else if t.is_ident("__align__") || t.is_ident("alignas") {
                // Emit them through the normal path.
                let end = self.skip_balanced(j + 1);
                let mut k = j;
                while k < end {
                    k = self.step(k);
                }
                j = end;
            } else {
                break;
            }
        }
        let Some(name_tok) = self.raw.get(j).filter(|t| t.kind == TokenKind::Ident) else {
            if self.at_decl_level() || self.in_block_level() {
                self.decl_state().record = Some(String::new());
            }
            return j;
        };
        if Kw::from_spelling(&name_tok.text).is_some() {
            return j;
        }
        if is_punct(self.raw.get(j + 1), Punct::ColonColon) {
            // A qualified name (`struct A::B`): resolved by the main loop.
            return j;
        }
        let name: &'a str = &self.raw[j].text;
        let templ = self.decl_state_ref().template_scopes > 0;
        let existing = self.lookup(name);
        let kind = match existing {
            Some(NameKind::TypeTemplate) => NameKind::TypeTemplate,
            _ if templ && kw != Kw::Enum => NameKind::TypeTemplate,
            _ => NameKind::Type,
        };
        // `struct S` where S is not yet declared here declares it.
        let scope = self.decl_scope();
        if !matches!(
            self.scopes[scope].names.get(name),
            Some(NameKind::Type | NameKind::TypeTemplate)
        ) {
            self.declare(name, kind);
        }
        let follows_body = matches!(
            self.raw.get(j + 1).map(|t| &t.kind),
            Some(TokenKind::Punct(Punct::LBrace | Punct::Colon | Punct::Lt))
        ) || self.raw.get(j + 1).is_some_and(|t| t.is_ident("final"));
        if follows_body && (self.at_decl_level() || self.in_block_level()) {
            self.decl_state().record = Some(name.to_string());
        }
        if kind == NameKind::TypeTemplate && is_punct(self.raw.get(j + 1), Punct::Lt) {
            self.last_template_name = Some(name.to_string());
            self.emit(Tok::TypeTemplate(name), name_tok.span);
        } else {
            self.emit(Tok::TypeName(name), name_tok.span);
        }
        j + 1
    }

    /// Whether the `(` at `i` opens a parenthesised declarator: it follows a type and holds
    /// pointer or reference operators and at most a name, and a `[` or `(` follows it
    /// (`float (&shm)[32]`, `int (*p)[4]`, `void (*fp)(int)`, abstract `float (*)[4]`).
    fn opens_declarator_group(&self, i: usize) -> bool {
        let after_type = matches!(
            self.prev(),
            Some(
                Tok::TypeName(_)
                    | Tok::Kw(
                        Kw::Int
                            | Kw::Float
                            | Kw::Double
                            | Kw::Char
                            | Kw::Char16
                            | Kw::Char32
                            | Kw::WChar
                            | Kw::Bool
                            | Kw::Long
                            | Kw::Short
                            | Kw::Unsigned
                            | Kw::Signed
                            | Kw::Void
                            | Kw::Const
                            | Kw::Volatile
                            | Kw::Restrict
                            | Kw::Auto
                    )
            )
        );
        if !after_type {
            return false;
        }
        let mut j = i + 1;
        let mut ops = 0usize;
        while let Some(t) = self.raw.get(j) {
            let op = t.is_punct(Punct::Star) || t.is_punct(Punct::Amp) || t.is_punct(Punct::AmpAmp);
            let qual = ops > 0
                && t.kind == TokenKind::Ident
                && matches!(
                    t.text.as_str(),
                    "const" | "volatile" | "__restrict__" | "__restrict"
                );
            if op {
                ops += 1;
            } else if !qual {
                break;
            }
            j += 1;
        }
        if ops == 0 {
            return false;
        }
        if self
            .raw
            .get(j)
            .is_some_and(|t| t.kind == TokenKind::Ident && Kw::from_spelling(&t.text).is_none())
        {
            j += 1;
        }
        is_punct(self.raw.get(j), Punct::RParen)
            && (is_punct(self.raw.get(j + 1), Punct::LBracket)
                || is_punct(self.raw.get(j + 1), Punct::LParen))
    }

    /// `__attribute__((a, b(args)))` or `__declspec(a)` at `i`: `aligned(N)` / `align(N)`
    /// becomes `__align__(N)` where a declaration specifier may stand (the parser maps it to
    /// the struct's alignment); every other attribute is dropped with a note, once per name.
    /// Returns the index after the attribute.
    fn attribute(&mut self, i: usize) -> usize {
        let end = self.skip_balanced(i + 1);
        if end <= i + 1 {
            // `__attribute__` without parentheses: nothing to read.
            let span = self.raw[i].span;
            self.note_attribute(&self.raw[i].text.clone(), span);
            return i + 1;
        }
        let declspec = self.raw[i].is_ident("__declspec");
        // The attribute list lies inside one pair of parentheses for `__declspec(…)` and two
        // for `__attribute__((…))`.
        let (from, to) = if !declspec && is_punct(self.raw.get(i + 2), Punct::LParen) {
            (i + 3, end.saturating_sub(2))
        } else {
            (i + 2, end.saturating_sub(1))
        };
        // A specifier position: not after a declarator's name or suffix.
        let spec_position = !matches!(
            self.prev(),
            Some(Tok::Ident(_) | Tok::P(Punct::RBracket | Punct::RParen))
        );
        let mut j = from;
        while j < to {
            let Some(name_tok) = self.raw.get(j) else {
                break;
            };
            if name_tok.is_punct(Punct::Comma) {
                j += 1;
                continue;
            }
            let name = name_tok.text.trim_matches('_').to_string();
            let name_span = name_tok.span;
            let mut next = j + 1;
            let mut args: Option<(usize, usize)> = None;
            if is_punct(self.raw.get(j + 1), Punct::LParen) {
                if let Some(close) = self.matching(j + 1, Punct::LParen, Punct::RParen) {
                    args = Some((j + 1, close));
                    next = close + 1;
                }
            }
            match (name.as_str(), args) {
                ("aligned" | "align", Some((open, close))) if close > open + 1 => {
                    if spec_position {
                        self.emit(Tok::Kw(Kw::Align), name_span);
                        self.emit(Tok::P(Punct::LParen), self.raw[open].span);
                        let mut k = open + 1;
                        while k < close {
                            k = self.step(k);
                        }
                        self.emit(Tok::P(Punct::RParen), self.raw[close].span);
                    } else {
                        self.diags.push(Diagnostic::warning(
                            "alignment attribute after a declarator is ignored (put it on the struct)",
                            name_span,
                        ));
                    }
                }
                _ => {
                    if name_tok.kind == TokenKind::Ident {
                        self.note_attribute(&name, name_span);
                    }
                }
            }
            j = next;
        }
        end
    }

    /// Reports once per name that an attribute is ignored.
    fn note_attribute(&mut self, name: &str, span: Span) {
        if self.noted_attributes.insert(name.to_string()) {
            self.diags.push(Diagnostic::note(
                format!("ignoring attribute `{name}`"),
                span,
            ));
        }
    }

    /// Notes the attributes of `[[a, ns::b(args)]]` between tokens `from` and `to` (inclusive).
    fn note_bracket_attributes(&mut self, from: usize, to: usize) {
        let mut j = from;
        let mut expect_name = true;
        let mut depth = 0usize;
        while j <= to {
            let Some(t) = self.raw.get(j) else { break };
            match t.kind {
                TokenKind::Punct(Punct::LParen | Punct::LBracket) => depth += 1,
                TokenKind::Punct(Punct::RParen | Punct::RBracket) => {
                    depth = depth.saturating_sub(1)
                }
                TokenKind::Punct(Punct::Comma) if depth == 0 => expect_name = true,
                TokenKind::Ident if depth == 0 && expect_name => {
                    let mut name = t.text.clone();
                    let mut span = t.span;
                    // `ns::name`
                    while is_punct(self.raw.get(j + 1), Punct::ColonColon)
                        && is_ident(self.raw.get(j + 2))
                        && j + 2 <= to
                    {
                        name.push_str("::");
                        name.push_str(&self.raw[j + 2].text);
                        span = span.to(self.raw[j + 2].span);
                        j += 2;
                    }
                    self.note_attribute(&name, span);
                    expect_name = false;
                }
                _ => {}
            }
            j += 1;
        }
    }

    fn in_block_level(&self) -> bool {
        matches!(self.brackets.last(), Some(Bracket::Brace { .. }))
    }

    // See `keyword` for why the arms are not collapsed.
    #[allow(clippy::collapsible_match)]
    fn punct(&mut self, i: usize, p: Punct) -> usize {
        let span = self.raw[i].span;
        let next = self.raw.get(i + 1);
        let adjacent_next = next.is_some_and(|n| n.span.file == span.file && n.span.lo == span.hi);
        match p {
            Punct::LParen => {
                self.brackets.push(Bracket::Paren);
                if self.opens_declarator_group(i) {
                    self.emit(Tok::DeclParen, span);
                    return i + 1;
                }
            }
            Punct::RParen => self.pop_bracket(Bracket::Paren),
            Punct::LBracket => {
                if let Some(end) = self.lambda_or_attribute(i) {
                    return end;
                }
                self.brackets.push(Bracket::Square);
            }
            Punct::RBracket => self.pop_bracket(Bracket::Square),
            Punct::LBrace => return self.open_brace(i),
            Punct::RBrace => return self.close_brace(i),
            Punct::Semi => {
                self.emit(Tok::P(p), span);
                if matches!(self.brackets.last(), None | Some(Bracket::Brace { .. })) {
                    let at = self.out.toks.len() - 1;
                    self.end_decl(at);
                }
                self.qualifier = None;
                return i + 1;
            }
            Punct::Lt => {
                if matches!(
                    self.prev(),
                    Some(Tok::TypeTemplate(_) | Tok::FuncTemplate(_))
                ) {
                    self.brackets.push(Bracket::Angle);
                }
            }
            Punct::Shl if adjacent_next && is_punct(next, Punct::Lt) => {
                let sp = span.to(self.raw[i + 1].span);
                self.emit(Tok::LaunchOpen, sp);
                self.brackets.push(Bracket::Launch);
                return i + 2;
            }
            Punct::Gt => {
                if matches!(self.brackets.last(), Some(Bracket::Angle)) {
                    self.brackets.pop();
                    self.after_angle_close();
                }
            }
            Punct::Shr => {
                if matches!(self.brackets.last(), Some(Bracket::Launch))
                    && adjacent_next
                    && is_punct(next, Punct::Gt)
                {
                    self.brackets.pop();
                    let sp = span.to(self.raw[i + 1].span);
                    self.emit(Tok::LaunchClose, sp);
                    return i + 2;
                }
                if matches!(self.brackets.last(), Some(Bracket::Angle)) {
                    self.brackets.pop();
                    self.after_angle_close();
                    let first = Span {
                        hi: span.lo.saturating_add(1).min(span.hi),
                        ..span
                    };
                    let second = Span {
                        lo: first.hi,
                        ..span
                    };
                    self.emit(Tok::P(Punct::Gt), first);
                    if matches!(self.brackets.last(), Some(Bracket::Angle)) {
                        self.brackets.pop();
                        self.after_angle_close();
                    }
                    self.emit(Tok::P(Punct::Gt), second);
                    return i + 1;
                }
            }
            Punct::Colon => {
                if self.at_decl_level()
                    && matches!(self.prev(), Some(Tok::P(Punct::RParen)))
                    && !self.decl_state_ref().saw_eq
                {
                    self.decl_state().saw_ctor_colon = true;
                    self.emit(Tok::CtorColon, span);
                    return i + 1;
                }
            }
            Punct::ColonColon => {
                let prev_scope_name = matches!(self.prev(), Some(Tok::ScopeName(_)));
                let after_template = matches!(self.prev(), Some(Tok::P(Punct::Gt)));
                if after_template {
                    let name = self.last_template_name.clone().unwrap_or_default();
                    let scope = self.lookup_scope(&name);
                    self.qualifier = Some(scope);
                    if self.at_decl_level() {
                        self.decl_state().qualifier_scope = scope;
                    }
                } else if !prev_scope_name {
                    self.qualifier = Some(Some(0));
                    // `::T x;` / `::ns::T x;`: a leading `::` before a type name is dropped,
                    // so the name parses as a type (lookup from the global scope is kept).
                    if let Some(n) = next.filter(|n| n.kind == TokenKind::Ident) {
                        let names_type = matches!(
                            self.lookup_in(0, &n.text),
                            Some(NameKind::Type | NameKind::TypeTemplate)
                        );
                        let names_scope = is_punct(self.raw.get(i + 2), Punct::ColonColon)
                            && self.scopes[0].children.contains_key(&n.text);
                        if names_type || names_scope {
                            return i + 1;
                        }
                    }
                }
            }
            Punct::Assign => {
                // `operator=` names a function: its `=` starts no initializer.
                if self.at_decl_level() && self.prev() != Some(Tok::Kw(Kw::Operator)) {
                    self.decl_state().saw_eq = true;
                }
            }
            Punct::Arrow => {
                if self.at_decl_level()
                    && matches!(
                        self.prev(),
                        Some(Tok::P(Punct::RParen)) | Some(Tok::Kw(Kw::Const))
                    )
                {
                    self.decl_state().saw_arrow = true;
                }
            }
            Punct::Comma => {
                if matches!(self.brackets.last(), None | Some(Bracket::Brace { .. })) {
                    self.decl_state().typedef_named = false;
                }
            }
            _ => {}
        }
        self.emit(Tok::P(p), span);
        i + 1
    }

    fn after_angle_close(&mut self) {
        // Template parameter list closed: nothing to do; the template scope lives until the
        // end of the declaration.
    }

    fn pop_bracket(&mut self, want: Bracket) {
        if self.brackets.last() == Some(&want) {
            self.brackets.pop();
        } else if let Some(pos) = self.brackets.iter().rposition(|b| *b == want) {
            // Unbalanced template angles (`a < b` misread) are dropped.
            if self.brackets[pos + 1..]
                .iter()
                .all(|b| matches!(b, Bracket::Angle | Bracket::Launch))
            {
                self.brackets.truncate(pos);
            }
        }
    }

    /// `[` starting a lambda (`[=](int x) {…}`) or an attribute `[[…]]`.
    fn lambda_or_attribute(&mut self, i: usize) -> Option<usize> {
        let next = self.raw.get(i + 1);
        let expr_end = matches!(
            self.prev(),
            Some(
                Tok::Ident(_)
                    | Tok::TypeName(_)
                    | Tok::Int(_)
                    | Tok::Float(_)
                    | Tok::Char(_)
                    | Tok::Str(_)
                    | Tok::P(Punct::RParen | Punct::RBracket | Punct::Gt)
                    | Tok::Kw(Kw::This | Kw::Operator | Kw::Delete | Kw::New)
            )
        );
        if is_punct(next, Punct::LBracket) && !expr_end {
            // `[[attribute]]`
            let close = self.matching(i, Punct::LBracket, Punct::RBracket)?;
            self.note_bracket_attributes(i + 2, close.saturating_sub(1));
            return Some(close + 1);
        }
        if expr_end {
            return None;
        }
        let close = self.matching(i, Punct::LBracket, Punct::RBracket)?;
        let mut j = close + 1;
        if is_punct(self.raw.get(j), Punct::LParen) {
            j = self.skip_balanced(j);
        } else if !is_punct(self.raw.get(j), Punct::LBrace) {
            return None;
        }
        // Specifiers and a trailing return type up to the body.
        while let Some(t) = self.raw.get(j) {
            if t.is_punct(Punct::LBrace) || t.is_punct(Punct::Semi) {
                break;
            }
            j += 1;
        }
        if !is_punct(self.raw.get(j), Punct::LBrace) {
            return None;
        }
        let end = self.matching(j, Punct::LBrace, Punct::RBrace)?;
        let text = self.text_between(i, end);
        self.out.texts.push(text);
        let idx = (self.out.texts.len() - 1) as u32;
        let sp = self.raw[i].span.to(self.raw[end].span);
        self.emit(Tok::Lambda(idx), sp);
        Some(end + 1)
    }

    fn is_function_body_brace(&self) -> bool {
        let st = self.decl_state_ref();
        if st.record.is_some() || st.namespace.is_some() || st.linkage.is_some() {
            return false;
        }
        if st.saw_eq {
            return false;
        }
        match self.prev() {
            Some(Tok::P(Punct::RParen))
            | Some(Tok::Kw(Kw::Const | Kw::Noexcept | Kw::Volatile)) => true,
            Some(Tok::P(Punct::RBrace)) => st.saw_ctor_colon,
            Some(Tok::Ident(_)) => false,
            _ => st.saw_arrow,
        }
    }

    fn open_brace(&mut self, i: usize) -> usize {
        let span = self.raw[i].span;
        self.qualifier = None;
        let tok_index = self.out.toks.len();
        if self.at_decl_level() {
            let st = self.decl_state_ref().clone();
            if let Some((name, is_inline, start)) = st.namespace {
                let scope_name = name.as_ref().map(|n| n.0.clone()).unwrap_or_default();
                if scope_name.is_empty() {
                    // Anonymous namespaces share the enclosing scope's lookups.
                    self.push_scope(ScopeKind::Namespace, "");
                } else {
                    self.push_scope(ScopeKind::Namespace, &scope_name);
                }
                self.emit(Tok::P(Punct::LBrace), span);
                if self.at_group_level() {
                    self.out.layout.push(LayoutEvent::Open {
                        kind: GroupKind::Namespace { name, is_inline },
                        start,
                        brace: tok_index,
                    });
                }
                self.brackets.push(Bracket::Brace {
                    kind: BraceKind::DeclLevel {
                        class: false,
                        group: true,
                    },
                    scope: true,
                });
                self.decls.push(DeclState::default());
                return i + 1;
            }
            if let Some((lang, start)) = st.linkage {
                self.emit(Tok::P(Punct::LBrace), span);
                if self.at_group_level() {
                    self.out.layout.push(LayoutEvent::Open {
                        kind: GroupKind::Linkage(lang),
                        start,
                        brace: tok_index,
                    });
                }
                self.brackets.push(Bracket::Brace {
                    kind: BraceKind::DeclLevel {
                        class: false,
                        group: true,
                    },
                    scope: false,
                });
                self.decls.push(DeclState::default());
                return i + 1;
            }
            if let Some(name) = st.record.clone() {
                return self.open_class(i, &name);
            }
            if self.is_function_body_brace() {
                if st.device {
                    self.emit(Tok::BodyOpen, span);
                    let scope = self.push_scope(ScopeKind::Block, "");
                    self.scopes[scope].extra = st.qualifier_scope;
                    self.brackets.push(Bracket::Brace {
                        kind: BraceKind::Body,
                        scope: true,
                    });
                    self.decls.push(DeclState::default());
                    return i + 1;
                }
                return self.skip_host_body(i, st.func_name.unwrap_or_default());
            }
            self.emit(Tok::P(Punct::LBrace), span);
            self.brackets.push(Bracket::Brace {
                kind: BraceKind::Other,
                scope: false,
            });
            self.decls.push(DeclState::default());
            return i + 1;
        }
        // Inside bodies: a class definition or a block (or a braced initializer).
        if self.in_block_level() {
            if let Some(name) = self.decl_state_ref().record.clone() {
                return self.open_class(i, &name);
            }
        }
        self.emit(Tok::P(Punct::LBrace), span);
        self.push_scope(ScopeKind::Block, "");
        self.brackets.push(Bracket::Brace {
            kind: BraceKind::Other,
            scope: true,
        });
        self.decls.push(DeclState::default());
        i + 1
    }

    fn open_class(&mut self, i: usize, name: &str) -> usize {
        let span = self.raw[i].span;
        self.emit(Tok::P(Punct::LBrace), span);
        let scope = if name.is_empty() {
            self.push_scope(ScopeKind::Class, "")
        } else {
            self.push_scope(ScopeKind::Class, name)
        };
        self.decl_state().record = None;
        // Complete-class context: member types declared anywhere in the body.
        if let Some(end) = self.matching(i, Punct::LBrace, Punct::RBrace) {
            let mut depth = 0usize;
            let mut j = i + 1;
            while j < end {
                let t = &self.raw[j];
                match t.kind {
                    TokenKind::Punct(Punct::LBrace) => depth += 1,
                    TokenKind::Punct(Punct::RBrace) => depth = depth.saturating_sub(1),
                    TokenKind::Ident if depth == 0 => {
                        let kw = t.text.as_str();
                        if matches!(kw, "struct" | "class" | "union" | "enum") {
                            let mut k = j + 1;
                            if self
                                .raw
                                .get(k)
                                .is_some_and(|t| t.is_ident("class") || t.is_ident("struct"))
                            {
                                k += 1;
                            }
                            if let Some(n) = self.raw.get(k).filter(|t| t.kind == TokenKind::Ident)
                            {
                                if Kw::from_spelling(&n.text).is_none()
                                    && !is_punct(self.raw.get(k + 1), Punct::ColonColon)
                                {
                                    self.scopes[scope]
                                        .names
                                        .entry(n.text.clone())
                                        .or_insert(NameKind::Type);
                                }
                            }
                        } else if kw == "using"
                            && is_ident(self.raw.get(j + 1))
                            && is_punct(self.raw.get(j + 2), Punct::Assign)
                        {
                            if let Some(n) = self.raw.get(j + 1) {
                                self.scopes[scope]
                                    .names
                                    .entry(n.text.clone())
                                    .or_insert(NameKind::Type);
                            }
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        self.brackets.push(Bracket::Brace {
            kind: BraceKind::DeclLevel {
                class: true,
                group: false,
            },
            scope: true,
        });
        self.decls.push(DeclState::default());
        i + 1
    }

    // See `keyword` for why the arms are not collapsed.
    #[allow(clippy::collapsible_match)]
    fn close_brace(&mut self, i: usize) -> usize {
        let span = self.raw[i].span;
        self.qualifier = None;
        // Close brackets left open inside (unbalanced angles and parentheses).
        while matches!(
            self.brackets.last(),
            Some(Bracket::Angle | Bracket::Launch | Bracket::Paren | Bracket::Square)
        ) {
            self.brackets.pop();
        }
        let Some(Bracket::Brace { kind, scope }) = self.brackets.pop() else {
            self.diags.push(Diagnostic::error("unmatched `}`", span));
            return i + 1;
        };
        // Template scopes opened by member templates whose declaration did not end.
        let state = self.decls.pop().unwrap_or_default();
        for _ in 0..state.template_scopes {
            if self
                .stack
                .last()
                .is_some_and(|&s| self.scopes[s].kind == ScopeKind::Template)
            {
                self.pop_scope();
            }
        }
        if scope {
            self.pop_scope();
        }
        let at = self.out.toks.len();
        self.emit(Tok::P(Punct::RBrace), span);
        match kind {
            BraceKind::DeclLevel { group: true, .. } => {
                if self.at_group_level() {
                    self.out.layout.push(LayoutEvent::Close(at));
                }
                *self.decl_state() = DeclState::default();
            }
            BraceKind::Body => {
                if self.at_decl_level() {
                    self.end_decl(at);
                }
            }
            _ => {}
        }
        i + 1
    }

    /// Replaces a host function body by one token and records its kernel launches.
    fn skip_host_body(&mut self, i: usize, name: String) -> usize {
        let end = self
            .matching(i, Punct::LBrace, Punct::RBrace)
            .unwrap_or(self.raw.len().saturating_sub(1));
        let span = self.raw[i].span.to(self.raw[end].span);
        let launches = self.launches(i, end);
        self.out.hosts.push(HostBodyInfo {
            name,
            span,
            launches,
        });
        let idx = (self.out.hosts.len() - 1) as u32;
        let at = self.out.toks.len();
        self.emit(Tok::HostBody(idx), span);
        if self.at_decl_level() {
            self.end_decl(at);
        }
        end + 1
    }

    /// Kernel launches `k<<<…>>>(…)` between tokens `from` and `to`.
    fn launches(&self, from: usize, to: usize) -> Vec<LaunchSite> {
        let mut out = Vec::new();
        let mut j = from;
        while j + 1 < to {
            let t = &self.raw[j];
            let n = &self.raw[j + 1];
            if t.is_punct(Punct::Shl) && n.is_punct(Punct::Lt) && n.span.lo == t.span.hi {
                if let Some(site) = self.launch_at(j, to) {
                    out.push(site);
                }
            }
            j += 1;
        }
        out
    }

    fn launch_at(&self, open: usize, limit: usize) -> Option<LaunchSite> {
        // The kernel expression: a name, possibly qualified and with template arguments.
        let mut start = open.checked_sub(1)?;
        if self.raw[start].is_punct(Punct::Gt) {
            let mut depth = 0i32;
            let mut k = start;
            loop {
                let t = &self.raw[k];
                if t.is_punct(Punct::Gt) {
                    depth += 1;
                } else if t.is_punct(Punct::Shr) {
                    depth += 2;
                } else if t.is_punct(Punct::Lt) {
                    depth -= 1;
                    if depth <= 0 {
                        break;
                    }
                }
                k = k.checked_sub(1)?;
            }
            start = k.checked_sub(1)?;
        }
        while start >= 2
            && self.raw[start - 1].is_punct(Punct::ColonColon)
            && is_ident(self.raw.get(start - 2))
        {
            start -= 2;
        }
        let kernel = self.text_between(start, open - 1);
        // The configuration up to `>>>`.
        let mut config = Vec::new();
        let mut depth = 0i32;
        let mut k = open + 2;
        let mut arg_start = k;
        let close = loop {
            if k >= limit {
                return None;
            }
            let t = &self.raw[k];
            match t.kind {
                TokenKind::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => depth += 1,
                TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => depth -= 1,
                TokenKind::Punct(Punct::Comma) if depth == 0 => {
                    if k > arg_start {
                        config.push(self.text_between(arg_start, k - 1));
                    }
                    arg_start = k + 1;
                }
                TokenKind::Punct(Punct::Shr)
                    if depth == 0 && is_punct(self.raw.get(k + 1), Punct::Gt) =>
                {
                    break k;
                }
                _ => {}
            }
            k += 1;
        };
        if close > arg_start {
            config.push(self.text_between(arg_start, close - 1));
        }
        let lparen = close + 2;
        let mut arg_count = 0;
        let mut end = lparen;
        if is_punct(self.raw.get(lparen), Punct::LParen) {
            let rparen = self.matching(lparen, Punct::LParen, Punct::RParen)?;
            end = rparen;
            if rparen > lparen + 1 {
                arg_count = 1;
                let mut depth = 0i32;
                for t in &self.raw[lparen + 1..rparen] {
                    match t.kind {
                        TokenKind::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => {
                            depth += 1
                        }
                        TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                            depth -= 1
                        }
                        TokenKind::Punct(Punct::Comma) if depth == 0 => arg_count += 1,
                        _ => {}
                    }
                }
            }
        }
        Some(LaunchSite {
            kernel,
            config,
            arg_count,
            span: self.raw[start]
                .span
                .to(self.raw[end.min(self.raw.len() - 1)].span),
        })
    }
}
