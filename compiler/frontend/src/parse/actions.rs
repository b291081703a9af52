//! Helpers the grammar's actions call to build AST nodes.
//!
//! Grammar locations are token indices; [`Cx::span`] maps a `[l, r)` token range to a source
//! span. Problems found while building nodes (an invalid combination of type keywords, a
//! typedef without a name) are collected in [`Cx::diags`].

use super::classify::HostBodyInfo;
use super::tok::{Kw, Tok};
use crate::ast::*;
use crate::diag::Diagnostic;
use crate::source::{SourceMap, Span};
use lalrpop_util::ErrorRecovery;
use std::cell::RefCell;

/// Context shared by all grammar actions of one parse.
pub struct Cx<'a> {
    /// Span of every classified token (indexed by grammar location).
    pub spans: &'a [Span],
    /// The source files, for the text of unsupported constructs.
    pub sources: &'a SourceMap,
    /// Values of string literal tokens.
    pub strings: &'a [Vec<u8>],
    /// Texts of `asm` and lambda tokens.
    pub texts: &'a [String],
    /// Skipped host function bodies.
    pub hosts: &'a [HostBodyInfo],
    /// Diagnostics reported by actions.
    pub diags: RefCell<Vec<Diagnostic>>,
    /// Syntax errors the parser recovered from (statement-level recovery).
    pub recovered: RefCell<Vec<ErrorRecovery<usize, Tok<'a>, ()>>>,
}

impl<'a> Cx<'a> {
    /// The source span of tokens `l..r`.
    pub fn span(&self, l: usize, r: usize) -> Span {
        let first = self
            .spans
            .get(l)
            .or_else(|| self.spans.last())
            .copied()
            .unwrap_or_default();
        if r > l + 1 {
            if let Some(last) = self.spans.get(r - 1) {
                return first.to(*last);
            }
        }
        first
    }

    /// An identifier spelled `name` at tokens `l..r`.
    pub fn ident(&self, name: &str, l: usize, r: usize) -> Ident {
        Ident {
            name: name.to_string(),
            span: self.span(l, r),
        }
    }

    /// An expression at tokens `l..r`.
    pub fn expr(&self, kind: ExprKind, l: usize, r: usize) -> Expr {
        Expr {
            kind,
            span: self.span(l, r),
        }
    }

    /// A host-only expression kept as text.
    pub fn unsupported(&self, l: usize, r: usize) -> Expr {
        self.expr(ExprKind::Unsupported(self.text(l, r)), l, r)
    }

    /// The source text of tokens `l..r` (as far as it lies in one file).
    pub fn text(&self, l: usize, r: usize) -> String {
        let text = self.sources.snippet(self.span(l, r));
        if text.is_empty() {
            "<text from a macro expansion>".to_string()
        } else {
            text.to_string()
        }
    }

    /// The text recorded for an `asm` or lambda token.
    pub fn text_at(&self, index: u32) -> String {
        self.texts.get(index as usize).cloned().unwrap_or_default()
    }

    /// The bytes of adjacent string literals, concatenated.
    pub fn string_bytes(&self, parts: &[u32]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts {
            if let Some(s) = self.strings.get(*p as usize) {
                out.extend_from_slice(s);
            }
        }
        out
    }

    /// Adjacent string literals as text.
    pub fn string_text(&self, parts: &[u32]) -> String {
        String::from_utf8_lossy(&self.string_bytes(parts)).into_owned()
    }

    fn error(&self, message: impl Into<String>, span: Span) {
        self.diags
            .borrow_mut()
            .push(Diagnostic::error(message, span));
    }

    fn warning(&self, message: impl Into<String>, span: Span) {
        self.diags
            .borrow_mut()
            .push(Diagnostic::warning(message, span));
    }
}

