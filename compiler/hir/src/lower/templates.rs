//! Templates: registration, argument lowering, deduction, explicit and partial
//! specializations, instantiation of function and class templates.

use super::conv::mk;
use super::decls::{function_suffix, last_name};
use super::{
    targs_display, AliasTemplate, ClassTemplate, FnDecl, FnTemplate, Lowerer,
    MAX_INSTANTIATION_DEPTH,
};
use crate::ir::{Expr, ExprKind, ValueCategory};
use crate::scope::{
    AliasTemplateId, Callee, ClassTemplateId, ConstVal, Ctx, Env, FnDeclId, FnTemplateId, Symbol,
    TArg,
};
use crate::types::{AddrSpace, Type, TypeId};
use cwcc_frontend::ast::{self, DeclaratorOp, Item, TemplateArg, TemplateParam, TypeSpec};
use cwcc_frontend::source::Span;
use std::collections::HashMap;
use std::rc::Rc;

/// The name of a template parameter (unnamed ones get a placeholder).
fn param_name(p: &TemplateParam, i: usize) -> String {
    match p {
        TemplateParam::Type { name, .. } => name
            .as_ref()
            .map(|n| n.name.clone())
            .unwrap_or_else(|| format!("<param {i}>")),
        TemplateParam::NonType { param, .. } => param
            .declarator
            .name
            .as_ref()
            .map(|q| last_name(q).to_string())
            .unwrap_or_else(|| format!("<param {i}>")),
    }
}

impl<'a> Lowerer<'a> {
    /// Registers `template <…> item`.
    pub fn register_template(&mut self, t: &'a ast::TemplateDecl, ctx: &Ctx) {
        if t.params.iter().any(|p| {
            matches!(
                p,
                TemplateParam::Type { pack: true, .. } | TemplateParam::NonType { pack: true, .. }
            )
        }) {
            self.error("not supported yet: variadic templates", t.span);
            return;
        }
        match t.item.as_ref() {
            Item::Function(f) => {
                let Some(q) = &f.declarator.name else { return };
                if q.segments.len() > 1 {
                    self.error(
                        "not supported yet: out-of-class definitions of member templates",
                        q.span,
                    );
                    return;
                }
                let name = last_name(q).to_string();
                if t.params.is_empty() {
                    self.register_fn_specialization(f, ctx);
                    return;
                }
                let id = FnTemplateId(self.fn_templates.len() as u32);
                let is_static = f.specs.storage == ast::Storage::Static;
                let class = if is_static { None } else { ctx.class };
                self.fn_templates.push(FnTemplate {
                    params: &t.params,
                    ast: f,
                    ctx: ctx.clone(),
                    name: ctx.key(&name),
                    class,
                    instances: HashMap::new(),
                    specializations: Vec::new(),
                });
                match class {
                    Some(rid) => {
                        self.hide_inherited_methods(rid, &name);
                        if let Some(info) = self.records.get_mut(&rid) {
                            info.methods
                                .entry(name)
                                .or_default()
                                .push(Callee::Template(id));
                        }
                    }
                    None => self
                        .symbols
                        .add(ctx.key(&name), Symbol::Fn(Callee::Template(id))),
                }
            }
            Item::Record(r) => {
                let Some(q) = &r.name else {
                    self.error("a class template needs a name", r.span);
                    return;
                };
                let name = last_name(q).to_string();
                let patterns = q.segments.last().and_then(|s| s.template_args.as_deref());
                if let Some(patterns) = patterns {
                    // Explicit (`template <>`) or partial specialization.
                    let found = self.in_context(ctx.clone(), |l| {
                        let scope = l.ctx.scope.clone();
                        l.symbols.lookup(&scope, &name).and_then(|s| {
                            s.iter().find_map(|s| {
                                if let Symbol::ClassTemplate(c) = s {
                                    Some(*c)
                                } else {
                                    None
                                }
                            })
                        })
                    });
                    match found {
                        Some(cid) => {
                            if let Some(ct) = self.class_templates.get_mut(cid.0 as usize) {
                                ct.specializations
                                    .push((&t.params, patterns, r, ctx.clone()));
                            }
                        }
                        None => {
                            let msg = format!("specialization of unknown class template `{name}`");
                            self.error(msg, q.span);
                        }
                    }
                    return;
                }
                let id = ClassTemplateId(self.class_templates.len() as u32);
                self.class_templates.push(ClassTemplate {
                    params: &t.params,
                    ast: r,
                    ctx: ctx.clone(),
                    name: ctx.key(&name),
                    instances: HashMap::new(),
                    specializations: Vec::new(),
                });
                self.symbols.add(ctx.key(&name), Symbol::ClassTemplate(id));
            }
            Item::Variables(_) => self.error("not supported yet: variable templates", t.span),
            Item::TypeAlias(a) => {
                let id = AliasTemplateId(self.alias_templates.len() as u32);
                self.alias_templates.push(AliasTemplate {
                    params: &t.params,
                    ty: &a.ty,
                    ctx: ctx.clone(),
                    name: ctx.key(&a.name.name),
                });
                self.symbols
                    .add(ctx.key(&a.name.name), Symbol::AliasTemplate(id));
            }
            _ => self.error("not supported yet: this kind of template", t.span),
        }
    }

