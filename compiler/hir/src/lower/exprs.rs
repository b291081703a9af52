//! Expressions: names, literals, operators (built-in and overloaded), member access, calls,
//! casts, construction, `sizeof`, initializers.

use super::consteval::scalar_like;
use super::conv::mk;
use super::decls::last_name;
use super::Lowerer;
use crate::ir::{BinaryOp, BuiltinVar, ConvertKind, Expr, ExprKind, UnaryOp, ValueCategory};
use crate::scope::{Callee, ConstVal, LocalSymbol, Symbol, TArg};
use crate::types::{AddrSpace, Scalar, Type, TypeId};
use cwcc_frontend::ast::{self, ExprKind as A, FloatSuffix, IntLiteral};
use cwcc_frontend::diag::Diagnostic;
use cwcc_frontend::source::Span;

/// The type of an integer literal as C++ gives it (`None` if it fits no type).
pub fn int_literal_type(lit: &IntLiteral) -> Option<Scalar> {
    let v = lit.value;
    let fits = |s: Scalar| -> bool {
        match s {
            Scalar::Int => v <= i32::MAX as u64,
            Scalar::UInt => v <= u32::MAX as u64,
            Scalar::Long | Scalar::LongLong => v <= i64::MAX as u64,
            _ => true,
        }
    };
    let candidates: &[Scalar] = match (lit.suffix.unsigned, lit.suffix.long, lit.decimal) {
        (false, 0, true) => &[Scalar::Int, Scalar::Long, Scalar::LongLong],
        (false, 0, false) => &[
            Scalar::Int,
            Scalar::UInt,
            Scalar::Long,
            Scalar::ULong,
            Scalar::LongLong,
            Scalar::ULongLong,
        ],
        (true, 0, _) => &[Scalar::UInt, Scalar::ULong, Scalar::ULongLong],
        (false, 1, true) => &[Scalar::Long, Scalar::LongLong],
        (false, 1, false) => &[
            Scalar::Long,
            Scalar::ULong,
            Scalar::LongLong,
            Scalar::ULongLong,
        ],
        (true, 1, _) => &[Scalar::ULong, Scalar::ULongLong],
        (false, _, true) => &[Scalar::LongLong],
        (false, _, false) => &[Scalar::LongLong, Scalar::ULongLong],
        (true, _, _) => &[Scalar::ULongLong],
    };
    candidates.iter().copied().find(|s| fits(*s))
}

/// The operator spelled for a binary operator, for `operator+` lookups and messages.
pub(crate) fn binop_spelling(op: ast::BinaryOp) -> &'static str {
    use ast::BinaryOp as B;
    match op {
        B::Mul => "*",
        B::Div => "/",
        B::Rem => "%",
        B::Add => "+",
        B::Sub => "-",
        B::Shl => "<<",
        B::Shr => ">>",
        B::Lt => "<",
        B::Gt => ">",
        B::Le => "<=",
        B::Ge => ">=",
        B::Eq => "==",
        B::Ne => "!=",
        B::BitAnd => "&",
        B::BitXor => "^",
        B::BitOr => "|",
        B::LogAnd => "&&",
        B::LogOr => "||",
    }
}

fn hir_binop(op: ast::BinaryOp) -> Option<BinaryOp> {
    use ast::BinaryOp as B;
    Some(match op {
        B::Mul => BinaryOp::Mul,
        B::Div => BinaryOp::Div,
        B::Rem => BinaryOp::Rem,
        B::Add => BinaryOp::Add,
        B::Sub => BinaryOp::Sub,
        B::Shl => BinaryOp::Shl,
        B::Shr => BinaryOp::Shr,
        B::Lt => BinaryOp::Lt,
        B::Gt => BinaryOp::Gt,
        B::Le => BinaryOp::Le,
        B::Ge => BinaryOp::Ge,
        B::Eq => BinaryOp::Eq,
        B::Ne => BinaryOp::Ne,
        B::BitAnd => BinaryOp::BitAnd,
        B::BitXor => BinaryOp::BitXor,
        B::BitOr => BinaryOp::BitOr,
        B::LogAnd | B::LogOr => return None,
    })
}

/// An unsuffixed floating literal (possibly negated), which makes arithmetic double.
fn unsuffixed_double_literal(e: &ast::Expr) -> bool {
    match &e.kind {
        A::FloatLit(f) => f.suffix == FloatSuffix::None,
        A::Unary(ast::UnaryOp::Neg | ast::UnaryOp::Plus, inner) => unsuffixed_double_literal(inner),
        _ => false,
    }
}

impl<'a> Lowerer<'a> {
    /// An error placeholder expression.
    pub fn err_expr(&mut self, span: Span) -> Expr {
        let t = self.ty_error();
        mk(ExprKind::Error, t, ValueCategory::RValue, span)
    }

    fn int_const(&mut self, v: i128, s: Scalar, span: Span) -> Expr {
        let t = self.scalar(s);
        mk(ExprKind::IntConst(v), t, ValueCategory::RValue, span)
    }

    /// Lowers an expression (the result may be an lvalue).
    pub fn lower_expr(&mut self, e: &'a ast::Expr) -> Expr {
        let span = e.span;
        match &e.kind {
            A::IntLit(lit) => match int_literal_type(lit) {
                Some(s) => self.int_const(i128::from(lit.value), s, span),
                None => {
                    self.error("integer literal is too large for any integer type", span);
                    self.int_const(i128::from(lit.value), Scalar::ULongLong, span)
                }
            },
            A::FloatLit(f) => {
                let (s, v) = match f.suffix {
                    FloatSuffix::F => (Scalar::Float, f64::from(f.value as f32)),
                    FloatSuffix::None | FloatSuffix::L => (Scalar::Double, f.value),
                };
                let t = self.scalar(s);
                mk(ExprKind::FloatConst(v), t, ValueCategory::RValue, span)
            }
            A::CharLit(v, prefix) => {
                let s = match prefix {
                    ast::CharPrefix::None | ast::CharPrefix::U8 => Scalar::Char,
                    ast::CharPrefix::L => Scalar::Int,
                    ast::CharPrefix::U16 => Scalar::UShort,
                    ast::CharPrefix::U32 => Scalar::UInt,
                };
                self.int_const(super::consteval::wrap_int(i128::from(*v), s), s, span)
            }
            A::StringLit(bytes) => {
                let mut b = bytes.clone();
                b.push(0);
                let c = self.scalar(Scalar::Char);
                let t = self.m.types.intern(Type::Array {
                    elem: c,
                    len: Some(b.len() as u64),
                });
                mk(
                    ExprKind::StringConst(b),
                    t,
                    ValueCategory::LValue {
                        space: AddrSpace::Constant,
                        mutable: false,
                    },
                    span,
                )
            }
            A::BoolLit(b) => self.int_const(i128::from(*b), Scalar::Bool, span),
            A::Nullptr => {
                let t = self.m.types.intern(Type::Nullptr);
                mk(ExprKind::NullPtr, t, ValueCategory::RValue, span)
            }
            A::This => match self.f.this {
                Some(id) => {
                    let ty = self
                        .f
                        .locals
                        .get(id.0 as usize)
                        .map(|l| l.ty)
                        .unwrap_or_else(|| self.ty_error());
                    let local = mk(
                        ExprKind::Local(id),
                        ty,
                        ValueCategory::LValue {
                            space: AddrSpace::Local,
                            mutable: false,
                        },
                        span,
                    );
                    self.rvalue(local)
                }
                None => {
                    self.error("invalid use of `this` outside of a member function", span);
                    self.err_expr(span)
                }
            },
            A::Name(q) => self.lower_name(q, span),
            A::Unary(op, inner) => self.lower_unary(*op, inner, span),
            A::Binary(op, l, r) => self.lower_binary(*op, l, r, span),
            A::Assign(op, l, r) => self.lower_assign(*op, l, r, span),
            A::Conditional(c, a, b) => self.lower_conditional(c, a, b, span),
            A::Comma(a, b) => {
                let a = self.lower_expr(a);
                let b = self.lower_expr(b);
                let (ty, cat) = (b.ty, b.cat);
                mk(ExprKind::Comma(Box::new(a), Box::new(b)), ty, cat, span)
            }
            A::Call(callee, args) => self.lower_call(callee, args, span),
            A::KernelLaunch { .. } => {
                self.error(
                    "not supported yet: kernel launches in device code (dynamic parallelism)",
                    span,
                );
                self.err_expr(span)
            }
            A::Index(base, index) => self.lower_index(base, index, span),
            A::Member {
                base,
                arrow,
                member,
            } => {
                let b = self.lower_expr(base);
                self.lower_member(b, *arrow, member, span)
            }
            A::Cast(kind, ty, inner) => {
                let to = self.lower_type_id(ty);
                let v = self.lower_expr(inner);
                if *kind == ast::CastKind::Dynamic {
                    self.error("not supported yet: dynamic_cast in device code", span);
                    return self.err_expr(span);
                }
                let mut r = self.convert_explicit(v, to, *kind);
                r.span = span;
                r
            }
            A::Construct { ty, args, braced } => {
                let t = self.lower_type_id(ty);
                self.lower_construct(t, args, *braced, span)
            }
            A::InitList(_) => {
                self.error("an initializer list needs a known target type here", span);
                self.err_expr(span)
            }
            A::SizeofType(t) => {
                let ty = self.lower_type_id(t);
                self.size_expr(ty, span, false)
            }
            A::SizeofExpr(inner) => {
                let v = self.lower_expr(inner);
                self.size_expr(v.ty, span, false)
            }
            A::AlignofType(t) => {
                let ty = self.lower_type_id(t);
                self.size_expr(ty, span, true)
            }
            A::OffsetOf(t, path) => {
                let ty = self.lower_type_id(t);
                self.offsetof_expr(ty, path, span)
            }
            A::Unsupported(text) => {
                let msg = format!("not supported yet: `{text}` in device code");
                self.error(msg, span);
                self.err_expr(span)
            }
        }
    }