/// One declaration specifier as written.
#[derive(Clone, Debug)]
pub enum Spec {
    /// A storage class keyword.
    Storage(Storage),
    /// `extern "lang"`: the string literal's index.
    ExternLang(u32),
    /// `typedef`
    Typedef,
    /// `__global__`
    Global,
    /// `__device__`
    Device,
    /// `__host__`
    Host,
    /// `__shared__`
    Shared,
    /// `__constant__`
    Constant,
    /// `__managed__`
    Managed,
    /// `__forceinline__`
    ForceInline,
    /// `__noinline__`
    NoInline,
    /// `__launch_bounds__(...)`
    LaunchBounds(Vec<Expr>),
    /// `inline`
    Inline,
    /// `constexpr`
    Constexpr,
    /// `virtual`
    Virtual,
    /// `explicit`
    Explicit,
    /// `friend`
    Friend,
    /// `const`
    Const,
    /// `volatile`
    Volatile,
    /// `__restrict__` on the base type (meaningless, accepted).
    Restrict,
    /// `__align__(N)` / `alignas(N)` outside a record head.
    Align(Expr),
    /// A fundamental type keyword.
    Builtin(Kw),
    /// Any other type specifier.
    Type(TypeSpec),
}

/// A global qualifier and nested-name segments before the last segment of a name.
#[derive(Clone, Debug, Default)]
pub struct Prefix {
    /// Starts with `::`.
    pub global: bool,
    /// The `A::`, `B<T>::` segments.
    pub segments: Vec<NameSegment>,
}

/// An initializer or `= default` / `= delete`.
#[derive(Clone, Debug)]
pub enum Init {
    /// A real initializer.
    Value(Initializer),
    /// `= default` (true) or `= delete` (false).
    Defaulted(bool),
}

/// A declarator with its initializer as the grammar produces it.
#[derive(Clone, Debug)]
pub struct DeclItem {
    /// The declarator, initializer and bit width.
    pub decl: InitDeclarator,
    /// `= default` / `= delete`.
    pub defaulted: Option<bool>,
}

/// A function body: parsed, or a skipped host body.
#[derive(Clone, Debug)]
pub enum FuncBody {
    /// A device body.
    Block(Block),
    /// Index of a skipped host body.
    Host(u32),
}

/// The head of an `if` statement.
#[derive(Clone, Debug)]
pub struct IfHead {
    /// `if constexpr`.
    pub is_constexpr: bool,
    /// The C++17 init statement of `if (init; cond)`.
    pub init: Option<Box<Stmt>>,
    /// The condition.
    pub cond: Condition,
}

/// The head of a loop or switch statement.
#[derive(Clone, Debug)]
pub enum LoopHead {
    /// `while (cond)`
    While(Option<Unroll>, Condition),
    /// `for (init; cond; step)`
    For(
        Option<Unroll>,
        Option<Box<Stmt>>,
        Option<Condition>,
        Option<Expr>,
    ),
    /// `for (decl : range)`
    RangeFor(Option<Unroll>, VarDecl, Expr),
    /// `switch (cond)`
    Switch(Condition),
}

/// A statement label.
#[derive(Clone, Debug)]
pub enum LabelHead {
    /// `case value:`
    Case(Expr),
    /// `default:`
    Default,
    /// `name:`
    Label(Ident),
}

/// A declarator as the grammar builds it: it may end in a direct initializer `x(1, 2)`,
/// which only a declaration can use.
#[derive(Clone, Debug)]
pub struct PDecl {
    /// The declarator.
    pub decl: Declarator,
    /// A parenthesised initializer written after it.
    pub init: Option<Initializer>,
}

impl PDecl {
    /// A declarator that is just a name.
    pub fn named(name: QualifiedName, span: Span) -> PDecl {
        PDecl {
            decl: Declarator {
                name: Some(name),
                ops: Vec::new(),
                span,
            },
            init: None,
        }
    }

    /// Adds an operator applied outside the current ones and widens the span.
    pub fn wrap(mut self, cx: &Cx, op: DeclaratorOp, span: Span) -> PDecl {
        if let Some(init) = self.init.take() {
            cx.error(
                "unexpected declarator part after a parenthesised initializer",
                initializer_span(&init),
            );
        }
        self.decl = self.decl.wrap(op, span);
        self
    }

    /// Adds a direct initializer `(args)`.
    pub fn paren_init(mut self, cx: &Cx, args: Vec<Expr>, span: Span) -> PDecl {
        if self.init.is_some() {
            cx.error("a declarator has two initializers", span);
        }
        self.init = Some(Initializer::Paren(args, span));
        self
    }

