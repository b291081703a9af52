//! Lowering of one function: statements, expressions, memory and calls.

use crate::types::{space, Scalar};
use crate::{builtins, ht, GlobalRef, Lowerer, Signature, Uses};
use cwcc_frontend::diag::Diagnostic;
use cwcc_frontend::source::Span;
use cwcc_hir::ir as h;
use cwcc_simt::ir as s;
use s::Value;

/// Result of lowering steps: the error is a finished diagnostic.
pub(crate) type R<T> = Result<T, Box<Diagnostic>>;

/// An error diagnostic at a span.
pub(crate) fn err<T>(span: Span, message: impl Into<String>) -> R<T> {
    Err(Box::new(Diagnostic::error(message, span)))
}

/// Where a HIR local lives.
#[derive(Clone, Copy, Debug)]
enum Storage {
    /// A SIMT local variable.
    Slot(s::LocalId),
    /// Memory the caller owns (an aggregate parameter): its `ptr<generic>` address.
    Addr(Value),
}

/// The enclosing breakable constructs.
#[derive(Clone, Copy, Debug)]
enum Ctx {
    /// A C loop.
    Loop,
    /// A `switch`, lowered to a loop run once; `continue` sets the flag and breaks.
    Switch {
        /// The flag slot.
        cont: s::LocalId,
        /// Whether a `continue` used the flag.
        used: bool,
    },
}

/// An address in memory with its space.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place {
    /// The pointer value.
    pub ptr: Value,
    /// Its address space.
    pub space: s::AddrSpace,
}

/// The state of lowering one function.
pub(crate) struct FnLower<'l, 'a> {
    pub lw: &'l mut Lowerer<'a>,
    hf: &'a h::Function,
    pub f: s::Function,
    regions: Vec<Vec<s::Stmt>>,
    storage: Vec<Storage>,
    pub loc: Option<s::Loc>,
    ctx: Vec<Ctx>,
    sret: Option<Value>,
    pub uses: Uses,
}

/// Lowers the body of a HIR function into a SIMT function with signature `sig`.
pub(crate) fn lower_function<'a>(
    lw: &mut Lowerer<'a>,
    _index: u32,
    hf: &'a h::Function,
    sig: &Signature,
) -> R<(s::Function, Uses)> {
    let declared = lw
        .out
        .functions
        .get(sig.id)
        .cloned()
        .ok_or_else(|| Box::new(Diagnostic::error("internal: undeclared function", hf.span)))?;
    let loc = lw.loc(hf.span);
    let mut fl = FnLower {
        lw,
        hf,
        f: declared,
        regions: vec![Vec::new()],
        storage: Vec::new(),
        loc,
        ctx: Vec::new(),
        sret: None,
        uses: Uses::default(),
    };
    fl.entry(sig)?;
    if let Some(body) = &hf.body {
        fl.block(body)?;
    }
    fl.loc = fl.lw.loc(hf.span);
    match fl.f.ret {
        None => fl.stmt(s::StmtKind::Return(None)),
        Some(ty) => {
            let message = format!(
                "the function `{}` reached its end without returning a value",
                hf.name
            );
            fl.effect_inst(s::Inst::Trap { message });
            let zero = fl.konst(ty, 0);
            fl.stmt(s::StmtKind::Return(Some(zero)));
        }
    }
    let body = fl.regions.pop().unwrap_or_default();
    fl.f.body = s::Region::new(body);
    Ok((fl.f, fl.uses))
}

impl<'l, 'a> FnLower<'l, 'a> {
    // ---------------------------------------------------------------- emission helpers

    fn stmt(&mut self, kind: s::StmtKind) {
        let loc = self.loc;
        if let Some(region) = self.regions.last_mut() {
            region.push(s::Stmt { kind, loc });
        }
    }

    /// Emits an instruction defining a value of type `ty`.
    pub(crate) fn inst(&mut self, ty: s::TypeId, inst: s::Inst) -> Value {
        let v = self.f.new_value(ty);
        self.stmt(s::StmtKind::Inst {
            result: Some(v),
            inst,
        });
        v
    }

    /// Emits an instruction for its effect only.
    pub(crate) fn effect_inst(&mut self, inst: s::Inst) {
        self.stmt(s::StmtKind::Inst { result: None, inst });
    }

    /// A constant of a SIMT type.
    pub(crate) fn konst(&mut self, ty: s::TypeId, bits: u64) -> Value {
        let bits = match self.lw.out.type_of(ty) {
            Some(s::Type::Int(w)) if w.bits() < 64 => bits & ((1u64 << w.bits()) - 1),
            Some(s::Type::Bool) => bits & 1,
            _ => bits,
        };
        self.inst(ty, s::Inst::Const { bits })
    }

    pub(crate) fn ty(&mut self, t: s::Type) -> s::TypeId {
        self.lw.out.ty(t)
    }

    pub(crate) fn i32c(&mut self, v: i64) -> Value {
        let t = self.ty(s::Type::Int(s::IntWidth::W32));
        self.konst(t, v as u64)
    }

    pub(crate) fn i64c(&mut self, v: i64) -> Value {
        let t = self.ty(s::Type::Int(s::IntWidth::W64));
        self.konst(t, v as u64)
    }

    pub(crate) fn bool_c(&mut self, v: bool) -> Value {
        let t = self.ty(s::Type::Bool);
        self.konst(t, u64::from(v))
    }

    pub(crate) fn value_ty(&self, v: Value) -> Option<s::Type> {
        self.f
            .value_type(v)
            .and_then(|t| self.lw.out.type_of(t).cloned())
    }

    pub(crate) fn bin(&mut self, op: s::BinaryOp, lhs: Value, rhs: Value) -> Value {
        let ty = self.f.value_type(lhs).unwrap_or(s::TypeId(0));
        self.inst(ty, s::Inst::Binary { op, lhs, rhs })
    }

    pub(crate) fn un(&mut self, op: s::UnaryOp, arg: Value) -> Value {
        let ty = self.f.value_type(arg).unwrap_or(s::TypeId(0));
        self.inst(ty, s::Inst::Unary { op, arg })
    }

    pub(crate) fn cmp(&mut self, op: s::CmpOp, lhs: Value, rhs: Value) -> Value {
        let ty = self.ty(s::Type::Bool);
        self.inst(ty, s::Inst::Cmp { op, lhs, rhs })
    }

    pub(crate) fn conv(&mut self, op: s::ConvOp, arg: Value, to: s::TypeId) -> Value {
        self.inst(to, s::Inst::Convert { op, arg })
    }

    pub(crate) fn select(&mut self, cond: Value, a: Value, b: Value) -> Value {
        let ty = self.f.value_type(a).unwrap_or(s::TypeId(0));
        self.inst(
            ty,
            s::Inst::Select {
                cond,
                if_true: a,
                if_false: b,
            },
        )
    }

    pub(crate) fn not(&mut self, b: Value) -> Value {
        let t = self.bool_c(true);
        self.bin(s::BinaryOp::Xor, b, t)
    }

    /// Loads a scalar of type `ty` from a place.
    pub(crate) fn load(&mut self, place: Place, ty: s::TypeId) -> Value {
        let align = self.lw.out.align_of(ty).unwrap_or(1);
        self.inst(
            ty,
            s::Inst::Load {
                ptr: place.ptr,
                align,
                volatile: false,
            },
        )
    }

    /// Stores a scalar to a place.
    pub(crate) fn store(&mut self, place: Place, value: Value) {
        let align = self
            .f
            .value_type(value)
            .and_then(|t| self.lw.out.align_of(t))
            .unwrap_or(1);
        self.effect_inst(s::Inst::Store {
            ptr: place.ptr,
            value,
            align,
            volatile: false,
        });
    }

    /// `place + bytes`.
    pub(crate) fn offset(&mut self, place: Place, bytes: u64) -> Place {
        if bytes == 0 {
            return place;
        }
        let off = self.i64c(bytes as i64);
        self.offset_by(place, off)
    }