    fn size_expr(&mut self, ty: TypeId, span: Span, align: bool) -> Expr {
        if self.m.types.is_error(ty) {
            return self.err_expr(span);
        }
        let v = if align {
            self.m.types.align_of(ty)
        } else {
            self.m.types.size_of(ty)
        };
        match v {
            Some(v) => self.int_const(i128::from(v), Scalar::ULong, span),
            None => {
                let msg = format!(
                    "invalid application of `{}` to an incomplete type `{}`",
                    if align { "alignof" } else { "sizeof" },
                    self.type_name(ty)
                );
                self.error(msg, span);
                self.err_expr(span)
            }
        }
    }

    /// `__builtin_offsetof(T, a.b)`: the byte offset of the member path as a `size_t`
    /// constant, from the record layout (members of a base class are found through it).
    fn offsetof_expr(&mut self, ty: TypeId, path: &[ast::Ident], span: Span) -> Expr {
        if self.m.types.is_error(ty) {
            return self.err_expr(span);
        }
        let mut total = 0u64;
        let mut current = ty;
        for member in path {
            let complete = self
                .m
                .types
                .as_record(current)
                .and_then(|r| self.m.types.record(r))
                .filter(|r| r.complete)
                .is_some();
            if !complete {
                let msg = format!(
                    "`offsetof` needs a complete struct or union type, but `{}` is not one",
                    self.type_name(current)
                );
                self.error(msg, member.span);
                return self.err_expr(span);
            }
            match self.find_field_offset(current, &member.name) {
                Some((offset, field_ty)) => {
                    total += offset;
                    current = field_ty;
                }
                None => {
                    let msg = format!(
                        "no member named `{}` in `{}`",
                        member.name,
                        self.type_name(current)
                    );
                    self.error(msg, member.span);
                    return self.err_expr(span);
                }
            }
        }
        self.int_const(i128::from(total), Scalar::ULong, span)
    }

    /// The offset and type of the field `name` of the record type `ty`, looking into base
    /// classes (stored as fields named `base`) when it is not a direct member.
    fn find_field_offset(&self, ty: TypeId, name: &str) -> Option<(u64, TypeId)> {
        let rec = self.m.types.record(self.m.types.as_record(ty)?)?;
        if let Some(f) = rec.fields.iter().find(|f| f.name == name) {
            return Some((f.offset, f.ty));
        }
        rec.fields
            .iter()
            .filter(|f| f.name == "base")
            .find_map(|f| {
                self.find_field_offset(f.ty, name)
                    .map(|(off, t)| (f.offset + off, t))
            })
    }

    /// A variable reference as an lvalue (references are dereferenced).
    pub fn local_expr(&mut self, id: crate::ir::LocalId, span: Span) -> Expr {
        let Some(l) = self.f.locals.get(id.0 as usize) else {
            return self.err_expr(span);
        };
        let (ty, is_const) = (l.ty, l.is_const);
        if let Type::Reference {
            pointee,
            is_const: rc,
        } = self.m.types.get(ty)
        {
            let ptr_ty = self.m.types.intern(Type::Pointer {
                pointee,
                space: AddrSpace::Generic,
                pointee_const: rc,
            });
            let var = mk(
                ExprKind::Local(id),
                ty,
                ValueCategory::LValue {
                    space: AddrSpace::Local,
                    mutable: false,
                },
                span,
            );
            let loaded = mk(
                ExprKind::Convert(ConvertKind::LValueToRValue, Box::new(var)),
                ptr_ty,
                ValueCategory::RValue,
                span,
            );
            return mk(
                ExprKind::Deref(Box::new(loaded)),
                pointee,
                ValueCategory::LValue {
                    space: AddrSpace::Generic,
                    mutable: !rc,
                },
                span,
            );
        }
        mk(
            ExprKind::Local(id),
            ty,
            ValueCategory::LValue {
                space: AddrSpace::Local,
                mutable: !is_const,
            },
            span,
        )
    }

    fn global_expr(&mut self, g: crate::ir::GlobalId, span: Span) -> Expr {
        let Some(gl) = self.m.global(g) else {
            return self.err_expr(span);
        };
        let (ty, space, is_const) = (gl.ty, gl.space, gl.is_const);
        mk(
            ExprKind::Global(g),
            ty,
            ValueCategory::LValue {
                space,
                mutable: !is_const && space != AddrSpace::Constant,
            },
            span,
        )
    }

    fn builtin_expr(&mut self, b: BuiltinVar, span: Span) -> Expr {
        if b == BuiltinVar::WarpSize {
            let t = self.ty_int();
            return mk(ExprKind::Builtin(b, None), t, ValueCategory::RValue, span);
        }
        let t = self.builtin_vec_type();
        mk(ExprKind::Builtin(b, None), t, ValueCategory::RValue, span)
    }

    /// The `uint3` type of the builtin index variables (declared by the headers, or made here).
    pub fn builtin_vec_type(&mut self) -> TypeId {
        if let Some(t) = self.builtin_vec_ty {
            return t;
        }
        if let Some(Symbol::Type(t)) = self.symbols.get("uint3").and_then(|s| s.first()).cloned() {
            self.builtin_vec_ty = Some(t);
            return t;
        }
        let u = self.scalar(Scalar::UInt);
        let rid = crate::types::RecordId(self.m.types.records.len() as u32);
        self.m.types.records.push(crate::types::RecordDef {
            name: "uint3".into(),
            is_union: false,
            fields: ["x", "y", "z"]
                .iter()
                .map(|n| crate::types::Field {
                    name: (*n).into(),
                    ty: u,
                    offset: 0,
                })
                .collect(),
            size: 0,
            align: 1,
            complete: false,
        });
        let _ = self.m.types.layout_record(rid, 1);
        let t = self.m.types.intern(Type::Record(rid));
        self.records.insert(
            rid,
            super::RecordInfo {
                scope: "uint3".into(),
                ..Default::default()
            },
        );
        self.builtin_vec_ty = Some(t);
        t
    }

    /// Finds a field by name, also in base classes; returns the path of field indexes.
    pub fn find_field(&self, ty: TypeId, name: &str, depth: u32) -> Option<Vec<u32>> {
        let rid = self.m.types.as_record(ty)?;
        let rec = self.m.types.record(rid)?;
        if let Some(i) = rec.fields.iter().position(|f| f.name == name) {
            return Some(vec![i as u32]);
        }
        if depth > 16 {
            return None;
        }
        for (i, f) in rec.fields.iter().enumerate() {
            if f.name.starts_with("base") {
                if let Some(mut rest) = self.find_field(f.ty, name, depth + 1) {
                    rest.insert(0, i as u32);
                    return Some(rest);
                }
            }
        }
        None
    }

    /// `base.field` along a path of field indexes.
    pub fn field_path(&mut self, base: Expr, path: &[u32], span: Span) -> Expr {
        let mut cur = base;
        for &i in path {
            let Some(rid) = self.m.types.as_record(cur.ty) else {
                return self.err_expr(span);
            };
            let Some(f) = self
                .m
                .types
                .record(rid)
                .and_then(|r| r.fields.get(i as usize))
            else {
                return self.err_expr(span);
            };
            let fty = f.ty;
            let cat = cur.cat;
            cur = mk(
                ExprKind::Field {
                    base: Box::new(cur),
                    field: i,
                },
                fty,
                cat,
                span,
            );
        }
        cur
    }

    /// `*this` as an lvalue.
    pub fn this_object(&mut self, span: Span) -> Option<Expr> {
        let id = self.f.this?;
        let ty = self.f.locals.get(id.0 as usize)?.ty;
        let Type::Pointer { pointee, .. } = self.m.types.get(ty) else {
            return None;
        };
        let var = mk(
            ExprKind::Local(id),
            ty,
            ValueCategory::LValue {
                space: AddrSpace::Local,
                mutable: false,
            },
            span,
        );
        let ptr = mk(
            ExprKind::Convert(ConvertKind::LValueToRValue, Box::new(var)),
            ty,
            ValueCategory::RValue,
            span,
        );
        Some(mk(
            ExprKind::Deref(Box::new(ptr)),
            pointee,
            ValueCategory::LValue {
                space: AddrSpace::Generic,
                mutable: true,
            },
            span,
        ))
    }