    /// The declarator where no initializer is allowed (parameters, function definitions).
    pub fn plain(self, cx: &Cx) -> Declarator {
        if let Some(init) = &self.init {
            cx.error(
                "expected a parameter list, found an initializer",
                initializer_span(init),
            );
        }
        self.decl
    }
}

fn initializer_span(init: &Initializer) -> Span {
    match init {
        Initializer::Expr(e) => e.span,
        Initializer::Braced(_, s) | Initializer::Paren(_, s) => *s,
        Initializer::Designated(i, _) => i.span,
    }
}

impl Declarator {
    /// Adds an operator applied outside the current ones and widens the span.
    pub fn wrap(mut self, op: DeclaratorOp, span: Span) -> Declarator {
        self.ops.push(op);
        self.span = span;
        self
    }
}

/// A binary expression.
pub fn binary(cx: &Cx, op: BinaryOp, a: Expr, b: Expr, l: usize, r: usize) -> Expr {
    cx.expr(ExprKind::Binary(op, Box::new(a), Box::new(b)), l, r)
}

/// A name segment spelled by a token.
pub fn segment(
    cx: &Cx,
    name: &str,
    l: usize,
    r: usize,
    args: Option<Vec<TemplateArg>>,
) -> NameSegment {
    NameSegment {
        ident: cx.ident(name, l, r),
        template_args: args,
    }
}

/// A name segment with a computed spelling (`operator+`, `~T`).
pub fn segment_owned(cx: &Cx, name: String, l: usize, r: usize) -> NameSegment {
    NameSegment {
        ident: Ident {
            name,
            span: cx.span(l, r),
        },
        template_args: None,
    }
}

/// A qualified name from an optional prefix and its last segment.
pub fn qname(
    cx: &Cx,
    prefix: Option<Prefix>,
    last: NameSegment,
    l: usize,
    r: usize,
) -> QualifiedName {
    let prefix = prefix.unwrap_or_default();
    let mut segments = prefix.segments;
    segments.push(last);
    QualifiedName {
        global: prefix.global,
        segments,
        span: cx.span(l, r),
    }
}

/// The fundamental type named by a combination of keywords (`unsigned long long int`).
pub fn builtin_of(kws: &[Kw]) -> Option<BuiltinType> {
    let mut signed = 0;
    let mut unsigned = 0;
    let mut long = 0;
    let mut short = 0;
    let mut int = 0;
    let mut base: Option<Kw> = None;
    for k in kws {
        match k {
            Kw::Signed => signed += 1,
            Kw::Unsigned => unsigned += 1,
            Kw::Long => long += 1,
            Kw::Short => short += 1,
            Kw::Int => int += 1,
            other => {
                if base.is_some() {
                    return None;
                }
                base = Some(*other);
            }
        }
    }
    if signed + unsigned > 1 || int > 1 || long > 2 || (short > 0 && long > 0) || short > 1 {
        return None;
    }
    let sign_or_size = signed + unsigned + long + short + int > 0;
    use BuiltinType as B;
    match base {
        Some(Kw::Void) if !sign_or_size => Some(B::Void),
        Some(Kw::Bool) if !sign_or_size => Some(B::Bool),
        Some(Kw::Float) if !sign_or_size => Some(B::Float),
        Some(Kw::Double) if signed + unsigned + short + int == 0 && long == 0 => Some(B::Double),
        Some(Kw::Double) if signed + unsigned + short + int == 0 && long == 1 => {
            Some(B::LongDouble)
        }
        Some(Kw::WChar) if !sign_or_size => Some(B::WChar),
        Some(Kw::Char16) if !sign_or_size => Some(B::Char16),
        Some(Kw::Char32) if !sign_or_size => Some(B::Char32),
        Some(Kw::Char) if long + short + int == 0 => Some(if unsigned > 0 {
            B::UChar
        } else if signed > 0 {
            B::SChar
        } else {
            B::Char
        }),
        None => Some(match (unsigned > 0, short > 0, long) {
            (false, true, _) => B::Short,
            (true, true, _) => B::UShort,
            (false, false, 0) => B::Int,
            (true, false, 0) => B::UInt,
            (false, false, 1) => B::Long,
            (true, false, 1) => B::ULong,
            (false, false, _) => B::LongLong,
            (true, false, _) => B::ULongLong,
        }),
        _ => None,
    }
}

