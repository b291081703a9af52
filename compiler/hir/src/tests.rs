//! End-to-end tests of the lowering on hand-built ASTs (independent of the parser).

use crate::lower;
use crate::types::Scalar;
use cwcc_frontend::ast::*;
use cwcc_frontend::diag::{Diagnostics, Severity};
use cwcc_frontend::source::{SourceMap, Span};

/// A tiny AST builder; every node gets a default span.
mod b {
    use super::*;

    pub fn sp() -> Span {
        Span::default()
    }
    pub fn id(n: &str) -> Ident {
        Ident {
            name: n.into(),
            span: sp(),
        }
    }
    pub fn qn(n: &str) -> QualifiedName {
        QualifiedName {
            global: false,
            segments: vec![NameSegment {
                ident: id(n),
                template_args: None,
            }],
            span: sp(),
        }
    }
    pub fn qn_targs(n: &str, args: Vec<TemplateArg>) -> QualifiedName {
        QualifiedName {
            global: false,
            segments: vec![NameSegment {
                ident: id(n),
                template_args: Some(args),
            }],
            span: sp(),
        }
    }
    pub fn e(kind: ExprKind) -> Expr {
        Expr { kind, span: sp() }
    }
    pub fn name(n: &str) -> Expr {
        e(ExprKind::Name(qn(n)))
    }
    pub fn int(v: u64) -> Expr {
        e(ExprKind::IntLit(IntLiteral {
            value: v,
            suffix: IntSuffix::default(),
            decimal: true,
        }))
    }
    pub fn lit(v: u64, unsigned: bool, long: u8, decimal: bool) -> Expr {
        e(ExprKind::IntLit(IntLiteral {
            value: v,
            suffix: IntSuffix { unsigned, long },
            decimal,
        }))
    }
    pub fn dbl(v: f64) -> Expr {
        e(ExprKind::FloatLit(FloatLiteral {
            value: v,
            suffix: FloatSuffix::None,
        }))
    }
    pub fn flt(v: f64) -> Expr {
        e(ExprKind::FloatLit(FloatLiteral {
            value: v,
            suffix: FloatSuffix::F,
        }))
    }
    pub fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
        e(ExprKind::Binary(op, Box::new(l), Box::new(r)))
    }
    pub fn assign(l: Expr, r: Expr) -> Expr {
        e(ExprKind::Assign(None, Box::new(l), Box::new(r)))
    }
    pub fn index(a: Expr, i: Expr) -> Expr {
        e(ExprKind::Index(Box::new(a), Box::new(i)))
    }
    pub fn member(base: Expr, m: &str) -> Expr {
        e(ExprKind::Member {
            base: Box::new(base),
            arrow: false,
            member: qn(m),
        })
    }
    pub fn call(f: &str, args: Vec<Expr>) -> Expr {
        e(ExprKind::Call(Box::new(name(f)), args))
    }
    pub fn specs(ty: TypeSpec) -> DeclSpecs {
        DeclSpecs {
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
            span: sp(),
        }
    }
    pub fn bt(t: BuiltinType) -> DeclSpecs {
        specs(TypeSpec::Builtin(t, sp()))
    }
    pub fn named_ty(n: &str) -> DeclSpecs {
        specs(TypeSpec::Named(qn(n)))
    }
    pub fn ptr() -> DeclaratorOp {
        DeclaratorOp::Pointer {
            is_const: false,
            is_volatile: false,
            is_restrict: false,
        }
    }
    pub fn param(s: DeclSpecs, n: &str, ops: Vec<DeclaratorOp>) -> Param {
        Param {
            specs: s,
            declarator: Declarator {
                name: Some(qn(n)),
                ops,
                span: sp(),
            },
            default: None,
            span: sp(),
        }
    }
    pub fn func(mut s: DeclSpecs, n: &str, params: Vec<Param>, body: Option<Vec<Stmt>>) -> Item {
        if s.cuda.global {
            s.ty = Some(TypeSpec::Builtin(s_ret(&s), sp()));
        }
        Item::Function(Function {
            specs: s,
            declarator: Declarator {
                name: Some(qn(n)),
                ops: vec![DeclaratorOp::Function(FunctionSuffix {
                    params,
                    variadic: false,
                    is_const: false,
                    is_noexcept: false,
                    trailing_return: None,
                })],
                span: sp(),
            },
            member_inits: vec![],
            body: body.map(|stmts| Block { stmts, span: sp() }),
            defaulted: None,
            span: sp(),
        })
    }
    fn s_ret(s: &DeclSpecs) -> BuiltinType {
        match &s.ty {
            Some(TypeSpec::Builtin(t, _)) => *t,
            _ => BuiltinType::Void,
        }
    }
    pub fn kernel(n: &str, params: Vec<Param>, body: Vec<Stmt>) -> Item {
        let mut s = bt(BuiltinType::Void);
        s.cuda.global = true;
        func(s, n, params, Some(body))
    }
    pub fn device(ret: DeclSpecs, n: &str, params: Vec<Param>, body: Option<Vec<Stmt>>) -> Item {
        let mut s = ret;
        s.cuda.device = true;
        func(s, n, params, body)
    }
    pub fn st(kind: StmtKind) -> Stmt {
        Stmt { kind, span: sp() }
    }
    pub fn expr_stmt(x: Expr) -> Stmt {
        st(StmtKind::Expr(x))
    }
    pub fn local(s: DeclSpecs, n: &str, ops: Vec<DeclaratorOp>, init: Option<Expr>) -> Stmt {
        st(StmtKind::Decl(VarDecl {
            specs: s,
            declarators: vec![InitDeclarator {
                declarator: Declarator {
                    name: Some(qn(n)),
                    ops,
                    span: sp(),
                },
                init: init.map(Initializer::Expr),
                bit_width: None,
            }],
            span: sp(),
        }))
    }
    pub fn ret(x: Option<Expr>) -> Stmt {
        st(StmtKind::Return(x))
    }
}