    fn lower_name(&mut self, q: &'a ast::QualifiedName, span: Span) -> Expr {
        let name = last_name(q);
        if q.segments.len() == 1 && !q.global && q.segments[0].template_args.is_none() {
            match self.f.scopes.lookup(name) {
                Some(LocalSymbol::Local(id)) => return self.local_expr(id, span),
                Some(LocalSymbol::Global(g)) => return self.global_expr(g, span),
                Some(LocalSymbol::Type(_)) => {
                    let msg = format!("unexpected type name `{name}`: expected an expression");
                    self.error(msg, span);
                    return self.err_expr(span);
                }
                None => {}
            }
            if let Some(TArg::Value(v, t)) = self.ctx.env.map.get(name) {
                let (v, t) = (*v, *t);
                return mk(ExprKind::IntConst(v), t, ValueCategory::RValue, span);
            }
            // A member of the enclosing class, through the implicit `this`.
            if let Some(rid) = self.ctx.class {
                let rty = self.m.types.intern(Type::Record(rid));
                if let Some(path) = self.find_field(rty, name, 0) {
                    match self.this_object(span) {
                        Some(obj) => return self.field_path(obj, &path, span),
                        None => {
                            let msg = format!(
                                "invalid use of member `{name}` in a static member function"
                            );
                            self.error(msg, span);
                            return self.err_expr(span);
                        }
                    }
                }
            }
        }
        let syms = self.resolve_qualified(q);
        if syms.is_empty() {
            if let Some(b) = BuiltinVar::from_name(name).filter(|_| q.segments.len() == 1) {
                return self.builtin_expr(b, span);
            }
            self.undeclared(q, span, false);
            return self.err_expr(span);
        }
        match &syms[0] {
            Symbol::Global(g) => self.global_expr(*g, span),
            Symbol::Builtin(b) => self.builtin_expr(*b, span),
            Symbol::Value(v, t) => match v {
                ConstVal::Int(i) => mk(ExprKind::IntConst(*i), *t, ValueCategory::RValue, span),
                ConstVal::Float(f) => mk(ExprKind::FloatConst(*f), *t, ValueCategory::RValue, span),
            },
            Symbol::HostVar => {
                let msg = format!(
                    "host variable `{}` cannot be used in device code",
                    self.spelled(q)
                );
                self.error(msg, span);
                self.err_expr(span)
            }
            Symbol::Fn(_) => {
                self.error(
                    "not supported yet: function pointers (a function name used as a value)",
                    span,
                );
                self.err_expr(span)
            }
            Symbol::Type(_) | Symbol::ClassTemplate(_) | Symbol::AliasTemplate(_) => {
                let msg = format!(
                    "unexpected type name `{}`: expected an expression",
                    self.spelled(q)
                );
                self.error(msg, span);
                self.err_expr(span)
            }
            Symbol::Namespace => {
                let msg = format!(
                    "unexpected namespace name `{}`: expected an expression",
                    self.spelled(q)
                );
                self.error(msg, span);
                self.err_expr(span)
            }
        }
    }

    /// Reports a name that lookup did not find: a name of skipped host code (a host function
    /// or variable) is reported as such, anything else as undeclared with a suggestion.
    fn undeclared(&mut self, q: &ast::QualifiedName, span: Span, is_call: bool) {
        let name = last_name(q);
        let function = format!(
            "{} function `{}`",
            if self.f.is_kernel {
                "__global__"
            } else {
                "__device__"
            },
            self.f.name
        );
        if let Some(host) = self.host_function_named(name) {
            let msg = if is_call {
                format!(
                    "calling a __host__ function `{}` from a {function} is not allowed",
                    self.spelled(q)
                )
            } else {
                format!(
                    "the __host__ function `{}` cannot be used in a {function}",
                    self.spelled(q)
                )
            };
            self.diags.push(
                Diagnostic::error(msg, span).with_secondary(host, "host function defined here"),
            );
            return;
        }
        let mut d = Diagnostic::error(
            format!("use of undeclared identifier `{}`", self.spelled(q)),
            span,
        );
        if let Some(s) = self.suggest(name) {
            d = d.with_note(format!("did you mean `{s}`?"));
        }
        self.diags.push(d);
    }

    /// The name as spelled in the source (falls back to the last segment).
    pub fn spelled(&self, q: &ast::QualifiedName) -> String {
        let s = self.sources.snippet(q.span);
        if s.is_empty() {
            last_name(q).to_string()
        } else {
            s.to_string()
        }
    }

    /// `base.member` / `base->member` (data members; methods are handled by calls).
    pub fn lower_member(
        &mut self,
        base: Expr,
        arrow: bool,
        member: &'a ast::QualifiedName,
        span: Span,
    ) -> Expr {
        if self.m.types.is_error(base.ty) {
            return self.err_expr(span);
        }
        let obj = if arrow { self.deref(base, span) } else { base };
        if self.m.types.is_error(obj.ty) {
            return obj;
        }
        let name = last_name(member);
        if let ExprKind::Builtin(b, None) = obj.kind {
            let comp = match name {
                "x" => Some(0),
                "y" => Some(1),
                "z" => Some(2),
                _ => None,
            };
            if let Some(c) = comp {
                let u = self.scalar(Scalar::UInt);
                return mk(
                    ExprKind::Builtin(b, Some(c)),
                    u,
                    ValueCategory::RValue,
                    span,
                );
            }
        }
        match self.find_field(obj.ty, name, 0) {
            Some(path) => self.field_path(obj, &path, span),
            None => {
                let msg = if self.m.types.as_record(obj.ty).is_some() {
                    format!("no member named `{name}` in `{}`", self.type_name(obj.ty))
                } else {
                    format!(
                        "member reference base type `{}` is not a structure or union",
                        self.type_name(obj.ty)
                    )
                };
                let mut d = Diagnostic::error(msg, member.span);
                if let Some(rid) = self.m.types.as_record(obj.ty) {
                    if let Some(r) = self.m.types.record(rid) {
                        if let Some(s) =
                            crate::scope::closest(name, r.fields.iter().map(|f| f.name.as_str()))
                        {
                            d = d.with_note(format!("did you mean `{s}`?"));
                        }
                    }
                }
                self.diags.push(d);
                self.err_expr(span)
            }
        }
    }

    /// `*e` for a pointer `e`.
    pub fn deref(&mut self, e: Expr, span: Span) -> Expr {
        let e = self.rvalue(e);
        match self.m.types.get(e.ty) {
            Type::Pointer {
                pointee,
                space,
                pointee_const,
            } => {
                if self.m.types.get(pointee) == Type::Void {
                    self.error("cannot dereference a `void *` pointer", span);
                    return self.err_expr(span);
                }
                mk(
                    ExprKind::Deref(Box::new(e)),
                    pointee,
                    ValueCategory::LValue {
                        space,
                        mutable: !pointee_const,
                    },
                    span,
                )
            }
            Type::Error => e,
            _ => {
                let msg = format!(
                    "indirection requires a pointer operand (`{}` is not a pointer)",
                    self.type_name(e.ty)
                );
                self.error(msg, span);
                self.err_expr(span)
            }
        }
    }

    fn require_modifiable(&mut self, e: &Expr, what: &str) -> bool {
        match e.cat {
            ValueCategory::LValue { mutable: true, .. } => true,
            ValueCategory::LValue { mutable: false, .. } => {
                let msg = format!(
                    "cannot {what} a const-qualified lvalue of type `{}`",
                    self.type_name(e.ty)
                );
                self.error(msg, e.span);
                false
            }
            ValueCategory::RValue => {
                if !self.m.types.is_error(e.ty) {
                    let msg = format!("expression is not assignable: cannot {what} an rvalue");
                    self.error(msg, e.span);
                }
                false
            }
        }
    }

    fn lower_unary(&mut self, op: ast::UnaryOp, inner: &'a ast::Expr, span: Span) -> Expr {
        use ast::UnaryOp as U;
        let v = self.lower_expr(inner);
        if self.m.types.is_error(v.ty) {
            return v;
        }
        if matches!(self.m.types.get(v.ty), Type::Record(_)) && op != U::AddrOf {
            let spelling = match op {
                U::Plus => "+",
                U::Neg => "-",
                U::Not => "!",
                U::BitNot => "~",
                U::Deref => "*",
                U::PreInc | U::PostInc => "++",
                U::PreDec | U::PostDec => "--",
                U::AddrOf => "&",
            };
            let mut args = vec![v];
            if matches!(op, U::PostInc | U::PostDec) {
                args.push(self.int_const(0, Scalar::Int, span));
            }
            return self.operator_call(spelling, args, span);
        }
        match op {
            U::Plus | U::Neg | U::BitNot => {
                let v = self.rvalue(v);
                if let Type::Pointer { .. } = self.m.types.get(v.ty) {
                    if op == U::Plus {
                        return v;
                    }
                }
                let Some(s) = scalar_like(&self.m.types, v.ty) else {
                    return self.bad_unary(op, &v, span);
                };
                if op == U::BitNot && s.is_floating() {
                    return self.bad_unary(op, &v, span);
                }
                let v = self.promote(v);
                if op == U::Plus {
                    return v;
                }
                let ty = v.ty;
                let uop = if op == U::Neg {
                    UnaryOp::Neg
                } else {
                    UnaryOp::BitNot
                };
                mk(
                    ExprKind::Unary(uop, Box::new(v)),
                    ty,
                    ValueCategory::RValue,
                    span,
                )
            }
            U::Not => {
                let b = self.condition_value(v);
                let ty = self.ty_bool();
                mk(
                    ExprKind::Unary(UnaryOp::LogNot, Box::new(b)),
                    ty,
                    ValueCategory::RValue,
                    span,
                )
            }
            U::Deref => self.deref(v, span),
            U::AddrOf => match v.cat {
                ValueCategory::LValue { space, mutable } => {
                    let ty = self.m.types.intern(Type::Pointer {
                        pointee: v.ty,
                        space,
                        pointee_const: !mutable,
                    });
                    mk(
                        ExprKind::AddrOf(Box::new(v)),
                        ty,
                        ValueCategory::RValue,
                        span,
                    )
                }
                ValueCategory::RValue => {
                    self.error("cannot take the address of an rvalue", span);
                    self.err_expr(span)
                }
            },
            U::PreInc | U::PreDec | U::PostInc | U::PostDec => {
                if !self.require_modifiable(&v, "increment or decrement") {
                    return self.err_expr(span);
                }
                let ok = matches!(
                    self.m.types.get(v.ty),
                    Type::Scalar(_) | Type::Pointer { .. }
                );
                if !ok {
                    return self.bad_unary(op, &v, span);
                }
                let prefix = matches!(op, U::PreInc | U::PreDec);
                let increment = matches!(op, U::PreInc | U::PostInc);
                let (ty, cat) = (v.ty, if prefix { v.cat } else { ValueCategory::RValue });
                mk(
                    ExprKind::IncDec {
                        increment,
                        prefix,
                        target: Box::new(v),
                    },
                    ty,
                    cat,
                    span,
                )
            }
        }
    }

