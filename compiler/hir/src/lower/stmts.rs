//! Function bodies and statements.

use super::decls::{last_name, unqualified_class_name};
use super::{FnState, Lowerer};
use crate::ir::{
    Block, Expr, ExprKind, Local, LocalId, Stmt, StmtKind, SwitchCase, Unroll, ValueCategory,
};
use crate::scope::{FnDeclId, LocalSymbol, Symbol};
use crate::types::{AddrSpace, Type, TypeId};
use cwcc_frontend::ast::{self, StmtKind as S};
use cwcc_frontend::source::Span;

impl<'a> Lowerer<'a> {
    /// Lowers the body of a declaration whose function was created by `func_for`.
    pub fn lower_function_body(&mut self, id: FnDeclId) {
        let Some(d) = self.fn_decls.get(id.0 as usize) else {
            return;
        };
        let Some(fid) = d.func else { return };
        let (ast_fn, ctx, depth, is_ctor, name, exec) = (
            d.ast,
            d.ctx.clone(),
            d.depth,
            d.is_ctor,
            d.name.clone(),
            d.exec,
        );
        let Some(body) = &ast_fn.body else { return };
        let Some(func) = self.m.functions.get(fid.0 as usize) else {
            return;
        };
        let locals = func.locals.clone();
        let params = func.params.clone();
        let has_this = d.class.is_some();
        let ret = func.ret;
        let sig_ret = d.sig.ret;
        let saved_ctx = std::mem::replace(&mut self.ctx, ctx);
        let saved_fn = std::mem::replace(
            &mut self.f,
            FnState {
                locals,
                ret: Some(if is_ctor { ret } else { sig_ret }),
                this: if has_this {
                    params.first().copied()
                } else {
                    None
                },
                name: name.clone(),
                is_kernel: exec.global,
                depth,
                active: true,
                ..FnState::default()
            },
        );
        self.f.scopes.push();
        for (i, p) in params.iter().enumerate() {
            if has_this && i == 0 {
                continue;
            }
            let pname = self
                .f
                .locals
                .get(p.0 as usize)
                .map(|l| l.name.clone())
                .unwrap_or_default();
            self.f.scopes.bind(&pname, LocalSymbol::Local(*p));
        }
        let mut stmts = Vec::new();
        if is_ctor {
            stmts.extend(self.member_inits(ast_fn));
        }
        if let Some(lb) = &ast_fn.specs.cuda.launch_bounds {
            let mut vals = Vec::new();
            for e in lb {
                if let Some(v) = self.const_u64(e, "launch bound") {
                    vals.push(v);
                }
            }
            if let Some(f) = self.m.functions.get_mut(fid.0 as usize) {
                f.launch_bounds = vals;
            }
        }
        let inner = self.lower_block(body);
        stmts.extend(inner.stmts);
        let non_void = !matches!(self.m.types.get(sig_ret), Type::Void | Type::Error) && !is_ctor;
        if non_void && !block_returns(&stmts) && !self.in_system_header(ast_fn.span) {
            let msg =
                format!("non-void function `{name}` does not return a value in all control paths");
            self.warning(msg, body.span);
        }
        let locals = std::mem::take(&mut self.f.locals);
        if let Some(f) = self.m.functions.get_mut(fid.0 as usize) {
            f.locals = locals;
            f.body = Some(Block { stmts });
        }
        if let Some((_, first)) = self.f.scopes.directives.first() {
            self.symbols.using_dirs.truncate(*first);
        }
        self.ctx = saved_ctx;
        self.f = saved_fn;
    }

    /// Closes the innermost block scope and the `using namespace` directives made in it.
    pub fn pop_scope(&mut self) {
        self.f.scopes.pop();
        let depth = self.f.scopes.depth();
        while let Some(&(d, index)) = self.f.scopes.directives.last() {
            if d <= depth {
                break;
            }
            self.symbols.using_dirs.truncate(index);
            self.f.scopes.directives.pop();
        }
    }

