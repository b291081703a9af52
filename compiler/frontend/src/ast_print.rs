//! Printing the AST as indented text (for `--emit=ast` and snapshots).
//!
//! One node per line, children indented by two spaces. Items and statements end with
//! `@ file:line:col`; expressions print compactly as S-expressions (`(+ a 1)`), types in a
//! Rust-like notation built from the declarator (`*const float`, `[int; 4]`, `fn(int) -> void`).
//! The output is deterministic and has no byte offsets.

use crate::ast::*;
use crate::source::{SourceMap, Span};
use std::fmt::Write;

/// Prints a translation unit.
pub fn print(tu: &TranslationUnit, sources: &SourceMap) -> String {
    let mut p = Printer {
        out: String::new(),
        sources,
    };
    for item in &tu.items {
        p.item(item, 0);
    }
    p.out
}

/// Prints one expression as an S-expression.
pub fn expr_to_string(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e);
    s
}

struct Printer<'a> {
    out: String,
    sources: &'a SourceMap,
}

impl Printer<'_> {
    fn line(&mut self, depth: usize, text: &str, span: Option<Span>) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        if let Some(span) = span {
            let loc = self.sources.describe(self.sources.user_span(span));
            let _ = write!(self.out, " @ {loc}");
        }
        self.out.push('\n');
    }

    fn item(&mut self, item: &Item, d: usize) {
        match item {
            Item::Function(f) => self.function(f, d),
            Item::Variables(v) => self.var_decl(v, d, "Variables"),
            Item::Record(r) => self.record(r, d),
            Item::Enum(e) => self.enum_def(e, d),
            Item::TypeAlias(a) => {
                let t = type_id_str(&a.ty);
                self.line(d, &format!("TypeAlias {} = {t}", a.name.name), Some(a.span));
                self.inline_defs(&a.ty.specs, d + 1);
            }
            Item::Namespace(n) => {
                let name = n.name.as_ref().map_or("<anonymous>", |i| i.name.as_str());
                let inl = if n.is_inline { "inline " } else { "" };
                self.line(d, &format!("{inl}Namespace {name}"), Some(n.span));
                for i in &n.items {
                    self.item(i, d + 1);
                }
            }
            Item::Template(t) => {
                let params: Vec<String> = t.params.iter().map(template_param_str).collect();
                self.line(
                    d,
                    &format!("Template <{}>", params.join(", ")),
                    Some(t.span),
                );
                self.item(&t.item, d + 1);
            }
            Item::ExplicitInstantiation(i, span) => {
                self.line(d, "ExplicitInstantiation", Some(*span));
                self.item(i, d + 1);
            }
            Item::StaticAssert(s) => self.static_assert(s, d),
            Item::Linkage(l) => {
                self.line(d, &format!("Linkage \"{}\"", l.lang), Some(l.span));
                for i in &l.items {
                    self.item(i, d + 1);
                }
            }
            Item::UsingNamespace(n, span) => {
                self.line(d, &format!("UsingNamespace {}", qname_str(n)), Some(*span))
            }
            Item::UsingDecl(n, span) => {
                self.line(d, &format!("Using {}", qname_str(n)), Some(*span))
            }
            Item::Access(a, span) => self.line(d, &format!("Access {a:?}"), Some(*span)),
            Item::HostCode(h) => {
                self.line(d, &format!("HostCode {}", h.what), Some(h.span));
                for l in &h.launches {
                    self.line(
                        d + 1,
                        &format!(
                            "Launch {} <<<{}>>> args={}",
                            l.kernel,
                            l.config.join(", "),
                            l.arg_count
                        ),
                        Some(l.span),
                    );
                }
            }
            Item::Empty(span) => self.line(d, "Empty", Some(*span)),
        }
    }

    fn static_assert(&mut self, s: &StaticAssert, d: usize) {
        let msg = s
            .message
            .as_ref()
            .map(|m| format!(" {m:?}"))
            .unwrap_or_default();
        self.line(
            d,
            &format!("StaticAssert {}{msg}", expr_to_string(&s.cond)),
            Some(s.span),
        );
    }

    fn function(&mut self, f: &Function, d: usize) {
        let name = f
            .declarator
            .name
            .as_ref()
            .map_or("<unnamed>".to_string(), qname_str);
        let mut head = format!("Function{} {name}", specs_prefix(&f.specs, true));
        let _ = write!(head, " : {}", decl_type_str(&f.specs, &f.declarator));
        match f.defaulted {
            Some(true) => head.push_str(" = default"),
            Some(false) => head.push_str(" = delete"),
            None => {}
        }
        if f.body.is_none() && f.defaulted.is_none() {
            head.push_str(" (declaration)");
        }
        self.line(d, &head, Some(f.span));
        if let Some(lb) = &f.specs.cuda.launch_bounds {
            let args: Vec<String> = lb.iter().map(expr_to_string).collect();
            self.line(d + 1, &format!("LaunchBounds {}", args.join(" ")), None);
        }
        if let Some(DeclaratorOp::Function(fs)) = f.declarator.ops.first() {
            for p in &fs.params {
                let name = p
                    .declarator
                    .name
                    .as_ref()
                    .map_or("_".to_string(), qname_str);
                let def = p
                    .default
                    .as_ref()
                    .map(|e| format!(" = {}", expr_to_string(e)))
                    .unwrap_or_default();
                self.line(
                    d + 1,
                    &format!(
                        "Param {name} : {}{def}",
                        decl_type_str(&p.specs, &p.declarator)
                    ),
                    None,
                );
            }
        }
        for m in &f.member_inits {
            let args: Vec<String> = m.args.iter().map(expr_to_string).collect();
            let (o, c) = if m.braced { ('{', '}') } else { ('(', ')') };
            self.line(
                d + 1,
                &format!("MemberInit {}{o}{}{c}", qname_str(&m.name), args.join(", ")),
                None,
            );
        }
        if let Some(b) = &f.body {
            self.block(b, d + 1);
        }
    }

    fn inline_defs(&mut self, specs: &DeclSpecs, d: usize) {
        match &specs.ty {
            Some(TypeSpec::Record(r)) if r.members.is_some() => self.record(r, d),
            Some(TypeSpec::Enum(e)) if e.enumerators.is_some() => self.enum_def(e, d),
            _ => {}
        }
    }

    fn var_decl(&mut self, v: &VarDecl, d: usize, label: &str) {
        self.line(
            d,
            &format!("{label}{}", specs_prefix(&v.specs, false)),
            Some(v.span),
        );
        self.inline_defs(&v.specs, d + 1);
        for id in &v.declarators {
            let name = id
                .declarator
                .name
                .as_ref()
                .map_or("_".to_string(), qname_str);
            let mut s = format!("Var {name} : {}", decl_type_str(&v.specs, &id.declarator));
            if let Some(w) = &id.bit_width {
                let _ = write!(s, " : bits {}", expr_to_string(w));
            }
            if let Some(init) = &id.init {
                let _ = write!(s, " = {}", init_str(init));
            }
            self.line(d + 1, &s, None);
        }
    }

    fn record(&mut self, r: &Record, d: usize) {
        let kind = match r.kind {
            RecordKind::Struct => "Struct",
            RecordKind::Class => "Class",
            RecordKind::Union => "Union",
        };
        let name = r.name.as_ref().map_or("<anonymous>".to_string(), qname_str);
        let mut head = format!("{kind} {name}");
        if let Some(a) = &r.align {
            let _ = write!(head, " align={}", expr_to_string(a));
        }
        if !r.bases.is_empty() {
            let bases: Vec<String> = r.bases.iter().map(|b| qname_str(&b.name)).collect();
            let _ = write!(head, " : {}", bases.join(", "));
        }
        if r.members.is_none() {
            head.push_str(" (declaration)");
        }
        self.line(d, &head, Some(r.span));
        for m in r.members.iter().flatten() {
            self.item(m, d + 1);
        }
    }

    fn enum_def(&mut self, e: &EnumDef, d: usize) {
        let name = e.name.as_ref().map_or("<anonymous>", |i| i.name.as_str());
        let mut head = format!("Enum{} {name}", if e.scoped { " class" } else { "" });
        if let Some(u) = &e.underlying {
            let _ = write!(head, " : {}", type_id_str(u));
        }
        self.line(d, &head, Some(e.span));
        for en in e.enumerators.iter().flatten() {
            let v = en
                .value
                .as_ref()
                .map(|v| format!(" = {}", expr_to_string(v)))
                .unwrap_or_default();
            self.line(d + 1, &format!("Enumerator {}{v}", en.name.name), None);
        }
    }

    fn block(&mut self, b: &Block, d: usize) {
        self.line(d, "Block", Some(b.span));
        for s in &b.stmts {
            self.stmt(s, d + 1);
        }
    }

    fn cond(&mut self, c: &Condition, d: usize) {
        match c {
            Condition::Expr(e) => self.line(d, &format!("Cond {}", expr_to_string(e)), None),
            Condition::Decl(v) => self.var_decl(v, d, "CondDecl"),
        }
    }

    fn stmt(&mut self, s: &Stmt, d: usize) {
        let span = Some(s.span);
        match &s.kind {
            StmtKind::Expr(e) => self.line(d, &format!("Expr {}", expr_to_string(e)), span),
            StmtKind::Decl(v) => self.var_decl(v, d, "Decl"),
            StmtKind::Item(i) => self.item(i, d),
            StmtKind::Block(b) => self.block(b, d),
            StmtKind::If {
                init,
                cond,
                then,
                els,
                is_constexpr,
            } => {
                self.line(d, if *is_constexpr { "IfConstexpr" } else { "If" }, span);
                if let Some(i) = init {
                    self.stmt(i, d + 1);
                }
                self.cond(cond, d + 1);
                self.stmt(then, d + 1);
                if let Some(e) = els {
                    self.line(d + 1, "Else", None);
                    self.stmt(e, d + 2);
                }
            }
            StmtKind::While { cond, body, unroll } => {
                self.line(d, &format!("While{}", unroll_str(unroll)), span);
                self.cond(cond, d + 1);
                self.stmt(body, d + 1);
            }
            StmtKind::DoWhile { body, cond, unroll } => {
                self.line(d, &format!("DoWhile{}", unroll_str(unroll)), span);
                self.stmt(body, d + 1);
                self.line(d + 1, &format!("Cond {}", expr_to_string(cond)), None);
            }
            StmtKind::For {
                init,
                cond,
                step,
                body,
                unroll,
            } => {
                self.line(d, &format!("For{}", unroll_str(unroll)), span);
                if let Some(i) = init {
                    self.stmt(i, d + 1);
                }
                if let Some(c) = cond {
                    self.cond(c, d + 1);
                }
                if let Some(s) = step {
                    self.line(d + 1, &format!("Step {}", expr_to_string(s)), None);
                }
                self.stmt(body, d + 1);
            }
            StmtKind::RangeFor { decl, range, body } => {
                self.line(d, "RangeFor", span);
                self.var_decl(decl, d + 1, "Decl");
                self.line(d + 1, &format!("Range {}", expr_to_string(range)), None);
                self.stmt(body, d + 1);
            }
            StmtKind::Switch { cond, body } => {
                self.line(d, "Switch", span);
                self.cond(cond, d + 1);
                self.stmt(body, d + 1);
            }
            StmtKind::Case { value, stmt } => {
                self.line(d, &format!("Case {}", expr_to_string(value)), span);
                self.stmt(stmt, d + 1);
            }
            StmtKind::Default(stmt) => {
                self.line(d, "Default", span);
                self.stmt(stmt, d + 1);
            }
            StmtKind::Label(l, stmt) => {
                self.line(d, &format!("Label {}", l.name), span);
                self.stmt(stmt, d + 1);
            }
            StmtKind::Goto(l) => self.line(d, &format!("Goto {}", l.name), span),
            StmtKind::Break => self.line(d, "Break", span),
            StmtKind::Continue => self.line(d, "Continue", span),
            StmtKind::Return(e) => match e {
                Some(e) => self.line(d, &format!("Return {}", expr_to_string(e)), span),
                None => self.line(d, "Return", span),
            },
            StmtKind::Asm(text) => self.line(d, &format!("Asm {text:?}"), span),
            StmtKind::Empty => self.line(d, "Empty", span),
        }
    }
}