    fn bad_unary(&mut self, op: ast::UnaryOp, v: &Expr, span: Span) -> Expr {
        let msg = format!(
            "invalid argument type `{}` to unary expression `{:?}`",
            self.type_name(v.ty),
            op
        );
        self.error(msg, span);
        self.err_expr(span)
    }

    /// Warns about an implicit double-precision operation caused by an unsuffixed literal.
    fn warn_implicit_double(&mut self, lit: &'a ast::Expr, span: Span) {
        if self.f.warned_double || self.in_system_header(span) {
            return;
        }
        self.f.warned_double = true;
        let text = self.sources.snippet(lit.span).trim().to_string();
        let suggestion = if text.is_empty() {
            "a `f` suffix".to_string()
        } else {
            format!("`{text}f`")
        };
        self.diags.push(
            Diagnostic::warning(
                "implicit conversion to double; use ".to_string()
                    + &suggestion
                    + " to stay in single precision",
                span,
            )
            .with_secondary(lit.span, "this literal has type `double`"),
        );
    }

    /// Checks the operands of a binary arithmetic for float-with-double-literal.
    fn check_double_promotion(
        &mut self,
        l: &'a ast::Expr,
        r: &'a ast::Expr,
        lt: TypeId,
        rt: TypeId,
        span: Span,
    ) {
        let is_float = |t: TypeId, me: &Self| scalar_like(&me.m.types, t) == Some(Scalar::Float);
        if is_float(lt, self) && unsuffixed_double_literal(r) {
            self.warn_implicit_double(r, span);
        } else if is_float(rt, self) && unsuffixed_double_literal(l) {
            self.warn_implicit_double(l, span);
        }
    }

    fn lower_binary(
        &mut self,
        op: ast::BinaryOp,
        l: &'a ast::Expr,
        r: &'a ast::Expr,
        span: Span,
    ) -> Expr {
        let lv = self.lower_expr(l);
        let rv = self.lower_expr(r);
        self.binary_values(op, lv, rv, Some((l, r)), span)
    }

    /// A binary operator applied to lowered operands (`ast` gives the operand syntax for the
    /// implicit-double warning).
    pub fn binary_values(
        &mut self,
        op: ast::BinaryOp,
        lv: Expr,
        rv: Expr,
        ast_ops: Option<(&'a ast::Expr, &'a ast::Expr)>,
        span: Span,
    ) -> Expr {
        use ast::BinaryOp as B;
        if self.m.types.is_error(lv.ty) || self.m.types.is_error(rv.ty) {
            return self.err_expr(span);
        }
        let is_record = |t: TypeId, me: &Self| matches!(me.m.types.get(t), Type::Record(_));
        let is_scoped_enum = |t: TypeId, me: &Self| match me.m.types.get(t) {
            Type::Enum(e) => me.m.types.enum_def(e).is_some_and(|d| d.scoped),
            _ => false,
        };
        if is_record(lv.ty, self) || is_record(rv.ty, self) {
            return self.operator_call(binop_spelling(op), vec![lv, rv], span);
        }
        if matches!(op, B::LogAnd | B::LogOr) {
            let a = self.condition_value(lv);
            let b = self.condition_value(rv);
            let t = self.ty_bool();
            return mk(
                ExprKind::Logical {
                    is_and: op == B::LogAnd,
                    lhs: Box::new(a),
                    rhs: Box::new(b),
                },
                t,
                ValueCategory::RValue,
                span,
            );
        }
        let Some(hop) = hir_binop(op) else {
            return self.err_expr(span);
        };
        let lv = self.rvalue(lv);
        let rv = self.rvalue(rv);
        let lt = self.m.types.get(lv.ty);
        let rt = self.m.types.get(rv.ty);
        let l_arith = scalar_like(&self.m.types, lv.ty).is_some();
        let r_arith = scalar_like(&self.m.types, rv.ty).is_some();
        let scoped = is_scoped_enum(lv.ty, self) || is_scoped_enum(rv.ty, self);
        // Pointer arithmetic and comparisons.
        match (lt, rt, hop) {
            (Type::Pointer { .. }, _, BinaryOp::Add | BinaryOp::Sub)
                if r_arith && self.is_integral(rv.ty) =>
            {
                return self.ptr_add(lv, rv, hop == BinaryOp::Sub, span);
            }
            (_, Type::Pointer { .. }, BinaryOp::Add) if l_arith && self.is_integral(lv.ty) => {
                return self.ptr_add(rv, lv, false, span);
            }
            (Type::Pointer { pointee: a, .. }, Type::Pointer { pointee: b, .. }, BinaryOp::Sub) => {
                if a != b {
                    return self.invalid_operands(op, &lv, &rv, span);
                }
                let t = self.ty_long();
                return mk(
                    ExprKind::PtrDiff(Box::new(lv), Box::new(rv)),
                    t,
                    ValueCategory::RValue,
                    span,
                );
            }
            (Type::Pointer { .. } | Type::Nullptr, _, _)
            | (_, Type::Pointer { .. } | Type::Nullptr, _)
                if hop.is_comparison() =>
            {
                let (lv, rv) = if matches!(lt, Type::Pointer { .. }) {
                    let t = lv.ty;
                    let rv = self.convert_pointer_operand(rv, t);
                    (lv, rv)
                } else {
                    let t = rv.ty;
                    let lv = self.convert_pointer_operand(lv, t);
                    (lv, rv)
                };
                if self.m.types.is_error(lv.ty) || self.m.types.is_error(rv.ty) {
                    return self.invalid_operands(op, &lv, &rv, span);
                }
                let b = self.ty_bool();
                return mk(
                    ExprKind::Binary(hop, Box::new(lv), Box::new(rv)),
                    b,
                    ValueCategory::RValue,
                    span,
                );
            }
            _ => {}
        }
        if !l_arith || !r_arith || (scoped && !(hop.is_comparison() && lv.ty == rv.ty)) {
            return self.invalid_operands(op, &lv, &rv, span);
        }
        let integral_only = matches!(
            hop,
            BinaryOp::Rem
                | BinaryOp::Shl
                | BinaryOp::Shr
                | BinaryOp::BitAnd
                | BinaryOp::BitOr
                | BinaryOp::BitXor
        );
        if integral_only && (!self.is_integral(lv.ty) || !self.is_integral(rv.ty)) {
            return self.invalid_operands(op, &lv, &rv, span);
        }
        if let Some((la, ra)) = ast_ops {
            self.check_double_promotion(la, ra, lv.ty, rv.ty, span);
        }
        if matches!(hop, BinaryOp::Shl | BinaryOp::Shr) {
            let a = self.promote(lv);
            let b = self.promote(rv);
            let t = a.ty;
            return mk(
                ExprKind::Binary(hop, Box::new(a), Box::new(b)),
                t,
                ValueCategory::RValue,
                span,
            );
        }
        let (a, b, t) = self.usual_arith(lv, rv);
        let rt = if hop.is_comparison() {
            self.ty_bool()
        } else {
            t
        };
        mk(
            ExprKind::Binary(hop, Box::new(a), Box::new(b)),
            rt,
            ValueCategory::RValue,
            span,
        )
    }

    fn is_integral(&self, t: TypeId) -> bool {
        scalar_like(&self.m.types, t).is_some_and(|s| s.is_integral())
    }

    fn convert_pointer_operand(&mut self, e: Expr, ptr_ty: TypeId) -> Expr {
        if e.ty == ptr_ty {
            return e;
        }
        if self.is_null_constant(&e) || matches!(self.m.types.get(e.ty), Type::Nullptr) {
            let span = e.span;
            return mk(ExprKind::NullPtr, ptr_ty, ValueCategory::RValue, span);
        }
        match (self.m.types.get(e.ty), self.m.types.get(ptr_ty)) {
            (Type::Pointer { pointee: a, .. }, Type::Pointer { pointee: b, .. })
                if a == b
                    || self.m.types.get(a) == Type::Void
                    || self.m.types.get(b) == Type::Void =>
            {
                self.conv(ConvertKind::PointerCast, e, ptr_ty)
            }
            _ => {
                let span = e.span;
                self.err_expr(span)
            }
        }
    }

    fn ptr_add(&mut self, ptr: Expr, index: Expr, negate: bool, span: Span) -> Expr {
        let l = self.ty_long();
        let idx = self.rvalue(index);
        let mut idx = self.cast_scalar(idx, l);
        if negate {
            let s = idx.span;
            idx = mk(
                ExprKind::Unary(UnaryOp::Neg, Box::new(idx)),
                l,
                ValueCategory::RValue,
                s,
            );
        }
        let ty = ptr.ty;
        mk(
            ExprKind::PtrAdd {
                ptr: Box::new(ptr),
                index: Box::new(idx),
            },
            ty,
            ValueCategory::RValue,
            span,
        )
    }