    /// A constructor's member initializers as field assignments.
    fn member_inits(&mut self, f: &'a ast::Function) -> Vec<Stmt> {
        let mut out = Vec::new();
        for mi in &f.member_inits {
            let span = mi.span;
            let Some(obj) = self.this_object(span) else {
                continue;
            };
            let name = last_name(&mi.name);
            let found = self
                .find_field(obj.ty, name, 0)
                .or_else(|| self.base_field(obj.ty, name).map(|i| vec![i]));
            let Some(path) = found else {
                let msg = format!("no member named `{name}` to initialize");
                self.error(msg, mi.name.span);
                continue;
            };
            let target = self.field_path(obj, &path, span);
            let ty = target.ty;
            let value = if matches!(self.m.types.get(ty), Type::Record(_)) {
                let vals: Vec<Expr> = mi.args.iter().map(|a| self.lower_expr(a)).collect();
                self.construct_record(ty, vals, span, false)
                    .unwrap_or_else(|| self.err_expr(span))
            } else {
                match mi.args.as_slice() {
                    [] => super::conv::mk(ExprKind::Zero, ty, ValueCategory::RValue, span),
                    [one] => {
                        let v = self.lower_expr(one);
                        self.convert_implicit(v, ty, "member initialization")
                    }
                    _ => {
                        self.error("too many values in a member initializer", span);
                        continue;
                    }
                }
            };
            let cat = target.cat;
            let e = super::conv::mk(
                ExprKind::Assign {
                    target: Box::new(target),
                    value: Box::new(value),
                },
                ty,
                cat,
                span,
            );
            out.push(Stmt {
                kind: StmtKind::Expr(e),
                span,
            });
        }
        out
    }

    /// The field holding the direct base class called `name` (a base initializer
    /// `Derived() : Base(args)`): bases are the leading fields `base`, `base.1`, ...
    fn base_field(&self, ty: TypeId, name: &str) -> Option<u32> {
        let rid = self.m.types.as_record(ty)?;
        let rec = self.m.types.record(rid)?;
        rec.fields
            .iter()
            .position(|f| {
                (f.name == "base" || f.name.starts_with("base."))
                    && self
                        .m
                        .types
                        .as_record(f.ty)
                        .and_then(|b| self.m.types.record(b))
                        .is_some_and(|b| unqualified_class_name(&b.name) == name)
            })
            .map(|i| i as u32)
    }

    /// Lowers a block in a new scope.
    pub fn lower_block(&mut self, b: &'a ast::Block) -> Block {
        self.f.scopes.push();
        let mut stmts = Vec::new();
        for s in &b.stmts {
            self.lower_stmt_into(s, &mut stmts);
        }
        self.pop_scope();
        Block { stmts }
    }

    /// A statement as a block (branches and loop bodies get their own scope).
    fn lower_as_block(&mut self, s: &'a ast::Stmt) -> Block {
        if let S::Block(b) = &s.kind {
            return self.lower_block(b);
        }
        self.f.scopes.push();
        let mut stmts = Vec::new();
        self.lower_stmt_into(s, &mut stmts);
        self.pop_scope();
        Block { stmts }
    }

    fn full_expr(&mut self, e: &'a ast::Expr) -> Expr {
        self.f.warned_double = false;
        self.lower_expr(e)
    }

    fn cond_expr(&mut self, e: &'a ast::Expr) -> Expr {
        let v = self.full_expr(e);
        self.condition_value(v)
    }

    /// Lowers a condition; a declaration in it becomes a `Let` pushed to `pre`.
    fn lower_condition(&mut self, c: &'a ast::Condition, pre: &mut Vec<Stmt>) -> Expr {
        match c {
            ast::Condition::Expr(e) => self.cond_expr(e),
            ast::Condition::Decl(v) => {
                let n = pre.len();
                self.lower_local_decl(v, pre);
                let local = pre[n..].iter().find_map(|s| match &s.kind {
                    StmtKind::Let { local, .. } => Some(*local),
                    _ => None,
                });
                match local {
                    Some(l) => {
                        let e = self.local_expr(l, v.span);
                        self.condition_value(e)
                    }
                    None => self.err_expr(v.span),
                }
            }
        }
    }

    fn unroll(&mut self, u: &'a Option<ast::Unroll>) -> Option<Unroll> {
        let u = u.as_ref()?;
        match &u.count {
            None => Some(Unroll::Full),
            Some(e) => match self.const_u64(e, "unroll count") {
                Some(0) => {
                    self.error("unroll count must be positive", e.span);
                    None
                }
                Some(n) => Some(Unroll::Count(n)),
                None => None,
            },
        }
    }

