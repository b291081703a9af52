//! Declarations: the collection pass over all items, types as written, records, enums,
//! globals and function signatures.

use super::{Exec, FnDecl, Lowerer, RecordInfo, Sig};
use crate::ir::{BuiltinVar, ConstInit, ExprKind, Global, GlobalId};
use crate::scope::{qualify, Callee, ConstVal, Ctx, FnDeclId, Symbol};
use crate::types::{AddrSpace, EnumDef, EnumId, RecordDef, RecordId, Scalar, Type, TypeId};
use cwcc_frontend::ast::{self, BuiltinType, DeclaratorOp, Item, TypeSpec};
use cwcc_frontend::diag::Diagnostic;
use cwcc_frontend::source::Span;

/// The scalar named by a sequence of C++ type words (`unsigned int`, `float`).
pub(crate) fn scalar_from_words(text: &str) -> Option<Scalar> {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| *w != "int" || text.trim() == "int")
        .collect();
    let joined = words.join(" ");
    Some(match joined.as_str() {
        "bool" => Scalar::Bool,
        "char" => Scalar::Char,
        "signed char" => Scalar::SChar,
        "unsigned char" => Scalar::UChar,
        "short" | "signed short" => Scalar::Short,
        "unsigned short" => Scalar::UShort,
        "int" | "signed" => Scalar::Int,
        "unsigned" => Scalar::UInt,
        "long" | "signed long" => Scalar::Long,
        "unsigned long" => Scalar::ULong,
        "long long" | "signed long long" => Scalar::LongLong,
        "unsigned long long" => Scalar::ULongLong,
        "float" => Scalar::Float,
        "double" => Scalar::Double,
        "size_t" => Scalar::ULong,
        _ => return None,
    })
}

/// The scalar for a builtin type keyword combination (`None` for `void`).
pub(crate) fn scalar_of_builtin(b: BuiltinType) -> Option<Scalar> {
    Some(match b {
        BuiltinType::Void => return None,
        BuiltinType::Bool => Scalar::Bool,
        BuiltinType::Char => Scalar::Char,
        BuiltinType::SChar => Scalar::SChar,
        BuiltinType::UChar => Scalar::UChar,
        BuiltinType::WChar => Scalar::Int,
        BuiltinType::Char16 => Scalar::UShort,
        BuiltinType::Char32 => Scalar::UInt,
        BuiltinType::Short => Scalar::Short,
        BuiltinType::UShort => Scalar::UShort,
        BuiltinType::Int => Scalar::Int,
        BuiltinType::UInt => Scalar::UInt,
        BuiltinType::Long => Scalar::Long,
        BuiltinType::ULong => Scalar::ULong,
        BuiltinType::LongLong => Scalar::LongLong,
        BuiltinType::ULongLong => Scalar::ULongLong,
        BuiltinType::Float => Scalar::Float,
        BuiltinType::Double | BuiltinType::LongDouble => Scalar::Double,
    })
}

/// The simple name of a qualified name (its last segment).
pub(crate) fn last_name(q: &ast::QualifiedName) -> &str {
    q.segments
        .last()
        .map(|s| s.ident.name.as_str())
        .unwrap_or("")
}

/// Splits the target type text of a conversion operator into identifiers, `::`, `*`, `&`
/// and `&&`; anything else (template arguments, parentheses) is not supported.
fn conversion_tokens(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut w = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        w.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(w);
            }
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                out.push("::".into());
            }
            '*' => out.push("*".into()),
            '&' if chars.peek() == Some(&'&') => {
                chars.next();
                out.push("&&".into());
            }
            '&' => out.push("&".into()),
            _ => {
                return Err(format!(
                    "not supported yet: conversion to `{text}` (only plain type names, pointers and references)"
                ))
            }
        }
    }
    Ok(out)
}