use b::*;

fn run(items: Vec<Item>) -> (crate::Module, Diagnostics) {
    let mut sm = SourceMap::new();
    sm.add_file("test.cu", "", None);
    let tu = TranslationUnit { items };
    let mut d = Diagnostics::new();
    let m = lower(&tu, &sm, &mut d);
    (m, d)
}

fn messages(d: &Diagnostics, sev: Severity) -> Vec<String> {
    d.iter()
        .filter(|x| x.severity == sev)
        .map(|x| x.message.clone())
        .collect()
}

fn saxpy() -> Item {
    // i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] = a * x[i] + y[i];
    let i_init = bin(
        BinaryOp::Add,
        bin(
            BinaryOp::Mul,
            member(name("blockIdx"), "x"),
            member(name("blockDim"), "x"),
        ),
        member(name("threadIdx"), "x"),
    );
    let body = vec![
        local(bt(BuiltinType::Int), "i", vec![], Some(i_init)),
        st(StmtKind::If {
            init: None,
            cond: Condition::Expr(bin(BinaryOp::Lt, name("i"), name("n"))),
            then: Box::new(expr_stmt(assign(
                index(name("y"), name("i")),
                bin(
                    BinaryOp::Add,
                    bin(BinaryOp::Mul, name("a"), index(name("x"), name("i"))),
                    index(name("y"), name("i")),
                ),
            ))),
            els: None,
            is_constexpr: false,
        }),
    ];
    kernel(
        "saxpy",
        vec![
            param(bt(BuiltinType::Int), "n", vec![]),
            param(bt(BuiltinType::Float), "a", vec![]),
            param(bt(BuiltinType::Float), "x", vec![ptr()]),
            param(bt(BuiltinType::Float), "y", vec![ptr()]),
        ],
        body,
    )
}

#[test]
fn saxpy_lowers_and_prints() {
    let (m, d) = run(vec![saxpy()]);
    assert!(d.is_empty(), "{:?}", d);
    let text = m.to_string();
    assert!(
        text.contains("kernel saxpy(n: i32, a: f32, x: ptr<generic, f32>, y: ptr<generic, f32>) {"),
        "{text}"
    );
    assert!(
        text.contains("let i: i32 = (int_cast i32 (add (mul blockIdx.x blockDim.x) threadIdx.x))"),
        "{text}"
    );
    assert!(text.contains("if (lt (load i) (load n))"), "{text}");
    assert!(
        text.contains("(store (index (load y) (int_cast i64 (load i)))"),
        "{text}"
    );
}

#[test]
fn implicit_double_warning_once_per_expression() {
    // float r = x * 0.5 + 1.0;   and   float s = x * 0.5f;
    let body = vec![
        local(
            bt(BuiltinType::Float),
            "r",
            vec![],
            Some(bin(
                BinaryOp::Add,
                bin(BinaryOp::Mul, name("x"), dbl(0.5)),
                dbl(1.0),
            )),
        ),
        local(
            bt(BuiltinType::Float),
            "s",
            vec![],
            Some(bin(BinaryOp::Mul, name("x"), flt(0.5))),
        ),
    ];
    let (m, d) = run(vec![kernel(
        "k",
        vec![param(bt(BuiltinType::Float), "x", vec![])],
        body,
    )]);
    let w = messages(&d, Severity::Warning);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("implicit conversion to double"), "{w:?}");
    let text = m.to_string();
    assert!(text.contains("(float_cast f64 (load x))"), "{text}");
    assert!(text.contains("(mul (load x) 0.5f32)"), "{text}");
}

