//! The text form of the HIR (`cwcc --emit=hir`, snapshots): deterministic, no byte offsets.
//!
//! Expressions print as s-expressions: `(add a b)`, `(load x)`, `(int_to_float f32 i)`,
//! constants with their type unless `i32`/`f64`/`bool`: `4`, `2u32`, `0.5f32`.

use crate::ir::{
    Block, ConstInit, ConvertKind, Expr, ExprKind, Function, FunctionKind, Module, Stmt, StmtKind,
    UnaryOp, Unroll,
};
use crate::types::{Scalar, Type};
use std::collections::HashMap;
use std::fmt::{self, Write};

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for g in &self.globals {
            let _ = write!(
                out,
                "global {} {}: {}",
                g.space.name(),
                g.name,
                self.types.display(g.ty)
            );
            if g.managed {
                out.push_str(" managed");
            }
            if g.dynamic_shared {
                out.push_str(" dynamic");
            }
            if let Some(init) = &g.init {
                out.push_str(" = ");
                const_init(&mut out, init);
            }
            out.push('\n');
        }
        if !self.globals.is_empty() {
            out.push('\n');
        }
        // Kernels and device functions in creation order; builtins last, sorted.
        let mut builtins: Vec<&Function> = self
            .functions
            .iter()
            .filter(|f| f.kind == FunctionKind::Builtin)
            .collect();
        builtins.sort_by(|a, b| a.name.cmp(&b.name));
        for func in self
            .functions
            .iter()
            .filter(|f| f.kind != FunctionKind::Builtin)
        {
            Printer::new(self, func).function(&mut out);
            out.push('\n');
        }
        for b in builtins {
            let params: Vec<String> = b
                .params
                .iter()
                .filter_map(|p| b.locals.get(p.0 as usize))
                .map(|l| self.types.display(l.ty).to_string())
                .collect();
            let _ = writeln!(
                out,
                "builtin fn {}({}) -> {}",
                b.name,
                params.join(", "),
                self.types.display(b.ret)
            );
        }
        for l in &self.launches {
            let _ = writeln!(
                out,
                "; host launch {}<<<{}>>> ({} arg{}) at {}{}",
                l.kernel,
                l.config.join(", "),
                l.arg_count,
                if l.arg_count == 1 { "" } else { "s" },
                l.location,
                if l.resolved.is_none() {
                    " (unresolved)"
                } else {
                    ""
                }
            );
        }
        f.write_str(out.trim_end())?;
        f.write_str("\n")
    }
}

fn const_init(out: &mut String, c: &ConstInit) {
    match c {
        ConstInit::Int(v) => {
            let _ = write!(out, "{v}");
        }
        ConstInit::Float(v) => {
            let _ = write!(out, "{v:?}");
        }
        ConstInit::Zero => out.push_str("zero"),
        ConstInit::Aggregate(items) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                const_init(out, it);
            }
            out.push(']');
        }
    }
}

struct Printer<'m> {
    m: &'m Module,
    func: &'m Function,
    /// Printed names of locals (shadowed names get `.N`).
    names: Vec<String>,
}

