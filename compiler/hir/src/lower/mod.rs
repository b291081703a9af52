//! AST to HIR lowering.
//!
//! 1. [`decls`] walks all items once and registers every declaration in the symbol table
//!    (records get their layout, device globals their folded initializers; function bodies
//!    are not looked at yet).
//! 2. Kernels (non-template `__global__` functions and explicit instantiations) are the roots;
//!    each function whose body is lowered queues the functions it calls, so only device code
//!    reachable from a kernel is lowered and only concrete template instances appear.
//! 3. Host launch sites are checked against the kernels.

mod consteval;
mod conv;
mod decls;
mod exprs;
mod overload;
mod stmts;
mod templates;
mod unavailable;

use crate::ir::{FuncId, Function, FunctionKind, Local, LocalId, Module};
use crate::scope::{BlockScopes, Callee, ClassTemplateId, Ctx, FnDeclId, SymbolTable, TArg};
use crate::types::{RecordId, Scalar, Type, TypeId};
use cwcc_frontend::ast;
use cwcc_frontend::diag::{Diagnostic, Diagnostics};
use cwcc_frontend::source::{SourceMap, Span};
use std::collections::HashMap;

pub(crate) use crate::scope::ConstVal;
#[cfg(test)]
pub(crate) use exprs::int_literal_type;

/// Maximum depth of nested template instantiations.
const MAX_INSTANTIATION_DEPTH: u32 = 64;

/// Builds the typed HIR of the device code in `tu`; problems go to `diags`.
pub fn lower(
    tu: &ast::TranslationUnit,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> crate::Module {
    let mut l = Lowerer::new(sources, diags);
    l.collect_items(&tu.items, &Ctx::default());
    l.lower_roots();
    l.check_launches();
    l.m
}

/// Execution spaces a function is compiled for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Exec {
    pub host: bool,
    pub device: bool,
    pub global: bool,
}

/// A function signature in concrete types.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Sig {
    /// Parameter types (without `this`).
    pub params: Vec<TypeId>,
    /// Parameter names.
    pub names: Vec<String>,
    /// Whether each parameter is `const` (by value).
    pub consts: Vec<bool>,
    /// Return type (`void` for constructors).
    pub ret: TypeId,
    /// Number of parameters without a default argument.
    pub required: usize,
    /// `...`
    pub variadic: bool,
}

/// A function declaration (or definition) found in the AST, or a template instance.
pub(crate) struct FnDecl<'a> {
    pub ast: &'a ast::Function,
    pub ctx: Ctx,
    /// Name as printed.
    pub name: String,
    /// Non-static member function of this class.
    pub class: Option<RecordId>,
    pub is_ctor: bool,
    pub exec: Exec,
    /// Declared in a bundled system header.
    pub system: bool,
    pub sig: Sig,
    pub func: Option<FuncId>,
    /// Template instantiation depth.
    pub depth: u32,
    pub span: Span,
}

/// A function template.
pub(crate) struct FnTemplate<'a> {
    pub params: &'a [ast::TemplateParam],
    pub ast: &'a ast::Function,
    pub ctx: Ctx,
    pub name: String,
    pub class: Option<RecordId>,
    pub instances: HashMap<Vec<TArg>, FnDeclId>,
    /// Explicit specializations `template <> R f<args>(…)`.
    pub specializations: Vec<(Vec<TArg>, FnDeclId)>,
}

/// A class template.
pub(crate) struct ClassTemplate<'a> {
    pub params: &'a [ast::TemplateParam],
    pub ast: &'a ast::Record,
    pub ctx: Ctx,
    pub name: String,
    pub instances: HashMap<Vec<TArg>, TypeId>,
    /// Explicit and partial specializations: their own parameters (empty for explicit ones),
    /// the argument patterns and the definition.
    pub specializations: Vec<(
        &'a [ast::TemplateParam],
        &'a [ast::TemplateArg],
        &'a ast::Record,
        Ctx,
    )>,
}

/// An alias template `template <params> using name = type;`.
pub(crate) struct AliasTemplate<'a> {
    pub params: &'a [ast::TemplateParam],
    pub ty: &'a ast::TypeId,
    pub ctx: Ctx,
    pub name: String,
}