fn unroll_str(u: &Option<Unroll>) -> String {
    match u {
        None => String::new(),
        Some(Unroll { count: None, .. }) => " unroll".to_string(),
        Some(Unroll { count: Some(c), .. }) => format!(" unroll={}", expr_to_string(c)),
    }
}

fn template_param_str(p: &TemplateParam) -> String {
    match p {
        TemplateParam::Type {
            name,
            default,
            pack,
        } => {
            let mut s = format!(
                "typename{} {}",
                if *pack { "..." } else { "" },
                name.as_ref().map_or("_", |n| n.name.as_str())
            );
            if let Some(t) = default {
                let _ = write!(s, " = {}", type_id_str(t));
            }
            s
        }
        TemplateParam::NonType { param, .. } => {
            let name = param
                .declarator
                .name
                .as_ref()
                .map_or("_".to_string(), qname_str);
            let mut s = format!(
                "{name} : {}",
                decl_type_str(&param.specs, &param.declarator)
            );
            if let Some(e) = &param.default {
                let _ = write!(s, " = {}", expr_to_string(e));
            }
            s
        }
    }
}

fn specs_prefix(s: &DeclSpecs, _function: bool) -> String {
    let mut words: Vec<&str> = Vec::new();
    match s.storage {
        Storage::None => {}
        Storage::Static => words.push("static"),
        Storage::Extern => words.push("extern"),
        Storage::ExternC => words.push("extern \"C\""),
        Storage::Register => words.push("register"),
        Storage::ThreadLocal => words.push("thread_local"),
        Storage::Mutable => words.push("mutable"),
    }
    let c = &s.cuda;
    for (on, w) in [
        (c.global, "__global__"),
        (c.device, "__device__"),
        (c.host, "__host__"),
        (c.shared, "__shared__"),
        (c.constant, "__constant__"),
        (c.managed, "__managed__"),
        (c.forceinline, "__forceinline__"),
        (c.noinline, "__noinline__"),
        (s.is_inline, "inline"),
        (s.is_constexpr, "constexpr"),
        (s.is_virtual, "virtual"),
        (s.is_explicit, "explicit"),
        (s.is_friend, "friend"),
    ] {
        if on {
            words.push(w);
        }
    }
    if words.is_empty() {
        String::new()
    } else {
        format!(" {}", words.join(" "))
    }
}