    fn invalid_operands(&mut self, op: ast::BinaryOp, l: &Expr, r: &Expr, span: Span) -> Expr {
        let msg = format!(
            "invalid operands to binary expression `{}` (`{}` and `{}`)",
            binop_spelling(op),
            self.type_name(l.ty),
            self.type_name(r.ty)
        );
        self.error(msg, span);
        self.err_expr(span)
    }

    fn lower_assign(
        &mut self,
        op: Option<ast::BinaryOp>,
        l: &'a ast::Expr,
        r: &'a ast::Expr,
        span: Span,
    ) -> Expr {
        let target = self.lower_expr(l);
        if self.m.types.is_error(target.ty) {
            let _ = self.lower_expr(r);
            return self.err_expr(span);
        }
        // Overloaded assignment operators on records.
        if let Type::Record(rid) = self.m.types.get(target.ty) {
            let spelling = match op {
                None => "=".to_string(),
                Some(o) => format!("{}=", binop_spelling(o)),
            };
            let has_user_op = self
                .records
                .get(&rid)
                .is_some_and(|i| i.methods.contains_key(&format!("operator{spelling}")))
                || self
                    .symbols
                    .lookup(&self.ctx.scope.clone(), &format!("operator{spelling}"))
                    .is_some();
            if has_user_op {
                let value = self.lower_assign_rhs(r, target.ty);
                return self.operator_call(&spelling, vec![target, value], span);
            }
            if let Some(o) = op {
                // `a += b` as `a = a + b` for records with only `operator+`.
                let value = self.lower_expr(r);
                let lhs_copy = target.clone();
                let sum = self.binary_values(o, lhs_copy, value, None, span);
                if self.m.types.is_error(sum.ty) {
                    return sum;
                }
                if !self.require_modifiable(&target, "assign to") {
                    return self.err_expr(span);
                }
                let sum = self.convert_implicit(sum, target.ty, "assignment");
                let ty = target.ty;
                let cat = target.cat;
                return mk(
                    ExprKind::Assign {
                        target: Box::new(target),
                        value: Box::new(sum),
                    },
                    ty,
                    cat,
                    span,
                );
            }
        }
        if !self.require_modifiable(&target, "assign to") {
            let _ = self.lower_expr(r);
            return self.err_expr(span);
        }
        let ty = target.ty;
        let cat = target.cat;
        match op {
            None => {
                let value = self.lower_assign_rhs(r, ty);
                if let Some(lit) = Some(r).filter(|r| unsuffixed_double_literal(r)) {
                    let _ = lit;
                }
                let value = self.convert_implicit(value, ty, "assignment");
                mk(
                    ExprKind::Assign {
                        target: Box::new(target),
                        value: Box::new(value),
                    },
                    ty,
                    cat,
                    span,
                )
            }
            Some(o) => {
                let value = self.lower_expr(r);
                let mut value = self.rvalue(value);
                if self.m.types.is_error(value.ty) {
                    return self.err_expr(span);
                }
                // A class operand of a built-in compound assignment (`f += h` with `h` a class
                // with `operator float()`) goes through its conversion operator to the target's
                // type (the built-in candidate `T& op=(T&, R)`).
                if self.m.types.as_record(value.ty).is_some()
                    && scalar_like(&self.m.types, ty).is_some()
                {
                    value = match self.apply_conversion_op(value, ty, false) {
                        Ok(v) | Err(v) => v,
                    };
                }
                let hop = hir_binop(o);
                let Some(hop) = hop else {
                    return self.err_expr(span);
                };
                if let Type::Pointer { .. } = self.m.types.get(ty) {
                    if matches!(hop, BinaryOp::Add | BinaryOp::Sub) && self.is_integral(value.ty) {
                        let l = self.ty_long();
                        let v = self.cast_scalar(value, l);
                        return mk(
                            ExprKind::CompoundAssign {
                                op: hop,
                                target: Box::new(target),
                                value: Box::new(v),
                                compute: l,
                            },
                            ty,
                            cat,
                            span,
                        );
                    }
                    return self.invalid_operands(o, &target, &value, span);
                }
                let (Some(ts), Some(vs)) = (
                    scalar_like(&self.m.types, ty),
                    scalar_like(&self.m.types, value.ty),
                ) else {
                    return self.invalid_operands(o, &target, &value, span);
                };
                let integral_only = matches!(
                    hop,
                    BinaryOp::Rem
                        | BinaryOp::Shl
                        | BinaryOp::Shr
                        | BinaryOp::BitAnd
                        | BinaryOp::BitOr
                        | BinaryOp::BitXor
                );
                if integral_only && (ts.is_floating() || vs.is_floating()) {
                    return self.invalid_operands(o, &target, &value, span);
                }
                self.check_double_promotion(l, r, ty, value.ty, span);
                let compute = if matches!(hop, BinaryOp::Shl | BinaryOp::Shr) {
                    self.scalar(ts.promoted())
                } else {
                    self.scalar(super::conv::common_scalar(ts, vs))
                };
                let v = if matches!(hop, BinaryOp::Shl | BinaryOp::Shr) {
                    self.promote(value)
                } else {
                    self.cast_scalar(value, compute)
                };
                mk(
                    ExprKind::CompoundAssign {
                        op: hop,
                        target: Box::new(target),
                        value: Box::new(v),
                        compute,
                    },
                    ty,
                    cat,
                    span,
                )
            }
        }
    }

    /// The right side of an assignment; `{…}` lists take the target type.
    fn lower_assign_rhs(&mut self, r: &'a ast::Expr, ty: TypeId) -> Expr {
        match &r.kind {
            A::InitList(items) => {
                let inits: Vec<InitItem<'a>> = items.iter().map(InitItem::Expr).collect();
                self.lower_init_items(&inits, ty, r.span)
            }
            _ => self.lower_expr(r),
        }
    }

    fn lower_conditional(
        &mut self,
        c: &'a ast::Expr,
        a: &'a ast::Expr,
        b: &'a ast::Expr,
        span: Span,
    ) -> Expr {
        let cond = self.lower_expr(c);
        let cond = self.condition_value(cond);
        let av = self.lower_expr(a);
        let bv = self.lower_expr(b);
        if self.m.types.is_error(av.ty) || self.m.types.is_error(bv.ty) {
            return self.err_expr(span);
        }
        if av.ty == bv.ty && av.is_lvalue() && bv.is_lvalue() {
            let ty = av.ty;
            let cat = match (av.cat, bv.cat) {
                (
                    ValueCategory::LValue {
                        space: s1,
                        mutable: m1,
                    },
                    ValueCategory::LValue {
                        space: s2,
                        mutable: m2,
                    },
                ) => ValueCategory::LValue {
                    space: if s1 == s2 { s1 } else { AddrSpace::Generic },
                    mutable: m1 && m2,
                },
                _ => ValueCategory::RValue,
            };
            return mk(
                ExprKind::Conditional(Box::new(cond), Box::new(av), Box::new(bv)),
                ty,
                cat,
                span,
            );
        }
        let (av, bv, ty) = if scalar_like(&self.m.types, av.ty).is_some()
            && scalar_like(&self.m.types, bv.ty).is_some()
        {
            if let (Some(s1), Some(s2)) = (
                scalar_like(&self.m.types, av.ty),
                scalar_like(&self.m.types, bv.ty),
            ) {
                if (s1 == Scalar::Float && unsuffixed_double_literal(b))
                    || (s2 == Scalar::Float && unsuffixed_double_literal(a))
                {
                    let lit = if unsuffixed_double_literal(b) { b } else { a };
                    self.warn_implicit_double(lit, span);
                }
            }
            self.usual_arith(av, bv)
        } else {
            let av = self.rvalue(av);
            let bv = self.rvalue(bv);
            if av.ty == bv.ty {
                let t = av.ty;
                (av, bv, t)
            } else if matches!(self.m.types.get(av.ty), Type::Pointer { .. }) {
                let t = av.ty;
                let bv = self.convert_implicit(bv, t, "conditional expression");
                (av, bv, t)
            } else if matches!(self.m.types.get(bv.ty), Type::Pointer { .. }) {
                let t = bv.ty;
                let av = self.convert_implicit(av, t, "conditional expression");
                (av, bv, t)
            } else {
                let msg = format!(
                    "incompatible operand types (`{}` and `{}`) in conditional expression",
                    self.type_name(av.ty),
                    self.type_name(bv.ty)
                );
                self.error(msg, span);
                return self.err_expr(span);
            }
        };
        mk(
            ExprKind::Conditional(Box::new(cond), Box::new(av), Box::new(bv)),
            ty,
            ValueCategory::RValue,
            span,
        )
    }