/// Combines declaration specifiers; the `bool` says whether `typedef` was among them.
pub fn build_specs(cx: &Cx, specs: Vec<(Spec, usize, usize)>) -> (DeclSpecs, bool) {
    let (first, last) = match (specs.first(), specs.last()) {
        (Some(f), Some(l)) => (f.1, l.2),
        _ => (0, 0),
    };
    let span = if specs.is_empty() {
        Span::default()
    } else {
        cx.span(first, last)
    };
    let mut out = DeclSpecs {
        storage: Storage::None,
        cuda: CudaQualifiers::default(),
        is_inline: false,
        is_constexpr: false,
        is_virtual: false,
        is_explicit: false,
        is_friend: false,
        is_const: false,
        is_volatile: false,
        ty: None,
        span,
    };
    let mut typedef = false;
    let mut builtins: Vec<Kw> = Vec::new();
    let mut builtin_span: Option<Span> = None;
    for (spec, l, r) in specs {
        let here = cx.span(l, r);
        let mut set_storage = |s: Storage| {
            if out.storage != Storage::None && out.storage != s {
                cx.error("conflicting storage classes in one declaration", here);
            }
            out.storage = s;
        };
        match spec {
            Spec::Storage(s) => set_storage(s),
            Spec::ExternLang(idx) => {
                let lang = cx.string_text(&[idx]);
                if lang == "C" {
                    set_storage(Storage::ExternC)
                } else if lang == "C++" {
                    set_storage(Storage::Extern)
                } else {
                    cx.error(format!("unknown language linkage \"{lang}\""), here);
                }
            }
            Spec::Typedef => typedef = true,
            Spec::Global => out.cuda.global = true,
            Spec::Device => out.cuda.device = true,
            Spec::Host => out.cuda.host = true,
            Spec::Shared => out.cuda.shared = true,
            Spec::Constant => out.cuda.constant = true,
            Spec::Managed => out.cuda.managed = true,
            Spec::ForceInline => out.cuda.forceinline = true,
            Spec::NoInline => out.cuda.noinline = true,
            Spec::LaunchBounds(args) => out.cuda.launch_bounds = Some(args),
            Spec::Inline => out.is_inline = true,
            Spec::Constexpr => out.is_constexpr = true,
            Spec::Virtual => out.is_virtual = true,
            Spec::Explicit => out.is_explicit = true,
            Spec::Friend => out.is_friend = true,
            Spec::Const => out.is_const = true,
            Spec::Volatile => out.is_volatile = true,
            Spec::Restrict => {}
            Spec::Align(a) => match &mut out.ty {
                // `struct S { … } __attribute__((aligned(N)))`: the struct's alignment.
                Some(TypeSpec::Record(rec)) if rec.align.is_none() && rec.members.is_some() => {
                    rec.align = Some(a);
                }
                _ => cx.warning(
                    "alignment on a variable or function declaration is ignored (put it on the struct)",
                    here,
                ),
            },
            Spec::Builtin(k) => {
                if out.ty.is_some() {
                    cx.error(
                        format!("`{}` after a type name in one declaration", k.as_str()),
                        here,
                    );
                }
                builtins.push(k);
                builtin_span = Some(builtin_span.map_or(here, |s| s.to(here)));
            }
            Spec::Type(t) => {
                if out.ty.is_some() || !builtins.is_empty() {
                    cx.error("two types in one declaration", here);
                } else {
                    out.ty = Some(t);
                }
            }
        }
    }
    if let Some(bspan) = builtin_span {
        match builtin_of(&builtins) {
            Some(b) => {
                if out.ty.is_none() {
                    out.ty = Some(TypeSpec::Builtin(b, bspan));
                }
            }
            None => {
                let words: Vec<&str> = builtins.iter().map(|k| k.as_str()).collect();
                cx.error(
                    format!("invalid combination of type keywords `{}`", words.join(" ")),
                    bspan,
                );
                out.ty = Some(TypeSpec::Builtin(BuiltinType::Int, bspan));
            }
        }
    }
    (out, typedef)
}