impl<'m> Printer<'m> {
    fn new(m: &'m Module, func: &'m Function) -> Printer<'m> {
        let mut count: HashMap<&str, usize> = HashMap::new();
        let names = func
            .locals
            .iter()
            .map(|l| {
                let n = count.entry(l.name.as_str()).or_insert(0);
                *n += 1;
                if *n == 1 {
                    l.name.clone()
                } else {
                    format!("{}.{}", l.name, *n - 1)
                }
            })
            .collect();
        Printer { m, func, names }
    }

    fn local_name(&self, id: crate::ir::LocalId) -> &str {
        self.names
            .get(id.0 as usize)
            .map(String::as_str)
            .unwrap_or("<bad local>")
    }

    fn function(&self, out: &mut String) {
        let f = self.func;
        let kind = match f.kind {
            FunctionKind::Kernel => "kernel",
            FunctionKind::Device => "fn",
            FunctionKind::Builtin => "builtin fn",
        };
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| {
                let ty = f.locals.get(p.0 as usize).map(|l| l.ty);
                format!(
                    "{}: {}",
                    self.local_name(*p),
                    ty.map(|t| self.m.types.display(t).to_string())
                        .unwrap_or_default()
                )
            })
            .collect();
        let _ = write!(out, "{kind} {}({})", f.name, params.join(", "));
        if self.m.types.get(f.ret) != Type::Void {
            let _ = write!(out, " -> {}", self.m.types.display(f.ret));
        }
        if f.is_constructor {
            out.push_str(" constructor");
        }
        if !f.launch_bounds.is_empty() {
            let b: Vec<String> = f.launch_bounds.iter().map(u64::to_string).collect();
            let _ = write!(out, " launch_bounds({})", b.join(", "));
        }
        match &f.body {
            Some(b) => {
                out.push(' ');
                self.block(out, b, 0);
                out.push('\n');
            }
            None => out.push('\n'),
        }
    }

    fn block(&self, out: &mut String, b: &Block, indent: usize) {
        out.push_str("{\n");
        for s in &b.stmts {
            self.stmt(out, s, indent + 1);
        }
        pad(out, indent);
        out.push('}');
    }

    fn stmt(&self, out: &mut String, s: &Stmt, indent: usize) {
        pad(out, indent);
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(out, e);
            }
            StmtKind::Let { local, init } => {
                let l = self.func.locals.get(local.0 as usize);
                let ty = l
                    .map(|l| self.m.types.display(l.ty).to_string())
                    .unwrap_or_default();
                let c = if l.is_some_and(|l| l.is_const) {
                    "const "
                } else {
                    ""
                };
                let _ = write!(out, "let {c}{}: {ty}", self.local_name(*local));
                if let Some(i) = init {
                    out.push_str(" = ");
                    self.expr(out, i);
                }
            }
            StmtKind::Block(b) => self.block(out, b, indent),
            StmtKind::If { cond, then, els } => {
                out.push_str("if ");
                self.expr(out, cond);
                out.push(' ');
                self.block(out, then, indent);
                if let Some(e) = els {
                    out.push_str(" else ");
                    self.block(out, e, indent);
                }
            }
            StmtKind::Loop {
                cond,
                body,
                step,
                test_first,
                unroll,
            } => {
                let unroll_text = match unroll {
                    Some(Unroll::Full) => " unroll".to_string(),
                    Some(Unroll::Count(n)) => format!(" unroll({n})"),
                    None => String::new(),
                };
                if *test_first {
                    out.push_str(if step.is_some() { "for" } else { "while" });
                    if let Some(c) = cond {
                        out.push(' ');
                        self.expr(out, c);
                    }
                    if let Some(st) = step {
                        out.push_str(" step ");
                        self.expr(out, st);
                    }
                    out.push_str(&unroll_text);
                    out.push(' ');
                    self.block(out, body, indent);
                } else {
                    out.push_str("do");
                    out.push_str(&unroll_text);
                    out.push(' ');
                    self.block(out, body, indent);
                    out.push_str(" while ");
                    if let Some(c) = cond {
                        self.expr(out, c);
                    }
                }
            }
            StmtKind::Switch { cond, cases } => {
                out.push_str("switch ");
                self.expr(out, cond);
                out.push_str(" {\n");
                for c in cases {
                    pad(out, indent + 1);
                    let mut labels: Vec<String> =
                        c.values.iter().map(|v| format!("case {v}")).collect();
                    if c.is_default {
                        labels.push("default".into());
                    }
                    let _ = writeln!(out, "{}:", labels.join(", "));
                    for s in &c.body {
                        self.stmt(out, s, indent + 2);
                    }
                }
                pad(out, indent);
                out.push('}');
            }
            StmtKind::Break => out.push_str("break"),
            StmtKind::Continue => out.push_str("continue"),
            StmtKind::Return(e) => {
                out.push_str("return");
                if let Some(e) = e {
                    out.push(' ');
                    self.expr(out, e);
                }
            }
        }
        out.push('\n');
    }

    fn ty(&self, t: crate::types::TypeId) -> String {
        self.m.types.display(t).to_string()
    }

    fn expr(&self, out: &mut String, e: &Expr) {
        match &e.kind {
            ExprKind::IntConst(v) => match self.m.types.get(e.ty) {
                Type::Scalar(Scalar::Int) => {
                    let _ = write!(out, "{v}");
                }
                Type::Scalar(Scalar::Bool) => out.push_str(if *v != 0 { "true" } else { "false" }),
                _ => {
                    let _ = write!(out, "{v}{}", self.ty(e.ty));
                }
            },
            ExprKind::FloatConst(v) => match self.m.types.get(e.ty) {
                Type::Scalar(Scalar::Double) => {
                    let _ = write!(out, "{v:?}");
                }
                _ => {
                    let _ = write!(out, "{v:?}{}", self.ty(e.ty));
                }
            },
            ExprKind::StringConst(b) => {
                let text = String::from_utf8_lossy(b.strip_suffix(&[0]).unwrap_or(b));
                let _ = write!(out, "{text:?}");
            }
            ExprKind::NullPtr => {
                let _ = write!(out, "(null {})", self.ty(e.ty));
            }
            ExprKind::Local(id) => out.push_str(self.local_name(*id)),
            ExprKind::Global(g) => {
                let name = self
                    .m
                    .global(*g)
                    .map(|g| g.name.as_str())
                    .unwrap_or("<bad global>");
                let _ = write!(out, "@{name}");
            }
            ExprKind::Builtin(b, c) => {
                out.push_str(b.name());
                if let Some(c) = c {
                    out.push('.');
                    out.push(['x', 'y', 'z'].get(*c as usize).copied().unwrap_or('?'));
                }
            }
            ExprKind::Convert(kind, inner) => {
                if *kind == ConvertKind::LValueToRValue {
                    out.push_str("(load ");
                } else {
                    let _ = write!(out, "({} {} ", kind.name(), self.ty(e.ty));
                }
                self.expr(out, inner);
                out.push(')');
            }
            ExprKind::Unary(op, inner) => {
                let n = match op {
                    UnaryOp::Neg => "neg",
                    UnaryOp::BitNot => "bitnot",
                    UnaryOp::LogNot => "not",
                };
                self.call_like(out, n, &[inner]);
            }
            ExprKind::Binary(op, a, b) => self.call_like(out, op.name(), &[a, b]),
            ExprKind::Logical { is_and, lhs, rhs } => {
                self.call_like(out, if *is_and { "land" } else { "lor" }, &[lhs, rhs])
            }
            ExprKind::PtrAdd { ptr, index } => self.call_like(out, "ptr_add", &[ptr, index]),
            ExprKind::PtrDiff(a, b) => self.call_like(out, "ptr_diff", &[a, b]),
            ExprKind::Index { base, index } => self.call_like(out, "index", &[base, index]),
            ExprKind::Field { base, field } => {
                let name = self
                    .m
                    .types
                    .as_record(base.ty)
                    .and_then(|r| self.m.types.record(r))
                    .and_then(|r| r.fields.get(*field as usize))
                    .map(|f| f.name.clone())
                    .unwrap_or_else(|| format!("#{field}"));
                out.push_str("(field ");
                self.expr(out, base);
                let _ = write!(out, " {name})");
            }
            ExprKind::Deref(p) => self.call_like(out, "deref", &[p]),
            ExprKind::AddrOf(p) => self.call_like(out, "addr", &[p]),
            ExprKind::Assign { target, value } => self.call_like(out, "store", &[target, value]),
            ExprKind::CompoundAssign {
                op,
                target,
                value,
                compute,
            } => {
                let _ = write!(out, "({}= {} ", op.name(), self.ty(*compute));
                self.expr(out, target);
                out.push(' ');
                self.expr(out, value);
                out.push(')');
            }
            ExprKind::IncDec {
                increment,
                prefix,
                target,
            } => {
                let n = match (increment, prefix) {
                    (true, true) => "pre_inc",
                    (true, false) => "post_inc",
                    (false, true) => "pre_dec",
                    (false, false) => "post_dec",
                };
                self.call_like(out, n, &[target]);
            }
            ExprKind::Conditional(c, a, b) => self.call_like(out, "select", &[c, a, b]),
            ExprKind::Comma(a, b) => self.call_like(out, "comma", &[a, b]),
            ExprKind::Call { func, args } => {
                let name = self
                    .m
                    .function(*func)
                    .map(|f| f.name.as_str())
                    .unwrap_or("<bad fn>");
                let _ = write!(out, "(call {name}");
                for a in args {
                    out.push(' ');
                    self.expr(out, a);
                }
                out.push(')');
            }
            ExprKind::Construct { ctor, args } => {
                let name = self
                    .m
                    .function(*ctor)
                    .map(|f| f.name.as_str())
                    .unwrap_or("<bad fn>");
                let _ = write!(out, "(construct {name}");
                for a in args {
                    out.push(' ');
                    self.expr(out, a);
                }
                out.push(')');
            }
            ExprKind::InitList(items) => {
                let _ = write!(out, "({} {{", self.ty(e.ty));
                for (i, a) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.expr(out, a);
                }
                out.push_str("})");
            }
            ExprKind::Zero => {
                let _ = write!(out, "(zero {})", self.ty(e.ty));
            }
            ExprKind::Materialize(inner) => self.call_like(out, "temp", &[inner]),
            ExprKind::Error => out.push_str("<error>"),
        }
    }

    fn call_like(&self, out: &mut String, name: &str, args: &[&Expr]) {
        out.push('(');
        out.push_str(name);
        for a in args {
            out.push(' ');
            self.expr(out, a);
        }
        out.push(')');
    }
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}