    /// Lowers one statement, appending to `out`.
    pub fn lower_stmt_into(&mut self, s: &'a ast::Stmt, out: &mut Vec<Stmt>) {
        let span = s.span;
        let push = |out: &mut Vec<Stmt>, kind: StmtKind| out.push(Stmt { kind, span });
        match &s.kind {
            S::Expr(e) => {
                let v = self.full_expr(e);
                push(out, StmtKind::Expr(v));
            }
            S::Decl(v) => self.lower_local_decl(v, out),
            S::Item(item) => self.local_item(item),
            S::Block(b) => {
                let b = self.lower_block(b);
                push(out, StmtKind::Block(b));
            }
            S::If {
                init,
                cond,
                then,
                els,
                is_constexpr,
            } => {
                self.f.scopes.push();
                let mut pre = Vec::new();
                if let Some(i) = init {
                    self.lower_stmt_into(i, &mut pre);
                }
                let c = self.lower_condition(cond, &mut pre);
                if *is_constexpr {
                    // Only the taken branch is lowered.
                    match self.eval_const(&c) {
                        Ok(v) => {
                            let taken = !matches!(v, crate::scope::ConstVal::Int(0));
                            let b = if taken {
                                Some(self.lower_as_block(then))
                            } else {
                                els.as_ref().map(|e| self.lower_as_block(e))
                            };
                            self.pop_scope();
                            pre.extend(b.map(|b| Stmt {
                                kind: StmtKind::Block(b),
                                span,
                            }));
                            push(out, StmtKind::Block(Block { stmts: pre }));
                            return;
                        }
                        Err(e) => self.report_eval_error(e, "`if constexpr` condition"),
                    }
                }
                let t = self.lower_as_block(then);
                let e = els.as_ref().map(|e| self.lower_as_block(e));
                self.pop_scope();
                let stmt = Stmt {
                    kind: StmtKind::If {
                        cond: c,
                        then: t,
                        els: e,
                    },
                    span,
                };
                if pre.is_empty() {
                    out.push(stmt);
                } else {
                    pre.push(stmt);
                    push(out, StmtKind::Block(Block { stmts: pre }));
                }
            }
            S::While { cond, body, unroll } => {
                let unroll = self.unroll(unroll);
                if let ast::Condition::Decl(d) = cond {
                    self.error(
                        "not supported yet: a declaration in a `while` condition",
                        d.span,
                    );
                    return;
                }
                let mut pre = Vec::new();
                let c = self.lower_condition(cond, &mut pre);
                self.f.loop_depth += 1;
                let b = self.lower_as_block(body);
                self.f.loop_depth -= 1;
                push(
                    out,
                    StmtKind::Loop {
                        cond: Some(c),
                        body: b,
                        step: None,
                        test_first: true,
                        unroll,
                    },
                );
            }
            S::DoWhile { body, cond, unroll } => {
                let unroll = self.unroll(unroll);
                self.f.loop_depth += 1;
                let b = self.lower_as_block(body);
                self.f.loop_depth -= 1;
                let c = self.cond_expr(cond);
                push(
                    out,
                    StmtKind::Loop {
                        cond: Some(c),
                        body: b,
                        step: None,
                        test_first: false,
                        unroll,
                    },
                );
            }
            S::For {
                init,
                cond,
                step,
                body,
                unroll,
            } => {
                let unroll = self.unroll(unroll);
                self.f.scopes.push();
                let mut pre = Vec::new();
                if let Some(i) = init {
                    self.lower_stmt_into(i, &mut pre);
                }
                let c = cond.as_ref().map(|c| self.lower_condition(c, &mut pre));
                let st = step.as_ref().map(|e| self.full_expr(e));
                self.f.loop_depth += 1;
                let b = self.lower_as_block(body);
                self.f.loop_depth -= 1;
                self.pop_scope();
                let lp = Stmt {
                    kind: StmtKind::Loop {
                        cond: c,
                        body: b,
                        step: st,
                        test_first: true,
                        unroll,
                    },
                    span,
                };
                if pre.is_empty() {
                    out.push(lp);
                } else {
                    pre.push(lp);
                    push(out, StmtKind::Block(Block { stmts: pre }));
                }
            }
            S::RangeFor { .. } => self.error(
                "not supported yet: range-based for loops in device code",
                span,
            ),
            S::Switch { cond, body } => self.lower_switch(cond, body, span, out),
            S::Case { value, .. } => self.error(
                "`case` label not directly inside a switch (not supported yet when nested)",
                value.span,
            ),
            S::Default(_) => self.error(
                "`default` label not directly inside a switch (not supported yet when nested)",
                span,
            ),
            S::Label(_, inner) => {
                self.error("not supported yet: labels (goto targets)", span);
                self.lower_stmt_into(inner, out);
            }
            S::Goto(_) => self.error("not supported yet: goto", span),
            S::Break => {
                if self.f.loop_depth == 0 && self.f.switch_depth == 0 {
                    self.error("`break` statement not in a loop or switch", span);
                } else {
                    push(out, StmtKind::Break);
                }
            }
            S::Continue => {
                if self.f.loop_depth == 0 {
                    self.error("`continue` statement not in a loop", span);
                } else {
                    push(out, StmtKind::Continue);
                }
            }
            S::Return(e) => {
                let ret = self.f.ret.unwrap_or_else(|| self.ty_void());
                let is_void = matches!(self.m.types.get(ret), Type::Void);
                match e {
                    None => {
                        if !is_void && !self.m.types.is_error(ret) {
                            let msg = format!(
                                "non-void function `{}` should return a value",
                                self.f.name
                            );
                            self.error(msg, span);
                        }
                        push(out, StmtKind::Return(None));
                    }
                    Some(ex) => {
                        self.f.warned_double = false;
                        let v = match &ex.kind {
                            ast::ExprKind::InitList(items) if !is_void => {
                                let target = match self.m.types.get(ret) {
                                    Type::Reference { pointee, .. } => pointee,
                                    _ => ret,
                                };
                                let inits: Vec<super::exprs::InitItem<'a>> =
                                    items.iter().map(super::exprs::InitItem::Expr).collect();
                                self.lower_init_items(&inits, target, ex.span)
                            }
                            _ => self.lower_expr(ex),
                        };
                        if is_void {
                            if !matches!(self.m.types.get(v.ty), Type::Void | Type::Error) {
                                let msg = format!(
                                    "void function `{}` should not return a value",
                                    self.f.name
                                );
                                self.error(msg, span);
                            }
                            push(out, StmtKind::Expr(v));
                            push(out, StmtKind::Return(None));
                        } else {
                            let v = self.convert_implicit(v, ret, "return");
                            push(out, StmtKind::Return(Some(v)));
                        }
                    }
                }
            }
            S::Asm(_) => self.error("not supported yet: inline asm in device code", span),
            S::Empty => {}
        }
    }