/// A pointer declarator operator with its qualifiers.
pub fn pointer(quals: &[Kw]) -> DeclaratorOp {
    DeclaratorOp::Pointer {
        is_const: quals.contains(&Kw::Const),
        is_volatile: quals.contains(&Kw::Volatile),
        is_restrict: quals.contains(&Kw::Restrict),
    }
}

/// An abstract declarator made of pointer operators only (`None` when there are none).
pub fn ptr_declarator(cx: &Cx, ops: Vec<DeclaratorOp>, l: usize, r: usize) -> Option<Declarator> {
    if ops.is_empty() {
        return None;
    }
    let mut ops = ops;
    ops.reverse();
    Some(Declarator {
        name: None,
        ops,
        span: cx.span(l, r),
    })
}

/// A type-id from specifiers (tokens `l..m`) and an optional abstract declarator (`m..r`).
pub fn type_id(
    cx: &Cx,
    specs: Vec<(Spec, usize, usize)>,
    decl: Option<Declarator>,
    l: usize,
    m: usize,
    r: usize,
) -> TypeId {
    let (specs, typedef) = build_specs(cx, specs);
    if typedef {
        cx.error("`typedef` is not allowed in a type", cx.span(l, m));
    }
    let declarator = decl.unwrap_or_else(|| Declarator {
        name: None,
        ops: Vec::new(),
        span: cx.span(m.saturating_sub(1), m),
    });
    TypeId {
        specs,
        declarator,
        span: cx.span(l, r),
    }
}

/// A function declarator suffix; `(void)` becomes an empty parameter list.
pub fn func_suffix(
    _cx: &Cx,
    params: (Vec<Param>, bool),
    quals: Vec<Kw>,
    trailing: Option<TypeId>,
) -> FunctionSuffix {
    let (mut params, variadic) = params;
    if params.len() == 1 {
        let p = &params[0];
        let is_void = matches!(p.specs.ty, Some(TypeSpec::Builtin(BuiltinType::Void, _)));
        if is_void && p.declarator.name.is_none() && p.declarator.ops.is_empty() {
            params.clear();
        }
    }
    FunctionSuffix {
        params,
        variadic,
        is_const: quals.contains(&Kw::Const),
        is_noexcept: quals.contains(&Kw::Noexcept),
        trailing_return: trailing.map(Box::new),
    }
}

/// A function parameter.
pub fn param(
    cx: &Cx,
    specs: Vec<(Spec, usize, usize)>,
    decl: Option<Declarator>,
    default: Option<Expr>,
    l: usize,
    r: usize,
) -> Param {
    let end = specs.last().map_or(l, |s| s.2);
    let (specs, _) = build_specs(cx, specs);
    let declarator = decl.unwrap_or_else(|| Declarator {
        name: None,
        ops: Vec::new(),
        span: cx.span(end.saturating_sub(1), end),
    });
    Param {
        specs,
        declarator,
        default,
        span: cx.span(l, r),
    }
}

/// A declarator with optional initializer and bit width.
pub fn init_decl(cx: &Cx, d: PDecl, init: Option<Init>, width: Option<Expr>) -> DeclItem {
    let (mut init, defaulted) = match init {
        Some(Init::Value(v)) => (Some(v), None),
        Some(Init::Defaulted(b)) => (None, Some(b)),
        None => (None, None),
    };
    if let Some(paren) = d.init {
        if init.is_some() {
            cx.error("a declarator has two initializers", d.decl.span);
        } else {
            init = Some(paren);
        }
    }
    DeclItem {
        decl: InitDeclarator {
            declarator: d.decl,
            init,
            bit_width: width,
        },
        defaulted,
    }
}

fn is_function_declarator(d: &Declarator) -> bool {
    matches!(d.ops.first(), Some(DeclaratorOp::Function(_)))
}

fn last_name(d: &Declarator) -> Option<&Ident> {
    d.name
        .as_ref()
        .and_then(|n| n.segments.last())
        .map(|s| &s.ident)
}