    /// `template <> R f<args>(…) { … }`: an explicit specialization of a function template.
    fn register_fn_specialization(&mut self, f: &'a ast::Function, ctx: &Ctx) {
        let Some(q) = &f.declarator.name else { return };
        let name = last_name(q).to_string();
        let tpl = {
            let scope = ctx.scope.clone();
            self.symbols.lookup(&scope, &name).and_then(|s| {
                s.iter().find_map(|s| {
                    if let Symbol::Fn(Callee::Template(t)) = s {
                        Some(*t)
                    } else {
                        None
                    }
                })
            })
        };
        let Some(tid) = tpl else {
            let msg = format!("explicit specialization of unknown function template `{name}`");
            self.error(msg, q.span);
            return;
        };
        let Some(args) = self.in_context(ctx.clone(), |l| l.args_for_declared(tid, f, q, f.span))
        else {
            return;
        };
        let sig = self.in_context(ctx.clone(), |l| l.lower_sig(f, false));
        let exec = Self::exec_of(&f.specs);
        let display = format!(
            "{}<{}>",
            ctx.key(&name),
            targs_display(&self.m.types, &args)
        );
        let id = FnDeclId(self.fn_decls.len() as u32);
        self.fn_decls.push(FnDecl {
            ast: f,
            ctx: ctx.clone(),
            name: display,
            class: None,
            is_ctor: false,
            exec,
            system: self.in_system_header(f.span),
            sig,
            func: None,
            depth: 0,
            span: f.span,
        });
        if let Some(t) = self.fn_templates.get_mut(tid.0 as usize) {
            t.specializations.push((args, id));
        }
    }

    /// The template arguments of a declaration naming template `tid`: written explicitly, or
    /// deduced from its declared parameter types.
    fn args_for_declared(
        &mut self,
        tid: FnTemplateId,
        f: &'a ast::Function,
        q: &'a ast::QualifiedName,
        span: Span,
    ) -> Option<Vec<TArg>> {
        let explicit = match self.explicit_targs(q) {
            Some(Some(a)) => Some(a),
            Some(None) => return None,
            None => None,
        };
        let sig = self.lower_sig(f, false);
        let fake: Vec<Expr> = sig
            .params
            .iter()
            .map(|t| {
                let (ty, cat) = match self.m.types.get(*t) {
                    Type::Reference { pointee, is_const } => (
                        pointee,
                        ValueCategory::LValue {
                            space: AddrSpace::Generic,
                            mutable: !is_const,
                        },
                    ),
                    _ => (*t, ValueCategory::RValue),
                };
                mk(ExprKind::Error, ty, cat, span)
            })
            .collect();
        match self.deduce(tid, explicit.as_deref(), &fake) {
            Ok(args) => Some(args),
            Err(why) => {
                let msg = format!(
                    "cannot match the declaration to template `{}`: {why}",
                    last_name(q)
                );
                self.error(msg, span);
                None
            }
        }
    }