/// The base type of specifiers with `const`/`volatile`.
fn base_type_str(s: &DeclSpecs) -> String {
    let mut out = String::new();
    if s.is_const {
        out.push_str("const ");
    }
    if s.is_volatile {
        out.push_str("volatile ");
    }
    out.push_str(&match &s.ty {
        None => "<none>".to_string(),
        Some(t) => type_spec_str(t),
    });
    out
}

fn type_spec_str(t: &TypeSpec) -> String {
    match t {
        TypeSpec::Builtin(b, _) => builtin_str(*b).to_string(),
        TypeSpec::Named(q) => qname_str(q),
        TypeSpec::Auto(_) => "auto".to_string(),
        TypeSpec::Decltype(e, _) => format!("decltype({})", expr_to_string(e)),
        TypeSpec::Record(r) => {
            let kind = match r.kind {
                RecordKind::Struct => "struct",
                RecordKind::Class => "class",
                RecordKind::Union => "union",
            };
            format!(
                "{kind} {}",
                r.name.as_ref().map_or("<anonymous>".to_string(), qname_str)
            )
        }
        TypeSpec::Enum(e) => format!(
            "enum {}",
            e.name.as_ref().map_or("<anonymous>", |n| n.name.as_str())
        ),
    }
}

fn builtin_str(b: BuiltinType) -> &'static str {
    use BuiltinType::*;
    match b {
        Void => "void",
        Bool => "bool",
        Char => "char",
        SChar => "signed char",
        UChar => "unsigned char",
        WChar => "wchar_t",
        Char16 => "char16_t",
        Char32 => "char32_t",
        Short => "short",
        UShort => "unsigned short",
        Int => "int",
        UInt => "unsigned int",
        Long => "long",
        ULong => "unsigned long",
        LongLong => "long long",
        ULongLong => "unsigned long long",
        Float => "float",
        Double => "double",
        LongDouble => "long double",
    }
}