    fn lower_index(&mut self, base: &'a ast::Expr, index: &'a ast::Expr, span: Span) -> Expr {
        let b = self.lower_expr(base);
        let i = self.lower_expr(index);
        if self.m.types.is_error(b.ty) || self.m.types.is_error(i.ty) {
            return self.err_expr(span);
        }
        if matches!(self.m.types.get(b.ty), Type::Record(_)) {
            return self.operator_call("[]", vec![b, i], span);
        }
        // `i[p]` is `p[i]`.
        let (b, i) = if self.is_integral(b.ty)
            && matches!(
                self.m.types.get(i.ty),
                Type::Pointer { .. } | Type::Array { .. }
            ) {
            (i, b)
        } else {
            (b, i)
        };
        if !self.is_integral(i.ty) {
            let msg = format!(
                "array subscript is not an integer (it has type `{}`)",
                self.type_name(i.ty)
            );
            self.error(msg, i.span);
            return self.err_expr(span);
        }
        let long = self.ty_long();
        let i = self.rvalue(i);
        let i = self.cast_scalar(i, long);
        match (self.m.types.get(b.ty), b.cat) {
            (Type::Array { elem, .. }, ValueCategory::LValue { space, mutable }) => mk(
                ExprKind::Index {
                    base: Box::new(b),
                    index: Box::new(i),
                },
                elem,
                ValueCategory::LValue { space, mutable },
                span,
            ),
            _ => {
                let p = self.rvalue(b);
                match self.m.types.get(p.ty) {
                    Type::Pointer {
                        pointee,
                        space,
                        pointee_const,
                    } => {
                        if self.m.types.get(pointee) == Type::Void {
                            self.error("subscript of a `void *` pointer", span);
                            return self.err_expr(span);
                        }
                        mk(
                            ExprKind::Index {
                                base: Box::new(p),
                                index: Box::new(i),
                            },
                            pointee,
                            ValueCategory::LValue {
                                space,
                                mutable: !pointee_const,
                            },
                            span,
                        )
                    }
                    _ => {
                        let msg = format!(
                            "subscripted value of type `{}` is not an array or pointer",
                            self.type_name(p.ty)
                        );
                        self.error(msg, span);
                        self.err_expr(span)
                    }
                }
            }
        }
    }

    /// `T(args)`, `T{args}`, `T()`.
    pub fn lower_construct(
        &mut self,
        t: TypeId,
        args: &'a [ast::Expr],
        braced: bool,
        span: Span,
    ) -> Expr {
        if self.m.types.is_error(t) {
            for a in args {
                let _ = self.lower_expr(a);
            }
            return self.err_expr(span);
        }
        match self.m.types.get(t) {
            Type::Record(_) => {
                let has_ctors = self
                    .m
                    .types
                    .as_record(t)
                    .and_then(|r| self.records.get(&r))
                    .is_some_and(|i| !i.ctors.is_empty());
                if !has_ctors && (braced || args.is_empty()) {
                    let inits: Vec<InitItem<'a>> = args.iter().map(InitItem::Expr).collect();
                    return self.lower_init_items(&inits, t, span);
                }
                let vals: Vec<Expr> = args.iter().map(|a| self.lower_expr(a)).collect();
                self.construct_record(t, vals, span, false)
                    .unwrap_or_else(|| self.err_expr(span))
            }
            _ => match args.len() {
                0 => mk(ExprKind::Zero, t, ValueCategory::RValue, span),
                1 => {
                    let v = self.lower_expr(&args[0]);
                    if braced {
                        self.convert_implicit(v, t, "initialization")
                    } else {
                        self.convert_explicit(v, t, ast::CastKind::Functional)
                    }
                }
                _ => {
                    let msg = format!("too many arguments to construct `{}`", self.type_name(t));
                    self.error(msg, span);
                    self.err_expr(span)
                }
            },
        }
    }

    /// Constructs a record from arguments with its constructors; for records without
    /// constructors, a single argument of the same type is a copy. `implicit` excludes
    /// `explicit` constructors.
    pub fn construct_record(
        &mut self,
        t: TypeId,
        args: Vec<Expr>,
        span: Span,
        implicit: bool,
    ) -> Option<Expr> {
        let rid = self.m.types.as_record(t)?;
        if args.len() == 1 && args[0].ty == t {
            let mut args = args;
            let a = args.pop()?;
            return Some(self.rvalue(a));
        }
        let ctors = self
            .records
            .get(&rid)
            .map(|i| i.ctors.clone())
            .unwrap_or_default();
        if ctors.is_empty() {
            let what: Vec<String> = args.iter().map(|a| self.type_name(a.ty)).collect();
            let msg = format!(
                "no matching constructor for `{}` from ({})",
                self.type_name(t),
                what.join(", ")
            );
            if !args.iter().any(|a| self.m.types.is_error(a.ty)) {
                self.error(msg, span);
            }
            return None;
        }
        let name = self.type_name(t);
        let ctors: Vec<Callee> = if implicit {
            ctors
                .into_iter()
                .filter(|c| match c {
                    Callee::Fn(id) => self
                        .fn_decls
                        .get(id.0 as usize)
                        .is_some_and(|d| !d.ast.specs.is_explicit),
                    Callee::Template(_) => true,
                })
                .collect()
        } else {
            ctors
        };
        let chosen = self.resolve_overload(&ctors, None, &args, &name, span)?;
        let fid = self.func_for(chosen, span)?;
        let params = self
            .fn_decls
            .get(chosen.0 as usize)
            .map(|d| d.sig.params.clone())
            .unwrap_or_default();
        let mut args = args;
        let defaults = self.default_args(chosen, args.len(), span);
        args.extend(defaults);
        let args = self.convert_args(args, &params, false);
        Some(mk(
            ExprKind::Construct { ctor: fid, args },
            t,
            ValueCategory::RValue,
            span,
        ))
    }

    /// Lowers an initializer for an object of type `ty`.
    pub fn lower_initializer(
        &mut self,
        init: &'a ast::Initializer,
        ty: TypeId,
        span: Span,
    ) -> Expr {
        match init {
            ast::Initializer::Expr(e) => match &e.kind {
                A::InitList(items) => {
                    let inits: Vec<InitItem<'a>> = items.iter().map(InitItem::Expr).collect();
                    self.lower_init_items(&inits, ty, e.span)
                }
                _ => {
                    let v = self.lower_expr(e);
                    self.convert_implicit(v, ty, "initialization")
                }
            },
            ast::Initializer::Braced(list, s) => {
                let inits: Vec<InitItem<'a>> = list.iter().map(InitItem::Init).collect();
                self.lower_init_items(&inits, ty, *s)
            }
            ast::Initializer::Paren(args, s) => {
                if matches!(self.m.types.get(ty), Type::Record(_)) {
                    let vals: Vec<Expr> = args.iter().map(|a| self.lower_expr(a)).collect();
                    return self
                        .construct_record(ty, vals, *s, false)
                        .unwrap_or_else(|| self.err_expr(*s));
                }
                match args.as_slice() {
                    [one] => {
                        let v = self.lower_expr(one);
                        self.convert_implicit(v, ty, "initialization")
                    }
                    _ => {
                        self.error(
                            "expected exactly one value in the parenthesized initializer",
                            *s,
                        );
                        self.err_expr(*s)
                    }
                }
            }
            ast::Initializer::Designated(name, _) => {
                self.error("a designated initializer needs a braced list", name.span);
                self.err_expr(span)
            }
        }
    }

    /// Lowers one element of a braced list.
    fn lower_init_item(&mut self, item: InitItem<'a>, ty: TypeId, span: Span) -> Expr {
        match item {
            InitItem::Init(i) => self.lower_initializer(i, ty, span),
            InitItem::Expr(e) => match &e.kind {
                A::InitList(items) => {
                    let inits: Vec<InitItem<'a>> = items.iter().map(InitItem::Expr).collect();
                    self.lower_init_items(&inits, ty, e.span)
                }
                _ => {
                    let v = self.lower_expr(e);
                    self.convert_implicit(v, ty, "initialization")
                }
            },
        }
    }