    /// `template void k<float>(float*);` / `template struct S<int>;`
    pub fn explicit_instantiation(&mut self, item: &'a Item, ctx: &Ctx, span: Span) {
        match item {
            Item::Function(f) => {
                let Some(q) = &f.declarator.name else { return };
                let name = last_name(q).to_string();
                let tpl = {
                    let scope = ctx.scope.clone();
                    self.symbols.lookup(&scope, &name).and_then(|s| {
                        s.iter().find_map(|s| {
                            if let Symbol::Fn(Callee::Template(t)) = s {
                                Some(*t)
                            } else {
                                None
                            }
                        })
                    })
                };
                let Some(tid) = tpl else {
                    let msg =
                        format!("explicit instantiation of unknown function template `{name}`");
                    self.error(msg, span);
                    return;
                };
                let Some(args) =
                    self.in_context(ctx.clone(), |l| l.args_for_declared(tid, f, q, span))
                else {
                    return;
                };
                if let Some(id) = self.instantiate_fn(tid, args, span) {
                    self.roots.push(id);
                }
            }
            Item::Record(r) => {
                let Some(q) = &r.name else { return };
                let _ = self.in_context(ctx.clone(), |l| l.resolve_type_name(q));
            }
            _ => self.error(
                "not supported yet: this kind of explicit instantiation",
                span,
            ),
        }
    }

    /// Lowers written template arguments (a name that denotes a type is a type argument).
    pub fn lower_targs(&mut self, args: &'a [TemplateArg]) -> Option<Vec<TArg>> {
        let mut out = Vec::new();
        let mut ok = true;
        for a in args {
            match a {
                TemplateArg::Type(t) => {
                    let ty = self.lower_type_id(t);
                    ok &= !self.m.types.is_error(ty);
                    out.push(TArg::Type(ty));
                }
                TemplateArg::Expr(e) => {
                    if let ast::ExprKind::Name(q) = &e.kind {
                        if let Some(t) = self.name_as_type(q) {
                            out.push(TArg::Type(t));
                            continue;
                        }
                    }
                    let ex = self.lower_expr(e);
                    let ex = self.rvalue(ex);
                    if self.m.types.is_error(ex.ty) {
                        ok = false;
                        continue;
                    }
                    match self.eval_const(&ex) {
                        Ok(ConstVal::Int(v)) => out.push(TArg::Value(v, ex.ty)),
                        Ok(ConstVal::Float(_)) => {
                            self.error(
                                "not supported yet: floating-point template arguments",
                                e.span,
                            );
                            ok = false;
                        }
                        Err(err) => {
                            self.report_eval_error(err, "template argument");
                            ok = false;
                        }
                    }
                }
            }
        }
        ok.then_some(out)
    }

    /// The type a name denotes, if it denotes one (no diagnostics).
    fn name_as_type(&mut self, q: &'a ast::QualifiedName) -> Option<TypeId> {
        if q.segments.len() == 1 && !q.global {
            let n = q.segments[0].ident.name.as_str();
            if q.segments[0].template_args.is_none() {
                if let Some(crate::scope::LocalSymbol::Type(t)) = self.f.scopes.lookup(n) {
                    return Some(t);
                }
                if self.f.scopes.lookup(n).is_some() {
                    return None;
                }
                match self.ctx.env.map.get(n) {
                    Some(TArg::Type(t)) => return Some(*t),
                    Some(TArg::Value(..)) => return None,
                    None => {}
                }
            }
        }
        let syms = self.resolve_qualified(q);
        match syms.first() {
            Some(Symbol::Type(t)) => Some(*t),
            Some(Symbol::ClassTemplate(_) | Symbol::AliasTemplate(_)) => {
                Some(self.resolve_type_name(q))
            }
            _ => None,
        }
    }

    /// Instantiates a class template from written arguments.
    pub fn instantiate_class_from_ast(
        &mut self,
        id: ClassTemplateId,
        args: &'a [TemplateArg],
        span: Span,
    ) -> Option<TypeId> {
        let args = self.lower_targs(args)?;
        self.instantiate_class(id, args, span)
    }

    /// The type an alias template names with written arguments (`DevPtr<const float>`).
    pub fn instantiate_alias(
        &mut self,
        id: AliasTemplateId,
        args: Option<&'a [TemplateArg]>,
        span: Span,
    ) -> Option<TypeId> {
        let (params, ty, ctx, name) = {
            let a = self.alias_templates.get(id.0 as usize)?;
            (a.params, a.ty, a.ctx.clone(), a.name.clone())
        };
        let Some(args) = args else {
            let msg = format!("use of alias template `{name}` requires template arguments");
            self.error(msg, span);
            return None;
        };
        let args = self.lower_targs(args)?;
        let args = self.complete_args(params, &ctx, args, &name, span)?;
        let env = self.env_with(&ctx, params, &args);
        let inner = Ctx {
            env: Rc::new(env),
            ..ctx
        };
        Some(self.in_context(inner, |l| l.lower_type_id(ty)))
    }