/// The type of a declarator over specifiers, built from the outermost operator inwards.
fn decl_type_str(s: &DeclSpecs, d: &Declarator) -> String {
    let mut t = base_type_str(s);
    for op in d.ops.iter().rev() {
        t = match op {
            DeclaratorOp::Pointer {
                is_const,
                is_volatile,
                is_restrict,
            } => {
                let mut q = String::from("*");
                if *is_const {
                    q.push_str("const ");
                }
                if *is_volatile {
                    q.push_str("volatile ");
                }
                if *is_restrict {
                    q.push_str("restrict ");
                }
                format!("{q}{t}")
            }
            DeclaratorOp::Reference => format!("&{t}"),
            DeclaratorOp::RValueReference => format!("&&{t}"),
            DeclaratorOp::Array(None) => format!("[{t}]"),
            DeclaratorOp::Array(Some(n)) => format!("[{t}; {}]", expr_to_string(n)),
            DeclaratorOp::Function(f) => {
                let params: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| decl_type_str(&p.specs, &p.declarator))
                    .collect();
                let mut s = format!("fn({}", params.join(", "));
                if f.variadic {
                    s.push_str(if params.is_empty() { "..." } else { ", ..." });
                }
                s.push(')');
                if f.is_const {
                    s.push_str(" const");
                }
                let ret = match &f.trailing_return {
                    Some(r) => type_id_str(r),
                    None => t,
                };
                let _ = write!(s, " -> {ret}");
                s
            }
        };
    }
    t
}