    /// Lowers `{…}` for an object of type `ty`.
    pub fn lower_init_items(&mut self, list: &[InitItem<'a>], ty: TypeId, span: Span) -> Expr {
        match self.m.types.get(ty) {
            Type::Array { elem, len } => {
                let mut items = Vec::new();
                for i in list {
                    items.push(self.lower_init_item(*i, elem, span));
                }
                if let Some(n) = len {
                    if items.len() as u64 > n {
                        let msg = format!(
                            "excess elements in array initializer ({} for {n})",
                            items.len()
                        );
                        self.error(msg, span);
                    }
                }
                mk(ExprKind::InitList(items), ty, ValueCategory::RValue, span)
            }
            Type::Record(rid) => {
                let has_ctors = self.records.get(&rid).is_some_and(|i| !i.ctors.is_empty());
                if has_ctors {
                    let mut vals = Vec::new();
                    for i in list {
                        match *i {
                            InitItem::Expr(e) | InitItem::Init(ast::Initializer::Expr(e)) => {
                                vals.push(self.lower_expr(e))
                            }
                            _ => {
                                self.error(
                                    "nested braces are not allowed in constructor arguments",
                                    span,
                                );
                            }
                        }
                    }
                    return self
                        .construct_record(ty, vals, span, false)
                        .unwrap_or_else(|| self.err_expr(span));
                }
                if let [InitItem::Expr(e) | InitItem::Init(ast::Initializer::Expr(e))] = *list {
                    let v = self.lower_expr(e);
                    if v.ty == ty {
                        return self.rvalue(v);
                    }
                    return self.aggregate_fields(rid, ty, vec![(None, FieldInit::Value(v))], span);
                }
                let mut inits = Vec::new();
                for i in list {
                    match i {
                        InitItem::Init(ast::Initializer::Designated(n, inner)) => inits
                            .push((Some(n.name.clone()), FieldInit::Ast(InitItem::Init(inner)))),
                        other => inits.push((None, FieldInit::Ast(*other))),
                    }
                }
                self.aggregate_fields(rid, ty, inits, span)
            }
            Type::Error => self.err_expr(span),
            _ => match list {
                [] => mk(ExprKind::Zero, ty, ValueCategory::RValue, span),
                [one] => self.lower_init_item(*one, ty, span),
                _ => {
                    let msg = format!(
                        "excess elements in the initializer of a scalar of type `{}`",
                        self.type_name(ty)
                    );
                    self.error(msg, span);
                    self.err_expr(span)
                }
            },
        }
    }

    fn aggregate_fields(
        &mut self,
        rid: crate::types::RecordId,
        ty: TypeId,
        inits: Vec<(Option<String>, FieldInit<'a>)>,
        span: Span,
    ) -> Expr {
        let fields: Vec<(String, TypeId)> = self
            .m
            .types
            .record(rid)
            .map(|r| r.fields.iter().map(|f| (f.name.clone(), f.ty)).collect())
            .unwrap_or_default();
        let mut values: Vec<Option<Expr>> = vec![None; fields.len()];
        let mut next = 0usize;
        for (name, init) in inits {
            let idx = match name {
                Some(n) => match fields.iter().position(|(f, _)| *f == n) {
                    Some(i) => i,
                    None => {
                        let msg = format!("no field named `{n}` in `{}`", self.type_name(ty));
                        self.error(msg, span);
                        continue;
                    }
                },
                None => next,
            };
            let Some((_, fty)) = fields.get(idx) else {
                let msg = format!(
                    "excess elements in the initializer of `{}`",
                    self.type_name(ty)
                );
                self.error(msg, span);
                break;
            };
            let fty = *fty;
            let v = match init {
                FieldInit::Ast(i) => self.lower_init_item(i, fty, span),
                FieldInit::Value(v) => self.convert_implicit(v, fty, "initialization"),
            };
            if let Some(slot) = values.get_mut(idx) {
                *slot = Some(v);
            }
            next = idx + 1;
        }
        let items: Vec<Expr> = values
            .into_iter()
            .zip(fields.iter())
            .map(|(v, (_, fty))| {
                v.unwrap_or_else(|| mk(ExprKind::Zero, *fty, ValueCategory::RValue, span))
            })
            .collect();
        mk(ExprKind::InitList(items), ty, ValueCategory::RValue, span)
    }

    // ---------------------------------------------------------------------------------------
    // Calls
    // ---------------------------------------------------------------------------------------

    fn lower_call(&mut self, callee: &'a ast::Expr, args: &'a [ast::Expr], span: Span) -> Expr {
        let vals: Vec<Expr> = args.iter().map(|a| self.lower_expr(a)).collect();
        if vals.iter().any(|v| self.m.types.is_error(v.ty)) {
            return self.err_expr(span);
        }
        let lit_double = args.iter().any(unsuffixed_double_literal);
        match &callee.kind {
            A::Name(q) => {
                let name = last_name(q).to_string();
                let explicit = self.explicit_targs(q);
                // Locals shadow functions.
                if q.segments.len() == 1
                    && matches!(
                        self.f.scopes.lookup(&name),
                        Some(LocalSymbol::Local(_) | LocalSymbol::Global(_))
                    )
                {
                    let v = self.lower_name(q, callee.span);
                    return self.call_object(v, vals, span);
                }
                if q.segments.len() == 1 && q.segments[0].template_args.is_none() {
                    if let Some(LocalSymbol::Type(t)) = self.f.scopes.lookup(&name) {
                        return self.construct_or_cast(t, vals, span);
                    }
                }
                // Member functions of the enclosing class.
                let mut cands: Vec<Callee> = Vec::new();
                let mut member = false;
                if q.segments.len() == 1 {
                    if let Some(rid) = self.ctx.class {
                        if let Some(m) = self.records.get(&rid).and_then(|i| i.methods.get(&name)) {
                            cands.extend(m.iter().copied());
                            member = true;
                        }
                    }
                }
                if cands.is_empty() {
                    let syms = self.resolve_qualified(q);
                    if syms.is_empty() {
                        self.undeclared(q, callee.span, true);
                        return self.err_expr(span);
                    }
                    for s in &syms {
                        match s {
                            Symbol::Fn(c) => cands.push(*c),
                            Symbol::Type(t) => {
                                let t = *t;
                                return self.construct_or_cast(t, vals, span);
                            }
                            Symbol::ClassTemplate(_) | Symbol::AliasTemplate(_) => {
                                let t = self.resolve_type_name(q);
                                return self.construct_or_cast(t, vals, span);
                            }
                            _ => {}
                        }
                    }
                    if cands.is_empty() {
                        let v = self.lower_name(q, callee.span);
                        return self.call_object(v, vals, span);
                    }
                }
                let explicit = match explicit {
                    Some(Some(v)) => Some(v),
                    Some(None) => return self.err_expr(span),
                    None => None,
                };
                let display = self.spelled(q);
                let Some(chosen) =
                    self.resolve_overload(&cands, explicit.as_deref(), &vals, &display, span)
                else {
                    return self.err_expr(span);
                };
                let object = if member
                    && self
                        .fn_decls
                        .get(chosen.0 as usize)
                        .is_some_and(|d| d.class.is_some())
                {
                    match self.this_object(span) {
                        Some(o) => Some(o),
                        None => {
                            let msg = format!(
                                "call to non-static member function `{display}` without an object"
                            );
                            self.error(msg, span);
                            return self.err_expr(span);
                        }
                    }
                } else {
                    None
                };
                self.finish_call(chosen, object, vals, lit_double, span)
            }
            A::Member {
                base,
                arrow,
                member,
            } => {
                let b = self.lower_expr(base);
                if self.m.types.is_error(b.ty) {
                    return self.err_expr(span);
                }
                let obj = if *arrow { self.deref(b, span) } else { b };
                let name = last_name(member).to_string();
                let methods = self
                    .m
                    .types
                    .as_record(obj.ty)
                    .and_then(|r| self.records.get(&r))
                    .and_then(|i| i.methods.get(&name))
                    .cloned();
                let Some(cands) = methods else {
                    let field = self.lower_member(obj, false, member, span);
                    if !self.m.types.is_error(field.ty) {
                        self.error("not supported yet: calling a data member (function pointers or function objects)", span);
                    }
                    return self.err_expr(span);
                };
                let explicit = match self.explicit_targs(member) {
                    Some(Some(v)) => Some(v),
                    Some(None) => return self.err_expr(span),
                    None => None,
                };
                let display = format!("{}::{name}", self.type_name(obj.ty));
                let Some(chosen) =
                    self.resolve_overload(&cands, explicit.as_deref(), &vals, &display, span)
                else {
                    return self.err_expr(span);
                };
                self.finish_call(chosen, Some(obj), vals, lit_double, span)
            }
            _ => {
                let v = self.lower_expr(callee);
                if matches!(self.m.types.get(v.ty), Type::Record(_)) {
                    let mut all = vec![v];
                    all.extend(vals);
                    return self.operator_call("()", all, span);
                }
                if !self.m.types.is_error(v.ty) {
                    self.error("not supported yet: calls through function pointers", span);
                }
                self.err_expr(span)
            }
        }
    }

    /// A call of a variable: a function object's `operator()`; function pointers are not
    /// supported.
    fn call_object(&mut self, object: Expr, vals: Vec<Expr>, span: Span) -> Expr {
        if self.m.types.is_error(object.ty) {
            return self.err_expr(span);
        }
        if matches!(self.m.types.get(object.ty), Type::Record(_)) {
            let mut all = vec![object];
            all.extend(vals);
            return self.operator_call("()", all, span);
        }
        let msg = format!(
            "not supported yet: calling a variable of type `{}` (function pointers)",
            self.type_name(object.ty)
        );
        self.error(msg, span);
        self.err_expr(span)
    }

    fn construct_or_cast(&mut self, t: TypeId, vals: Vec<Expr>, span: Span) -> Expr {
        if matches!(self.m.types.get(t), Type::Record(_)) {
            return self
                .construct_record(t, vals, span, false)
                .unwrap_or_else(|| self.err_expr(span));
        }
        match vals.len() {
            0 => mk(ExprKind::Zero, t, ValueCategory::RValue, span),
            1 => {
                let mut vals = vals;
                let Some(v) = vals.pop() else {
                    return self.err_expr(span);
                };
                self.convert_explicit(v, t, ast::CastKind::Functional)
            }
            _ => {
                self.error("too many arguments in a functional cast", span);
                self.err_expr(span)
            }
        }
    }

    /// Explicit template arguments of the last segment: `None` if none were written,
    /// `Some(None)` if they could not be evaluated.
    pub fn explicit_targs(&mut self, q: &'a ast::QualifiedName) -> Option<Option<Vec<TArg>>> {
        let args = q.segments.last()?.template_args.as_ref()?;
        Some(self.lower_targs(args))
    }

    /// A call of a resolved declaration with an optional object (for member functions).
    pub fn finish_call(
        &mut self,
        chosen: crate::scope::FnDeclId,
        object: Option<Expr>,
        vals: Vec<Expr>,
        lit_double: bool,
        span: Span,
    ) -> Expr {
        let Some(d) = self.fn_decls.get(chosen.0 as usize) else {
            return self.err_expr(span);
        };
        let (exec, name, params, ret, is_member, variadic) = (
            d.exec,
            d.name.clone(),
            d.sig.params.clone(),
            d.sig.ret,
            d.class.is_some(),
            d.sig.variadic,
        );
        if self.f.active && !exec.device && !exec.global {
            let msg = format!(
                "calling a __host__ function `{}` from a {} function `{}` is not allowed",
                name,
                if self.f.is_kernel {
                    "__global__"
                } else {
                    "__device__"
                },
                self.f.name
            );
            let decl = self.fn_decls[chosen.0 as usize].span;
            self.diags
                .push(Diagnostic::error(msg, span).with_secondary(decl, "declared here"));
            return self.err_expr(span);
        }
        if exec.global {
            self.error(
                "not supported yet: calling a __global__ function from device code",
                span,
            );
            return self.err_expr(span);
        }
        let d = &self.fn_decls[chosen.0 as usize];
        if d.system && d.ast.body.is_none() {
            if let Some(why) = super::unavailable::unavailable_builtin(&name) {
                let msg = format!("unsupported: `{name}`: {why}");
                self.error(msg, span);
                return self.err_expr(span);
            }
        }
        // Implicit double: a float argument converted to a double parameter next to an
        // unsuffixed literal.
        if lit_double {
            let floats_to_double = vals.iter().zip(params.iter()).any(|(v, p)| {
                scalar_like(&self.m.types, v.ty) == Some(Scalar::Float)
                    && self.m.types.as_scalar(*p) == Some(Scalar::Double)
            });
            if floats_to_double && !self.f.warned_double && !self.in_system_header(span) {
                self.f.warned_double = true;
                self.warning("implicit conversion to double; use a `f` suffix on the literal arguments to stay in single precision", span);
            }
        }
        let Some(fid) = self.func_for(chosen, span) else {
            return self.err_expr(span);
        };
        let mut args = Vec::new();
        if is_member {
            match object {
                Some(o) => {
                    let addr = self.object_address(o);
                    args.push(addr);
                }
                None => {
                    let msg =
                        format!("call to non-static member function `{name}` without an object");
                    self.error(msg, span);
                    return self.err_expr(span);
                }
            }
        }
        let mut vals = vals;
        let defaults = self.default_args(chosen, vals.len(), span);
        vals.extend(defaults);
        args.extend(self.convert_args(vals, &params, variadic));
        self.call_result(fid, args, ret, span)
    }

    /// The default arguments of the parameters from `given` on, lowered in the callee's
    /// context (`f(1)` for `f(int a, int b = 5)` passes `5` explicitly).
    pub fn default_args(
        &mut self,
        id: crate::scope::FnDeclId,
        given: usize,
        span: Span,
    ) -> Vec<Expr> {
        let Some(d) = self.fn_decls.get(id.0 as usize) else {
            return Vec::new();
        };
        let total = d.sig.params.len();
        if given >= total {
            return Vec::new();
        }
        let (ctx, name) = (d.ctx.clone(), d.name.clone());
        let params: &'a [ast::Param] = super::decls::function_suffix(&d.ast.declarator)
            .map(|s| s.params.as_slice())
            .unwrap_or(&[]);
        let mut out = Vec::new();
        for i in given..total {
            match params.get(i).and_then(|p| p.default.as_ref()) {
                Some(def) => {
                    let v = self.in_context(ctx.clone(), |l| l.lower_expr(def));
                    out.push(v);
                }
                None => {
                    let msg = format!("missing argument {} in the call of `{name}`", i + 1);
                    self.error(msg, span);
                    out.push(self.err_expr(span));
                }
            }
        }
        out
    }

    /// The address of an object for `this` (temporaries are materialized).
    pub fn object_address(&mut self, o: Expr) -> Expr {
        let span = o.span;
        let o = if o.is_lvalue() {
            o
        } else {
            let ty = o.ty;
            mk(
                ExprKind::Materialize(Box::new(o)),
                ty,
                ValueCategory::LValue {
                    space: AddrSpace::Local,
                    mutable: true,
                },
                span,
            )
        };
        let ValueCategory::LValue { space, .. } = o.cat else {
            return o;
        };
        let raw = self.m.types.intern(Type::Pointer {
            pointee: o.ty,
            space,
            pointee_const: false,
        });
        let generic = self.m.types.intern(Type::Pointer {
            pointee: o.ty,
            space: AddrSpace::Generic,
            pointee_const: false,
        });
        let addr = mk(
            ExprKind::AddrOf(Box::new(o)),
            raw,
            ValueCategory::RValue,
            span,
        );
        if raw == generic {
            addr
        } else {
            self.conv(ConvertKind::AddrSpaceCast, addr, generic)
        }
    }

    /// Converts arguments to parameter types; extra variadic arguments get the default
    /// argument promotions (`float` to `double`).
    pub fn convert_args(
        &mut self,
        vals: Vec<Expr>,
        params: &[TypeId],
        variadic: bool,
    ) -> Vec<Expr> {
        let mut out = Vec::new();
        for (i, v) in vals.into_iter().enumerate() {
            match params.get(i) {
                Some(p) => out.push(self.convert_implicit(v, *p, "argument passing")),
                None if variadic => {
                    let v = self.rvalue(v);
                    let v = match scalar_like(&self.m.types, v.ty) {
                        Some(Scalar::Float) => {
                            let d = self.scalar(Scalar::Double);
                            self.cast_scalar(v, d)
                        }
                        Some(s) if s.is_integral() => self.promote(v),
                        _ => v,
                    };
                    out.push(v);
                }
                None => out.push(v),
            }
        }
        out
    }

    /// The value of a call: a reference return is dereferenced to an lvalue.
    fn call_result(
        &mut self,
        fid: crate::ir::FuncId,
        args: Vec<Expr>,
        ret: TypeId,
        span: Span,
    ) -> Expr {
        if let Type::Reference { pointee, is_const } = self.m.types.get(ret) {
            let p = self.m.types.intern(Type::Pointer {
                pointee,
                space: AddrSpace::Generic,
                pointee_const: is_const,
            });
            let call = mk(
                ExprKind::Call { func: fid, args },
                p,
                ValueCategory::RValue,
                span,
            );
            return mk(
                ExprKind::Deref(Box::new(call)),
                pointee,
                ValueCategory::LValue {
                    space: AddrSpace::Generic,
                    mutable: !is_const,
                },
                span,
            );
        }
        mk(
            ExprKind::Call { func: fid, args },
            ret,
            ValueCategory::RValue,
            span,
        )
    }

    /// An overloaded operator: member `a.operator@(b)` or free `operator@(a, b)`.
    pub fn operator_call(&mut self, spelling: &str, args: Vec<Expr>, span: Span) -> Expr {
        let name = format!("operator{spelling}");
        let mut cands: Vec<(Callee, bool)> = Vec::new();
        if let Some(first) = args.first() {
            if let Some(rid) = self.m.types.as_record(first.ty) {
                if let Some(ms) = self.records.get(&rid).and_then(|i| i.methods.get(&name)) {
                    cands.extend(ms.iter().map(|c| (*c, true)));
                }
            }
        }
        let scope = self.ctx.scope.clone();
        let mut free: Vec<Callee> = Vec::new();
        if let Some(syms) = self.symbols.lookup(&scope, &name) {
            free.extend(syms.iter().filter_map(|s| {
                if let Symbol::Fn(c) = s {
                    Some(*c)
                } else {
                    None
                }
            }));
        }
        // Argument-dependent lookup in the namespaces of record operands.
        for a in &args {
            if let Some(scope) = self.scope_of_type(a.ty) {
                if let Some(p) = scope.rfind("::") {
                    if let Some(syms) = self.symbols.get(&format!("{}::{name}", &scope[..p])) {
                        for s in syms {
                            if let Symbol::Fn(c) = s {
                                if !free.contains(c) {
                                    free.push(*c);
                                }
                            }
                        }
                    }
                }
            }
        }
        cands.extend(free.into_iter().map(|c| (c, false)));
        if cands.is_empty() {
            let types: Vec<String> = args
                .iter()
                .map(|a| format!("`{}`", self.type_name(a.ty)))
                .collect();
            let msg = if args.len() == 2 {
                format!(
                    "invalid operands to binary expression `{spelling}` ({} and {})",
                    types[0], types[1]
                )
            } else {
                format!(
                    "no operator `{spelling}` for operand{} {}",
                    if types.len() == 1 { "" } else { "s" },
                    types.join(", ")
                )
            };
            self.error(msg, span);
            return self.err_expr(span);
        }
        // Members take the first operand as the object.
        let member_cands: Vec<Callee> = cands.iter().filter(|(_, m)| *m).map(|(c, _)| *c).collect();
        let free_cands: Vec<Callee> = cands.iter().filter(|(_, m)| !*m).map(|(c, _)| *c).collect();
        let rest: Vec<Expr> = args.iter().skip(1).cloned().collect();
        let quiet = true;
        let member_pick = if member_cands.is_empty() {
            None
        } else {
            self.resolve_overload_quiet(&member_cands, &rest, quiet)
        };
        let free_pick = if free_cands.is_empty() {
            None
        } else {
            self.resolve_overload_quiet(&free_cands, &args, quiet)
        };
        match (member_pick, free_pick) {
            (Some(m), _) => {
                let mut args = args;
                let obj = args.remove(0);
                self.finish_call(m, Some(obj), args, false, span)
            }
            (None, Some(f)) => self.finish_call(f, None, args, false, span),
            (None, None) => {
                // Report with the full candidate list.
                let all: Vec<Callee> = cands.iter().map(|(c, _)| *c).collect();
                let shown = format!("operator{spelling}");
                if !free_cands.is_empty() {
                    let _ = self.resolve_overload(&all, None, &args, &shown, span);
                } else {
                    let _ = self.resolve_overload(&all, None, &rest, &shown, span);
                }
                self.err_expr(span)
            }
        }
    }
}

/// An aggregate member initializer: syntax, or an already lowered value.
enum FieldInit<'a> {
    Ast(InitItem<'a>),
    Value(Expr),
}

/// One element of a braced list: an initializer, or an expression of a `{…}` written in
/// expression position.
#[derive(Clone, Copy)]
pub(crate) enum InitItem<'a> {
    /// An element of `= {…}`.
    Init(&'a ast::Initializer),
    /// An element of a `{…}` expression.
    Expr(&'a ast::Expr),
}