    /// Completes arguments with defaults (evaluated in the template's context).
    fn complete_args(
        &mut self,
        params: &'a [TemplateParam],
        ctx: &Ctx,
        mut args: Vec<TArg>,
        name: &str,
        span: Span,
    ) -> Option<Vec<TArg>> {
        if args.len() > params.len() {
            let msg = format!(
                "too many template arguments for `{name}` (expected at most {}, have {})",
                params.len(),
                args.len()
            );
            self.error(msg, span);
            return None;
        }
        while args.len() < params.len() {
            let i = args.len();
            let env = self.env_with(ctx, params, &args);
            let inner = Ctx {
                env: Rc::new(env),
                ..ctx.clone()
            };
            let value = match &params[i] {
                TemplateParam::Type {
                    default: Some(t), ..
                } => {
                    let ty = self.in_context(inner, |l| l.lower_type_id(t));
                    TArg::Type(ty)
                }
                TemplateParam::NonType { param, .. } if param.default.is_some() => {
                    let Some(d) = &param.default else { return None };
                    let v = self.in_context(inner.clone(), |l| {
                        l.const_int(d, "default template argument")
                    })?;
                    let ty = self
                        .in_context(inner, |l| l.lower_base_type(&param.specs, param.span))
                        .unwrap_or_else(|| self.ty_int());
                    TArg::Value(v, ty)
                }
                _ => {
                    let msg = format!(
                        "too few template arguments for `{name}`: missing `{}`",
                        param_name(&params[i], i)
                    );
                    self.error(msg, span);
                    return None;
                }
            };
            args.push(value);
        }
        Some(args)
    }

    /// The environment binding `params` to `args` on top of `ctx`'s.
    fn env_with(&self, ctx: &Ctx, params: &[TemplateParam], args: &[TArg]) -> Env {
        let mut env = (*ctx.env).clone();
        for (i, (p, a)) in params.iter().zip(args.iter()).enumerate() {
            env.map.insert(param_name(p, i), *a);
        }
        env
    }

    /// Instantiates (or finds) `Template<args>`.
    pub fn instantiate_class(
        &mut self,
        id: ClassTemplateId,
        args: Vec<TArg>,
        span: Span,
    ) -> Option<TypeId> {
        let (params, ctx, name) = {
            let ct = self.class_templates.get(id.0 as usize)?;
            (ct.params, ct.ctx.clone(), ct.name.clone())
        };
        let args = self.complete_args(params, &ctx, args, &name, span)?;
        if let Some(t) = self
            .class_templates
            .get(id.0 as usize)
            .and_then(|c| c.instances.get(&args))
        {
            return Some(*t);
        }
        if self.class_depth >= MAX_INSTANTIATION_DEPTH {
            self.error(
                format!("template instantiation depth exceeds {MAX_INSTANTIATION_DEPTH}"),
                span,
            );
            return None;
        }
        let display = format!("{name}<{}>", targs_display(&self.m.types, &args));
        // Pick the definition: the first matching specialization, else the primary template.
        let mut def = None;
        let specs = self
            .class_templates
            .get(id.0 as usize)
            .map(|c| c.specializations.clone())
            .unwrap_or_default();
        for (sparams, patterns, rec, sctx) in specs {
            if let Some(env) = self.match_specialization(sparams, patterns, &args, &sctx) {
                def = Some((
                    rec,
                    Ctx {
                        env: Rc::new(env),
                        ..sctx
                    },
                ));
                break;
            }
        }
        let (rec, def_ctx) = match def {
            Some(d) => d,
            None => {
                let ast = self.class_templates.get(id.0 as usize)?.ast;
                let env = self.env_with(&ctx, params, &args);
                (
                    ast,
                    Ctx {
                        env: Rc::new(env),
                        ..ctx
                    },
                )
            }
        };
        self.class_depth += 1;
        let t = self.define_record(
            rec,
            &def_ctx,
            Some((display.clone(), display, id, args.clone())),
        );
        self.class_depth -= 1;
        let t = t?;
        if let Some(c) = self.class_templates.get_mut(id.0 as usize) {
            c.instances.insert(args, t);
        }
        Some(t)
    }