fn type_id_str(t: &TypeId) -> String {
    decl_type_str(&t.specs, &t.declarator)
}

fn qname_str(q: &QualifiedName) -> String {
    let mut s = String::new();
    if q.global {
        s.push_str("::");
    }
    for (i, seg) in q.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.name);
        if let Some(args) = &seg.template_args {
            let args: Vec<String> = args
                .iter()
                .map(|a| match a {
                    TemplateArg::Type(t) => type_id_str(t),
                    TemplateArg::Expr(e) => expr_to_string(e),
                })
                .collect();
            let _ = write!(s, "<{}>", args.join(", "));
        }
    }
    s
}

fn init_str(i: &Initializer) -> String {
    match i {
        Initializer::Expr(e) => expr_to_string(e),
        Initializer::Braced(items, _) => {
            let v: Vec<String> = items.iter().map(init_str).collect();
            format!("{{{}}}", v.join(", "))
        }
        Initializer::Paren(items, _) => {
            let v: Vec<String> = items.iter().map(expr_to_string).collect();
            format!("({})", v.join(", "))
        }
        Initializer::Designated(name, init) => format!(".{} = {}", name.name, init_str(init)),
    }
}

fn binary_str(op: BinaryOp) -> &'static str {
    use BinaryOp::*;
    match op {
        Mul => "*",
        Div => "/",
        Rem => "%",
        Add => "+",
        Sub => "-",
        Shl => "<<",
        Shr => ">>",
        Lt => "<",
        Gt => ">",
        Le => "<=",
        Ge => ">=",
        Eq => "==",
        Ne => "!=",
        BitAnd => "&",
        BitXor => "^",
        BitOr => "|",
        LogAnd => "&&",
        LogOr => "||",
    }
}

fn unary_str(op: UnaryOp) -> &'static str {
    use UnaryOp::*;
    match op {
        Plus => "+",
        Neg => "-",
        Not => "!",
        BitNot => "~",
        Deref => "deref",
        AddrOf => "addr",
        PreInc => "pre++",
        PreDec => "pre--",
        PostInc => "post++",
        PostDec => "post--",
    }
}

fn list(out: &mut String, items: &[Expr]) {
    for e in items {
        out.push(' ');
        write_expr(out, e);
    }
}