/// The function suffix of a function declarator.
pub(crate) fn function_suffix(d: &ast::Declarator) -> Option<&ast::FunctionSuffix> {
    match d.ops.first() {
        Some(DeclaratorOp::Function(s)) => Some(s),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// Registers all items (the collection pass).
    pub fn collect_items(&mut self, items: &'a [Item], ctx: &Ctx) {
        for item in items {
            self.collect_item(item, ctx);
        }
    }

    fn collect_item(&mut self, item: &'a Item, ctx: &Ctx) {
        match item {
            Item::Function(f) => {
                self.register_function(f, ctx, None);
            }
            Item::Variables(v) => self.global_vars(v, ctx),
            Item::Record(r) => {
                self.define_record(r, ctx, None);
            }
            Item::Enum(e) => {
                self.define_enum(e, ctx);
            }
            Item::TypeAlias(a) => {
                let ty = self.in_context(ctx.clone(), |l| l.lower_type_id(&a.ty));
                self.symbols.add(ctx.key(&a.name.name), Symbol::Type(ty));
            }
            Item::Namespace(ns) => match &ns.name {
                Some(name) => {
                    let key = ctx.key(&name.name);
                    if self.symbols.get(&key).is_none() {
                        self.symbols.add(key, Symbol::Namespace);
                    }
                    let inner = ctx.nested(&name.name);
                    self.collect_items(&ns.items, &inner);
                    if ns.is_inline {
                        self.symbols
                            .using_dirs
                            .push((ctx.scope.to_string(), inner.scope.to_string()));
                    }
                }
                None => self.collect_items(&ns.items, ctx),
            },
            Item::Template(t) => self.register_template(t, ctx),
            Item::ExplicitInstantiation(inner, span) => {
                self.explicit_instantiation(inner, ctx, *span)
            }
            Item::StaticAssert(sa) => {
                self.in_context(ctx.clone(), |l| l.check_static_assert(sa));
            }
            Item::Linkage(b) => self.collect_items(&b.items, ctx),
            Item::UsingNamespace(q, span) => {
                let target =
                    self.in_context(ctx.clone(), |l| l.resolve_scope_path(&q.segments, q.global));
                match target {
                    Some(key) => self.symbols.using_dirs.push((ctx.scope.to_string(), key)),
                    None => {
                        let msg = format!("unknown namespace `{}`", self.sources.snippet(q.span));
                        self.error(msg, *span);
                    }
                }
            }
            Item::UsingDecl(q, span) => {
                let syms = self.in_context(ctx.clone(), |l| l.resolve_qualified(q));
                if syms.is_empty() && !self.declared_in_host_code(last_name(q)) {
                    let msg = format!(
                        "no member named `{}` for the using-declaration",
                        self.sources.snippet(q.span)
                    );
                    self.error(msg, *span);
                }
                for s in syms {
                    self.symbols.add(ctx.key(last_name(q)), s);
                }
            }
            Item::Access(..) | Item::Empty(_) => {}
            Item::HostCode(h) => {
                self.launches.extend(h.launches.iter());
                self.host_code.push(h);
            }
        }
    }

    /// Whether `name` is declared in host code the parser skipped: a skipped host function
    /// of that name, or a skipped declaration whose text has `name` as a word (e.g.
    /// `using ::qsort;` after a `qsort` declaration with a function-pointer parameter).
    pub fn declared_in_host_code(&self, name: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        if self.host_function_named(name).is_some() {
            return true;
        }
        let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        self.host_code.iter().any(|h| {
            let text = self.sources.snippet(h.span);
            text.match_indices(name).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + name.len()..].chars().next();
                !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
            })
        })
    }

    /// The span of the skipped host function named `name` (`host function `name``).
    pub fn host_function_named(&self, name: &str) -> Option<Span> {
        let exact = format!("host function `{name}`");
        let member = format!("::{name}`");
        self.host_code
            .iter()
            .find(|h| {
                h.what == exact
                    || (h.what.starts_with("host function `") && h.what.ends_with(&member))
            })
            .map(|h| h.span)
    }

    // ---------------------------------------------------------------------------------------
    // Types as written
    // ---------------------------------------------------------------------------------------

    /// The type of a type-id (`const float*`).
    pub fn lower_type_id(&mut self, t: &'a ast::TypeId) -> TypeId {
        let base = self.lower_base_type(&t.specs, t.span);
        let base = match base {
            Some(b) => b,
            None => {
                self.error("`auto` is not allowed here", t.span);
                self.ty_error()
            }
        };
        self.apply_declarator(base, t.specs.is_const, &t.declarator.ops, t.span)
            .0
    }

    /// The base type of declaration specifiers; `None` for `auto`.
    pub fn lower_base_type(&mut self, specs: &'a ast::DeclSpecs, span: Span) -> Option<TypeId> {
        let Some(spec) = &specs.ty else {
            return Some(self.ty_int());
        };
        Some(match spec {
            TypeSpec::Builtin(b, s) => {
                if *b == BuiltinType::LongDouble && !self.in_system_header(*s) {
                    self.warning("`long double` is treated as `double` in device code", *s);
                }
                match scalar_of_builtin(*b) {
                    Some(sc) => self.scalar(sc),
                    None => self.ty_void(),
                }
            }
            TypeSpec::Named(q) => self.resolve_type_name(q),
            TypeSpec::Auto(_) => return None,
            TypeSpec::Decltype(e, _) => {
                let saved = self.diags.len();
                let ex = self.lower_expr(e);
                let _ = saved;
                ex.ty
            }
            TypeSpec::Record(r) => {
                let ctx = self.ctx.clone();
                match self.define_record(r, &ctx, None) {
                    Some(t) => t,
                    None => self.ty_error(),
                }
            }
            TypeSpec::Enum(e) => {
                let ctx = self.ctx.clone();
                match self.define_enum(e, &ctx) {
                    Some(t) => t,
                    None => {
                        self.error("unknown enum", span);
                        self.ty_error()
                    }
                }
            }
        })
    }

    /// Applies declarator steps (name outwards) to a base type. Returns the type and whether
    /// the declared entity itself is `const`.
    pub fn apply_declarator(
        &mut self,
        base: TypeId,
        base_const: bool,
        ops: &'a [DeclaratorOp],
        span: Span,
    ) -> (TypeId, bool) {
        let mut ty = base;
        let mut is_const = base_const;
        for op in ops.iter().rev() {
            match op {
                DeclaratorOp::Pointer { is_const: c, .. } => {
                    ty = self.m.types.intern(Type::Pointer {
                        pointee: ty,
                        space: AddrSpace::Generic,
                        pointee_const: is_const,
                    });
                    is_const = *c;
                }
                DeclaratorOp::Reference | DeclaratorOp::RValueReference => {
                    ty = self.m.types.intern(Type::Reference {
                        pointee: ty,
                        is_const,
                    });
                    is_const = false;
                }
                DeclaratorOp::Array(len) => {
                    let n = match len {
                        Some(e) => self.const_u64(e, "array size"),
                        None => None,
                    };
                    ty = self.m.types.intern(Type::Array { elem: ty, len: n });
                }
                DeclaratorOp::Function(_) => {
                    self.error(
                        "not supported yet: function pointers and function types",
                        span,
                    );
                    return (self.ty_error(), false);
                }
            }
        }
        (ty, is_const)
    }

    /// Evaluates a constant expression to a non-negative integer, reporting problems.
    pub fn const_u64(&mut self, e: &'a ast::Expr, what: &str) -> Option<u64> {
        let v = self.const_int(e, what)?;
        match u64::try_from(v) {
            Ok(v) => Some(v),
            Err(_) => {
                let msg = format!("{what} must not be negative (it is {v})");
                self.error(msg, e.span);
                None
            }
        }
    }

    /// Evaluates a constant integer expression, reporting problems.
    pub fn const_int(&mut self, e: &'a ast::Expr, what: &str) -> Option<i128> {
        let ex = self.lower_expr(e);
        let ex = self.rvalue(ex);
        if self.m.types.is_error(ex.ty) {
            return None;
        }
        match self.eval_const(&ex) {
            Ok(ConstVal::Int(v)) => Some(v),
            Ok(ConstVal::Float(_)) => {
                let msg = format!("{what} must be an integer constant");
                self.error(msg, e.span);
                None
            }
            Err(err) => {
                self.report_eval_error(err, what);
                None
            }
        }
    }

    /// Resolves a type name, reporting an error (and returning the error type) if it is none.
    pub fn resolve_type_name(&mut self, q: &'a ast::QualifiedName) -> TypeId {
        if q.segments.len() == 1 && !q.global {
            let seg = &q.segments[0];
            let name = seg.ident.name.as_str();
            if seg.template_args.is_none() {
                if let Some(crate::scope::LocalSymbol::Type(t)) = self.f.scopes.lookup(name) {
                    return t;
                }
                if let Some(crate::scope::TArg::Type(t)) = self.ctx.env.map.get(name) {
                    return *t;
                }
            }
        }
        let syms = self.resolve_qualified(q);
        for s in &syms {
            match s {
                Symbol::Type(t) => return *t,
                Symbol::AliasTemplate(id) => {
                    let args = q.segments.last().and_then(|s| s.template_args.as_deref());
                    return self
                        .instantiate_alias(*id, args, q.span)
                        .unwrap_or_else(|| self.ty_error());
                }
                _ => {}
            }
        }
        if let Some(Symbol::ClassTemplate(id)) = syms.first() {
            let id = *id;
            let args = q.segments.last().and_then(|s| s.template_args.as_ref());
            return match args {
                Some(args) => self
                    .instantiate_class_from_ast(id, args, q.span)
                    .unwrap_or_else(|| self.ty_error()),
                None => {
                    // Inside a class template, its own name means the current instance.
                    if let Some(rid) = self.ctx.class {
                        if self
                            .records
                            .get(&rid)
                            .and_then(|r| r.origin.as_ref())
                            .is_some_and(|(t, _)| *t == id)
                        {
                            return self.m.types.intern(Type::Record(rid));
                        }
                    }
                    let msg = format!(
                        "use of class template `{}` requires template arguments",
                        last_name(q)
                    );
                    self.error(msg, q.span);
                    self.ty_error()
                }
            };
        }
        let name = self.sources.snippet(q.span).to_string();
        let name = if name.is_empty() {
            last_name(q).to_string()
        } else {
            name
        };
        if syms.is_empty() {
            let mut d = Diagnostic::error(format!("unknown type name `{name}`"), q.span);
            if let Some(s) = self.suggest_type(last_name(q)) {
                d = d.with_note(format!("did you mean `{s}`?"));
            }
            self.diags.push(d);
        } else {
            self.error(format!("`{name}` does not name a type"), q.span);
        }
        self.ty_error()
    }

    /// The target type of a conversion operator, from the text after `operator`
    /// (`uint3`, `const T *`, `unsigned int`, `ns::S &`). `Err` says why it cannot be used.
    pub fn conversion_target(&mut self, text: &str) -> Result<TypeId, String> {
        let tokens = conversion_tokens(text)?;
        let split = tokens
            .iter()
            .position(|t| t == "*" || t == "&" || t == "&&")
            .unwrap_or(tokens.len());
        let (spec, declarator) = tokens.split_at(split);
        let mut is_const = false;
        let mut words: Vec<&str> = Vec::new();
        for t in spec {
            match t.as_str() {
                "const" => is_const = true,
                "volatile" => {}
                w => words.push(w),
            }
        }
        const BUILTIN_WORDS: [&str; 10] = [
            "void", "bool", "char", "short", "int", "long", "signed", "unsigned", "float", "double",
        ];
        let mut ty = if words.is_empty() {
            return Err(format!("`{text}` is not a type"));
        } else if words.iter().all(|w| BUILTIN_WORDS.contains(w)) {
            if words == ["void"] {
                self.ty_void()
            } else {
                match scalar_from_words(&words.join(" ")) {
                    Some(s) => self.scalar(s),
                    None => return Err(format!("`{text}` is not a type")),
                }
            }
        } else {
            let path = words.concat();
            self.named_type_from_path(&path)
                .ok_or_else(|| format!("unknown type name `{path}`"))?
        };
        let mut i = 0;
        while let Some(t) = declarator.get(i) {
            i += 1;
            match t.as_str() {
                "*" => {
                    ty = self.m.types.intern(Type::Pointer {
                        pointee: ty,
                        space: AddrSpace::Generic,
                        pointee_const: is_const,
                    });
                    is_const = false;
                    while let Some(q) = declarator.get(i) {
                        match q.as_str() {
                            "const" => is_const = true,
                            "volatile" | "__restrict__" | "__restrict" => {}
                            _ => break,
                        }
                        i += 1;
                    }
                }
                "&" | "&&" => {
                    ty = self.m.types.intern(Type::Reference {
                        pointee: ty,
                        is_const,
                    });
                    is_const = false;
                }
                other => return Err(format!("unexpected `{other}` in the target type")),
            }
        }
        Ok(ty)
    }

    /// The type named by a `::`-separated path of plain identifiers, looked up from the
    /// current context (block scopes, template parameters, then the symbol table).
    fn named_type_from_path(&mut self, path: &str) -> Option<TypeId> {
        let global = path.starts_with("::");
        let path = path.trim_start_matches("::");
        let mut segments = path.split("::");
        let first = segments.next()?;
        let rest: Vec<&str> = segments.collect();
        if !global {
            let local = match self.f.scopes.lookup(first) {
                Some(crate::scope::LocalSymbol::Type(t)) => Some(t),
                _ => match self.ctx.env.map.get(first) {
                    Some(crate::scope::TArg::Type(t)) => Some(*t),
                    _ => None,
                },
            };
            if let Some(t) = local {
                if rest.is_empty() {
                    return Some(t);
                }
                let scope = self.scope_of_type(t)?;
                return self.type_symbol(&qualify(&scope, &rest.join("::")));
            }
        }
        if global {
            return self.type_symbol(path);
        }
        let scope = self.ctx.scope.clone();
        let syms = self.symbols.lookup(&scope, path)?;
        syms.iter().find_map(|s| match s {
            Symbol::Type(t) => Some(*t),
            _ => None,
        })
    }

    /// The type stored under a fully qualified key.
    fn type_symbol(&self, key: &str) -> Option<TypeId> {
        self.symbols.get(key)?.iter().find_map(|s| match s {
            Symbol::Type(t) => Some(*t),
            _ => None,
        })
    }

    /// The symbols a qualified name stands for (empty if none). For one unqualified segment
    /// this is the ordinary unqualified lookup of the current context.
    pub fn resolve_qualified(&mut self, q: &'a ast::QualifiedName) -> Vec<Symbol> {
        let Some((last, prefix)) = q.segments.split_last() else {
            return Vec::new();
        };
        let name = last.ident.name.as_str();
        if prefix.is_empty() {
            if q.global {
                return self
                    .symbols
                    .get(name)
                    .map(<[_]>::to_vec)
                    .unwrap_or_default();
            }
            let scope = self.ctx.scope.clone();
            return self
                .symbols
                .lookup(&scope, name)
                .map(<[_]>::to_vec)
                .unwrap_or_default();
        }
        let Some(scope) = self.resolve_scope_path(prefix, q.global) else {
            return Vec::new();
        };
        let key = qualify(&scope, name);
        self.symbols
            .get(&key)
            .map(<[_]>::to_vec)
            .unwrap_or_default()
    }

    /// The symbol-table key of the scope named by `segments` (namespaces, classes, class
    /// template instances, template parameters bound to classes).
    pub fn resolve_scope_path(
        &mut self,
        segments: &'a [ast::NameSegment],
        global: bool,
    ) -> Option<String> {
        let mut key: Option<String> = None;
        for (i, seg) in segments.iter().enumerate() {
            let name = seg.ident.name.as_str();
            let found: Vec<Symbol>;
            let found_key: String;
            if i == 0 && !global {
                if let Some(crate::scope::TArg::Type(t)) = self.ctx.env.map.get(name) {
                    let t = *t;
                    key = Some(self.scope_of_type(t)?);
                    continue;
                }
                if let Some(crate::scope::LocalSymbol::Type(t)) = self.f.scopes.lookup(name) {
                    key = Some(self.scope_of_type(t)?);
                    continue;
                }
                let scope = self.ctx.scope.clone();
                let (k, s) = self.symbols.lookup_key(&scope, name)?;
                found_key = k;
                found = s.to_vec();
            } else {
                let k = qualify(key.as_deref().unwrap_or(""), name);
                found = self.symbols.get(&k)?.to_vec();
                found_key = k.clone();
            }
            let next = match found.first()? {
                Symbol::Namespace => found_key,
                Symbol::Type(t) => self.scope_of_type(*t)?,
                Symbol::AliasTemplate(id) => {
                    let t =
                        self.instantiate_alias(*id, seg.template_args.as_deref(), seg.ident.span)?;
                    self.scope_of_type(t)?
                }
                Symbol::ClassTemplate(id) => {
                    let t = match &seg.template_args {
                        Some(args) => self.instantiate_class_from_ast(*id, args, seg.ident.span)?,
                        None => {
                            let rid = self.ctx.class?;
                            self.m.types.intern(Type::Record(rid))
                        }
                    };
                    self.scope_of_type(t)?
                }
                _ => return None,
            };
            key = Some(next);
        }
        key
    }

    /// The scope key of a record or enum type.
    pub fn scope_of_type(&self, t: TypeId) -> Option<String> {
        match self.m.types.get(t) {
            Type::Record(r) => self.records.get(&r).map(|i| i.scope.clone()),
            Type::Enum(e) => self.m.types.enum_def(e).map(|d| d.name.clone()),
            _ => None,
        }
    }

    /// A close type name for "did you mean" after an unknown type name: the fundamental type
    /// keywords (`flaot` -> `float`) compete with the visible names.
    pub fn suggest_type(&self, name: &str) -> Option<String> {
        const TYPE_KEYWORDS: &[&str] = &[
            "void", "bool", "char", "short", "int", "long", "unsigned", "signed", "float",
            "double", "auto",
        ];
        let visible = self.suggest(name);
        let candidates = TYPE_KEYWORDS.iter().copied().chain(visible.as_deref());
        crate::scope::closest(name, candidates).map(str::to_string)
    }

    /// A close name visible from the current context, for "did you mean".
    pub fn suggest(&self, name: &str) -> Option<String> {
        let mut candidates: Vec<String> = self.f.scopes.names().cloned().collect();
        candidates.extend(self.ctx.env.map.keys().cloned());
        let scopes = crate::scope::enclosing_scopes(&self.ctx.scope);
        for k in self.symbols.keys() {
            let (scope, simple) = match k.rfind("::") {
                Some(p) => (&k[..p], &k[p + 2..]),
                None => ("", k.as_str()),
            };
            if scopes.contains(&scope) {
                candidates.push(simple.to_string());
            }
        }
        if let Some(rid) = self.ctx.class {
            if let Some(r) = self.m.types.record(rid) {
                candidates.extend(r.fields.iter().map(|f| f.name.clone()));
            }
        }
        crate::scope::closest(name, candidates.iter().map(String::as_str)).map(str::to_string)
    }

    // ---------------------------------------------------------------------------------------
    // Records and enums
    // ---------------------------------------------------------------------------------------

    /// Defines (or forward-declares) a record; returns its type.
    /// `instance` gives the name and scope key of a class template instance.
    pub fn define_record(
        &mut self,
        r: &'a ast::Record,
        ctx: &Ctx,
        instance: Option<(
            String,
            String,
            crate::scope::ClassTemplateId,
            Vec<crate::scope::TArg>,
        )>,
    ) -> Option<TypeId> {
        let (display, key, origin) = match instance {
            Some((display, key, id, args)) => (display, key, Some((id, args))),
            None => match &r.name {
                Some(q) if q.segments.len() > 1 => {
                    // `struct ns::S { … }` defining a previously declared record.
                    let syms = self.in_context(ctx.clone(), |l| l.resolve_qualified(q));
                    if let Some(Symbol::Type(t)) = syms.first() {
                        if members_is_none(r) {
                            return Some(*t);
                        }
                    }
                    let n = last_name(q).to_string();
                    (ctx.key(&n), ctx.key(&n), None)
                }
                Some(q) => {
                    let n = last_name(q).to_string();
                    (ctx.key(&n), ctx.key(&n), None)
                }
                None => {
                    self.anon_count += 1;
                    let n = format!("<anonymous {}>", self.anon_count);
                    (n.clone(), ctx.key(&n), None)
                }
            },
        };
        // An existing record with this key: a forward declaration, or the same record again.
        let existing = self.symbols.get(&key).and_then(|s| {
            s.iter().find_map(|s| match s {
                Symbol::Type(t) => self.m.types.as_record(*t),
                _ => None,
            })
        });
        let rid = match existing {
            Some(rid) => {
                let complete = self.m.types.record(rid).is_some_and(|d| d.complete);
                if r.members.is_none() {
                    return Some(self.m.types.intern(Type::Record(rid)));
                }
                if complete {
                    let msg = format!("redefinition of `{display}`");
                    self.error(msg, r.span);
                    return Some(self.m.types.intern(Type::Record(rid)));
                }
                rid
            }
            None => {
                let rid = RecordId(self.m.types.records.len() as u32);
                self.m.types.records.push(RecordDef {
                    name: display.clone(),
                    is_union: r.kind == ast::RecordKind::Union,
                    fields: Vec::new(),
                    size: 0,
                    align: 1,
                    complete: false,
                });
                let t = self.m.types.intern(Type::Record(rid));
                self.symbols.add(key.clone(), Symbol::Type(t));
                self.records.insert(
                    rid,
                    RecordInfo {
                        scope: key.clone(),
                        origin: origin.clone(),
                        ..RecordInfo::default()
                    },
                );
                // A class template instance is known before its members are defined, so that
                // its members can name it with explicit arguments (`Tile<N, void>` inside
                // `Tile`), as they can with the injected class name.
                if let Some((id, args)) = &origin {
                    if let Some(c) = self.class_templates.get_mut(id.0 as usize) {
                        c.instances.insert(args.clone(), t);
                    }
                }
                rid
            }
        };
        let ty = self.m.types.intern(Type::Record(rid));
        let Some(members) = &r.members else {
            return Some(ty);
        };
        let class_ctx = Ctx {
            scope: key.clone().into(),
            class: Some(rid),
            env: ctx.env.clone(),
        };
        // Base classes become leading fields; their members are inherited.
        let mut fields = Vec::new();
        for (i, b) in r.bases.iter().enumerate() {
            let bt = self.in_context(class_ctx.clone(), |l| l.resolve_type_name(&b.name));
            if b.is_virtual {
                self.error("not supported yet: virtual base classes", b.name.span);
            }
            if let Some(brid) = self.m.types.as_record(bt) {
                fields.push(crate::types::Field {
                    name: if i == 0 {
                        "base".into()
                    } else {
                        format!("base.{i}")
                    },
                    ty: bt,
                    offset: 0,
                });
                if let Some(binfo) = self.records.get(&brid).cloned() {
                    if let Some(info) = self.records.get_mut(&rid) {
                        for (n, c) in binfo.methods {
                            info.methods.entry(n).or_default().extend(c);
                        }
                        info.conversions.extend(binfo.conversions);
                    }
                    // Names of the base's scope are visible in the derived class.
                    self.symbols
                        .using_dirs
                        .push((key.clone(), binfo.scope.clone()));
                }
            }
        }
        // First pass: data members, nested types, static members.
        for m in members {
            match m {
                Item::Variables(v) => {
                    if v.specs.storage == ast::Storage::Static || v.specs.is_constexpr {
                        self.static_members(v, &class_ctx);
                        continue;
                    }
                    for d in &v.declarators {
                        if let Some(w) = &d.bit_width {
                            self.error("not supported yet: bit-fields", w.span);
                        }
                        let (fty, _) = self.in_context(class_ctx.clone(), |l| {
                            let base = l
                                .lower_base_type(&v.specs, v.span)
                                .unwrap_or_else(|| l.ty_error());
                            l.apply_declarator(
                                base,
                                v.specs.is_const,
                                &d.declarator.ops,
                                d.declarator.span,
                            )
                        });
                        let name = d
                            .declarator
                            .name
                            .as_ref()
                            .map(|q| last_name(q).to_string())
                            .unwrap_or_default();
                        if fields.iter().any(|f: &crate::types::Field| f.name == name) {
                            let msg = format!("duplicate member `{name}`");
                            self.error(msg, d.declarator.span);
                        }
                        fields.push(crate::types::Field {
                            name,
                            ty: fty,
                            offset: 0,
                        });
                    }
                }
                Item::Record(_) | Item::Enum(_) | Item::TypeAlias(_) | Item::StaticAssert(_) => {}
                _ => {}
            }
        }
        if let Some(def) = self.m.types.records.get_mut(rid.0 as usize) {
            def.fields = fields;
        }
        for m in members {
            if matches!(m, Item::Record(_) | Item::Enum(_) | Item::TypeAlias(_)) {
                self.collect_item(m, &class_ctx);
            }
        }
        let min_align = match &r.align {
            Some(e) => self
                .in_context(class_ctx.clone(), |l| l.const_u64(e, "alignment"))
                .unwrap_or(1),
            None => 1,
        };
        if let Err(field) = self.m.types.layout_record(rid, min_align) {
            let msg = format!("field `{field}` of `{display}` has an incomplete type");
            self.error(msg, r.span);
        }
        // Second pass: member functions, member templates, static assertions.
        for m in members {
            match m {
                Item::Function(f) => {
                    self.register_function(f, &class_ctx, Some(rid));
                }
                Item::Template(t) => self.register_template(t, &class_ctx),
                Item::StaticAssert(_) => self.collect_item(m, &class_ctx),
                _ => {}
            }
        }
        Some(ty)
    }

    fn static_members(&mut self, v: &'a ast::VarDecl, ctx: &Ctx) {
        for d in &v.declarators {
            let Some(name) = d.declarator.name.as_ref().map(|q| last_name(q).to_string()) else {
                continue;
            };
            let val = self.in_context(ctx.clone(), |l| {
                let base = l.lower_base_type(&v.specs, v.span)?;
                let (ty, _) = l.apply_declarator(
                    base,
                    v.specs.is_const,
                    &d.declarator.ops,
                    d.declarator.span,
                );
                let init = match &d.init {
                    Some(ast::Initializer::Expr(e)) => e,
                    Some(ast::Initializer::Braced(list, _)) if list.len() == 1 => match &list[0] {
                        ast::Initializer::Expr(e) => e,
                        _ => return None,
                    },
                    _ => return None,
                };
                let ex = l.lower_expr(init);
                let ex = l.convert_implicit(ex, ty, "initialization");
                match l.eval_const(&ex) {
                    Ok(v) => Some((v, ty)),
                    Err(e) => {
                        l.report_eval_error(e, "static member initializer");
                        None
                    }
                }
            });
            match val {
                Some((c, ty)) => self.symbols.add(ctx.key(&name), Symbol::Value(c, ty)),
                None => {
                    let msg = format!(
                        "not supported yet: static data member `{name}` without a constant initializer"
                    );
                    self.error(msg, d.declarator.span);
                }
            }
        }
    }

    /// Defines an enum and its enumerators; returns its type.
    pub fn define_enum(&mut self, e: &'a ast::EnumDef, ctx: &Ctx) -> Option<TypeId> {
        let name = e.name.as_ref().map(|n| n.name.clone());
        let key = match &name {
            Some(n) => ctx.key(n),
            None => {
                self.anon_count += 1;
                ctx.key(&format!("<anonymous enum {}>", self.anon_count))
            }
        };
        if let Some(syms) = self.symbols.get(&key) {
            if let Some(Symbol::Type(t)) = syms.first() {
                if e.enumerators.is_none() {
                    return Some(*t);
                }
            }
        }
        let underlying = match &e.underlying {
            Some(t) => {
                let ty = self.in_context(ctx.clone(), |l| l.lower_type_id(t));
                match self.m.types.as_scalar(ty) {
                    Some(s) if s.is_integral() => s,
                    _ => {
                        self.error(
                            "the underlying type of an enum must be an integer type",
                            t.span,
                        );
                        Scalar::Int
                    }
                }
            }
            None => Scalar::Int,
        };
        let eid = EnumId(self.m.types.enums.len() as u32);
        self.m.types.enums.push(EnumDef {
            name: key.clone(),
            underlying,
            scoped: e.scoped,
            enumerators: Vec::new(),
        });
        let ty = self.m.types.intern(Type::Enum(eid));
        self.symbols.add(key.clone(), Symbol::Type(ty));
        let Some(list) = &e.enumerators else {
            return Some(ty);
        };
        let mut next: i128 = 0;
        let mut values = Vec::new();
        for en in list {
            let v = match &en.value {
                Some(ex) => self
                    .in_context(ctx.clone(), |l| l.const_int(ex, "enumerator value"))
                    .unwrap_or(next),
                None => next,
            };
            next = v.wrapping_add(1);
            values.push((en.name.name.clone(), v));
            self.symbols.add(
                qualify(&key, &en.name.name),
                Symbol::Value(ConstVal::Int(v), ty),
            );
            if !e.scoped {
                self.symbols
                    .add(ctx.key(&en.name.name), Symbol::Value(ConstVal::Int(v), ty));
            }
        }
        if e.underlying.is_none() && values.iter().any(|(_, v)| i32::try_from(*v).is_err()) {
            let fits_u32 = values.iter().all(|(_, v)| u32::try_from(*v).is_ok());
            if let Some(d) = self.m.types.enums.get_mut(eid.0 as usize) {
                d.underlying = if fits_u32 { Scalar::UInt } else { Scalar::Long };
            }
        }
        if let Some(d) = self.m.types.enums.get_mut(eid.0 as usize) {
            d.enumerators = values;
        }
        Some(ty)
    }

    // ---------------------------------------------------------------------------------------
    // Global variables
    // ---------------------------------------------------------------------------------------

    fn global_vars(&mut self, v: &'a ast::VarDecl, ctx: &Ctx) {
        let cuda = &v.specs.cuda;
        let space = if cuda.shared {
            Some(AddrSpace::Shared)
        } else if cuda.constant {
            Some(AddrSpace::Constant)
        } else if cuda.device || cuda.managed {
            Some(AddrSpace::Global)
        } else {
            None
        };
        for d in &v.declarators {
            let Some(q) = &d.declarator.name else {
                continue;
            };
            let name = last_name(q).to_string();
            let key = ctx.key(&name);
            let system = self.in_system_header(v.span);
            // The CUDA builtin variables, as the system headers declare them.
            if system {
                if let Some(b) = BuiltinVar::from_name(&name) {
                    self.symbols.add(key, Symbol::Builtin(b));
                    if b != BuiltinVar::WarpSize {
                        let ty =
                            self.in_context(ctx.clone(), |l| l.lower_base_type(&v.specs, v.span));
                        if let Some(t) = ty {
                            self.builtin_vec_ty.get_or_insert(t);
                        }
                    }
                    continue;
                }
            }
            let Some(space) = space else {
                // A host variable: usable in device code only as a compile-time constant.
                let val = if v.specs.is_const || v.specs.is_constexpr {
                    self.in_context(ctx.clone(), |l| {
                        let base = l.lower_base_type(&v.specs, v.span)?;
                        let (ty, _) =
                            l.apply_declarator(base, true, &d.declarator.ops, d.declarator.span);
                        l.m.types.as_scalar(ty)?;
                        let Some(ast::Initializer::Expr(e)) = &d.init else {
                            return None;
                        };
                        let ex = l.lower_expr(e);
                        let ex = l.convert_implicit(ex, ty, "initialization");
                        l.eval_const(&ex).ok().map(|c| (c, ty))
                    })
                } else {
                    None
                };
                match val {
                    Some((c, ty)) => self.symbols.add(key, Symbol::Value(c, ty)),
                    None => self.symbols.add(key, Symbol::HostVar),
                }
                continue;
            };
            let global =
                self.in_context(ctx.clone(), |l| l.lower_global(v, d, &name, space, system));
            if let Some(g) = global {
                self.symbols.add(key, Symbol::Global(g));
            }
        }
    }

    /// Lowers one device global (also used for `__shared__` and `static` locals).
    pub fn lower_global(
        &mut self,
        v: &'a ast::VarDecl,
        d: &'a ast::InitDeclarator,
        name: &str,
        space: AddrSpace,
        _system: bool,
    ) -> Option<GlobalId> {
        let base = match self.lower_base_type(&v.specs, v.span) {
            Some(b) => b,
            None => {
                self.error("`auto` is not supported for device globals", v.span);
                self.ty_error()
            }
        };
        let (mut ty, is_const) = self.apply_declarator(
            base,
            v.specs.is_const || v.specs.is_constexpr,
            &d.declarator.ops,
            d.declarator.span,
        );
        let extern_decl = matches!(
            v.specs.storage,
            ast::Storage::Extern | ast::Storage::ExternC
        );
        let mut dynamic_shared = false;
        if let Type::Array { len: None, elem } = self.m.types.get(ty) {
            if space == AddrSpace::Shared && extern_decl {
                dynamic_shared = true;
            } else if let Some(ast::Initializer::Braced(list, _)) = &d.init {
                ty = self.m.types.intern(Type::Array {
                    elem,
                    len: Some(list.len() as u64),
                });
            } else if !extern_decl {
                let msg = format!("array `{name}` needs a size");
                self.error(msg, d.declarator.span);
            }
        }
        let init = match &d.init {
            None => None,
            Some(i) => {
                if space == AddrSpace::Shared {
                    self.error(
                        "initialization is not supported for __shared__ variables",
                        d.declarator.span,
                    );
                    None
                } else {
                    let ex = self.lower_initializer(i, ty, d.declarator.span);
                    match self.fold_init(&ex) {
                        Some(c) => Some(c),
                        None => {
                            let msg = format!("the initializer of device variable `{name}` is not a constant expression");
                            self.error(msg, ex.span);
                            None
                        }
                    }
                }
            }
        };
        let display = if self.f.active {
            format!("{}::{}", self.f.name, name)
        } else {
            self.ctx.key(name)
        };
        let id = GlobalId(self.m.globals.len() as u32);
        self.m.globals.push(Global {
            name: display,
            ty,
            space,
            managed: v.specs.cuda.managed,
            is_const,
            dynamic_shared,
            init,
            span: d.declarator.span,
        });
        Some(id)
    }

    /// Folds an initializer expression into a constant.
    pub fn fold_init(&mut self, e: &crate::ir::Expr) -> Option<ConstInit> {
        match &e.kind {
            ExprKind::InitList(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.push(self.fold_init(i)?);
                }
                Some(ConstInit::Aggregate(out))
            }
            ExprKind::Zero => Some(ConstInit::Zero),
            _ => match self.eval_const(e).ok()? {
                ConstVal::Int(v) => Some(ConstInit::Int(v)),
                ConstVal::Float(f) => Some(ConstInit::Float(f)),
            },
        }
    }

    // ---------------------------------------------------------------------------------------
    // Functions
    // ---------------------------------------------------------------------------------------

    /// The execution spaces named by the specifiers.
    pub fn exec_of(specs: &ast::DeclSpecs) -> Exec {
        let c = &specs.cuda;
        let mut e = Exec {
            host: c.host,
            device: c.device,
            global: c.global,
        };
        if !e.host && !e.device && !e.global {
            e.host = true;
            // Relaxed constexpr, as with `--expt-relaxed-constexpr`.
            e.device = specs.is_constexpr;
        }
        e
    }

    /// The signature of a function declarator in the current context.
    pub fn lower_sig(&mut self, f: &'a ast::Function, is_ctor: bool) -> Sig {
        let suffix = function_suffix(&f.declarator);
        let mut params = Vec::new();
        let mut names = Vec::new();
        let mut consts = Vec::new();
        let mut required = 0;
        let mut seen_default = false;
        if let Some(s) = suffix {
            for (i, p) in s.params.iter().enumerate() {
                let base = match self.lower_base_type(&p.specs, p.span) {
                    Some(b) => b,
                    None => {
                        self.error("`auto` parameters are not supported", p.span);
                        self.ty_error()
                    }
                };
                let (mut ty, is_const) =
                    self.apply_declarator(base, p.specs.is_const, &p.declarator.ops, p.span);
                // Array parameters are pointers.
                if let Type::Array { elem, .. } = self.m.types.get(ty) {
                    ty = self.m.types.intern(Type::Pointer {
                        pointee: elem,
                        space: AddrSpace::Generic,
                        pointee_const: p.specs.is_const,
                    });
                }
                if self.m.types.get(ty) == Type::Void
                    && s.params.len() == 1
                    && p.declarator.name.is_none()
                {
                    break;
                }
                params.push(ty);
                names.push(
                    p.declarator
                        .name
                        .as_ref()
                        .map(|q| last_name(q).to_string())
                        .unwrap_or_else(|| format!("arg{i}")),
                );
                consts.push(is_const);
                if p.default.is_some() {
                    seen_default = true;
                } else if !seen_default {
                    required = params.len();
                }
            }
        }
        let ret = if is_ctor {
            self.ty_void()
        } else {
            let base = match self.lower_base_type(&f.specs, f.span) {
                Some(b) => b,
                None => match suffix.and_then(|s| s.trailing_return.as_ref()) {
                    Some(t) => self.lower_type_id(t),
                    None => {
                        self.error(
                            "not supported yet: deduced (`auto`) return types",
                            f.declarator.span,
                        );
                        self.ty_error()
                    }
                },
            };
            let ops = f.declarator.ops.get(1..).unwrap_or(&[]);
            self.apply_declarator(base, f.specs.is_const, ops, f.span).0
        };
        Sig {
            params,
            names,
            consts,
            ret,
            required,
            variadic: suffix.is_some_and(|s| s.variadic),
        }
    }

    /// Registers a function declaration or definition. `class` is the class it is declared in.
    pub fn register_function(
        &mut self,
        f: &'a ast::Function,
        ctx: &Ctx,
        class: Option<RecordId>,
    ) -> Option<FnDeclId> {
        let q = f.declarator.name.as_ref()?;
        let mut ctx = ctx.clone();
        let mut class = class;
        // Out-of-class member definition `R S::f(…) { … }`.
        if q.segments.len() > 1 {
            let prefix = &q.segments[..q.segments.len() - 1];
            let scope = self.in_context(ctx.clone(), |l| l.resolve_scope_path(prefix, q.global));
            match scope {
                Some(scope) => {
                    let rid = self
                        .records
                        .iter()
                        .find(|(_, i)| i.scope == scope)
                        .map(|(r, _)| *r);
                    class = rid;
                    ctx = Ctx {
                        scope: scope.into(),
                        class: rid,
                        env: ctx.env.clone(),
                    };
                }
                None => {
                    let msg = format!("unknown scope in `{}`", self.sources.snippet(q.span));
                    self.error(msg, q.span);
                    return None;
                }
            }
        }
        let name = last_name(q).to_string();
        if name.starts_with('~') {
            let exec = Self::exec_of(&f.specs);
            if (exec.device || exec.global) && f.body.as_ref().is_some_and(|b| !b.stmts.is_empty())
            {
                self.error(
                    "not supported yet: destructors in device code",
                    f.declarator.span,
                );
            }
            return None;
        }
        let class_name = class
            .and_then(|r| self.m.types.record(r))
            .map(|r| unqualified_class_name(&r.name).to_string());
        let is_ctor =
            class.is_some() && f.specs.ty.is_none() && class_name.as_deref() == Some(name.as_str());
        let exec = Self::exec_of(&f.specs);
        let mut conversion_target = None;
        if f.specs.ty.is_none() && !is_ctor && name.starts_with("operator") {
            let text = name.trim_start_matches("operator").trim();
            let target = self.in_context(ctx.clone(), |l| l.conversion_target(text));
            match (target, class) {
                (Ok(t), Some(_)) => conversion_target = Some(t),
                (Err(why), _) if exec.device => {
                    let msg = format!("cannot use the conversion operator `{name}`: {why}");
                    self.error(msg, f.declarator.span);
                    return None;
                }
                (Ok(_), None) if exec.device => {
                    let msg = format!("conversion operator `{name}` must be a class member");
                    self.error(msg, f.declarator.span);
                    return None;
                }
                _ => return None,
            }
        }
        if f.specs.is_virtual && exec.device {
            self.error(
                "not supported yet: virtual functions in device code",
                f.declarator.span,
            );
        }
        let is_static = f.specs.storage == ast::Storage::Static;
        let member_class = if is_static { None } else { class };
        // Host-only functions are not compiled: problems in their signatures (function
        // pointer parameters, host-only types) are not reported; using one from device code
        // is reported at the call.
        let host_only = !exec.device && !exec.global;
        let saved_diags = host_only.then(|| std::mem::take(self.diags));
        let mut sig = self.in_context(ctx.clone(), |l| l.lower_sig(f, is_ctor));
        if let Some(saved) = saved_diags {
            *self.diags = saved;
        }
        let name = match conversion_target {
            Some(t) => {
                sig.ret = t;
                format!("operator {}", self.type_name(t))
            }
            None => name,
        };
        if exec.global && self.m.types.get(sig.ret) != Type::Void && !self.m.types.is_error(sig.ret)
        {
            self.error("a __global__ function must return void", f.declarator.span);
        }
        let display = match class {
            Some(_) => ctx.key(&name),
            None => ctx.key(&name),
        };
        let system = self.in_system_header(f.span);
        // Same function declared before?
        let existing: Vec<Callee> = if is_ctor {
            class
                .and_then(|r| self.records.get(&r))
                .map(|i| i.ctors.clone())
                .unwrap_or_default()
        } else if let Some(r) = member_class {
            self.records
                .get(&r)
                .and_then(|i| i.methods.get(&name).cloned())
                .unwrap_or_default()
        } else {
            self.symbols
                .get(&ctx.key(&name))
                .map(|s| {
                    s.iter()
                        .filter_map(|s| {
                            if let Symbol::Fn(c) = s {
                                Some(*c)
                            } else {
                                None
                            }
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        for c in existing {
            let Callee::Fn(id) = c else { continue };
            let Some(old) = self.fn_decls.get(id.0 as usize) else {
                continue;
            };
            if old.sig.params != sig.params || old.class != member_class {
                continue;
            }
            if old.ast.body.is_some() && f.body.is_some() {
                let prev = old.span;
                self.diags.push(
                    Diagnostic::error(format!("redefinition of `{display}`"), f.declarator.span)
                        .with_secondary(prev, "previous definition is here"),
                );
                return Some(id);
            }
            if f.body.is_some() || old.ast.body.is_none() {
                let old = &mut self.fn_decls[id.0 as usize];
                if f.body.is_some() {
                    old.ast = f;
                    old.span = f.span;
                    old.sig.names = sig.names.clone();
                }
                old.exec.host |= exec.host;
                old.exec.device |= exec.device;
                old.exec.global |= exec.global;
            }
            return Some(id);
        }
        let id = FnDeclId(self.fn_decls.len() as u32);
        self.fn_decls.push(FnDecl {
            ast: f,
            ctx: ctx.clone(),
            name: display,
            class: member_class,
            is_ctor,
            exec,
            system,
            sig,
            func: None,
            depth: 0,
            span: f.span,
        });
        if is_ctor {
            if let Some(info) = class.and_then(|r| self.records.get_mut(&r)) {
                info.ctors.push(Callee::Fn(id));
            }
        } else if let Some(r) = member_class {
            if let Some(info) = self.records.get_mut(&r) {
                if conversion_target.is_some() {
                    info.conversions.push(id);
                }
            }
            self.hide_inherited_methods(r, &name);
            if let Some(info) = self.records.get_mut(&r) {
                info.methods.entry(name).or_default().push(Callee::Fn(id));
            }
        } else {
            self.symbols.add(ctx.key(&name), Symbol::Fn(Callee::Fn(id)));
        }
        if exec.global && ctx.env.map.is_empty() {
            self.roots.push(id);
        }
        Some(id)
    }

    /// Checks a `static_assert`.
    pub fn check_static_assert(&mut self, sa: &'a ast::StaticAssert) {
        let ex = self.lower_expr(&sa.cond);
        let ex = self.condition_value(ex);
        if self.m.types.is_error(ex.ty) {
            return;
        }
        match self.eval_const(&ex) {
            Ok(ConstVal::Int(0)) => {
                let msg = match &sa.message {
                    Some(m) => format!("static assertion failed: {m}"),
                    None => format!(
                        "static assertion failed: `{}`",
                        self.sources.snippet(sa.cond.span)
                    ),
                };
                self.error(msg, sa.span);
            }
            Ok(_) => {}
            Err(e) => self.report_eval_error(e, "static_assert condition"),
        }
    }

    /// C++ name hiding: a member function declared in class `rid` hides the members of the
    /// same name that `rid` inherited from its bases (they stay callable as `Base::name`).
    pub fn hide_inherited_methods(&mut self, rid: RecordId, name: &str) {
        let Some(list) = self.records.get(&rid).and_then(|i| i.methods.get(name)) else {
            return;
        };
        let keep: Vec<Callee> = list
            .iter()
            .filter(|c| match c {
                Callee::Fn(id) => self
                    .fn_decls
                    .get(id.0 as usize)
                    .is_some_and(|d| d.class == Some(rid)),
                Callee::Template(id) => self
                    .fn_templates
                    .get(id.0 as usize)
                    .is_some_and(|t| t.class == Some(rid)),
            })
            .cloned()
            .collect();
        if let Some(info) = self.records.get_mut(&rid) {
            info.methods.insert(name.to_string(), keep);
        }
    }
}

fn members_is_none(r: &ast::Record) -> bool {
    r.members.is_none()
}

/// A class's name without namespaces and template arguments: `ns::Tile<4, ns::G>` -> `Tile`
/// (template arguments may themselves contain `::`, so they are cut off first).
pub(crate) fn unqualified_class_name(name: &str) -> &str {
    let plain = name.split('<').next().unwrap_or(name);
    plain.rsplit("::").next().unwrap_or(plain)
}