    /// Matches a class template specialization's argument patterns against concrete
    /// arguments; gives the bindings of its own parameters.
    fn match_specialization(
        &mut self,
        sparams: &'a [TemplateParam],
        patterns: &'a [TemplateArg],
        args: &[TArg],
        sctx: &Ctx,
    ) -> Option<Env> {
        if patterns.len() != args.len() {
            return None;
        }
        let names: Vec<String> = sparams
            .iter()
            .enumerate()
            .map(|(i, p)| param_name(p, i))
            .collect();
        let mut bind: HashMap<String, TArg> = HashMap::new();
        for (p, a) in patterns.iter().zip(args.iter()) {
            if !self.in_context(sctx.clone(), |l| l.deduce_targ(p, *a, &names, &mut bind)) {
                return None;
            }
            // Non-dependent patterns must equal the argument.
            let dependent = pattern_mentions(p, &names);
            if !dependent {
                let concrete =
                    self.in_context(sctx.clone(), |l| l.lower_targs(std::slice::from_ref(p)))?;
                let same = match (concrete.first()?, a) {
                    (TArg::Type(x), TArg::Type(y)) => x == y,
                    (TArg::Value(x, _), TArg::Value(y, _)) => x == y,
                    _ => false,
                };
                if !same {
                    return None;
                }
            }
        }
        if names.iter().any(|n| !bind.contains_key(n)) {
            return None;
        }
        let mut env = (*sctx.env).clone();
        env.map.extend(bind);
        Some(env)
    }

    /// Deduces template parameters from one template argument pattern.
    fn deduce_targ(
        &mut self,
        pattern: &'a TemplateArg,
        arg: TArg,
        names: &[String],
        bind: &mut HashMap<String, TArg>,
    ) -> bool {
        match (pattern, arg) {
            (TemplateArg::Type(t), TArg::Type(a)) => {
                self.deduce_type(&t.specs, &t.declarator.ops, a, names, bind)
            }
            (TemplateArg::Expr(e), a) => {
                if let ast::ExprKind::Name(q) = &e.kind {
                    if q.segments.len() == 1 && q.segments[0].template_args.is_none() {
                        let n = &q.segments[0].ident.name;
                        if names.contains(n) {
                            return match bind.get(n) {
                                Some(prev) => targ_eq(*prev, a),
                                None => {
                                    bind.insert(n.clone(), a);
                                    true
                                }
                            };
                        }
                    }
                }
                true
            }
            _ => true,
        }
    }

    /// Deduces template parameters by matching a declared type against an argument type.
    /// Returns false on a conflict.
    fn deduce_type(
        &mut self,
        specs: &'a ast::DeclSpecs,
        ops: &'a [DeclaratorOp],
        arg: TypeId,
        names: &[String],
        bind: &mut HashMap<String, TArg>,
    ) -> bool {
        let mut ty = arg;
        let by_ref = ops
            .iter()
            .any(|o| matches!(o, DeclaratorOp::Reference | DeclaratorOp::RValueReference));
        if !by_ref {
            if let Type::Array { elem, .. } = self.m.types.get(ty) {
                ty = self.m.types.intern(Type::Pointer {
                    pointee: elem,
                    space: AddrSpace::Generic,
                    pointee_const: false,
                });
            }
        }
        for op in ops.iter().rev() {
            match op {
                DeclaratorOp::Reference | DeclaratorOp::RValueReference => {}
                DeclaratorOp::Pointer { .. } => match self.m.types.get(ty) {
                    Type::Pointer { pointee, .. } => ty = pointee,
                    Type::Array { elem, .. } => ty = elem,
                    _ => return true,
                },
                DeclaratorOp::Array(_) => match self.m.types.get(ty) {
                    Type::Array { elem, .. } => ty = elem,
                    _ => return true,
                },
                DeclaratorOp::Function(_) => return true,
            }
        }
        let Some(TypeSpec::Named(q)) = &specs.ty else {
            return true;
        };
        let Some(last) = q.segments.last() else {
            return true;
        };
        if q.segments.len() == 1 && last.template_args.is_none() && names.contains(&last.ident.name)
        {
            let n = &last.ident.name;
            return match bind.get(n) {
                Some(prev) => targ_eq(*prev, TArg::Type(ty)),
                None => {
                    bind.insert(n.clone(), TArg::Type(ty));
                    true
                }
            };
        }
        if let Some(patterns) = &last.template_args {
            // `Tmpl<P...>` or a qualified `ns::Tmpl<P...>`.
            let cid = self.resolve_qualified(q).iter().find_map(|s| {
                if let Symbol::ClassTemplate(c) = s {
                    Some(*c)
                } else {
                    None
                }
            });
            let Some(cid) = cid else { return true };
            let Some(rid) = self.m.types.as_record(ty) else {
                return true;
            };
            let Some((origin, iargs)) = self.records.get(&rid).and_then(|i| i.origin.clone())
            else {
                return true;
            };
            if origin != cid {
                return true;
            }
            for (p, a) in patterns.iter().zip(iargs.iter()) {
                if !self.deduce_targ(p, *a, names, bind) {
                    return false;
                }
            }
        }
        true
    }