    fn offset_by(&mut self, place: Place, off: Value) -> Place {
        let ty = self.ty(s::Type::Ptr(place.space));
        let ptr = self.inst(
            ty,
            s::Inst::PtrAdd {
                ptr: place.ptr,
                offset: off,
            },
        );
        Place {
            ptr,
            space: place.space,
        }
    }

    /// Converts a pointer to another address space (through `generic`).
    pub(crate) fn cast_space(&mut self, place: Place, to: s::AddrSpace) -> Place {
        if place.space == to {
            return place;
        }
        let mut p = place;
        if p.space != s::AddrSpace::Generic {
            let g = self.ty(s::Type::Ptr(s::AddrSpace::Generic));
            p = Place {
                ptr: self.conv(s::ConvOp::AddrSpaceCast, p.ptr, g),
                space: s::AddrSpace::Generic,
            };
        }
        if to != s::AddrSpace::Generic {
            let t = self.ty(s::Type::Ptr(to));
            p = Place {
                ptr: self.conv(s::ConvOp::AddrSpaceCast, p.ptr, t),
                space: to,
            };
        }
        p
    }

    /// Makes a value fit a SIMT type (pointer spaces only; other types must already match).
    fn coerce(&mut self, v: Value, want: s::TypeId) -> Value {
        if let (Some(s::Type::Ptr(from)), Some(s::Type::Ptr(to))) =
            (self.value_ty(v), self.lw.out.type_of(want).cloned())
        {
            return self
                .cast_space(
                    Place {
                        ptr: v,
                        space: from,
                    },
                    to,
                )
                .ptr;
        }
        v
    }

    /// A fresh local variable of a SIMT type.
    pub(crate) fn temp(&mut self, name: &str, ty: s::TypeId) -> Place {
        let align = self.lw.out.align_of(ty).unwrap_or(1).max(1);
        let id = self.f.add_local(name, ty, align);
        self.slot_place(id)
    }

    fn slot_place(&mut self, id: s::LocalId) -> Place {
        let t = self.ty(s::Type::Ptr(s::AddrSpace::Local));
        Place {
            ptr: self.inst(t, s::Inst::LocalAddr(id)),
            space: s::AddrSpace::Local,
        }
    }

    /// Runs `f` with a new region and returns the region.
    pub(crate) fn region(&mut self, f: impl FnOnce(&mut Self) -> R<()>) -> R<s::Region> {
        self.regions.push(Vec::new());
        let result = f(self);
        let stmts = self.regions.pop().unwrap_or_default();
        result?;
        Ok(s::Region::new(stmts))
    }

    pub(crate) fn if_(
        &mut self,
        cond: Value,
        then: impl FnOnce(&mut Self) -> R<()>,
        els: impl FnOnce(&mut Self) -> R<()>,
    ) -> R<()> {
        let then_region = self.region(then)?;
        let else_region = self.region(els)?;
        self.stmt(s::StmtKind::If {
            cond,
            then_region,
            else_region,
        });
        Ok(())
    }

    // ---------------------------------------------------------------- bulk memory

    /// Copies `size` bytes from `src` to `dst` (both aligned to `align`).
    pub(crate) fn copy_bytes(&mut self, dst: Place, src: Place, size: u64, align: u32) -> R<()> {
        self.bulk(dst, Some(src), size, align)
    }

    /// Writes `size` zero bytes at `dst`.
    pub(crate) fn zero_bytes(&mut self, dst: Place, size: u64, align: u32) -> R<()> {
        self.bulk(dst, None, size, align)
    }

    fn bulk(&mut self, dst: Place, src: Option<Place>, size: u64, align: u32) -> R<()> {
        let chunk: u64 = match align {
            a if a >= 8 && size.is_multiple_of(8) => 8,
            a if a >= 4 && size.is_multiple_of(4) => 4,
            a if a >= 2 && size.is_multiple_of(2) => 2,
            _ => 1,
        };
        let width = match chunk {
            8 => s::IntWidth::W64,
            4 => s::IntWidth::W32,
            2 => s::IntWidth::W16,
            _ => s::IntWidth::W8,
        };
        let ity = self.ty(s::Type::Int(width));
        let count = size / chunk;
        if count <= 16 {
            for i in 0..count {
                let d = self.offset(dst, i * chunk);
                let v = match src {
                    Some(src) => {
                        let sp = self.offset(src, i * chunk);
                        self.load(sp, ity)
                    }
                    None => self.konst(ity, 0),
                };
                self.store(d, v);
            }
            return Ok(());
        }
        let i64t = self.ty(s::Type::Int(s::IntWidth::W64));
        let counter = self.temp("copy.i", i64t);
        let zero = self.i64c(0);
        self.store(counter, zero);
        let body = self.region(|fl| {
            let i = fl.load(counter, i64t);
            let n = fl.i64c(count as i64);
            let done = fl.cmp(s::CmpOp::SGe, i, n);
            fl.if_(
                done,
                |fl| {
                    fl.stmt(s::StmtKind::Break);
                    Ok(())
                },
                |_| Ok(()),
            )?;
            let c = fl.i64c(chunk as i64);
            let off = fl.bin(s::BinaryOp::Mul, i, c);
            let d = fl.offset_by(dst, off);
            let v = match src {
                Some(src) => {
                    let sp = fl.offset_by(src, off);
                    fl.load(sp, ity)
                }
                None => fl.konst(ity, 0),
            };
            fl.store(d, v);
            Ok(())
        })?;
        let continuing = self.region(|fl| {
            let i = fl.load(counter, i64t);
            let one = fl.i64c(1);
            let next = fl.bin(s::BinaryOp::Add, i, one);
            fl.store(counter, next);
            Ok(())
        })?;
        self.stmt(s::StmtKind::Loop { body, continuing });
        Ok(())
    }

    // ---------------------------------------------------------------- entry