/// The items of a declaration `specs declarators;` (variables, a function declaration, typedef
/// names, or a struct/enum definition when there are no declarators).
pub fn declaration(
    cx: &Cx,
    specs: Vec<(Spec, usize, usize)>,
    decls: Vec<DeclItem>,
    l: usize,
    r: usize,
) -> Vec<Item> {
    let span = cx.span(l, r);
    let (specs, typedef) = build_specs(cx, specs);
    if decls.is_empty() {
        return match specs.ty {
            Some(TypeSpec::Record(rec)) if !typedef && specs.storage == Storage::None => {
                vec![Item::Record(*rec)]
            }
            Some(TypeSpec::Enum(e)) if !typedef && specs.storage == Storage::None => {
                vec![Item::Enum(*e)]
            }
            _ => {
                cx.warning("declaration does not declare anything", span);
                vec![Item::Variables(VarDecl {
                    specs,
                    declarators: Vec::new(),
                    span,
                })]
            }
        };
    }
    if typedef {
        let mut items = Vec::new();
        for d in decls {
            let Some(name) = last_name(&d.decl.declarator).cloned() else {
                cx.error("typedef without a name", d.decl.declarator.span);
                continue;
            };
            if d.decl.init.is_some() {
                cx.error("a typedef cannot have an initializer", name.span);
            }
            let mut declarator = d.decl.declarator;
            declarator.name = None;
            let ty = TypeId {
                specs: specs.clone(),
                span: specs.span.to(declarator.span),
                declarator,
            };
            items.push(Item::TypeAlias(TypeAlias { name, ty, span }));
        }
        return items;
    }
    if decls.len() == 1 && is_function_declarator(&decls[0].decl.declarator) {
        let mut decls = decls;
        let d = decls.remove(0);
        let defaulted = d.defaulted;
        return vec![Item::Function(Function {
            specs,
            declarator: d.decl.declarator,
            member_inits: Vec::new(),
            body: None,
            defaulted,
            span,
        })];
    }
    let mut declarators = Vec::with_capacity(decls.len());
    for d in decls {
        if d.defaulted.is_some() {
            cx.error(
                "`= default` / `= delete` is only allowed on functions",
                d.decl.declarator.span,
            );
        }
        declarators.push(d.decl);
    }
    vec![Item::Variables(VarDecl {
        specs,
        declarators,
        span,
    })]
}

/// A function definition. A skipped host body gives two items: the function's declaration
/// (`body: None`, so later stages know the host function by name) and [`Item::HostCode`]
/// for the body with its kernel launches.
pub fn function_def(
    cx: &Cx,
    specs: Vec<(Spec, usize, usize)>,
    declarator: Declarator,
    member_inits: Vec<MemberInit>,
    body: FuncBody,
    l: usize,
    r: usize,
) -> Vec<Item> {
    let span = cx.span(l, r);
    let (specs, typedef) = build_specs(cx, specs);
    if typedef {
        cx.error("a function definition cannot be a typedef", span);
    }
    if !is_function_declarator(&declarator) {
        cx.error(
            "a body `{ … }` follows a declarator that is not a function",
            declarator.span,
        );
    }
    match body {
        FuncBody::Block(block) => vec![Item::Function(Function {
            specs,
            declarator,
            member_inits,
            body: Some(block),
            defaulted: None,
            span,
        })],
        FuncBody::Host(idx) => {
            let name = declarator
                .name
                .as_ref()
                .map(name_text)
                .unwrap_or_else(|| "<unnamed>".to_string());
            let launches = cx
                .hosts
                .get(idx as usize)
                .map(|h| h.launches.clone())
                .unwrap_or_default();
            let host = Item::HostCode(HostCode {
                what: format!("host function `{name}`"),
                span,
                launches,
            });
            if !is_function_declarator(&declarator) {
                return vec![host];
            }
            // The declaration ends where the body starts.
            let body_start = cx
                .hosts
                .get(idx as usize)
                .map(|h| h.span)
                .filter(|b| b.file == span.file && b.lo > span.lo)
                .map_or(span, |b| Span { hi: b.lo, ..span });
            vec![
                Item::Function(Function {
                    specs,
                    declarator,
                    member_inits,
                    body: None,
                    defaulted: None,
                    span: body_start,
                }),
                host,
            ]
        }
    }
}