/// Extra information about a record used during lowering.
#[derive(Clone, Debug, Default)]
pub(crate) struct RecordInfo {
    /// Key of the record's scope in the symbol table.
    pub scope: String,
    /// Member functions by name.
    pub methods: HashMap<String, Vec<Callee>>,
    /// Constructors.
    pub ctors: Vec<Callee>,
    /// Conversion operators (`operator T*()`); their signature's return type is the target.
    pub conversions: Vec<FnDeclId>,
    /// Class template and arguments it was instantiated from.
    pub origin: Option<(ClassTemplateId, Vec<TArg>)>,
}

/// State of the function whose body is being lowered.
#[derive(Default)]
pub(crate) struct FnState {
    pub locals: Vec<Local>,
    pub scopes: BlockScopes,
    /// Folded values of `const` locals with constant initializers.
    pub const_values: HashMap<LocalId, ConstVal>,
    pub ret: Option<TypeId>,
    pub this: Option<LocalId>,
    pub loop_depth: u32,
    pub switch_depth: u32,
    /// The function's name and kind, for messages.
    pub name: String,
    pub is_kernel: bool,
    /// Whether an implicit-double warning was reported for the current full expression.
    pub warned_double: bool,
    pub depth: u32,
    pub active: bool,
}

/// The lowering context.
pub(crate) struct Lowerer<'a> {
    pub sources: &'a SourceMap,
    pub diags: &'a mut Diagnostics,
    pub m: Module,
    pub symbols: SymbolTable,
    pub fn_decls: Vec<FnDecl<'a>>,
    pub fn_templates: Vec<FnTemplate<'a>>,
    pub class_templates: Vec<ClassTemplate<'a>>,
    pub alias_templates: Vec<AliasTemplate<'a>>,
    pub records: HashMap<RecordId, RecordInfo>,
    /// Kernels and explicit instantiations to start from.
    pub roots: Vec<FnDeclId>,
    /// Functions whose bodies still need lowering.
    pub queue: Vec<FnDeclId>,
    pub launches: Vec<&'a ast::LaunchSite>,
    /// Host code the parser skipped, in source order (names declared there are host-only).
    pub host_code: Vec<&'a ast::HostCode>,
    pub ctx: Ctx,
    pub f: FnState,
    /// Nesting of class template instantiations.
    pub class_depth: u32,
    /// Counter for anonymous records.
    pub anon_count: u32,
    /// The type of `threadIdx` and friends (`uint3`).
    pub builtin_vec_ty: Option<TypeId>,
}

