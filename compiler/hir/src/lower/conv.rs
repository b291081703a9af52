//! Conversions: lvalue-to-rvalue, decay, promotions, the usual arithmetic conversions,
//! implicit conversions with their overload-resolution rank, reference binding and casts.

use super::consteval::scalar_like;
use super::decls::function_suffix;
use super::Lowerer;
use crate::ir::{ConvertKind, Expr, ExprKind, ValueCategory};
use crate::scope::FnDeclId;
use crate::types::{AddrSpace, Scalar, Type, TypeId};
use cwcc_frontend::ast::CastKind;
use cwcc_frontend::diag::Diagnostic;

/// The rank of an implicit conversion sequence (lower is better).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// Identity, lvalue transformations and qualification adjustments.
    Exact,
    /// Integral or floating promotion.
    Promotion,
    /// Any other standard conversion.
    Conversion,
    /// Through a converting constructor.
    UserDefined,
}

/// The common type of the usual arithmetic conversions (\[expr.arith.conv\]).
pub fn common_scalar(a: Scalar, b: Scalar) -> Scalar {
    if a == Scalar::Double || b == Scalar::Double {
        return Scalar::Double;
    }
    if a == Scalar::Float || b == Scalar::Float {
        return Scalar::Float;
    }
    let (a, b) = (a.promoted(), b.promoted());
    if a == b {
        return a;
    }
    if a.is_signed() == b.is_signed() {
        return if a.rank() >= b.rank() { a } else { b };
    }
    let (s, u) = if a.is_signed() { (a, b) } else { (b, a) };
    if u.rank() >= s.rank() {
        u
    } else if u.fits_in(s) {
        s
    } else {
        s.to_unsigned()
    }
}

/// The rank of converting arithmetic type `from` to `to`.
pub fn scalar_rank(from: Scalar, to: Scalar) -> Rank {
    if from == to {
        Rank::Exact
    } else if (from.rank() < 3 && from.promoted() == to)
        || (from == Scalar::Float && to == Scalar::Double)
    {
        Rank::Promotion
    } else {
        Rank::Conversion
    }
}

/// Builds an expression node.
pub(crate) fn mk(
    kind: ExprKind,
    ty: TypeId,
    cat: ValueCategory,
    span: cwcc_frontend::source::Span,
) -> Expr {
    Expr {
        kind,
        ty,
        cat,
        span,
    }
}