/// A qualified name as text (`ns::f`).
pub fn name_text(n: &QualifiedName) -> String {
    let mut s = String::new();
    if n.global {
        s.push_str("::");
    }
    for (i, seg) in n.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.name);
    }
    s
}

/// `template <params>` applied to the items of a declaration.
pub fn template(
    cx: &Cx,
    params: Vec<TemplateParam>,
    items: Vec<Item>,
    l: usize,
    r: usize,
) -> Vec<Item> {
    let span = cx.span(l, r);
    items
        .into_iter()
        .map(|item| match item {
            // Skipped host code stays host code.
            Item::HostCode(h) => Item::HostCode(h),
            item => Item::Template(TemplateDecl {
                params: params.clone(),
                item: Box::new(item),
                span,
            }),
        })
        .collect()
}

/// `template declaration;` — explicit instantiation.
pub fn explicit_instantiation(cx: &Cx, items: Vec<Item>, l: usize, r: usize) -> Vec<Item> {
    let span = cx.span(l, r);
    items
        .into_iter()
        .map(|item| Item::ExplicitInstantiation(Box::new(item), span))
        .collect()
}

/// A parenthesised abstract declarator `(*)`, `(&)`, `(**)`.
pub fn abstract_group(
    cx: &Cx,
    op: DeclaratorOp,
    inner: Option<Declarator>,
    l: usize,
    r: usize,
) -> Declarator {
    let span = cx.span(l, r);
    match inner {
        Some(d) => d.wrap(op, span),
        None => Declarator {
            name: None,
            ops: vec![op],
            span,
        },
    }
}

/// The expressions of a braced list (or the one expression of another initializer).
pub fn initializer_exprs(cx: &Cx, init: Initializer) -> Vec<Expr> {
    match init {
        Initializer::Braced(items, _) => {
            items.into_iter().map(|i| initializer_expr(cx, i)).collect()
        }
        other => vec![initializer_expr(cx, other)],
    }
}

/// An initializer as an expression (`{a, b}` becomes [`ExprKind::InitList`]).
pub fn initializer_expr(_cx: &Cx, init: Initializer) -> Expr {
    match init {
        Initializer::Expr(e) => e,
        Initializer::Braced(items, span) => Expr {
            kind: ExprKind::InitList(
                items
                    .into_iter()
                    .map(|i| initializer_expr(_cx, i))
                    .collect(),
            ),
            span,
        },
        Initializer::Paren(items, span) => Expr {
            kind: ExprKind::InitList(items),
            span,
        },
        Initializer::Designated(name, _) => Expr {
            kind: ExprKind::Unsupported(format!(
                "designated initializer `.{}` in an expression",
                name.name
            )),
            span: name.span,
        },
    }
}

/// A temporary constructed from a type: `T(a)` (a functional cast), `T(a, b)`, `T{a, b}`.
pub fn construct(
    cx: &Cx,
    ty: TypeSpec,
    args: Vec<Expr>,
    braced: bool,
    l: usize,
    m: usize,
    r: usize,
) -> Expr {
    let tspan = cx.span(l, m);
    let ty = TypeId {
        specs: DeclSpecs {
            storage: Storage::None,
            cuda: CudaQualifiers::default(),
            is_inline: false,
            is_constexpr: false,
            is_virtual: false,
            is_explicit: false,
            is_friend: false,
            is_const: false,
            is_volatile: false,
            ty: Some(ty),
            span: tspan,
        },
        declarator: Declarator {
            name: None,
            ops: Vec::new(),
            span: tspan,
        },
        span: tspan,
    };
    if !braced && args.len() == 1 {
        let mut args = args;
        let arg = args.remove(0);
        return cx.expr(
            ExprKind::Cast(CastKind::Functional, Box::new(ty), Box::new(arg)),
            l,
            r,
        );
    }
    cx.expr(
        ExprKind::Construct {
            ty: Box::new(ty),
            args,
            braced,
        },
        l,
        r,
    )
}