impl<'a> Lowerer<'a> {
    fn new(sources: &'a SourceMap, diags: &'a mut Diagnostics) -> Lowerer<'a> {
        Lowerer {
            sources,
            diags,
            m: Module::default(),
            symbols: SymbolTable::default(),
            fn_decls: Vec::new(),
            fn_templates: Vec::new(),
            class_templates: Vec::new(),
            alias_templates: Vec::new(),
            records: HashMap::new(),
            roots: Vec::new(),
            queue: Vec::new(),
            launches: Vec::new(),
            host_code: Vec::new(),
            ctx: Ctx::default(),
            f: FnState::default(),
            class_depth: 0,
            anon_count: 0,
            builtin_vec_ty: None,
        }
    }

    /// Reports an error.
    pub fn error(&mut self, msg: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::error(msg, span));
    }

    /// Reports a warning.
    pub fn warning(&mut self, msg: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::warning(msg, span));
    }

    /// Whether `span` lies in a bundled system header.
    pub fn in_system_header(&self, span: Span) -> bool {
        let user = self.sources.user_span(span);
        self.sources.get_file(user.file).is_some_and(|f| f.system)
            || self.sources.get_file(span.file).is_some_and(|f| f.system)
    }

    // Shorthands for common types.
    pub fn scalar(&mut self, s: Scalar) -> TypeId {
        self.m.types.scalar(s)
    }
    pub fn ty_void(&mut self) -> TypeId {
        self.m.types.intern(Type::Void)
    }
    pub fn ty_error(&mut self) -> TypeId {
        self.m.types.intern(Type::Error)
    }
    pub fn ty_bool(&mut self) -> TypeId {
        self.scalar(Scalar::Bool)
    }
    pub fn ty_int(&mut self) -> TypeId {
        self.scalar(Scalar::Int)
    }
    pub fn ty_long(&mut self) -> TypeId {
        self.scalar(Scalar::Long)
    }
    pub fn type_name(&self, t: TypeId) -> String {
        self.m.types.cpp_name(t)
    }

    /// Runs `f` in another declaration context with a fresh function state.
    pub fn in_context<R>(&mut self, ctx: Ctx, f: impl FnOnce(&mut Self) -> R) -> R {
        let saved_ctx = std::mem::replace(&mut self.ctx, ctx);
        let saved_fn = std::mem::take(&mut self.f);
        let r = f(self);
        self.ctx = saved_ctx;
        self.f = saved_fn;
        r
    }

    /// The function handle of a declaration, creating the function (and queueing its body)
    /// on first use.
    pub fn func_for(&mut self, id: FnDeclId, use_span: Span) -> Option<FuncId> {
        let d = self.fn_decls.get(id.0 as usize)?;
        if let Some(f) = d.func {
            return Some(f);
        }
        let kind = if d.exec.global {
            FunctionKind::Kernel
        } else if d.ast.body.is_none() && d.system {
            FunctionKind::Builtin
        } else {
            FunctionKind::Device
        };
        if d.ast.body.is_none() && kind != FunctionKind::Builtin && !d.is_ctor {
            let msg = format!(
                "device function `{}` is used but not defined in this file (separate compilation is not supported yet)",
                d.name
            );
            let decl_span = d.span;
            self.diags
                .push(Diagnostic::error(msg, use_span).with_secondary(decl_span, "declared here"));
        }
        let d = &self.fn_decls[id.0 as usize];
        let mut locals = Vec::new();
        let mut params = Vec::new();
        if let Some(rid) = d.class {
            let rec_ty = self.m.types.intern(Type::Record(rid));
            let this_ty = self.m.types.intern(Type::Pointer {
                pointee: rec_ty,
                space: crate::types::AddrSpace::Generic,
                pointee_const: false,
            });
            params.push(LocalId(locals.len() as u32));
            locals.push(Local {
                name: "this".into(),
                ty: this_ty,
                is_const: true,
                span: d.span,
            });
        }
        for (i, ty) in d.sig.params.iter().enumerate() {
            params.push(LocalId(locals.len() as u32));
            locals.push(Local {
                name: d
                    .sig
                    .names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("arg{i}")),
                ty: *ty,
                is_const: d.sig.consts.get(i).copied().unwrap_or(false),
                span: d.span,
            });
        }
        let void = self.m.types.intern(Type::Void);
        let ret = if d.is_ctor { void } else { d.sig.ret };
        let launch_bounds = Vec::new();
        let func = Function {
            name: d.name.clone(),
            kind,
            params,
            ret,
            locals,
            body: None,
            is_constructor: d.is_ctor,
            is_defaulted: d.ast.defaulted == Some(true),
            inline_hint: d.ast.specs.cuda.forceinline || d.ast.specs.is_inline,
            launch_bounds,
            span: d.span,
        };
        let fid = FuncId(self.m.functions.len() as u32);
        self.m.functions.push(func);
        if let Some(d) = self.fn_decls.get_mut(id.0 as usize) {
            d.func = Some(fid);
        }
        if kind != FunctionKind::Builtin {
            self.queue.push(id);
        }
        Some(fid)
    }

    /// Lowers every root and then every function they reach.
    fn lower_roots(&mut self) {
        let roots = self.roots.clone();
        for r in roots {
            let span = self
                .fn_decls
                .get(r.0 as usize)
                .map(|d| d.span)
                .unwrap_or_default();
            self.func_for(r, span);
        }
        self.drain_queue();
    }

    /// Lowers queued function bodies until none is left.
    pub fn drain_queue(&mut self) {
        while let Some(id) = self.queue.pop() {
            self.lower_function_body(id);
        }
    }

    /// Checks host launch sites against the kernels.
    fn check_launches(&mut self) {
        let launches = std::mem::take(&mut self.launches);
        for site in launches {
            let resolved = self.resolve_launch(site);
            let location = self.sources.describe(self.sources.user_span(site.span));
            if let Some(fid) = resolved {
                if let Some(f) = self.m.function(fid) {
                    let expected = f.params.len();
                    if expected != site.arg_count {
                        let msg = format!(
                            "kernel `{}` takes {} argument{} but the launch passes {}",
                            f.name,
                            expected,
                            if expected == 1 { "" } else { "s" },
                            site.arg_count
                        );
                        self.warning(msg, site.span);
                    }
                }
            }
            self.m.launches.push(crate::ir::HostLaunch {
                kernel: site.kernel.clone(),
                config: site.config.clone(),
                arg_count: site.arg_count,
                resolved,
                location,
                span: site.span,
            });
        }
        self.drain_queue();
    }
}