#[test]
fn overloads_pick_by_rank() {
    let max_int = device(
        bt(BuiltinType::Int),
        "mx",
        vec![
            param(bt(BuiltinType::Int), "a", vec![]),
            param(bt(BuiltinType::Int), "b", vec![]),
        ],
        Some(vec![ret(Some(name("a")))]),
    );
    let max_float = device(
        bt(BuiltinType::Float),
        "mx",
        vec![
            param(bt(BuiltinType::Float), "a", vec![]),
            param(bt(BuiltinType::Float), "b", vec![]),
        ],
        Some(vec![ret(Some(name("a")))]),
    );
    let body = vec![
        local(
            bt(BuiltinType::Int),
            "i",
            vec![],
            Some(call("mx", vec![int(1), int(2)])),
        ),
        local(
            bt(BuiltinType::Float),
            "f",
            vec![],
            Some(call("mx", vec![flt(1.0), flt(2.0)])),
        ),
        // short arguments promote to int: still the int overload.
        local(bt(BuiltinType::Short), "s", vec![], Some(int(3))),
        local(
            bt(BuiltinType::Int),
            "j",
            vec![],
            Some(call("mx", vec![name("s"), name("s")])),
        ),
        // (int, float) is ambiguous.
        local(
            bt(BuiltinType::Float),
            "g",
            vec![],
            Some(call("mx", vec![int(1), flt(2.0)])),
        ),
    ];
    let (m, d) = run(vec![max_int, max_float, kernel("k", vec![], body)]);
    let errs = messages(&d, Severity::Error);
    assert_eq!(
        errs,
        vec!["call to `mx(int, float)` is ambiguous".to_string()],
        "{errs:?}"
    );
    let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"mx"), "{names:?}");
    let text = m.to_string();
    assert!(text.contains("fn mx(a: i32, b: i32) -> i32"), "{text}");
    assert!(text.contains("fn mx(a: f32, b: f32) -> f32"), "{text}");
}

#[test]
fn undeclared_identifier_suggests() {
    let body = vec![
        local(bt(BuiltinType::Int), "count", vec![], Some(int(1))),
        expr_stmt(assign(name("cuont"), int(2))),
    ];
    let (_, d) = run(vec![kernel("k", vec![], body)]);
    let errs: Vec<_> = d.iter().filter(|x| x.is_error()).collect();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].message, "use of undeclared identifier `cuont`");
    assert_eq!(errs[0].notes, vec!["did you mean `count`?".to_string()]);
}

#[test]
fn kernel_must_return_void_and_host_calls_are_rejected() {
    let mut s = bt(BuiltinType::Int);
    s.cuda.global = true;
    let bad_kernel = Item::Function(
        match func(s, "bad", vec![], Some(vec![ret(Some(int(1)))])) {
            Item::Function(mut f) => {
                f.specs.ty = Some(TypeSpec::Builtin(BuiltinType::Int, sp()));
                f
            }
            _ => unreachable!(),
        },
    );
    let host_fn = func(
        bt(BuiltinType::Int),
        "host_only",
        vec![],
        Some(vec![ret(Some(int(1)))]),
    );
    let k = kernel(
        "k",
        vec![],
        vec![local(
            bt(BuiltinType::Int),
            "v",
            vec![],
            Some(call("host_only", vec![])),
        )],
    );
    let (_, d) = run(vec![bad_kernel, host_fn, k]);
    let errs = messages(&d, Severity::Error);
    assert!(
        errs.contains(&"a __global__ function must return void".to_string()),
        "{errs:?}"
    );
    assert!(
        errs.contains(&"calling a __host__ function `host_only` from a __global__ function `k` is not allowed".to_string()),
        "{errs:?}"
    );
}