    /// Deduces the arguments of function template `tid` for a call.
    pub fn deduce(
        &mut self,
        tid: FnTemplateId,
        explicit: Option<&[TArg]>,
        args: &[Expr],
    ) -> Result<Vec<TArg>, String> {
        let (params, ast, ctx) = {
            let t = self
                .fn_templates
                .get(tid.0 as usize)
                .ok_or("unknown template")?;
            (t.params, t.ast, t.ctx.clone())
        };
        let names: Vec<String> = params
            .iter()
            .enumerate()
            .map(|(i, p)| param_name(p, i))
            .collect();
        let mut bind: HashMap<String, TArg> = HashMap::new();
        if let Some(ex) = explicit {
            if ex.len() > params.len() {
                return Err(format!(
                    "too many explicit template arguments ({} for {})",
                    ex.len(),
                    params.len()
                ));
            }
            for (i, a) in ex.iter().enumerate() {
                let kind_ok = matches!(
                    (&params[i], a),
                    (TemplateParam::Type { .. }, TArg::Type(_))
                        | (TemplateParam::NonType { .. }, TArg::Value(..))
                );
                if !kind_ok {
                    return Err(format!("template argument {} has the wrong kind", i + 1));
                }
                bind.insert(names[i].clone(), *a);
            }
        }
        // Explicitly given parameters are not deduced.
        let deducible: Vec<String> = names
            .iter()
            .filter(|n| !bind.contains_key(*n))
            .cloned()
            .collect();
        if let Some(suffix) = function_suffix(&ast.declarator) {
            for (p, a) in suffix.params.iter().zip(args.iter()) {
                let ok = self.in_context(ctx.clone(), |l| {
                    l.deduce_type(&p.specs, &p.declarator.ops, a.ty, &deducible, &mut bind)
                });
                if !ok {
                    return Err(format!(
                        "deduced conflicting types for a parameter from argument of type `{}`",
                        self.type_name(a.ty)
                    ));
                }
            }
        }
        let mut out = Vec::new();
        for (i, n) in names.iter().enumerate() {
            match bind.get(n) {
                Some(a) => out.push(*a),
                None => {
                    let has_default = match &params[i] {
                        TemplateParam::Type { default, .. } => default.is_some(),
                        TemplateParam::NonType { param, .. } => param.default.is_some(),
                    };
                    if !has_default {
                        return Err(format!("could not deduce template parameter `{n}`"));
                    }
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Deduction plus instantiation of the declaration (not the body) for a call candidate.
    pub fn deduce_and_instantiate(
        &mut self,
        tid: FnTemplateId,
        explicit: Option<&[TArg]>,
        args: &[Expr],
        span: Span,
    ) -> Result<FnDeclId, String> {
        let targs = self.deduce(tid, explicit, args)?;
        // Substitution failures are not errors (SFINAE): collect diagnostics separately.
        let outer = std::mem::take(&mut *self.diags);
        let r = self.instantiate_fn(tid, targs, span);
        let inner = std::mem::replace(&mut *self.diags, outer);
        let depth_error = inner
            .iter()
            .any(|d| d.message.contains("instantiation depth"));
        if inner.has_errors() && !depth_error {
            let first = inner
                .iter()
                .find(|d| d.is_error())
                .map(|d| d.message.clone())
                .unwrap_or_default();
            return Err(format!("substitution failed: {first}"));
        }
        self.diags.extend(inner);
        r.ok_or_else(|| "instantiation failed".to_string())
    }

    /// Instantiates a function template with explicit arguments only (for launches).
    pub fn instantiate_fn_template_explicit(
        &mut self,
        tid: FnTemplateId,
        args: &[TArg],
        span: Span,
    ) -> Option<FnDeclId> {
        let targs = match self.deduce(tid, Some(args), &[]) {
            Ok(a) => a,
            Err(why) => {
                let name = self
                    .fn_templates
                    .get(tid.0 as usize)
                    .map(|t| t.name.clone())
                    .unwrap_or_default();
                self.error(format!("cannot instantiate `{name}`: {why}"), span);
                return None;
            }
        };
        self.instantiate_fn(tid, targs, span)
    }

    /// The declaration of `template<args>` (created on first use, with its signature).
    pub fn instantiate_fn(
        &mut self,
        tid: FnTemplateId,
        args: Vec<TArg>,
        span: Span,
    ) -> Option<FnDeclId> {
        let (params, ast, ctx, name, class) = {
            let t = self.fn_templates.get(tid.0 as usize)?;
            (t.params, t.ast, t.ctx.clone(), t.name.clone(), t.class)
        };
        let args = self.complete_args(params, &ctx, args, &name, span)?;
        if let Some(t) = self.fn_templates.get(tid.0 as usize) {
            if let Some((_, id)) = t
                .specializations
                .iter()
                .find(|(a, _)| targ_list_eq(a, &args))
            {
                return Some(*id);
            }
            if let Some(id) = t.instances.get(&args) {
                return Some(*id);
            }
        }
        let depth = self.f.depth + 1;
        if depth > MAX_INSTANTIATION_DEPTH {
            self.error(
                format!("template instantiation depth exceeds {MAX_INSTANTIATION_DEPTH}"),
                span,
            );
            return None;
        }
        let env = self.env_with(&ctx, params, &args);
        let ictx = Ctx {
            env: Rc::new(env),
            ..ctx
        };
        let sig = self.in_context(ictx.clone(), |l| l.lower_sig(ast, false));
        let exec = Self::exec_of(&ast.specs);
        if exec.global && self.m.types.get(sig.ret) != Type::Void && !self.m.types.is_error(sig.ret)
        {
            self.error(
                "a __global__ function must return void",
                ast.declarator.span,
            );
        }
        let display = format!("{name}<{}>", targs_display(&self.m.types, &args));
        let id = FnDeclId(self.fn_decls.len() as u32);
        self.fn_decls.push(FnDecl {
            ast,
            ctx: ictx,
            name: display,
            class,
            is_ctor: false,
            exec,
            system: self.in_system_header(ast.span),
            sig,
            func: None,
            depth,
            span: ast.span,
        });
        if let Some(t) = self.fn_templates.get_mut(tid.0 as usize) {
            t.instances.insert(args, id);
        }
        Some(id)
    }
}

fn targ_eq(a: TArg, b: TArg) -> bool {
    match (a, b) {
        (TArg::Type(x), TArg::Type(y)) => x == y,
        (TArg::Value(x, _), TArg::Value(y, _)) => x == y,
        _ => false,
    }
}

fn targ_list_eq(a: &[TArg], b: &[TArg]) -> bool {
    a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| targ_eq(*x, *y))
}

/// Whether a pattern mentions one of the parameter names (shallow check on names).
fn pattern_mentions(p: &TemplateArg, names: &[String]) -> bool {
    match p {
        TemplateArg::Type(t) => match &t.specs.ty {
            Some(TypeSpec::Named(q)) => q.segments.iter().any(|s| {
                names.contains(&s.ident.name)
                    || s.template_args
                        .as_ref()
                        .is_some_and(|a| a.iter().any(|x| pattern_mentions(x, names)))
            }),
            _ => false,
        },
        TemplateArg::Expr(e) => match &e.kind {
            ast::ExprKind::Name(q) => q.segments.iter().any(|s| names.contains(&s.ident.name)),
            _ => true,
        },
    }
}