/// Whether the record `rid` was declared in `info`'s template (used to name instances).
pub(crate) fn targs_display(types: &crate::types::TypeTable, args: &[TArg]) -> String {
    let parts: Vec<String> = args
        .iter()
        .map(|a| match a {
            TArg::Type(t) => types.cpp_name(*t),
            TArg::Value(v, t) => {
                if types.as_scalar(*t) == Some(Scalar::Bool) {
                    if *v != 0 {
                        "true".into()
                    } else {
                        "false".into()
                    }
                } else {
                    v.to_string()
                }
            }
        })
        .collect();
    parts.join(", ")
}

impl<'a> Lowerer<'a> {
    /// The kernel a host launch names, instantiating a kernel template with explicit
    /// arguments (`k<float, 4>`); warns when none is found.
    fn resolve_launch(&mut self, site: &'a ast::LaunchSite) -> Option<FuncId> {
        let spelled = site.kernel.trim();
        let (name, args) = match spelled.find('<') {
            Some(p) => (
                spelled[..p].trim(),
                Some(spelled[p + 1..].trim_end_matches('>')),
            ),
            None => (spelled, None),
        };
        let syms = self
            .symbols
            .lookup("", name)
            .map(<[_]>::to_vec)
            .unwrap_or_default();
        let mut callees = Vec::new();
        for s in syms {
            if let crate::scope::Symbol::Fn(c) = s {
                callees.push(c);
            }
        }
        for c in &callees {
            match (c, args) {
                (Callee::Fn(id), None)
                    if self
                        .fn_decls
                        .get(id.0 as usize)
                        .is_some_and(|d| d.exec.global) =>
                {
                    return self.func_for(*id, site.span);
                }
                (Callee::Template(t), Some(text)) => {
                    let Some(targs) = self.parse_launch_targs(text) else {
                        let msg = format!("cannot understand the template arguments of the launched kernel `{spelled}`; it is not compiled");
                        self.warning(msg, site.span);
                        return None;
                    };
                    let explicit: Vec<TArg> = targs;
                    if let Some(id) =
                        self.instantiate_fn_template_explicit(*t, &explicit, site.span)
                    {
                        if self
                            .fn_decls
                            .get(id.0 as usize)
                            .is_some_and(|d| d.exec.global)
                        {
                            return self.func_for(id, site.span);
                        }
                    }
                }
                (Callee::Template(_), None) => {
                    let msg = format!("the launched kernel template `{name}` needs explicit template arguments (`{name}<…>`) to be compiled");
                    self.warning(msg, site.span);
                    return None;
                }
                _ => {}
            }
        }
        let msg = format!("launched kernel `{spelled}` is not a __global__ function of this file");
        self.warning(msg, site.span);
        None
    }

    /// Parses launch template arguments written as text: builtin type names, named types and
    /// integer literals.
    fn parse_launch_targs(&mut self, text: &str) -> Option<Vec<TArg>> {
        let mut out = Vec::new();
        let mut depth = 0i32;
        let mut parts = Vec::new();
        let mut cur = String::new();
        for ch in text.chars() {
            match ch {
                '<' => depth += 1,
                '>' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(ch);
        }
        parts.push(cur);
        for p in parts {
            let p = p.trim();
            if let Ok(v) = p.trim_end_matches(['u', 'U', 'l', 'L']).parse::<i128>() {
                let t = self.ty_int();
                out.push(TArg::Value(v, t));
                continue;
            }
            if p == "true" || p == "false" {
                let t = self.ty_bool();
                out.push(TArg::Value(i128::from(p == "true"), t));
                continue;
            }
            let (base, ptr_depth) = (p.trim_end_matches(['*', ' ']), p.matches('*').count());
            let mut ty = match decls::scalar_from_words(base) {
                Some(s) => self.scalar(s),
                None => match self.symbols.lookup("", base) {
                    Some([crate::scope::Symbol::Type(t), ..]) => *t,
                    _ => return None,
                },
            };
            for _ in 0..ptr_depth {
                ty = self.m.types.intern(Type::Pointer {
                    pointee: ty,
                    space: crate::types::AddrSpace::Generic,
                    pointee_const: false,
                });
            }
            out.push(TArg::Type(ty));
        }
        Some(out)
    }
}