impl Lowerer<'_> {
    /// An rvalue of the expression: loads lvalues, decays arrays to pointers.
    pub fn rvalue(&mut self, e: Expr) -> Expr {
        let ValueCategory::LValue { space, mutable } = e.cat else {
            return e;
        };
        match self.m.types.get(e.ty) {
            Type::Array { elem, .. } => {
                let ty = self.m.types.intern(Type::Pointer {
                    pointee: elem,
                    space,
                    pointee_const: !mutable,
                });
                let span = e.span;
                mk(
                    ExprKind::Convert(ConvertKind::ArrayToPointer, Box::new(e)),
                    ty,
                    ValueCategory::RValue,
                    span,
                )
            }
            _ => {
                let (ty, span) = (e.ty, e.span);
                mk(
                    ExprKind::Convert(ConvertKind::LValueToRValue, Box::new(e)),
                    ty,
                    ValueCategory::RValue,
                    span,
                )
            }
        }
    }

    /// Wraps `e` in a conversion of `kind` to `ty`.
    pub fn conv(&mut self, kind: ConvertKind, e: Expr, ty: TypeId) -> Expr {
        let span = e.span;
        mk(
            ExprKind::Convert(kind, Box::new(e)),
            ty,
            ValueCategory::RValue,
            span,
        )
    }

    /// The integer promotion of an arithmetic rvalue (enums promote to their underlying type).
    pub fn promote(&mut self, e: Expr) -> Expr {
        let e = self.rvalue(e);
        let Some(s) = scalar_like(&self.m.types, e.ty) else {
            return e;
        };
        let target = self.scalar(s.promoted());
        self.cast_scalar(e, target)
    }

    /// Converts an arithmetic (or enum) rvalue to arithmetic (or enum) type `to`.
    pub fn cast_scalar(&mut self, e: Expr, to: TypeId) -> Expr {
        if e.ty == to {
            return e;
        }
        let from_enum = matches!(self.m.types.get(e.ty), Type::Enum(_));
        let to_enum = matches!(self.m.types.get(to), Type::Enum(_));
        let (Some(f), Some(t)) = (
            scalar_like(&self.m.types, e.ty),
            scalar_like(&self.m.types, to),
        ) else {
            return e;
        };
        // Literal constants are converted in place.
        if !from_enum && !to_enum {
            let folded = match e.kind {
                ExprKind::IntConst(v) if !t.is_floating() => {
                    Some(ExprKind::IntConst(super::consteval::wrap_int(v, t)))
                }
                ExprKind::IntConst(v) if t == Scalar::Double => {
                    Some(ExprKind::FloatConst(v as f64))
                }
                ExprKind::IntConst(v) => Some(ExprKind::FloatConst(f64::from(v as f32))),
                ExprKind::FloatConst(v) if t == Scalar::Double => Some(ExprKind::FloatConst(v)),
                ExprKind::FloatConst(v) if t == Scalar::Float => {
                    Some(ExprKind::FloatConst(f64::from(v as f32)))
                }
                _ => None,
            };
            if let Some(kind) = folded {
                return mk(kind, to, ValueCategory::RValue, e.span);
            }
        }
        let kind = if t == Scalar::Bool && f != Scalar::Bool {
            ConvertKind::BoolConv
        } else if from_enum || to_enum {
            if t.is_floating() {
                let mid = self.scalar(f);
                let e = self.conv(ConvertKind::EnumCast, e, mid);
                return self.conv(ConvertKind::IntToFloat, e, to);
            }
            ConvertKind::EnumCast
        } else {
            match (f.is_floating(), t.is_floating()) {
                (false, false) => ConvertKind::IntegralCast,
                (true, true) => ConvertKind::FloatingCast,
                (false, true) => ConvertKind::IntToFloat,
                (true, false) => ConvertKind::FloatToInt,
            }
        };
        self.conv(kind, e, to)
    }

    /// Converts a condition to `bool`.
    pub fn condition_value(&mut self, e: Expr) -> Expr {
        let e = self.rvalue(e);
        let b = self.ty_bool();
        match self.m.types.get(e.ty) {
            Type::Error => e,
            Type::Scalar(Scalar::Bool) => e,
            Type::Scalar(_) | Type::Enum(_) | Type::Pointer { .. } | Type::Nullptr => {
                self.conv(ConvertKind::BoolConv, e, b)
            }
            _ => {
                let msg = format!(
                    "value of type `{}` is not contextually convertible to `bool`",
                    self.type_name(e.ty)
                );
                self.error(msg, e.span);
                mk(
                    ExprKind::Error,
                    self.ty_error(),
                    ValueCategory::RValue,
                    e.span,
                )
            }
        }
    }

    /// Whether `e` is a null pointer constant (`0`, `0L`, `nullptr`).
    pub fn is_null_constant(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::NullPtr => true,
            ExprKind::IntConst(0) => self
                .m
                .types
                .as_scalar(e.ty)
                .is_some_and(|s| s.is_integral() && s != Scalar::Bool),
            _ => false,
        }
    }

    /// The rank of the implicit conversion of `e` to `to`, or `None` if there is none.
    pub fn conversion_rank(&self, e: &Expr, to: TypeId) -> Option<Rank> {
        let types = &self.m.types;
        if types.is_error(e.ty) || types.is_error(to) {
            return Some(Rank::Exact);
        }
        if let Type::Reference { pointee, is_const } = types.get(to) {
            if e.ty == pointee {
                if let ValueCategory::LValue { mutable, .. } = e.cat {
                    if mutable || is_const {
                        return Some(Rank::Exact);
                    }
                    return None;
                }
                return if is_const { Some(Rank::Exact) } else { None };
            }
            if self.base_path(e.ty, pointee).is_some() {
                // Binding to a base class subobject (derived-to-base conversion).
                let mutable = matches!(e.cat, ValueCategory::LValue { mutable: true, .. });
                return (mutable || is_const).then_some(Rank::Conversion);
            }
            if !is_const {
                return None;
            }
            return self.conversion_rank(e, pointee);
        }
        // Array-to-pointer decay of lvalues is an exact match.
        let from = match (types.get(e.ty), e.cat) {
            (Type::Array { elem, .. }, ValueCategory::LValue { .. }) => Some(elem),
            _ => None,
        };
        if let (
            Some(elem),
            Type::Pointer {
                pointee,
                pointee_const,
                ..
            },
        ) = (from, types.get(to))
        {
            if elem == pointee {
                let mutable = matches!(e.cat, ValueCategory::LValue { mutable: true, .. });
                return if mutable || pointee_const {
                    Some(Rank::Exact)
                } else {
                    None
                };
            }
            if types.get(pointee) == Type::Void {
                return Some(Rank::Conversion);
            }
            return None;
        }
        if e.ty == to {
            return Some(Rank::Exact);
        }
        if self.base_path(e.ty, to).is_some() {
            return Some(Rank::Conversion);
        }
        if self.find_conversion_op(e, to, false).is_some() {
            return Some(Rank::UserDefined);
        }
        match (types.get(e.ty), types.get(to)) {
            (Type::Scalar(f), Type::Scalar(t)) => Some(scalar_rank(f, t)),
            (Type::Enum(en), Type::Scalar(t)) => {
                let d = types.enum_def(en)?;
                if d.scoped {
                    return None;
                }
                if d.underlying.promoted() == t {
                    Some(Rank::Promotion)
                } else {
                    Some(Rank::Conversion)
                }
            }
            (Type::Pointer { .. } | Type::Nullptr, Type::Scalar(Scalar::Bool)) => {
                Some(Rank::Conversion)
            }
            (Type::Nullptr, Type::Pointer { .. }) => Some(Rank::Conversion),
            (Type::Scalar(_), Type::Pointer { .. }) if self.is_null_constant(e) => {
                Some(Rank::Conversion)
            }
            (
                Type::Pointer {
                    pointee: fp,
                    pointee_const: fc,
                    ..
                },
                Type::Pointer {
                    pointee: tp,
                    pointee_const: tc,
                    ..
                },
            ) => {
                if fc && !tc {
                    return None;
                }
                if fp == tp {
                    Some(Rank::Exact)
                } else if types.get(tp) == Type::Void {
                    Some(Rank::Conversion)
                } else {
                    None
                }
            }
            (_, Type::Record(r)) => {
                // A converting (single-argument) constructor.
                let info = self.records.get(&r)?;
                let ok = info.ctors.iter().any(|c| match c {
                    crate::scope::Callee::Fn(id) => {
                        self.fn_decls.get(id.0 as usize).is_some_and(|d| {
                            d.sig.params.len() == 1
                                && !d.ast.specs.is_explicit
                                && d.sig.params.first().is_some_and(|p| {
                                    let p = match types.get(*p) {
                                        Type::Reference { pointee, .. } => pointee,
                                        _ => *p,
                                    };
                                    p == e.ty
                                        || (scalar_like(types, p).is_some()
                                            && scalar_like(types, e.ty).is_some())
                                })
                        })
                    }
                    crate::scope::Callee::Template(_) => false,
                });
                ok.then_some(Rank::UserDefined)
            }
            _ => None,
        }
    }

    /// Converts `e` implicitly to `to` (initialization, assignment, argument passing,
    /// return); `what` names the context in messages. A reference target yields the address.
    pub fn convert_implicit(&mut self, e: Expr, to: TypeId, what: &str) -> Expr {
        if self.m.types.is_error(e.ty) || self.m.types.is_error(to) {
            return e;
        }
        if let Type::Reference { pointee, is_const } = self.m.types.get(to) {
            return self.bind_reference(e, pointee, is_const, what);
        }
        if let Some(path) = self.base_path(e.ty, to) {
            let span = e.span;
            let sub = self.field_path(e, &path, span);
            return self.rvalue(sub);
        }
        let e = match self.apply_conversion_op(e, to, false) {
            Ok(converted) => return self.convert_implicit(converted, to, what),
            Err(e) => e,
        };
        let e = self.rvalue(e);
        if e.ty == to {
            return e;
        }
        let span = e.span;
        match (self.m.types.get(e.ty), self.m.types.get(to)) {
            (Type::Scalar(_), Type::Scalar(_)) | (Type::Enum(_), Type::Scalar(_)) => {
                if let Type::Enum(en) = self.m.types.get(e.ty) {
                    if self.m.types.enum_def(en).is_some_and(|d| d.scoped) {
                        return self.bad_conversion(e, to, what);
                    }
                }
                self.cast_scalar(e, to)
            }
            (Type::Pointer { .. } | Type::Nullptr, Type::Scalar(Scalar::Bool)) => {
                self.conv(ConvertKind::BoolConv, e, to)
            }
            (Type::Nullptr, Type::Pointer { .. }) => self.conv(ConvertKind::NullToPointer, e, to),
            (Type::Scalar(_), Type::Pointer { .. }) if self.is_null_constant(&e) => {
                mk(ExprKind::NullPtr, to, ValueCategory::RValue, span)
            }
            (
                Type::Pointer {
                    pointee: fp,
                    space: fs,
                    pointee_const: fc,
                },
                Type::Pointer {
                    pointee: tp,
                    space: ts,
                    pointee_const: tc,
                },
            ) => {
                if fc && !tc {
                    let msg = format!(
                        "{what} discards the `const` qualifier: cannot convert `{}` to `{}`",
                        self.type_name(e.ty),
                        self.type_name(to)
                    );
                    self.error(msg, span);
                    return e;
                }
                let void_target = self.m.types.get(tp) == Type::Void;
                if fp != tp && !void_target {
                    let msg = format!(
                        "incompatible pointer types: cannot convert `{}` to `{}` in {what}",
                        self.type_name(e.ty),
                        self.type_name(to)
                    );
                    self.error(msg, span);
                    return e;
                }
                self.adjust_pointer(e, fp, fs, tp, ts, tc)
            }
            (_, Type::Record(_)) => {
                let args = vec![e];
                match self.construct_record(to, args, span, true) {
                    Some(c) => c,
                    None => mk(ExprKind::Error, to, ValueCategory::RValue, span),
                }
            }
            _ => self.bad_conversion(e, to, what),
        }
    }

    /// The conversion operator of `e`'s class that converts it to `to` (user-defined
    /// conversion followed by a standard conversion), best rank first; on a tie, the one whose
    /// `const` qualification matches the object. `explicit` also accepts results that only an
    /// explicit cast can convert (arithmetic and pointer casts).
    pub fn find_conversion_op(&self, e: &Expr, to: TypeId, explicit: bool) -> Option<FnDeclId> {
        let types = &self.m.types;
        let rid = types.as_record(e.ty)?;
        if e.ty == to {
            return None;
        }
        let info = self.records.get(&rid)?;
        if info.conversions.is_empty() {
            return None;
        }
        let object_const = matches!(e.cat, ValueCategory::LValue { mutable: false, .. });
        let mut best: Option<(FnDeclId, Rank, bool)> = None;
        for id in &info.conversions {
            let Some(d) = self.fn_decls.get(id.0 as usize) else {
                continue;
            };
            let method_const = function_suffix(&d.ast.declarator).is_some_and(|s| s.is_const);
            if (object_const && !method_const) || (d.ast.specs.is_explicit && !explicit) {
                continue;
            }
            let (ret, cat) = match types.get(d.sig.ret) {
                Type::Reference { pointee, is_const } => (
                    pointee,
                    ValueCategory::LValue {
                        space: AddrSpace::Generic,
                        mutable: !is_const,
                    },
                ),
                _ => (d.sig.ret, ValueCategory::RValue),
            };
            let result = mk(ExprKind::Error, ret, cat, e.span);
            // Only one user-defined conversion is allowed in a sequence.
            let rank = match self.conversion_rank_standard(&result, to) {
                Some(r) => r,
                None if explicit && self.explicitly_convertible(ret, to) => Rank::Conversion,
                None => continue,
            };
            let matches_const = method_const == object_const;
            let better = match best {
                None => true,
                Some((_, r, m)) => rank < r || (rank == r && matches_const && !m),
            };
            if better {
                best = Some((*id, rank, matches_const));
            }
        }
        best.map(|(id, _, _)| id)
    }

    /// The rank of a standard conversion (no constructor or conversion operator).
    fn conversion_rank_standard(&self, e: &Expr, to: TypeId) -> Option<Rank> {
        let types = &self.m.types;
        if types.as_record(e.ty).is_some() || types.as_record(to).is_some() {
            return (e.ty == to).then_some(Rank::Exact);
        }
        if let Type::Reference { pointee, .. } = types.get(to) {
            if types.as_record(pointee).is_some() {
                return (e.ty == pointee).then_some(Rank::Exact);
            }
        }
        self.conversion_rank(e, to)
    }

    /// Whether an explicit cast converts `from` to `to` (arithmetic and pointer casts).
    fn explicitly_convertible(&self, from: TypeId, to: TypeId) -> bool {
        let types = &self.m.types;
        let arith = |t: TypeId| scalar_like(types, t).is_some();
        let ptr = |t: TypeId| matches!(types.get(t), Type::Pointer { .. });
        (arith(from) && arith(to)) || (ptr(from) && ptr(to))
    }

    /// Calls the conversion operator that converts `e` to `to`, if `e`'s class has one;
    /// gives `e` back unchanged otherwise.
    pub fn apply_conversion_op(
        &mut self,
        e: Expr,
        to: TypeId,
        explicit: bool,
    ) -> Result<Expr, Expr> {
        let Some(id) = self.find_conversion_op(&e, to, explicit) else {
            return Err(e);
        };
        let span = e.span;
        Ok(self.finish_call(id, Some(e), Vec::new(), false, span))
    }

    /// Changes a pointer's pointee type, constness or address space.
    /// The field path from a class `from` to its (direct or indirect) base class `to`: base
    /// subobjects are the leading fields `base`, `base.1`, ... `None` when `to` is not a base.
    pub fn base_path(&self, from: TypeId, to: TypeId) -> Option<Vec<u32>> {
        self.base_path_depth(from, to, 0)
    }

    fn base_path_depth(&self, from: TypeId, to: TypeId, depth: u32) -> Option<Vec<u32>> {
        if from == to || depth > 64 {
            return None;
        }
        self.m.types.as_record(to)?;
        let rid = self.m.types.as_record(from)?;
        let rec = self.m.types.record(rid)?;
        for (i, f) in rec.fields.iter().enumerate() {
            if f.name != "base" && !f.name.starts_with("base.") {
                continue;
            }
            if f.ty == to {
                return Some(vec![i as u32]);
            }
            if let Some(mut rest) = self.base_path_depth(f.ty, to, depth + 1) {
                rest.insert(0, i as u32);
                return Some(rest);
            }
        }
        None
    }

    fn adjust_pointer(
        &mut self,
        e: Expr,
        fp: TypeId,
        fs: AddrSpace,
        tp: TypeId,
        ts: AddrSpace,
        tc: bool,
    ) -> Expr {
        let mut e = e;
        if fs != ts {
            let mid = self.m.types.intern(Type::Pointer {
                pointee: fp,
                space: ts,
                pointee_const: tc,
            });
            e = self.conv(ConvertKind::AddrSpaceCast, e, mid);
        }
        let to = self.m.types.intern(Type::Pointer {
            pointee: tp,
            space: ts,
            pointee_const: tc,
        });
        if e.ty != to {
            e = self.conv(ConvertKind::PointerCast, e, to);
        }
        e
    }

    fn bad_conversion(&mut self, e: Expr, to: TypeId, what: &str) -> Expr {
        let msg = format!(
            "cannot convert `{}` to `{}` in {what}",
            self.type_name(e.ty),
            self.type_name(to)
        );
        self.error(msg, e.span);
        let span = e.span;
        mk(
            ExprKind::Error,
            self.ty_error(),
            ValueCategory::RValue,
            span,
        )
    }

    /// Binds a reference of type `T&` / `const T&` to `e`, giving the address.
    pub fn bind_reference(&mut self, e: Expr, pointee: TypeId, is_const: bool, what: &str) -> Expr {
        let span = e.span;
        // A reference to a base class binds to the base subobject.
        let e = match self.base_path(e.ty, pointee) {
            Some(path) => self.field_path(e, &path, span),
            None => e,
        };
        let ptr_ty = self.m.types.intern(Type::Pointer {
            pointee,
            space: AddrSpace::Generic,
            pointee_const: is_const,
        });
        if e.ty == pointee {
            if let ValueCategory::LValue { space, mutable } = e.cat {
                if !mutable && !is_const {
                    let msg = format!(
                        "binding a reference of type `{} &` to a `const` value drops the qualifier",
                        self.type_name(pointee)
                    );
                    self.error(msg, span);
                }
                let raw = self.m.types.intern(Type::Pointer {
                    pointee,
                    space,
                    pointee_const: is_const,
                });
                let addr = mk(
                    ExprKind::AddrOf(Box::new(e)),
                    raw,
                    ValueCategory::RValue,
                    span,
                );
                return if raw == ptr_ty {
                    addr
                } else {
                    self.conv(ConvertKind::AddrSpaceCast, addr, ptr_ty)
                };
            }
        }
        if !is_const {
            let msg = format!(
                "cannot bind a non-const reference of type `{} &` to a temporary of type `{}`",
                self.type_name(pointee),
                self.type_name(e.ty)
            );
            self.error(msg, span);
            return mk(
                ExprKind::Error,
                self.ty_error(),
                ValueCategory::RValue,
                span,
            );
        }
        let v = self.convert_implicit(e, pointee, what);
        let tmp = mk(
            ExprKind::Materialize(Box::new(v)),
            pointee,
            ValueCategory::LValue {
                space: AddrSpace::Local,
                mutable: false,
            },
            span,
        );
        let raw = self.m.types.intern(Type::Pointer {
            pointee,
            space: AddrSpace::Local,
            pointee_const: true,
        });
        let addr = mk(
            ExprKind::AddrOf(Box::new(tmp)),
            raw,
            ValueCategory::RValue,
            span,
        );
        self.conv(ConvertKind::AddrSpaceCast, addr, ptr_ty)
    }

    /// An explicit cast `(T)e`, `T(e)`, `static_cast<T>(e)`, `reinterpret_cast<T>(e)`.
    pub fn convert_explicit(&mut self, e: Expr, to: TypeId, kind: CastKind) -> Expr {
        if self.m.types.is_error(e.ty) || self.m.types.is_error(to) {
            return e;
        }
        let span = e.span;
        if self.m.types.get(to) == Type::Void {
            let e = self.rvalue(e);
            return self.conv(ConvertKind::ToVoid, e, to);
        }
        if let Type::Reference { pointee, is_const } = self.m.types.get(to) {
            // `(T&)x` reinterprets the object: the result is an lvalue of type T.
            if e.is_lvalue() && e.ty != pointee {
                let ValueCategory::LValue { space, .. } = e.cat else {
                    return e;
                };
                let raw = self.m.types.intern(Type::Pointer {
                    pointee: e.ty,
                    space,
                    pointee_const: is_const,
                });
                let addr = mk(
                    ExprKind::AddrOf(Box::new(e)),
                    raw,
                    ValueCategory::RValue,
                    span,
                );
                let cast_ty = self.m.types.intern(Type::Pointer {
                    pointee,
                    space,
                    pointee_const: is_const,
                });
                let p = self.conv(ConvertKind::PointerCast, addr, cast_ty);
                return mk(
                    ExprKind::Deref(Box::new(p)),
                    pointee,
                    ValueCategory::LValue {
                        space,
                        mutable: !is_const,
                    },
                    span,
                );
            }
            let addr = self.bind_reference(e, pointee, is_const, "cast");
            return mk(
                ExprKind::Deref(Box::new(addr)),
                pointee,
                ValueCategory::LValue {
                    space: AddrSpace::Generic,
                    mutable: !is_const,
                },
                span,
            );
        }
        let e = match self.apply_conversion_op(e, to, true) {
            Ok(converted) => return self.convert_explicit(converted, to, kind),
            Err(e) => e,
        };
        let e = self.rvalue(e);
        if e.ty == to {
            return e;
        }
        let allows_reinterpret = matches!(
            kind,
            CastKind::CStyle | CastKind::Reinterpret | CastKind::Functional
        );
        match (self.m.types.get(e.ty), self.m.types.get(to)) {
            (Type::Scalar(_) | Type::Enum(_), Type::Scalar(_) | Type::Enum(_)) => {
                self.cast_scalar(e, to)
            }
            (
                Type::Pointer {
                    pointee: fp,
                    space: fs,
                    pointee_const: fc,
                },
                Type::Pointer { space: ts, .. },
            ) => {
                if kind == CastKind::Static {
                    // static_cast only to and from `void *` (and qualification changes).
                    return self.convert_implicit_or_void(e, to);
                }
                // A change of address space is explicit, separate from the reinterpretation.
                let e = if fs == ts {
                    e
                } else {
                    let mid = self.m.types.intern(Type::Pointer {
                        pointee: fp,
                        space: ts,
                        pointee_const: fc,
                    });
                    self.conv(ConvertKind::AddrSpaceCast, e, mid)
                };
                if e.ty == to {
                    e
                } else {
                    self.conv(ConvertKind::PointerCast, e, to)
                }
            }
            (Type::Nullptr, Type::Pointer { .. }) => self.conv(ConvertKind::NullToPointer, e, to),
            (Type::Pointer { .. }, Type::Scalar(s)) if s.is_integral() && allows_reinterpret => {
                if s == Scalar::Bool {
                    self.conv(ConvertKind::BoolConv, e, to)
                } else {
                    self.conv(ConvertKind::PointerToInt, e, to)
                }
            }
            (Type::Scalar(s), Type::Pointer { .. }) if s.is_integral() && allows_reinterpret => {
                self.conv(ConvertKind::IntToPointer, e, to)
            }
            (_, Type::Record(_)) => self.convert_implicit(e, to, "cast"),
            _ => {
                let msg = format!(
                    "invalid cast from `{}` to `{}`",
                    self.type_name(e.ty),
                    self.type_name(to)
                );
                self.diags.push(Diagnostic::error(msg, span));
                mk(
                    ExprKind::Error,
                    self.ty_error(),
                    ValueCategory::RValue,
                    span,
                )
            }
        }
    }

    fn convert_implicit_or_void(&mut self, e: Expr, to: TypeId) -> Expr {
        if let (
            Type::Pointer {
                pointee: fp,
                space: fs,
                pointee_const: fc,
            },
            Type::Pointer {
                pointee: tp,
                space: ts,
                pointee_const: tc,
            },
        ) = (self.m.types.get(e.ty), self.m.types.get(to))
        {
            if self.m.types.get(fp) == Type::Void && (tc || !fc) {
                return self.adjust_pointer(e, fp, fs, tp, ts, tc);
            }
        }
        self.convert_implicit(e, to, "static_cast")
    }

    /// Applies the usual arithmetic conversions to two rvalues; returns them and their type.
    pub fn usual_arith(&mut self, l: Expr, r: Expr) -> (Expr, Expr, TypeId) {
        let l = self.rvalue(l);
        let r = self.rvalue(r);
        let (Some(a), Some(b)) = (
            scalar_like(&self.m.types, l.ty),
            scalar_like(&self.m.types, r.ty),
        ) else {
            let t = l.ty;
            return (l, r, t);
        };
        let c = self.scalar(common_scalar(a, b));
        let l = self.cast_scalar(l, c);
        let r = self.cast_scalar(r, c);
        (l, r, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Scalar::*;

    #[test]
    fn usual_arithmetic_conversions_table() {
        let table = [
            (Char, Char, Int),
            (Short, UShort, Int),
            (Bool, Bool, Int),
            (Int, UInt, UInt),
            (Int, Long, Long),
            (UInt, Long, Long),
            (UInt, LongLong, LongLong),
            (ULong, LongLong, ULongLong),
            (Long, LongLong, LongLong),
            (ULong, Long, ULong),
            (Int, Float, Float),
            (ULongLong, Float, Float),
            (Float, Double, Double),
            (UChar, UInt, UInt),
            (Long, ULongLong, ULongLong),
        ];
        for (a, b, want) in table {
            assert_eq!(common_scalar(a, b), want, "{a:?} with {b:?}");
            assert_eq!(common_scalar(b, a), want, "{b:?} with {a:?}");
        }
    }

    #[test]
    fn promotion_ranks() {
        assert_eq!(scalar_rank(Short, Int), Rank::Promotion);
        assert_eq!(scalar_rank(Float, Double), Rank::Promotion);
        assert_eq!(scalar_rank(Int, Float), Rank::Conversion);
        assert_eq!(scalar_rank(Int, Long), Rank::Conversion);
        assert_eq!(scalar_rank(Double, Float), Rank::Conversion);
        assert_eq!(scalar_rank(Int, Int), Rank::Exact);
        assert_eq!(scalar_rank(Char, Int), Rank::Promotion);
        assert_eq!(scalar_rank(Char, UInt), Rank::Conversion);
    }
}