#[test]
fn literal_types_follow_cpp() {
    use crate::lower::int_literal_type as t;
    let l = |v, u, long, dec| IntLiteral {
        value: v,
        suffix: IntSuffix { unsigned: u, long },
        decimal: dec,
    };
    assert_eq!(t(&l(2147483647, false, 0, true)), Some(Scalar::Int));
    assert_eq!(t(&l(2147483648, false, 0, true)), Some(Scalar::Long));
    assert_eq!(t(&l(0x80000000, false, 0, false)), Some(Scalar::UInt));
    assert_eq!(
        t(&l(0xFFFFFFFFFFFFFFFF, false, 0, false)),
        Some(Scalar::ULong)
    );
    assert_eq!(t(&l(1, true, 0, true)), Some(Scalar::UInt));
    assert_eq!(t(&l(1, false, 2, true)), Some(Scalar::LongLong));
    assert_eq!(t(&l(1, true, 1, true)), Some(Scalar::ULong));
    assert_eq!(t(&l(u64::MAX, false, 0, true)), None);
    let _ = lit(1, false, 0, true);
}

#[test]
fn static_assert_and_division_by_zero() {
    let sa = Item::StaticAssert(StaticAssert {
        cond: bin(
            BinaryOp::Eq,
            e(ExprKind::SizeofType(Box::new(TypeId {
                specs: bt(BuiltinType::Long),
                declarator: Declarator {
                    name: None,
                    ops: vec![],
                    span: sp(),
                },
                span: sp(),
            }))),
            int(4),
        ),
        message: Some("long is 8 bytes".into()),
        span: sp(),
    });
    let div = Item::StaticAssert(StaticAssert {
        cond: bin(BinaryOp::Div, int(1), int(0)),
        message: None,
        span: sp(),
    });
    let (_, d) = run(vec![sa, div]);
    let errs = messages(&d, Severity::Error);
    assert_eq!(
        errs,
        vec![
            "static assertion failed: long is 8 bytes".to_string(),
            "division by zero in constant expression".to_string()
        ]
    );
}

#[test]
fn goto_and_break_outside_loop() {
    let body = vec![st(StmtKind::Goto(id("out"))), st(StmtKind::Break)];
    let (_, d) = run(vec![kernel("k", vec![], body)]);
    let errs = messages(&d, Severity::Error);
    assert_eq!(
        errs,
        vec![
            "not supported yet: goto".to_string(),
            "`break` statement not in a loop or switch".to_string()
        ]
    );
}

#[test]
fn function_template_instantiated_on_call() {
    // template <typename T> __device__ T twice(T v) { return v + v; }
    let f = match device(
        named_ty("T"),
        "twice",
        vec![param(named_ty("T"), "v", vec![])],
        Some(vec![ret(Some(bin(BinaryOp::Add, name("v"), name("v"))))]),
    ) {
        Item::Function(f) => f,
        _ => unreachable!(),
    };
    let tpl = Item::Template(TemplateDecl {
        params: vec![TemplateParam::Type {
            name: Some(id("T")),
            default: None,
            pack: false,
        }],
        item: Box::new(Item::Function(f)),
        span: sp(),
    });
    let explicit = e(ExprKind::Call(
        Box::new(e(ExprKind::Name(qn_targs(
            "twice",
            vec![TemplateArg::Type(TypeId {
                specs: bt(BuiltinType::Double),
                declarator: Declarator {
                    name: None,
                    ops: vec![],
                    span: sp(),
                },
                span: sp(),
            })],
        )))),
        vec![flt(1.0)],
    ));
    let body = vec![
        local(
            bt(BuiltinType::Float),
            "a",
            vec![],
            Some(call("twice", vec![flt(1.0)])),
        ),
        local(bt(BuiltinType::Double), "b", vec![], Some(explicit)),
    ];
    let (m, d) = run(vec![tpl, kernel("k", vec![], body)]);
    assert!(d.is_empty(), "{d:?}");
    let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"twice<float>"), "{names:?}");
    assert!(names.contains(&"twice<double>"), "{names:?}");
}

fn var_decl(s: DeclSpecs, n: &str, ops: Vec<DeclaratorOp>, init: Option<Initializer>) -> VarDecl {
    VarDecl {
        specs: s,
        declarators: vec![InitDeclarator {
            declarator: Declarator {
                name: Some(qn(n)),
                ops,
                span: sp(),
            },
            init,
            bit_width: None,
        }],
        span: sp(),
    }
}