    fn entry(&mut self, sig: &Signature) -> R<()> {
        let is_kernel = self.hf.kind == h::FunctionKind::Kernel;
        let params = self.f.params.clone();
        let mut next = 0;
        if sig.sret {
            self.sret = params.first().copied();
            next = 1;
        }
        let hf = self.hf;
        for (index, local) in hf.locals.iter().enumerate() {
            let param_pos = hf.params.iter().position(|p| p.0 as usize == index);
            let pv = param_pos.and_then(|i| params.get(i + next).copied());
            if let (Some(pv), false, true) = (pv, is_kernel, self.lw.is_aggregate(local.ty)) {
                self.storage.push(Storage::Addr(pv));
                continue;
            }
            let mem = self.lw.mem_type(local.ty, local.span)?;
            let align = self.lw.align_of(local.ty);
            let id = self.f.add_local(local.name.clone(), mem, align);
            self.storage.push(Storage::Slot(id));
            let Some(pv) = pv else { continue };
            let place = self.slot_place(id);
            if self.lw.is_aggregate(local.ty) {
                // A by-value kernel parameter: copy it out of param memory.
                let size = self.lw.size_of(local.ty);
                let src = Place {
                    ptr: pv,
                    space: s::AddrSpace::Param,
                };
                self.copy_bytes(place, src, size, align)?;
            } else {
                let v = self.coerce(pv, mem);
                self.store(place, v);
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- statements

    fn block(&mut self, block: &h::Block) -> R<()> {
        for st in &block.stmts {
            self.statement(st)?;
        }
        Ok(())
    }

    fn statement(&mut self, st: &h::Stmt) -> R<()> {
        self.loc = self.lw.loc(st.span);
        match &st.kind {
            h::StmtKind::Expr(e) => self.effect(e),
            h::StmtKind::Let { local, init } => {
                let Some(init) = init else { return Ok(()) };
                let place = self.local_place(*local, st.span)?;
                let ty = self
                    .hf
                    .locals
                    .get(local.0 as usize)
                    .map(|l| l.ty)
                    .unwrap_or(init.ty);
                if self.lw.is_aggregate(ty) {
                    self.aggregate_into(init, place)
                } else {
                    let v = self.rvalue(init)?;
                    let mem = self.lw.mem_type(ty, st.span)?;
                    let v = self.coerce(v, mem);
                    self.store(place, v);
                    Ok(())
                }
            }
            h::StmtKind::Block(b) => self.block(b),
            h::StmtKind::If { cond, then, els } => {
                let c = self.rvalue(cond)?;
                self.if_(
                    c,
                    |fl| fl.block(then),
                    |fl| match els {
                        Some(b) => fl.block(b),
                        None => Ok(()),
                    },
                )
            }
            h::StmtKind::Loop {
                cond,
                body,
                step,
                test_first,
                ..
            } => self.loop_stmt(cond.as_ref(), body, step.as_ref(), *test_first),
            h::StmtKind::Switch { cond, cases } => self.switch(cond, cases),
            h::StmtKind::Break => {
                if self.ctx.is_empty() {
                    return err(st.span, "`break` outside of a loop or switch");
                }
                self.stmt(s::StmtKind::Break);
                Ok(())
            }
            h::StmtKind::Continue => self.emit_continue(st.span),
            h::StmtKind::Return(value) => {
                match (value, self.sret) {
                    (Some(v), Some(sret)) => {
                        let dest = Place {
                            ptr: sret,
                            space: s::AddrSpace::Generic,
                        };
                        self.aggregate_into(v, dest)?;
                        self.stmt(s::StmtKind::Return(None));
                    }
                    (Some(v), None) if self.f.ret.is_some() => {
                        let x = self.rvalue(v)?;
                        let ret = self.f.ret.unwrap_or(s::TypeId(0));
                        let x = self.coerce(x, ret);
                        self.stmt(s::StmtKind::Return(Some(x)));
                    }
                    (Some(v), None) => {
                        self.effect(v)?;
                        self.stmt(s::StmtKind::Return(None));
                    }
                    (None, _) => self.stmt(s::StmtKind::Return(None)),
                }
                Ok(())
            }
        }
    }

    fn emit_continue(&mut self, span: Span) -> R<()> {
        match self.ctx.last_mut() {
            None => err(span, "`continue` outside of a loop"),
            Some(Ctx::Loop) => {
                self.stmt(s::StmtKind::Continue);
                Ok(())
            }
            Some(Ctx::Switch { cont, used }) => {
                *used = true;
                let cont = *cont;
                let place = self.slot_place(cont);
                let t = self.bool_c(true);
                self.store(place, t);
                self.stmt(s::StmtKind::Break);
                Ok(())
            }
        }
    }

    fn loop_stmt(
        &mut self,
        cond: Option<&h::Expr>,
        body: &h::Block,
        step: Option<&h::Expr>,
        test_first: bool,
    ) -> R<()> {
        let first = if test_first || cond.is_none() {
            None
        } else {
            let bt = self.ty(s::Type::Bool);
            let p = self.temp("do.first", bt);
            let t = self.bool_c(true);
            self.store(p, t);
            Some(p)
        };
        self.ctx.push(Ctx::Loop);
        let result = (|| {
            let body_region = self.region(|fl| {
                if let Some(cond) = cond {
                    let test = |fl: &mut Self| -> R<()> {
                        let c = fl.rvalue(cond)?;
                        let nc = fl.not(c);
                        fl.if_(
                            nc,
                            |fl| {
                                fl.stmt(s::StmtKind::Break);
                                Ok(())
                            },
                            |_| Ok(()),
                        )
                    };
                    match first {
                        None => test(fl)?,
                        Some(p) => {
                            let bt = fl.ty(s::Type::Bool);
                            let is_first = fl.load(p, bt);
                            fl.if_(
                                is_first,
                                |fl| {
                                    let f = fl.bool_c(false);
                                    fl.store(p, f);
                                    Ok(())
                                },
                                test,
                            )?;
                        }
                    }
                }
                fl.block(body)
            })?;
            let continuing = self.region(|fl| match step {
                Some(e) => fl.effect(e),
                None => Ok(()),
            })?;
            self.stmt(s::StmtKind::Loop {
                body: body_region,
                continuing,
            });
            Ok(())
        })();
        self.ctx.pop();
        result
    }

    fn switch(&mut self, cond: &h::Expr, cases: &[h::SwitchCase]) -> R<()> {
        let sel = self.rvalue(cond)?;
        let sel_ty = self.f.value_type(sel).unwrap_or(s::TypeId(0));
        let n = cases.len() as i64;
        let default = cases.iter().position(|c| c.is_default).map(|i| i as i64);
        let mut target = self.i32c(default.unwrap_or(n));
        for (i, case) in cases.iter().enumerate() {
            for &v in &case.values {
                let k = self.konst(sel_ty, v as u64);
                let eq = self.cmp(s::CmpOp::Eq, sel, k);
                let iv = self.i32c(i as i64);
                target = self.select(eq, iv, target);
            }
        }
        let bt = self.ty(s::Type::Bool);
        let cont = self.temp("switch.continue", bt);
        let f = self.bool_c(false);
        self.store(cont, f);
        let cont_id = s::LocalId((self.f.locals.len() - 1) as u32);
        self.ctx.push(Ctx::Switch {
            cont: cont_id,
            used: false,
        });
        let result = self.region(|fl| {
            for (i, case) in cases.iter().enumerate() {
                let iv = fl.i32c(i as i64);
                let run = fl.cmp(s::CmpOp::SLe, target, iv);
                fl.if_(
                    run,
                    |fl| {
                        for st in &case.body {
                            fl.statement(st)?;
                        }
                        Ok(())
                    },
                    |_| Ok(()),
                )?;
            }
            fl.stmt(s::StmtKind::Break);
            Ok(())
        });
        let used = matches!(self.ctx.pop(), Some(Ctx::Switch { used: true, .. }));
        let body = result?;
        self.stmt(s::StmtKind::Loop {
            body,
            continuing: s::Region::default(),
        });
        if used {
            let c = self.load(cont, bt);
            let span = cond.span;
            self.if_(c, |fl| fl.emit_continue(span), |_| Ok(()))?;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- expressions

    fn with_loc<T>(&mut self, span: Span, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        let saved = self.loc;
        if let Some(l) = self.lw.loc(span) {
            self.loc = Some(l);
        }
        let r = f(self);
        self.loc = saved;
        r
    }

    /// Evaluates an expression for its effects.
    pub(crate) fn effect(&mut self, e: &h::Expr) -> R<()> {
        self.with_loc(e.span, |fl| match &e.kind {
            h::ExprKind::Convert(h::ConvertKind::ToVoid, a) => fl.effect(a),
            h::ExprKind::Comma(a, b) => {
                fl.effect(a)?;
                fl.effect(b)
            }
            h::ExprKind::Call { func, args } => fl.call(*func, args, e, None).map(|_| ()),
            h::ExprKind::Conditional(c, a, b) if fl.lw.hir.types.get(e.ty) == ht::Type::Void => {
                let c = fl.rvalue(c)?;
                fl.if_(c, |fl| fl.effect(a), |fl| fl.effect(b))
            }
            h::ExprKind::Assign { .. }
            | h::ExprKind::CompoundAssign { .. }
            | h::ExprKind::IncDec { .. } => fl.place_or_value(e).map(|_| ()),
            _ if fl.lw.is_aggregate(e.ty) => {
                if e.is_lvalue() {
                    fl.place(e).map(|_| ())
                } else {
                    fl.aggregate_place(e).map(|_| ())
                }
            }
            _ if fl.lw.hir.types.get(e.ty) == ht::Type::Void => {
                err(e.span, "not supported yet: this kind of void expression")
            }
            _ if e.is_lvalue() => fl.place(e).map(|_| ()),
            _ => fl.rvalue(e).map(|_| ()),
        })
    }

    fn place_or_value(&mut self, e: &h::Expr) -> R<()> {
        if e.is_lvalue() {
            self.place(e).map(|_| ())
        } else {
            self.rvalue(e).map(|_| ())
        }
    }

    fn scalar_of(&self, e: &h::Expr) -> R<Scalar> {
        match self.lw.scalar(e.ty) {
            Some(s) => Ok(s),
            None => err(
                e.span,
                format!(
                    "not supported yet: a value of type `{}` here",
                    self.lw.hir.types.cpp_name(e.ty)
                ),
            ),
        }
    }

    /// The value of a scalar expression.
    pub(crate) fn rvalue(&mut self, e: &h::Expr) -> R<Value> {
        self.with_loc(e.span, |fl| fl.rvalue_inner(e))
    }

    fn rvalue_inner(&mut self, e: &h::Expr) -> R<Value> {
        if e.is_lvalue() {
            let sc = self.scalar_of(e)?;
            let place = self.place(e)?;
            let t = self.lw.scalar_type(sc);
            return Ok(self.load(place, t));
        }
        let sc = match self.lw.scalar(e.ty) {
            Some(sc) => sc,
            None if self.lw.is_aggregate(e.ty) => {
                return err(
                    e.span,
                    "internal: an aggregate value where a scalar was expected",
                )
            }
            None => {
                return err(
                    e.span,
                    format!(
                        "not supported yet: a value of type `{}` here",
                        self.lw.hir.types.cpp_name(e.ty)
                    ),
                )
            }
        };
        let ty = self.lw.scalar_type(sc);
        match &e.kind {
            h::ExprKind::IntConst(v) => {
                let bits = match sc {
                    Scalar::Float(s::FloatWidth::F32) => u64::from((*v as f32).to_bits()),
                    Scalar::Float(s::FloatWidth::F64) => (*v as f64).to_bits(),
                    Scalar::Bool => u64::from(*v != 0),
                    _ => *v as u64,
                };
                Ok(self.konst(ty, bits))
            }
            h::ExprKind::FloatConst(v) => {
                let bits = match sc {
                    Scalar::Float(s::FloatWidth::F32) => u64::from((*v as f32).to_bits()),
                    Scalar::Float(s::FloatWidth::F64) => v.to_bits(),
                    Scalar::Int(_, true) => *v as i64 as u64,
                    Scalar::Int(_, false) => *v as u64,
                    Scalar::Bool => u64::from(*v != 0.0),
                    Scalar::Ptr(_) => 0,
                };
                Ok(self.konst(ty, bits))
            }
            h::ExprKind::NullPtr | h::ExprKind::Zero => Ok(self.konst(ty, 0)),
            h::ExprKind::Builtin(var, comp) => {
                let dim = match comp {
                    Some(1) => s::Dim::Y,
                    Some(2) => s::Dim::Z,
                    _ => s::Dim::X,
                };
                let i32t = self.ty(s::Type::Int(s::IntWidth::W32));
                let inst = match var {
                    h::BuiltinVar::ThreadIdx => s::Inst::ThreadId(dim),
                    h::BuiltinVar::BlockIdx => s::Inst::BlockId(dim),
                    h::BuiltinVar::BlockDim => s::Inst::BlockDim(dim),
                    h::BuiltinVar::GridDim => s::Inst::GridDim(dim),
                    h::BuiltinVar::WarpSize => s::Inst::WarpSize,
                };
                let v = self.inst(i32t, inst);
                Ok(self.convert(v, Scalar::Int(s::IntWidth::W32, false), sc))
            }
            h::ExprKind::Convert(kind, a) => self.convert_expr(*kind, a, sc, e),
            h::ExprKind::Unary(op, a) => {
                let v = self.rvalue(a)?;
                Ok(match (op, sc) {
                    (h::UnaryOp::Neg, Scalar::Float(_)) => self.un(s::UnaryOp::FNeg, v),
                    (h::UnaryOp::Neg, _) => self.un(s::UnaryOp::Neg, v),
                    (h::UnaryOp::BitNot, _) => self.un(s::UnaryOp::Not, v),
                    (h::UnaryOp::LogNot, _) => {
                        let from = self.scalar_of(a)?;
                        let b = self.convert(v, from, Scalar::Bool);
                        let nb = self.not(b);
                        self.convert(nb, Scalar::Bool, sc)
                    }
                })
            }
            h::ExprKind::Binary(op, a, b) => {
                let x = self.rvalue(a)?;
                let y = self.rvalue(b)?;
                let asc = self.scalar_of(a)?;
                let bsc = self.scalar_of(b)?;
                let y = if asc != bsc {
                    self.convert(y, bsc, asc)
                } else {
                    y
                };
                let r = self.binary(*op, x, y, asc, e.span)?;
                let rsc = if op.is_comparison() { Scalar::Bool } else { asc };
                Ok(self.convert(r, rsc, sc))
            }
            h::ExprKind::Logical { is_and, lhs, rhs } => {
                let bt = self.ty(s::Type::Bool);
                let tmp = self.temp("logical", bt);
                let a = self.rvalue(lhs)?;
                let lsc = self.scalar_of(lhs)?;
                let a = self.convert(a, lsc, Scalar::Bool);
                self.store(tmp, a);
                let eval_rhs = |fl: &mut Self| -> R<()> {
                    let b = fl.rvalue(rhs)?;
                    let rsc = fl.scalar_of(rhs)?;
                    let b = fl.convert(b, rsc, Scalar::Bool);
                    fl.store(tmp, b);
                    Ok(())
                };
                if *is_and {
                    self.if_(a, eval_rhs, |_| Ok(()))?;
                } else {
                    self.if_(a, |_| Ok(()), eval_rhs)?;
                }
                let r = self.load(tmp, bt);
                Ok(self.convert(r, Scalar::Bool, sc))
            }
            h::ExprKind::PtrAdd { ptr, index } => {
                let p = self.rvalue(ptr)?;
                let Scalar::Ptr(sp) = self.scalar_of(ptr)? else {
                    return err(e.span, "internal: pointer addition on a non-pointer");
                };
                let size = self.pointee_size(ptr.ty);
                let off = self.index_bytes(index, size)?;
                let place = self.offset_by(Place { ptr: p, space: sp }, off);
                Ok(self.coerce(place.ptr, ty))
            }
            h::ExprKind::PtrDiff(a, b) => {
                let pa = self.rvalue(a)?;
                let pb = self.rvalue(b)?;
                let size = self.pointee_size(a.ty);
                let i64t = self.ty(s::Type::Int(s::IntWidth::W64));
                let ia = self.conv(s::ConvOp::PtrToInt, pa, i64t);
                let ib = self.conv(s::ConvOp::PtrToInt, pb, i64t);
                let d = self.bin(s::BinaryOp::Sub, ia, ib);
                let d = if size > 1 {
                    let k = self.i64c(size as i64);
                    self.bin(s::BinaryOp::SDiv, d, k)
                } else {
                    d
                };
                Ok(self.convert(d, Scalar::Int(s::IntWidth::W64, true), sc))
            }
            h::ExprKind::IncDec {
                increment,
                prefix,
                target,
            } => {
                let place = self.place(target)?;
                let old = self.load(place, ty);
                let new = self.step(old, sc, *increment, target)?;
                self.store(place, new);
                Ok(if *prefix { new } else { old })
            }
            h::ExprKind::Conditional(c, a, b) => {
                let tmp = self.temp("cond", ty);
                let cv = self.rvalue(c)?;
                self.if_(
                    cv,
                    |fl| {
                        let v = fl.rvalue(a)?;
                        let v = fl.coerce(v, ty);
                        fl.store(tmp, v);
                        Ok(())
                    },
                    |fl| {
                        let v = fl.rvalue(b)?;
                        let v = fl.coerce(v, ty);
                        fl.store(tmp, v);
                        Ok(())
                    },
                )?;
                Ok(self.load(tmp, ty))
            }
            h::ExprKind::Comma(a, b) => {
                self.effect(a)?;
                self.rvalue(b)
            }
            h::ExprKind::AddrOf(x) => {
                let place = self.place(x)?;
                Ok(self.coerce(place.ptr, ty))
            }
            h::ExprKind::Call { func, args } => match self.call(*func, args, e, None)? {
                Some(v) => Ok(v),
                None => err(e.span, "internal: a call without a value used as a value"),
            },
            h::ExprKind::InitList(items) => match items.first() {
                Some(first) => {
                    let v = self.rvalue(first)?;
                    let fsc = self.scalar_of(first)?;
                    Ok(self.convert(v, fsc, sc))
                }
                None => Ok(self.konst(ty, 0)),
            },
            h::ExprKind::Field { .. } => {
                let place = self.place(e)?;
                Ok(self.load(place, ty))
            }
            h::ExprKind::Assign { .. } | h::ExprKind::CompoundAssign { .. } => {
                let place = self.place(e)?;
                Ok(self.load(place, ty))
            }
            h::ExprKind::Error => err(e.span, "internal: an erroneous expression reached lowering"),
            _ => err(
                e.span,
                "not supported yet: this expression in device code (internal: unexpected rvalue form)",
            ),
        }
    }

    /// Size of the pointee of a pointer type (1 for `void*`).
    fn pointee_size(&self, ptr_ty: ht::TypeId) -> u64 {
        match self.lw.hir.types.get(ptr_ty) {
            ht::Type::Pointer { pointee, .. } => self.lw.size_of(pointee),
            _ => 1,
        }
    }

    /// `index * size` as an `i64` byte offset.
    fn index_bytes(&mut self, index: &h::Expr, size: u64) -> R<Value> {
        let i = self.rvalue(index)?;
        let isc = self.scalar_of(index)?;
        let signed = !matches!(isc, Scalar::Int(_, false) | Scalar::Bool);
        let i = self.convert(i, isc, Scalar::Int(s::IntWidth::W64, signed));
        Ok(if size == 1 {
            i
        } else {
            let k = self.i64c(size as i64);
            self.bin(s::BinaryOp::Mul, i, k)
        })
    }

    /// `v ± 1` for `++`/`--`.
    fn step(&mut self, v: Value, sc: Scalar, inc: bool, target: &h::Expr) -> R<Value> {
        Ok(match sc {
            Scalar::Int(w, _) => {
                let t = self.ty(s::Type::Int(w));
                let one = self.konst(t, 1);
                self.bin(
                    if inc {
                        s::BinaryOp::Add
                    } else {
                        s::BinaryOp::Sub
                    },
                    v,
                    one,
                )
            }
            Scalar::Float(w) => {
                let t = self.ty(s::Type::Float(w));
                let bits = match w {
                    s::FloatWidth::F32 => u64::from(1f32.to_bits()),
                    s::FloatWidth::F64 => 1f64.to_bits(),
                };
                let one = self.konst(t, bits);
                self.bin(
                    if inc {
                        s::BinaryOp::FAdd
                    } else {
                        s::BinaryOp::FSub
                    },
                    v,
                    one,
                )
            }
            Scalar::Ptr(sp) => {
                let size = self.pointee_size(target.ty) as i64;
                let off = self.i64c(if inc { size } else { -size });
                self.offset_by(Place { ptr: v, space: sp }, off).ptr
            }
            Scalar::Bool => return err(target.span, "not supported yet: `++`/`--` on a bool"),
        })
    }

    /// A binary operation on two values of the same scalar class.
    pub(crate) fn binary(
        &mut self,
        op: h::BinaryOp,
        x: Value,
        y: Value,
        sc: Scalar,
        span: Span,
    ) -> R<Value> {
        use h::BinaryOp as B;
        use s::BinaryOp as SB;
        use s::CmpOp as C;
        let float = matches!(sc, Scalar::Float(_));
        let signed = matches!(sc, Scalar::Int(_, true));
        if op.is_comparison() {
            let c = match (op, float, signed) {
                (B::Eq, true, _) => C::FEq,
                (B::Ne, true, _) => C::FNe,
                (B::Lt, true, _) => C::FLt,
                (B::Le, true, _) => C::FLe,
                (B::Gt, true, _) => C::FGt,
                (B::Ge, true, _) => C::FGe,
                (B::Eq, false, _) => C::Eq,
                (B::Ne, false, _) => C::Ne,
                (B::Lt, false, true) => C::SLt,
                (B::Le, false, true) => C::SLe,
                (B::Gt, false, true) => C::SGt,
                (B::Ge, false, true) => C::SGe,
                (B::Lt, false, false) => C::ULt,
                (B::Le, false, false) => C::ULe,
                (B::Gt, false, false) => C::UGt,
                (B::Ge, false, false) => C::UGe,
                _ => return err(span, "internal: unknown comparison"),
            };
            let (x, y) = if let Scalar::Ptr(_) = sc {
                let g = self.ty(s::Type::Ptr(s::AddrSpace::Generic));
                (self.coerce(x, g), self.coerce(y, g))
            } else {
                (x, y)
            };
            return Ok(self.cmp(c, x, y));
        }
        let o = match (op, float, signed) {
            (B::Add, true, _) => SB::FAdd,
            (B::Sub, true, _) => SB::FSub,
            (B::Mul, true, _) => SB::FMul,
            (B::Div, true, _) => SB::FDiv,
            (B::Rem, true, _) => SB::FRem,
            (B::Add, false, _) => SB::Add,
            (B::Sub, false, _) => SB::Sub,
            (B::Mul, false, _) => SB::Mul,
            (B::Div, false, true) => SB::SDiv,
            (B::Div, false, false) => SB::UDiv,
            (B::Rem, false, true) => SB::SRem,
            (B::Rem, false, false) => SB::URem,
            (B::Shl, false, _) => SB::Shl,
            (B::Shr, false, true) => SB::AShr,
            (B::Shr, false, false) => SB::LShr,
            (B::BitAnd, false, _) => SB::And,
            (B::BitOr, false, _) => SB::Or,
            (B::BitXor, false, _) => SB::Xor,
            _ => {
                return err(
                    span,
                    format!(
                        "not supported yet: operator `{}` on these operands",
                        op.name()
                    ),
                )
            }
        };
        if matches!(sc, Scalar::Ptr(_))
            || (matches!(sc, Scalar::Bool) && !matches!(o, SB::And | SB::Or | SB::Xor))
        {
            return err(
                span,
                format!(
                    "not supported yet: operator `{}` on these operands",
                    op.name()
                ),
            );
        }
        Ok(self.bin(o, x, y))
    }

    /// Converts a value between scalar classes (C++ semantics).
    pub(crate) fn convert(&mut self, v: Value, from: Scalar, to: Scalar) -> Value {
        use s::ConvOp as O;
        if from == to {
            return v;
        }
        let to_ty = self.lw.scalar_type(to);
        match (from, to) {
            (Scalar::Bool, Scalar::Int(..)) => self.conv(O::ZExt, v, to_ty),
            (Scalar::Bool, Scalar::Float(_)) => {
                let i = self.ty(s::Type::Int(s::IntWidth::W32));
                let x = self.conv(O::ZExt, v, i);
                self.conv(O::UIToFP, x, to_ty)
            }
            (Scalar::Int(w, _), Scalar::Bool) => {
                let t = self.ty(s::Type::Int(w));
                let z = self.konst(t, 0);
                self.cmp(s::CmpOp::Ne, v, z)
            }
            (Scalar::Float(w), Scalar::Bool) => {
                let t = self.ty(s::Type::Float(w));
                let z = self.konst(t, 0);
                self.cmp(s::CmpOp::FNe, v, z)
            }
            (Scalar::Ptr(sp), Scalar::Bool) => {
                let t = self.ty(s::Type::Ptr(sp));
                let z = self.konst(t, 0);
                self.cmp(s::CmpOp::Ne, v, z)
            }
            (Scalar::Int(a, sa), Scalar::Int(b, _)) => {
                if a.bits() == b.bits() {
                    v
                } else if a.bits() > b.bits() {
                    self.conv(O::Trunc, v, to_ty)
                } else if sa {
                    self.conv(O::SExt, v, to_ty)
                } else {
                    self.conv(O::ZExt, v, to_ty)
                }
            }
            (Scalar::Int(_, sa), Scalar::Float(_)) => {
                self.conv(if sa { O::SIToFP } else { O::UIToFP }, v, to_ty)
            }
            (Scalar::Float(_), Scalar::Int(_, sb)) => {
                self.conv(if sb { O::FPToSI } else { O::FPToUI }, v, to_ty)
            }
            (Scalar::Float(a), Scalar::Float(b)) => {
                if a == b {
                    v
                } else if b == s::FloatWidth::F32 {
                    self.conv(O::FpTrunc, v, to_ty)
                } else {
                    self.conv(O::FpExt, v, to_ty)
                }
            }
            (Scalar::Ptr(a), Scalar::Ptr(b)) => self.cast_space(Place { ptr: v, space: a }, b).ptr,
            (Scalar::Ptr(_), Scalar::Int(w, s)) => {
                let i64t = self.ty(s::Type::Int(s::IntWidth::W64));
                let x = self.conv(O::PtrToInt, v, i64t);
                self.convert(x, Scalar::Int(s::IntWidth::W64, true), Scalar::Int(w, s))
            }
            (Scalar::Int(w, s), Scalar::Ptr(_)) => {
                let x = self.convert(v, Scalar::Int(w, s), Scalar::Int(s::IntWidth::W64, s));
                self.conv(O::IntToPtr, x, to_ty)
            }
            (Scalar::Bool, Scalar::Ptr(_)) => {
                let x = self.convert(v, from, Scalar::Int(s::IntWidth::W64, false));
                self.conv(O::IntToPtr, x, to_ty)
            }
            (Scalar::Float(_), Scalar::Ptr(_)) | (Scalar::Ptr(_), Scalar::Float(_)) => {
                // Not valid C++; the front end rejects it. Keep a well-typed value.
                self.konst(to_ty, 0)
            }
            (Scalar::Bool, Scalar::Bool) => v,
        }
    }

    fn convert_expr(
        &mut self,
        kind: h::ConvertKind,
        a: &h::Expr,
        to: Scalar,
        e: &h::Expr,
    ) -> R<Value> {
        use h::ConvertKind as K;
        let to_ty = self.lw.scalar_type(to);
        match kind {
            K::LValueToRValue => {
                let place = self.place(a)?;
                Ok(self.load(place, to_ty))
            }
            K::ArrayToPointer => {
                let place = self.place(a)?;
                Ok(self.coerce(place.ptr, to_ty))
            }
            K::NullToPointer => Ok(self.konst(to_ty, 0)),
            K::ToVoid => err(e.span, "internal: a void conversion used as a value"),
            _ => {
                let v = self.rvalue(a)?;
                let from = self.scalar_of(a)?;
                Ok(self.convert(v, from, to))
            }
        }
    }

    // ---------------------------------------------------------------- places

    fn local_place(&mut self, id: h::LocalId, span: Span) -> R<Place> {
        match self.storage.get(id.0 as usize).copied() {
            Some(Storage::Slot(slot)) => Ok(self.slot_place(slot)),
            Some(Storage::Addr(v)) => Ok(Place {
                ptr: v,
                space: s::AddrSpace::Generic,
            }),
            None => err(span, "internal: unknown local variable"),
        }
    }

    /// The address of an lvalue (or of a temporary holding an aggregate rvalue).
    pub(crate) fn place(&mut self, e: &h::Expr) -> R<Place> {
        self.with_loc(e.span, |fl| fl.place_inner(e))
    }

    fn place_inner(&mut self, e: &h::Expr) -> R<Place> {
        match &e.kind {
            h::ExprKind::Local(id) => self.local_place(*id, e.span),
            h::ExprKind::Global(id) => {
                let r = self.lw.globals.get(id.0 as usize).copied().flatten();
                match r {
                    Some(GlobalRef::Var(g)) => {
                        let sp = self
                            .lw
                            .out
                            .globals
                            .get(g)
                            .map(|g| g.space)
                            .unwrap_or(s::AddrSpace::Global);
                        if sp == s::AddrSpace::Shared {
                            self.uses.shared.insert(g.0);
                        }
                        let t = self.ty(s::Type::Ptr(sp));
                        Ok(Place {
                            ptr: self.inst(t, s::Inst::GlobalAddr(g)),
                            space: sp,
                        })
                    }
                    Some(GlobalRef::DynamicShared) => {
                        self.uses.dynamic_shared = true;
                        let t = self.ty(s::Type::Ptr(s::AddrSpace::Shared));
                        Ok(Place {
                            ptr: self.inst(t, s::Inst::DynSharedAddr),
                            space: s::AddrSpace::Shared,
                        })
                    }
                    None => err(e.span, "internal: a global variable that failed to lower"),
                }
            }
            h::ExprKind::StringConst(bytes) => {
                let g = self.lw.string_global(bytes);
                let t = self.ty(s::Type::Ptr(s::AddrSpace::Constant));
                Ok(Place {
                    ptr: self.inst(t, s::Inst::GlobalAddr(g)),
                    space: s::AddrSpace::Constant,
                })
            }
            h::ExprKind::Index { base, index } => {
                let size = self.lw.size_of(e.ty);
                let base_place = match self.lw.hir.types.get(base.ty) {
                    ht::Type::Array { .. } => self.place(base)?,
                    ht::Type::Pointer { space: sp, .. } => {
                        let p = self.rvalue(base)?;
                        Place {
                            ptr: p,
                            space: space(sp),
                        }
                    }
                    _ => {
                        return err(
                            e.span,
                            "internal: indexing something that is not an array or pointer",
                        )
                    }
                };
                let off = self.index_bytes(index, size)?;
                Ok(self.offset_by(base_place, off))
            }
            h::ExprKind::Field { base, field } => {
                let Some(rid) = self.lw.hir.types.as_record(base.ty) else {
                    return err(e.span, "internal: a field of a non-record");
                };
                let offset = self
                    .lw
                    .hir
                    .types
                    .record(rid)
                    .and_then(|r| r.fields.get(*field as usize))
                    .map(|f| f.offset)
                    .unwrap_or(0);
                let base_place = if base.is_lvalue() {
                    self.place(base)?
                } else {
                    self.aggregate_place(base)?
                };
                Ok(self.offset(base_place, offset))
            }
            h::ExprKind::Deref(p) => {
                let v = self.rvalue(p)?;
                let sp = match self.lw.scalar(p.ty) {
                    Some(Scalar::Ptr(sp)) => sp,
                    _ => s::AddrSpace::Generic,
                };
                Ok(Place { ptr: v, space: sp })
            }
            h::ExprKind::Assign { target, value } => {
                if self.lw.is_aggregate(target.ty) {
                    let dest = self.place(target)?;
                    self.aggregate_into(value, dest)?;
                    return Ok(dest);
                }
                let v = self.rvalue(value)?;
                let dest = self.place(target)?;
                let mem = self.lw.mem_type(target.ty, target.span)?;
                let v = self.coerce(v, mem);
                self.store(dest, v);
                Ok(dest)
            }
            h::ExprKind::CompoundAssign {
                op,
                target,
                value,
                compute,
            } => {
                let v = self.rvalue(value)?;
                let dest = self.place(target)?;
                let tsc = self.scalar_of(target)?;
                let tty = self.lw.scalar_type(tsc);
                let old = self.load(dest, tty);
                let new = if let Scalar::Ptr(sp) = tsc {
                    let size = self.pointee_size(target.ty);
                    let vsc = self.scalar_of(value)?;
                    let signed = !matches!(vsc, Scalar::Int(_, false));
                    let v = self.convert(v, vsc, Scalar::Int(s::IntWidth::W64, signed));
                    let k = self.i64c(size as i64);
                    let mut off = self.bin(s::BinaryOp::Mul, v, k);
                    if *op == h::BinaryOp::Sub {
                        off = self.un(s::UnaryOp::Neg, off);
                    }
                    self.offset_by(
                        Place {
                            ptr: old,
                            space: sp,
                        },
                        off,
                    )
                    .ptr
                } else {
                    let Some(csc) = self.lw.scalar(*compute) else {
                        return err(e.span, "internal: compound assignment in a non-scalar type");
                    };
                    let oc = self.convert(old, tsc, csc);
                    let vsc = self.scalar_of(value)?;
                    let v = self.convert(v, vsc, csc);
                    let r = self.binary(*op, oc, v, csc, e.span)?;
                    self.convert(r, csc, tsc)
                };
                self.store(dest, new);
                Ok(dest)
            }
            h::ExprKind::IncDec {
                increment, target, ..
            } => {
                let dest = self.place(target)?;
                let tsc = self.scalar_of(target)?;
                let tty = self.lw.scalar_type(tsc);
                let old = self.load(dest, tty);
                let new = self.step(old, tsc, *increment, target)?;
                self.store(dest, new);
                Ok(dest)
            }
            h::ExprKind::Conditional(c, a, b) => {
                let gt = self.ty(s::Type::Ptr(s::AddrSpace::Generic));
                let tmp = self.temp("cond.addr", gt);
                let cv = self.rvalue(c)?;
                self.if_(
                    cv,
                    |fl| {
                        let p = fl.place(a)?;
                        let p = fl.cast_space(p, s::AddrSpace::Generic);
                        fl.store(tmp, p.ptr);
                        Ok(())
                    },
                    |fl| {
                        let p = fl.place(b)?;
                        let p = fl.cast_space(p, s::AddrSpace::Generic);
                        fl.store(tmp, p.ptr);
                        Ok(())
                    },
                )?;
                Ok(Place {
                    ptr: self.load(tmp, gt),
                    space: s::AddrSpace::Generic,
                })
            }
            h::ExprKind::Comma(a, b) => {
                self.effect(a)?;
                self.place(b)
            }
            h::ExprKind::Materialize(x) => {
                if self.lw.is_aggregate(x.ty) {
                    return self.aggregate_place_copy(x);
                }
                let sc = self.scalar_of(x)?;
                let t = self.lw.scalar_type(sc);
                let tmp = self.temp("materialized", t);
                let v = self.rvalue(x)?;
                self.store(tmp, v);
                Ok(tmp)
            }
            _ if self.lw.is_aggregate(e.ty) && !e.is_lvalue() => self.aggregate_place(e),
            h::ExprKind::Call { func, args } => {
                // A call returning a scalar used as an lvalue: keep its value in a temporary.
                let v = match self.call(*func, args, e, None)? {
                    Some(v) => v,
                    None => return err(e.span, "internal: a void call used as a value"),
                };
                let t = self.f.value_type(v).unwrap_or(s::TypeId(0));
                let tmp = self.temp("call.result", t);
                self.store(tmp, v);
                Ok(tmp)
            }
            h::ExprKind::Error => err(e.span, "internal: an erroneous expression reached lowering"),
            _ => err(
                e.span,
                "not supported yet: this expression as an object in device code",
            ),
        }
    }

    /// The address of an aggregate rvalue: the source object for a plain read, else a
    /// temporary holding the value.
    fn aggregate_place(&mut self, e: &h::Expr) -> R<Place> {
        if let h::ExprKind::Convert(h::ConvertKind::LValueToRValue, x) = &e.kind {
            return self.place(x);
        }
        if e.is_lvalue() {
            return self.place(e);
        }
        self.aggregate_place_copy(e)
    }

    /// A fresh temporary holding the aggregate value of `e`.
    fn aggregate_place_copy(&mut self, e: &h::Expr) -> R<Place> {
        let mem = self.lw.mem_type(e.ty, e.span)?;
        let tmp = self.temp("agg.tmp", mem);
        self.aggregate_into(e, tmp)?;
        Ok(tmp)
    }

    /// Writes the value of an aggregate-typed expression to `dest`.
    pub(crate) fn aggregate_into(&mut self, e: &h::Expr, dest: Place) -> R<()> {
        self.with_loc(e.span, |fl| fl.aggregate_into_inner(e, dest))
    }

    fn aggregate_into_inner(&mut self, e: &h::Expr, dest: Place) -> R<()> {
        let size = self.lw.size_of(e.ty);
        let align = self.lw.align_of(e.ty);
        match &e.kind {
            h::ExprKind::Convert(h::ConvertKind::LValueToRValue, x) => {
                let src = self.place(x)?;
                self.copy_bytes(dest, src, size, align)
            }
            h::ExprKind::Zero => self.zero_bytes(dest, size, align),
            h::ExprKind::InitList(items) => self.init_list(e, items, dest),
            h::ExprKind::Call { func, args } => self.call(*func, args, e, Some(dest)).map(|_| ()),
            h::ExprKind::Construct { ctor, args } => self.construct(*ctor, args, e, dest),
            h::ExprKind::Conditional(c, a, b) => {
                let cv = self.rvalue(c)?;
                self.if_(
                    cv,
                    |fl| fl.aggregate_into(a, dest),
                    |fl| fl.aggregate_into(b, dest),
                )
            }
            h::ExprKind::Comma(a, b) => {
                self.effect(a)?;
                self.aggregate_into(b, dest)
            }
            h::ExprKind::Builtin(var, None) => {
                let i32t = self.ty(s::Type::Int(s::IntWidth::W32));
                for (i, dim) in [s::Dim::X, s::Dim::Y, s::Dim::Z].into_iter().enumerate() {
                    let inst = match var {
                        h::BuiltinVar::ThreadIdx => s::Inst::ThreadId(dim),
                        h::BuiltinVar::BlockIdx => s::Inst::BlockId(dim),
                        h::BuiltinVar::BlockDim => s::Inst::BlockDim(dim),
                        h::BuiltinVar::GridDim => s::Inst::GridDim(dim),
                        h::BuiltinVar::WarpSize => s::Inst::WarpSize,
                    };
                    let v = self.inst(i32t, inst);
                    let d = self.offset(dest, 4 * i as u64);
                    self.store(d, v);
                }
                Ok(())
            }
            _ if e.is_lvalue() || matches!(e.kind, h::ExprKind::Field { .. }) => {
                let src = if e.is_lvalue() {
                    self.place(e)?
                } else {
                    self.place_inner(e)?
                };
                self.copy_bytes(dest, src, size, align)
            }
            h::ExprKind::Error => err(e.span, "internal: an erroneous expression reached lowering"),
            _ => err(
                e.span,
                "not supported yet: this kind of aggregate value in device code",
            ),
        }
    }

    fn init_list(&mut self, e: &h::Expr, items: &[h::Expr], dest: Place) -> R<()> {
        let size = self.lw.size_of(e.ty);
        let align = self.lw.align_of(e.ty);
        match self.lw.hir.types.get(e.ty) {
            ht::Type::Array { elem, len } => {
                let esize = self.lw.size_of(elem);
                if (items.len() as u64) < len.unwrap_or(0) {
                    self.zero_bytes(dest, size, align)?;
                }
                for (i, item) in items.iter().enumerate() {
                    let d = self.offset(dest, esize * i as u64);
                    self.init_item(item, elem, d)?;
                }
                Ok(())
            }
            ht::Type::Record(rid) => {
                let Some(rec) = self.lw.hir.types.record(rid).cloned() else {
                    return err(e.span, "internal: unknown record");
                };
                if items.len() < rec.fields.len() || rec.is_union {
                    self.zero_bytes(dest, size, align)?;
                }
                for (field, item) in rec.fields.iter().zip(items) {
                    let d = self.offset(dest, field.offset);
                    self.init_item(item, field.ty, d)?;
                    if rec.is_union {
                        break;
                    }
                }
                Ok(())
            }
            _ => err(e.span, "internal: an initializer list of a non-aggregate"),
        }
    }

    fn init_item(&mut self, item: &h::Expr, ty: ht::TypeId, dest: Place) -> R<()> {
        if self.lw.is_aggregate(ty) {
            if let h::ExprKind::StringConst(_) = item.kind {
                let src = self.place(item)?;
                let size = self.lw.size_of(ty).min(self.lw.size_of(item.ty));
                return self.copy_bytes(dest, src, size, 1);
            }
            return self.aggregate_into(item, dest);
        }
        let v = self.rvalue(item)?;
        let isc = self.scalar_of(item)?;
        let Some(tsc) = self.lw.scalar(ty) else {
            return err(
                item.span,
                "internal: an initializer of a non-scalar element",
            );
        };
        let v = self.convert(v, isc, tsc);
        self.store(dest, v);
        Ok(())
    }

    // ---------------------------------------------------------------- calls

    fn construct(&mut self, ctor: h::FuncId, args: &[h::Expr], e: &h::Expr, dest: Place) -> R<()> {
        let Some(sig) = self.lw.signatures.get(&ctor.0).cloned() else {
            return self.defaulted_constructor(ctor, args, e, dest);
        };
        self.uses.callees.insert(ctor.0);
        let this = self.cast_space(dest, s::AddrSpace::Generic).ptr;
        let mut values = vec![this];
        let hf = self.lw.hir.function(ctor);
        let param_tys: Vec<ht::TypeId> = hf
            .map(|f| {
                f.params
                    .iter()
                    .skip(1)
                    .filter_map(|p| f.locals.get(p.0 as usize).map(|l| l.ty))
                    .collect()
            })
            .unwrap_or_default();
        self.call_args(args, &param_tys, &mut values)?;
        self.emit_call(&sig, values, e.span).map(|_| ())
    }

    /// A constructor declared `= default`, which has no body: the default constructor, as a
    /// value-initialization (`T()`, `T{}`) calls it, zero-fills the object (C++ zero-initializes
    /// a class whose default constructor is not user-provided); the copy and move
    /// constructors copy the bytes.
    fn defaulted_constructor(
        &mut self,
        ctor: h::FuncId,
        args: &[h::Expr],
        e: &h::Expr,
        dest: Place,
    ) -> R<()> {
        let defaulted = self.lw.hir.function(ctor).is_some_and(|f| f.is_defaulted);
        if !defaulted {
            return err(e.span, "not supported yet: a constructor without a body");
        }
        let size = self.lw.size_of(e.ty);
        let align = self.lw.align_of(e.ty);
        match args {
            [] => self.zero_bytes(dest, size, align),
            [src] if self.lw.is_aggregate(src.ty) && self.lw.size_of(src.ty) == size => {
                let from = self.aggregate_place_copy(src)?;
                self.copy_bytes(dest, from, size, align)
            }
            _ => err(
                e.span,
                "not supported yet: a defaulted constructor called with these arguments",
            ),
        }
    }

    fn call_args(
        &mut self,
        args: &[h::Expr],
        param_tys: &[ht::TypeId],
        values: &mut Vec<Value>,
    ) -> R<()> {
        for (i, arg) in args.iter().enumerate() {
            let pty = param_tys.get(i).copied().unwrap_or(arg.ty);
            if self.lw.is_aggregate(pty) {
                let tmp = self.aggregate_place_copy(arg)?;
                values.push(self.cast_space(tmp, s::AddrSpace::Generic).ptr);
            } else {
                let v = self.rvalue(arg)?;
                let asc = self.scalar_of(arg)?;
                let v = match self.lw.scalar(pty) {
                    Some(psc) => self.convert(v, asc, psc),
                    None => v,
                };
                values.push(v);
            }
        }
        Ok(())
    }

    fn emit_call(&mut self, sig: &Signature, values: Vec<Value>, span: Span) -> R<Option<Value>> {
        let Some(callee) = self.lw.out.functions.get(sig.id) else {
            return err(span, "internal: unknown callee");
        };
        let ret = callee.ret;
        let param_tys: Vec<Option<s::TypeId>> = callee
            .params
            .iter()
            .map(|p| callee.value_type(*p))
            .collect();
        if param_tys.len() != values.len() {
            return err(
                span,
                format!(
                    "internal: the call passes {} arguments to a function of {} parameters",
                    values.len(),
                    param_tys.len()
                ),
            );
        }
        let args: Vec<Value> = values
            .into_iter()
            .zip(param_tys)
            .map(|(v, t)| match t {
                Some(t) => self.coerce(v, t),
                None => v,
            })
            .collect();
        let inst = s::Inst::Call { func: sig.id, args };
        Ok(match ret {
            Some(t) => Some(self.inst(t, inst)),
            None => {
                self.effect_inst(inst);
                None
            }
        })
    }

    /// Lowers a call; an aggregate result is written to `dest` (or a temporary).
    fn call(
        &mut self,
        func: h::FuncId,
        args: &[h::Expr],
        e: &h::Expr,
        dest: Option<Place>,
    ) -> R<Option<Value>> {
        let Some(hf) = self.lw.hir.function(func) else {
            return err(e.span, "internal: unknown function");
        };
        if hf.kind == h::FunctionKind::Builtin || hf.body.is_none() {
            if hf.kind != h::FunctionKind::Builtin {
                return err(
                    e.span,
                    format!(
                        "the device function `{}` is declared but never defined",
                        hf.name
                    ),
                );
            }
            let is_load = matches!(
                hf.name.as_str(),
                "__ldg" | "__ldcg" | "__ldca" | "__ldcs" | "__ldlu" | "__ldcv"
            );
            if is_load && self.lw.is_aggregate(hf.ret) {
                // A vector-type load (`__ldg(const float4 *)`): copy the bytes.
                let Some(ptr_arg) = args.first() else {
                    return err(e.span, format!("`{}` takes 1 argument", hf.name));
                };
                let p = self.rvalue(ptr_arg)?;
                let sp = match self.lw.scalar(ptr_arg.ty) {
                    Some(Scalar::Ptr(sp)) => sp,
                    _ => s::AddrSpace::Generic,
                };
                let size = self.lw.size_of(hf.ret);
                let align = self.lw.align_of(hf.ret);
                if let Some(d) = dest {
                    self.copy_bytes(d, Place { ptr: p, space: sp }, size, align)?;
                }
                return Ok(None);
            }
            return builtins::call_builtin(self, hf, args, e);
        }
        if hf.kind == h::FunctionKind::Kernel {
            return err(
                e.span,
                "not supported yet: launching or calling a kernel from device code",
            );
        }
        let Some(sig) = self.lw.signatures.get(&func.0).cloned() else {
            return err(
                e.span,
                format!("the function `{}` could not be lowered", hf.name),
            );
        };
        self.uses.callees.insert(func.0);
        let param_tys: Vec<ht::TypeId> = hf
            .params
            .iter()
            .filter_map(|p| hf.locals.get(p.0 as usize).map(|l| l.ty))
            .collect();
        let mut values = Vec::new();
        let mut result_place = None;
        if sig.sret {
            let d = match dest {
                Some(d) => d,
                None => {
                    let mem = self.lw.mem_type(hf.ret, e.span)?;
                    self.temp("call.result", mem)
                }
            };
            result_place = Some(d);
            values.push(self.cast_space(d, s::AddrSpace::Generic).ptr);
        }
        self.call_args(args, &param_tys, &mut values)?;
        let r = self.emit_call(&sig, values, e.span)?;
        if sig.sret {
            // The caller reads the value through `result_place` (see `aggregate_place`).
            let _ = result_place;
        }
        Ok(r)
    }
}