/// An `if` statement.
pub fn if_stmt(cx: &Cx, head: IfHead, then: Stmt, els: Option<Stmt>, l: usize, r: usize) -> Stmt {
    Stmt {
        kind: StmtKind::If {
            init: head.init,
            cond: head.cond,
            then: Box::new(then),
            els: els.map(Box::new),
            is_constexpr: head.is_constexpr,
        },
        span: cx.span(l, r),
    }
}

/// A loop or switch statement from its head and body.
pub fn loop_stmt(cx: &Cx, head: LoopHead, body: Stmt, l: usize, r: usize) -> Stmt {
    let body = Box::new(body);
    let kind = match head {
        LoopHead::While(unroll, cond) => StmtKind::While { cond, body, unroll },
        LoopHead::For(unroll, init, cond, step) => StmtKind::For {
            init,
            cond,
            step,
            body,
            unroll,
        },
        LoopHead::RangeFor(unroll, decl, range) => {
            if let Some(u) = unroll {
                cx.warning(
                    "`#pragma unroll` on a range-based for loop is ignored",
                    u.span,
                );
            }
            StmtKind::RangeFor { decl, range, body }
        }
        LoopHead::Switch(cond) => StmtKind::Switch { cond, body },
    };
    Stmt {
        kind,
        span: cx.span(l, r),
    }
}

/// A labeled statement.
pub fn label_stmt(cx: &Cx, head: LabelHead, stmt: Stmt, l: usize, r: usize) -> Stmt {
    let stmt = Box::new(stmt);
    let kind = match head {
        LabelHead::Case(value) => StmtKind::Case { value, stmt },
        LabelHead::Default => StmtKind::Default(stmt),
        LabelHead::Label(name) => StmtKind::Label(name, stmt),
    };
    Stmt {
        kind,
        span: cx.span(l, r),
    }
}

/// The loop variable of a range-based for.
pub fn range_decl(
    cx: &Cx,
    specs: Vec<(Spec, usize, usize)>,
    d: Declarator,
    l: usize,
    r: usize,
) -> VarDecl {
    let (specs, _) = build_specs(cx, specs);
    VarDecl {
        specs,
        declarators: vec![InitDeclarator {
            declarator: d,
            init: None,
            bit_width: None,
        }],
        span: cx.span(l, r),
    }
}

/// A declaration used as a condition (`if (T x = e)`).
pub fn condition_decl(
    cx: &Cx,
    specs: Vec<(Spec, usize, usize)>,
    d: Declarator,
    init: Initializer,
    l: usize,
    r: usize,
) -> Condition {
    let (specs, _) = build_specs(cx, specs);
    Condition::Decl(Box::new(VarDecl {
        specs,
        declarators: vec![InitDeclarator {
            declarator: d,
            init: Some(init),
            bit_width: None,
        }],
        span: cx.span(l, r),
    }))
}

/// A declaration statement in a block.
pub fn local_decl(
    cx: &Cx,
    specs: Vec<(Spec, usize, usize)>,
    decls: Vec<DeclItem>,
    l: usize,
    r: usize,
) -> Stmt {
    let span = cx.span(l, r);
    let mut items = declaration(cx, specs, decls, l, r);
    if items.len() > 1 {
        cx.error(
            "only one typedef name per declaration is supported inside a function",
            span,
        );
    }
    let kind = if items.is_empty() {
        StmtKind::Empty
    } else {
        match items.swap_remove(0) {
            Item::Variables(v) => StmtKind::Decl(v),
            other => StmtKind::Item(Box::new(other)),
        }
    };
    Stmt { kind, span }
}

/// An item used as a statement.
pub fn item_stmt(item: Item, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Item(Box::new(item)),
        span,
    }
}

/// A statement the parser skipped after a syntax error (the error is reported later).
pub fn error_stmt<'a>(
    cx: &Cx<'a>,
    e: ErrorRecovery<usize, Tok<'a>, ()>,
    l: usize,
    r: usize,
) -> Stmt {
    cx.recovered.borrow_mut().push(e);
    Stmt {
        kind: StmtKind::Empty,
        span: cx.span(l, r),
    }
}