    fn local_item(&mut self, item: &'a ast::Item) {
        match item {
            ast::Item::StaticAssert(sa) => self.check_static_assert(sa),
            ast::Item::TypeAlias(a) => {
                let t = self.lower_type_id(&a.ty);
                self.f.scopes.bind(&a.name.name, LocalSymbol::Type(t));
            }
            ast::Item::Record(r) => {
                let ctx = self.ctx.nested(&self.f.name.clone());
                if let Some(t) = self.define_record(r, &ctx, None) {
                    if let Some(q) = &r.name {
                        self.f.scopes.bind(last_name(q), LocalSymbol::Type(t));
                    }
                }
            }
            ast::Item::Enum(e) => {
                let ctx = self.ctx.nested(&self.f.name.clone());
                if let Some(t) = self.define_enum(e, &ctx) {
                    if let Some(n) = &e.name {
                        self.f.scopes.bind(&n.name, LocalSymbol::Type(t));
                    }
                    // Unscoped enumerators are visible in the enclosing block.
                    if !e.scoped {
                        for en in e.enumerators.iter().flatten() {
                            let key = ctx.key(&en.name.name);
                            if let Some(sym) =
                                self.symbols.get(&key).and_then(|s| s.first()).cloned()
                            {
                                self.symbols.add(self.ctx.key(&en.name.name), sym);
                            }
                        }
                    }
                }
            }
            ast::Item::Empty(_) => {}
            ast::Item::UsingNamespace(q, span) => {
                match self.resolve_scope_path(&q.segments, q.global) {
                    Some(key) => {
                        let index = self.symbols.using_dirs.len();
                        let depth = self.f.scopes.depth();
                        self.symbols
                            .using_dirs
                            .push((self.ctx.scope.to_string(), key));
                        self.f.scopes.directives.push((depth, index));
                    }
                    None => {
                        let msg = format!("unknown namespace `{}`", self.sources.snippet(q.span));
                        self.error(msg, *span);
                    }
                }
            }
            ast::Item::UsingDecl(q, span) => {
                let syms = self.resolve_qualified(q);
                match syms.first() {
                    Some(Symbol::Type(t)) => {
                        self.f.scopes.bind(last_name(q), LocalSymbol::Type(*t));
                    }
                    Some(_) => self.error(
                        "not supported yet: using-declarations of functions or variables inside a function",
                        *span,
                    ),
                    None => {
                        let msg = format!(
                            "no member named `{}` for the using-declaration",
                            self.sources.snippet(q.span)
                        );
                        self.error(msg, *span);
                    }
                }
            }
            other => {
                let span = item_span(other);
                self.error(
                    "not supported yet: this declaration inside a function",
                    span,
                );
            }
        }
    }