#[test]
fn shared_and_constant_globals() {
    let mut cs = bt(BuiltinType::Float);
    cs.cuda.constant = true;
    let coeffs = Item::Variables(var_decl(
        cs,
        "coeffs",
        vec![DeclaratorOp::Array(None)],
        Some(Initializer::Braced(
            vec![
                Initializer::Expr(int(1)),
                Initializer::Expr(dbl(2.5)),
                Initializer::Expr(int(3)),
            ],
            sp(),
        )),
    ));
    let mut ss = bt(BuiltinType::Float);
    ss.cuda.shared = true;
    let body = vec![
        st(StmtKind::Decl(var_decl(
            ss,
            "tile",
            vec![DeclaratorOp::Array(Some(Box::new(bin(
                BinaryOp::Mul,
                int(4),
                int(4),
            ))))],
            None,
        ))),
        expr_stmt(assign(
            index(name("tile"), member(name("threadIdx"), "x")),
            index(name("coeffs"), int(0)),
        )),
    ];
    let (m, d) = run(vec![coeffs, kernel("k", vec![], body)]);
    assert!(d.is_empty(), "{d:?}");
    let text = m.to_string();
    assert!(
        text.contains("global constant coeffs: [f32; 3] = [1.0, 2.5, 3.0]"),
        "{text}"
    );
    assert!(text.contains("global shared k::tile: [f32; 16]"), "{text}");
    assert!(
        text.contains(
            "(store (index @k::tile (int_cast i64 threadIdx.x)) (load (index @coeffs 0i64)))"
        ),
        "{text}"
    );
}

fn record(n: &str, align: Option<u64>, fields: Vec<(BuiltinType, &str)>) -> Item {
    Item::Record(Record {
        kind: RecordKind::Struct,
        name: Some(qn(n)),
        align: align.map(int),
        bases: vec![],
        members: Some(
            fields
                .into_iter()
                .map(|(t, f)| Item::Variables(var_decl(bt(t), f, vec![], None)))
                .collect(),
        ),
        span: sp(),
    })
}

fn sizeof_is(ty: &str, size: u64) -> Item {
    let t = TypeId {
        specs: named_ty(ty),
        declarator: Declarator {
            name: None,
            ops: vec![],
            span: sp(),
        },
        span: sp(),
    };
    Item::StaticAssert(StaticAssert {
        cond: bin(
            BinaryOp::Eq,
            e(ExprKind::SizeofType(Box::new(t))),
            int(size),
        ),
        message: Some(format!("sizeof({ty}) != {size}")),
        span: sp(),
    })
}

#[test]
fn struct_layout_and_operator_overload() {
    use BuiltinType::*;
    let f4 = record(
        "vec4",
        Some(16),
        vec![(Float, "x"), (Float, "y"), (Float, "z"), (Float, "w")],
    );
    let f3 = record("vec3", None, vec![(Float, "x"), (Float, "y"), (Float, "z")]);
    let mixed = record(
        "mixed",
        None,
        vec![(Char, "a"), (Double, "b"), (Short, "c")],
    );
    // __device__ vec3 operator+(vec3 a, vec3 b) { vec3 r = {a.x + b.x, a.y + b.y, a.z + b.z}; return r; }
    let sum = |f: &str| bin(BinaryOp::Add, member(name("a"), f), member(name("b"), f));
    let init = Initializer::Braced(
        vec![
            Initializer::Expr(sum("x")),
            Initializer::Expr(sum("y")),
            Initializer::Expr(sum("z")),
        ],
        sp(),
    );
    let op = device(
        named_ty("vec3"),
        "operator+",
        vec![
            param(named_ty("vec3"), "a", vec![]),
            param(named_ty("vec3"), "b", vec![]),
        ],
        Some(vec![
            st(StmtKind::Decl(var_decl(
                named_ty("vec3"),
                "r",
                vec![],
                Some(init),
            ))),
            ret(Some(name("r"))),
        ]),
    );
    let body = vec![
        local(named_ty("vec3"), "p", vec![], None),
        local(
            named_ty("vec3"),
            "q",
            vec![],
            Some(bin(BinaryOp::Add, name("p"), name("p"))),
        ),
        local(
            named_ty("vec3"),
            "bad",
            vec![],
            Some(bin(BinaryOp::Mul, name("p"), name("p"))),
        ),
    ];
    let items = vec![
        f4,
        f3,
        mixed,
        sizeof_is("vec4", 16),
        sizeof_is("vec3", 12),
        sizeof_is("mixed", 24),
        op,
        kernel("k", vec![], body),
    ];
    let (m, d) = run(items);
    let errs = messages(&d, Severity::Error);
    assert_eq!(
        errs,
        vec!["invalid operands to binary expression `*` (`vec3` and `vec3`)".to_string()],
        "{errs:?}"
    );
    let text = m.to_string();
    assert!(
        text.contains("let q: vec3 = (call operator+ (load p) (load p))"),
        "{text}"
    );
    assert!(
        text.contains("let r: vec3 = (vec3 {(add (load (field a x)) (load (field b x)))"),
        "{text}"
    );
}