fn write_expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::IntLit(v) => {
            let _ = write!(out, "{}", v.value);
            if v.suffix.unsigned {
                out.push('u');
            }
            for _ in 0..v.suffix.long {
                out.push('l');
            }
        }
        ExprKind::FloatLit(v) => {
            let _ = write!(out, "{:?}", v.value);
            match v.suffix {
                FloatSuffix::F => out.push('f'),
                FloatSuffix::L => out.push('L'),
                FloatSuffix::None => {}
            }
        }
        ExprKind::CharLit(c, _) => {
            let _ = write!(out, "(char {c})");
        }
        ExprKind::StringLit(b) => {
            let _ = write!(out, "{:?}", String::from_utf8_lossy(b));
        }
        ExprKind::BoolLit(b) => {
            let _ = write!(out, "{b}");
        }
        ExprKind::Nullptr => out.push_str("nullptr"),
        ExprKind::This => out.push_str("this"),
        ExprKind::Name(q) => out.push_str(&qname_str(q)),
        ExprKind::Unary(op, a) => {
            let _ = write!(out, "({} ", unary_str(*op));
            write_expr(out, a);
            out.push(')');
        }
        ExprKind::Binary(op, a, b) => {
            let _ = write!(out, "({} ", binary_str(*op));
            write_expr(out, a);
            out.push(' ');
            write_expr(out, b);
            out.push(')');
        }
        ExprKind::Assign(op, a, b) => {
            let op = op.map_or("=".to_string(), |o| format!("{}=", binary_str(o)));
            let _ = write!(out, "({op} ");
            write_expr(out, a);
            out.push(' ');
            write_expr(out, b);
            out.push(')');
        }
        ExprKind::Conditional(c, a, b) => {
            out.push_str("(? ");
            write_expr(out, c);
            out.push(' ');
            write_expr(out, a);
            out.push(' ');
            write_expr(out, b);
            out.push(')');
        }
        ExprKind::Comma(a, b) => {
            out.push_str("(, ");
            write_expr(out, a);
            out.push(' ');
            write_expr(out, b);
            out.push(')');
        }
        ExprKind::Call(f, args) => {
            out.push_str("(call ");
            write_expr(out, f);
            list(out, args);
            out.push(')');
        }
        ExprKind::KernelLaunch {
            kernel,
            config,
            args,
        } => {
            out.push_str("(launch ");
            write_expr(out, kernel);
            out.push_str(" <<<");
            for (i, c) in config.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_expr(out, c);
            }
            out.push_str(">>>");
            list(out, args);
            out.push(')');
        }
        ExprKind::Index(a, i) => {
            out.push_str("(index ");
            write_expr(out, a);
            out.push(' ');
            write_expr(out, i);
            out.push(')');
        }
        ExprKind::Member {
            base,
            arrow,
            member,
        } => {
            let _ = write!(out, "({} ", if *arrow { "->" } else { "." });
            write_expr(out, base);
            let _ = write!(out, " {})", qname_str(member));
        }
        ExprKind::Cast(kind, t, a) => {
            let k = match kind {
                CastKind::CStyle => "cast",
                CastKind::Functional => "fcast",
                CastKind::Static => "static_cast",
                CastKind::Reinterpret => "reinterpret_cast",
                CastKind::Const => "const_cast",
                CastKind::Dynamic => "dynamic_cast",
            };
            let _ = write!(out, "({k} {} ", type_id_str(t));
            write_expr(out, a);
            out.push(')');
        }
        ExprKind::Construct { ty, args, braced } => {
            let _ = write!(
                out,
                "({} {}",
                if *braced { "construct{}" } else { "construct" },
                type_id_str(ty)
            );
            list(out, args);
            out.push(')');
        }
        ExprKind::InitList(items) => {
            out.push_str("(init-list");
            list(out, items);
            out.push(')');
        }
        ExprKind::SizeofType(t) => {
            let _ = write!(out, "(sizeof-type {})", type_id_str(t));
        }
        ExprKind::SizeofExpr(a) => {
            out.push_str("(sizeof ");
            write_expr(out, a);
            out.push(')');
        }
        ExprKind::AlignofType(t) => {
            let _ = write!(out, "(alignof {})", type_id_str(t));
        }
        ExprKind::OffsetOf(t, path) => {
            let names: Vec<&str> = path.iter().map(|m| m.name.as_str()).collect();
            let _ = write!(out, "(offsetof {} {})", type_id_str(t), names.join("."));
        }
        ExprKind::Unsupported(text) => {
            let _ = write!(out, "(unsupported {text:?})");
        }
    }
}