    /// Lowers a local declaration into `Let` statements (or globals for `static` and
    /// `__shared__` locals).
    pub fn lower_local_decl(&mut self, v: &'a ast::VarDecl, out: &mut Vec<Stmt>) {
        let cuda = &v.specs.cuda;
        let static_space = if cuda.shared {
            Some(AddrSpace::Shared)
        } else if cuda.constant {
            Some(AddrSpace::Constant)
        } else if v.specs.storage == ast::Storage::Static || cuda.device {
            Some(AddrSpace::Global)
        } else {
            None
        };
        for d in &v.declarators {
            let Some(q) = &d.declarator.name else {
                continue;
            };
            let name = last_name(q).to_string();
            if let Some(space) = static_space {
                if let Some(g) = self.lower_global(v, d, &name, space, false) {
                    if !self.f.scopes.bind(&name, LocalSymbol::Global(g)) {
                        let msg = format!("redefinition of `{name}`");
                        self.error(msg, d.declarator.span);
                    }
                }
                continue;
            }
            let base = self.lower_base_type(&v.specs, v.span);
            self.f.warned_double = false;
            let (ty, is_const, init) = match base {
                Some(b) => {
                    let (mut ty, is_const) = self.apply_declarator(
                        b,
                        v.specs.is_const || v.specs.is_constexpr,
                        &d.declarator.ops,
                        d.declarator.span,
                    );
                    if let (Type::Array { elem, len: None }, Some(init)) =
                        (self.m.types.get(ty), &d.init)
                    {
                        if let Some(n) = init_len(init) {
                            ty = self.m.types.intern(Type::Array { elem, len: Some(n) });
                        }
                    }
                    let init = d
                        .init
                        .as_ref()
                        .map(|i| self.lower_initializer(i, ty, d.declarator.span));
                    (ty, is_const, init)
                }
                None => {
                    // `auto`: the type of the initializer.
                    let Some(ast::Initializer::Expr(e)) = &d.init else {
                        self.error(
                            "declaration with `auto` needs an initializer",
                            d.declarator.span,
                        );
                        continue;
                    };
                    let val = self.lower_expr(e);
                    let is_ref = d
                        .declarator
                        .ops
                        .iter()
                        .any(|o| matches!(o, ast::DeclaratorOp::Reference));
                    let vty = if is_ref {
                        val.ty
                    } else {
                        let rv = self.rvalue(val.clone());
                        rv.ty
                    };
                    let is_const = v.specs.is_const || v.specs.is_constexpr;
                    let ty = if is_ref {
                        self.m.types.intern(Type::Reference {
                            pointee: vty,
                            is_const,
                        })
                    } else {
                        let mut t = vty;
                        if d.declarator
                            .ops
                            .iter()
                            .any(|o| matches!(o, ast::DeclaratorOp::Pointer { .. }))
                            && !matches!(self.m.types.get(t), Type::Pointer { .. })
                        {
                            let msg = format!(
                                "`auto *` needs a pointer initializer, not `{}`",
                                self.type_name(t)
                            );
                            self.error(msg, d.declarator.span);
                            t = self.ty_error();
                        }
                        t
                    };
                    let init = self.convert_implicit(val, ty, "initialization");
                    (ty, is_const, Some(init))
                }
            };
            if let Type::Array { len: None, .. } = self.m.types.get(ty) {
                let msg = format!("array `{name}` needs a size");
                self.error(msg, d.declarator.span);
            }
            if matches!(self.m.types.get(ty), Type::Void) {
                let msg = format!("variable `{name}` has incomplete type `void`");
                self.error(msg, d.declarator.span);
                continue;
            }
            if let Type::Reference { .. } = self.m.types.get(ty) {
                if init.is_none() {
                    let msg = format!(
                        "declaration of reference variable `{name}` requires an initializer"
                    );
                    self.error(msg, d.declarator.span);
                }
            }
            if is_const && init.is_none() && !matches!(self.m.types.get(ty), Type::Record(_)) {
                let msg = format!(
                    "default initialization of an object of const type `{}`",
                    self.type_name(ty)
                );
                self.error(msg, d.declarator.span);
            }
            let id = LocalId(self.f.locals.len() as u32);
            self.f.locals.push(Local {
                name: name.clone(),
                ty,
                is_const,
                span: d.declarator.span,
            });
            if is_const {
                if let Some(i) = &init {
                    if let Ok(c) = self.eval_const(i) {
                        self.f.const_values.insert(id, c);
                    } else if v.specs.is_constexpr {
                        if let Err(e) = self.eval_const(i) {
                            self.report_eval_error(e, "constexpr initializer");
                        }
                    }
                }
            }
            if !self.f.scopes.bind(&name, LocalSymbol::Local(id)) {
                let msg = format!("redefinition of `{name}`");
                self.error(msg, d.declarator.span);
            }
            out.push(Stmt {
                kind: StmtKind::Let { local: id, init },
                span: d.declarator.span,
            });
        }
    }

    fn lower_switch(
        &mut self,
        cond: &'a ast::Condition,
        body: &'a ast::Stmt,
        span: Span,
        out: &mut Vec<Stmt>,
    ) {
        let mut pre = Vec::new();
        let c = match cond {
            ast::Condition::Expr(e) => {
                let v = self.full_expr(e);
                self.promote(v)
            }
            ast::Condition::Decl(_) => {
                let b = self.lower_condition(cond, &mut pre);
                self.error(
                    "not supported yet: a declaration in a `switch` condition",
                    span,
                );
                b
            }
        };
        let is_int =
            super::consteval::scalar_like(&self.m.types, c.ty).is_some_and(|s| s.is_integral());
        if !is_int && !self.m.types.is_error(c.ty) {
            let msg = format!(
                "switch condition must be an integer, not `{}`",
                self.type_name(c.ty)
            );
            self.error(msg, c.span);
        }
        let stmts: Vec<&'a ast::Stmt> = match &body.kind {
            S::Block(b) => b.stmts.iter().collect(),
            _ => vec![body],
        };
        self.f.switch_depth += 1;
        self.f.scopes.push();
        let mut cases: Vec<SwitchCase> = Vec::new();
        let mut seen: Vec<i128> = Vec::new();
        for s in stmts {
            // Peel nested labels: `case 1: case 2: stmt`.
            let mut cur = s;
            let mut labels = Vec::new();
            let mut is_default = false;
            loop {
                match &cur.kind {
                    S::Case { value, stmt } => {
                        self.f.warned_double = false;
                        let v = self.lower_expr(value);
                        let v = self.rvalue(v);
                        let v = if self.m.types.is_error(c.ty) {
                            v
                        } else {
                            self.cast_scalar(v, c.ty)
                        };
                        match self.eval_const(&v) {
                            Ok(crate::scope::ConstVal::Int(x)) => {
                                if seen.contains(&x) {
                                    let msg = format!("duplicate case value `{x}`");
                                    self.error(msg, value.span);
                                }
                                seen.push(x);
                                labels.push(x);
                            }
                            Ok(_) => {
                                self.error("case value must be an integer constant", value.span)
                            }
                            Err(e) => self.report_eval_error(e, "case value"),
                        }
                        cur = stmt;
                    }
                    S::Default(stmt) => {
                        if cases.iter().any(|c| c.is_default) || is_default {
                            self.error("multiple default labels in one switch", cur.span);
                        }
                        is_default = true;
                        cur = stmt;
                    }
                    _ => break,
                }
            }
            let labeled = !labels.is_empty() || is_default;
            if labeled {
                cases.push(SwitchCase {
                    values: labels,
                    is_default,
                    body: Vec::new(),
                });
            }
            let mut lowered = Vec::new();
            self.lower_stmt_into(cur, &mut lowered);
            match cases.last_mut() {
                Some(group) => group.body.extend(lowered),
                None => {
                    if !lowered.is_empty() {
                        self.warning(
                            "statement before the first case label is never executed",
                            cur.span,
                        );
                    }
                }
            }
        }
        self.pop_scope();
        self.f.switch_depth -= 1;
        let st = Stmt {
            kind: StmtKind::Switch { cond: c, cases },
            span,
        };
        if pre.is_empty() {
            out.push(st);
        } else {
            pre.push(st);
            out.push(Stmt {
                kind: StmtKind::Block(Block { stmts: pre }),
                span,
            });
        }
    }
}

/// The element count of a braced initializer (for `T a[] = {…}`).
fn init_len(i: &ast::Initializer) -> Option<u64> {
    match i {
        ast::Initializer::Braced(l, _) => Some(l.len() as u64),
        ast::Initializer::Expr(e) => match &e.kind {
            ast::ExprKind::InitList(l) => Some(l.len() as u64),
            ast::ExprKind::StringLit(b) => Some(b.len() as u64 + 1),
            _ => None,
        },
        _ => None,
    }
}

/// Whether control cannot fall off the end of these statements.
fn block_returns(stmts: &[Stmt]) -> bool {
    stmts.last().is_some_and(|s| match &s.kind {
        StmtKind::Return(_) => true,
        StmtKind::Block(b) => block_returns(&b.stmts),
        StmtKind::If { then, els: Some(e), .. } => block_returns(&then.stmts) && block_returns(&e.stmts),
        StmtKind::Loop { cond: None, body, .. } => !contains_break(&body.stmts),
        StmtKind::Loop { cond: Some(c), body, .. } => {
            matches!(c.kind, ExprKind::IntConst(v) if v != 0) && !contains_break(&body.stmts)
                || matches!(&c.kind, ExprKind::Convert(_, inner) if matches!(inner.kind, ExprKind::IntConst(v) if v != 0)) && !contains_break(&body.stmts)
        }
        StmtKind::Switch { cases, .. } => {
            cases.iter().any(|c| c.is_default) && cases.iter().all(|c| !contains_break(&c.body)) && cases.last().is_some_and(|c| block_returns(&c.body))
        }
        _ => false,
    }) || stmts.iter().rev().skip(1).any(|s| matches!(s.kind, StmtKind::Return(_)))
}

/// Whether a `break` leaves this loop body (not counting nested loops and switches).
fn contains_break(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match &s.kind {
        StmtKind::Break => true,
        StmtKind::Block(b) => contains_break(&b.stmts),
        StmtKind::If { then, els, .. } => {
            contains_break(&then.stmts) || els.as_ref().is_some_and(|e| contains_break(&e.stmts))
        }
        _ => false,
    })
}

fn item_span(item: &ast::Item) -> Span {
    match item {
        ast::Item::Function(f) => f.span,
        ast::Item::Variables(v) => v.span,
        ast::Item::Record(r) => r.span,
        ast::Item::Enum(e) => e.span,
        ast::Item::TypeAlias(a) => a.span,
        ast::Item::Namespace(n) => n.span,
        ast::Item::Template(t) => t.span,
        ast::Item::ExplicitInstantiation(_, s) => *s,
        ast::Item::StaticAssert(s) => s.span,
        ast::Item::Linkage(l) => l.span,
        ast::Item::UsingNamespace(_, s) | ast::Item::UsingDecl(_, s) | ast::Item::Access(_, s) => {
            *s
        }
        ast::Item::HostCode(h) => h.span,
        ast::Item::Empty(s) => *s,
    }
}
