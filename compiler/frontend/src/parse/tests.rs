//! Parser tests: snippets lexed with [`crate::lexer::lex`] (no preprocessing), parsed, and
//! checked through [`crate::ast_print::print`].

use crate::diag::Diagnostics;
use crate::source::SourceMap;
use crate::token::{Token, TokenKind};

fn parse_text(src: &str) -> (String, Vec<String>) {
    let mut sources = SourceMap::new();
    let file = sources.add_file("t.cu", src, None);
    let mut diags = Diagnostics::new();
    let toks = crate::lexer::lex(file, src, &mut diags);
    let tu = super::parse(&toks, &sources, &mut diags);
    let msgs = diags
        .iter()
        .map(|d| {
            let loc = d
                .primary
                .as_ref()
                .map(|(s, _)| sources.describe(*s))
                .unwrap_or_default();
            format!("{:?} {} @ {}", d.severity, d.message, loc)
        })
        .collect();
    (crate::ast_print::print(&tu, &sources), msgs)
}

fn ok(src: &str) -> String {
    let (out, diags) = parse_text(src);
    assert!(
        diags.is_empty(),
        "unexpected diagnostics: {diags:#?}\n{out}"
    );
    out
}

/// The expression of the first expression statement in `body` (inside a device function).
fn expr(decls: &str, body: &str) -> String {
    let out = ok(&format!("{decls}\n__device__ void f() {{ {body} }}"));
    out.lines()
        .find_map(|l| l.trim().strip_prefix("Expr "))
        .map(|l| l.split(" @ ").next().unwrap_or("").to_string())
        .unwrap_or_else(|| panic!("no expression statement in\n{out}"))
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(
        expr("", "a + b * c << 2 > d ? e : f, g;"),
        "(, (? (> (<< (+ a (* b c)) 2) d) e f) g)"
    );
    assert_eq!(expr("", "a = b = c - d - e;"), "(= a (= b (- (- c d) e)))");
    assert_eq!(
        expr("", "x += -y++ * !z;"),
        "(+= x (* (- (post++ y)) (! z)))"
    );
    assert_eq!(
        expr("", "a || b && c | d ^ e & f == g;"),
        "(|| a (&& b (| c (^ d (& e (== f g))))))"
    );
}

#[test]
fn casts_versus_parentheses() {
    assert_eq!(expr("typedef float T;", "(T)*p;"), "(cast T (deref p))");
    assert_eq!(expr("", "(x)*p;"), "(* x p)");
    assert_eq!(expr("", "y = (float)x + 1;"), "(= y (+ (cast float x) 1))");
    assert_eq!(expr("", "y = float(x);"), "(= y (fcast float x))");
    assert_eq!(
        expr("", "y = static_cast<unsigned int>(x);"),
        "(= y (static_cast unsigned int x))"
    );
    assert_eq!(
        expr("", "n = sizeof(float) + sizeof x;"),
        "(= n (+ (sizeof-type float) (sizeof x)))"
    );
    assert_eq!(
        expr(
            "struct S { int a; };",
            "n = __builtin_offsetof(S, a) + __builtin_offsetof(S, a.b);"
        ),
        "(= n (+ (offsetof S a) (offsetof S a.b)))"
    );
}

#[test]
fn declaration_versus_expression() {
    let out = ok("struct T { int x; };\n__device__ void f() { T * p; q * r; }");
    assert!(out.contains("Var p : *T"), "{out}");
    assert!(out.contains("Expr (* q r)"), "{out}");
}

#[test]
fn templates() {
    let src = "template <typename T, int N = 4> struct Vec { T v[N]; };\n\
               template <int K> __device__ int g(int x) { return x * K; }\n\
               __device__ void f(int a, int b, int c) {\n\
                 Vec<Vec<int>> v;\n\
                 int y = g<4>(a);\n\
                 bool z = a < b > (c);\n\
               }";
    let out = ok(src);
    assert!(out.contains("Var v : Vec<Vec<int>>"), "{out}");
    assert!(out.contains("Var y : int = (call g<4> a)"), "{out}");
    assert!(out.contains("Var z : bool = (> (< a b) c)"), "{out}");
    assert!(out.contains("Template <typename T, N : int = 4>"), "{out}");
}

#[test]
fn switch_with_fallthrough_and_labels() {
    let out = ok("__device__ int f(int x) { int r = 0; switch (x) { case 1: r++; case 2: { r += 2; break; } default: r = 7; } return r; }");
    assert!(out.contains("Switch"), "{out}");
    assert!(out.contains("Case 1"), "{out}");
    assert!(out.contains("Case 2"), "{out}");
    assert!(out.contains("Default"), "{out}");
}

fn pragma_tokens(src: &str) -> (SourceMap, Vec<Token>) {
    // Emulate the preprocessor: `#pragma unroll N` -> PragmaUnroll N PragmaEnd.
    let mut sources = SourceMap::new();
    let file = sources.add_file("t.cu", src, None);
    let mut diags = Diagnostics::new();
    let toks = crate::lexer::lex(file, src, &mut diags);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].is_ident("PRAGMA_UNROLL") {
            let mut t = toks[i].clone();
            t.kind = TokenKind::PragmaUnroll;
            out.push(t.clone());
            i += 1;
            while i < toks.len() && !toks[i].is_ident("PRAGMA_END") {
                out.push(toks[i].clone());
                i += 1;
            }
            t.kind = TokenKind::PragmaEnd;
            out.push(t);
            i += 1;
        } else {
            out.push(toks[i].clone());
            i += 1;
        }
    }
    (sources, out)
}

#[test]
fn pragma_unroll_attaches_to_loop() {
    let (sources, toks) = pragma_tokens(
        "__device__ void f(float* a) { PRAGMA_UNROLL 4 PRAGMA_END for (int i = 0; i < 8; ++i) a[i] = 0; \
         PRAGMA_UNROLL PRAGMA_END while (a[0] > 1) a[0] -= 1; PRAGMA_UNROLL 2 PRAGMA_END a[1] = 2; }",
    );
    let mut diags = Diagnostics::new();
    let tu = super::parse(&toks, &sources, &mut diags);
    let out = crate::ast_print::print(&tu, &sources);
    assert!(out.contains("For unroll=4"), "{out}");
    assert!(out.contains("While unroll "), "{out}");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags
        .iter()
        .all(|d| d.message.contains("not followed by a loop")));
}

#[test]
fn host_function_skipped_with_launch_site() {
    let src = "__global__ void k(float* x, int n) { x[0] = n; }\n\
               int main() { std::vector<float> v(10); k<<<dim3(1, 2), 256>>>(v.data(), 10); return 0; }";
    let out = ok(src);
    assert!(out.contains("HostCode host function `main`"), "{out}");
    assert!(
        out.contains("Launch k <<<dim3(1, 2), 256>>> args=2"),
        "{out}"
    );
    assert!(out.contains("Function __global__ k"), "{out}");
}

#[test]
fn host_declarations_become_host_code() {
    let out = ok("std::vector<float> make(int n);\nusing std::cout;\n__device__ int g;");
    assert_eq!(
        out.matches("HostCode host declaration not parsed").count(),
        1,
        "{out}"
    );
    assert!(out.contains("Using std::cout"), "{out}");
    assert!(out.contains("Variables __device__"), "{out}");
}

#[test]
fn error_recovery_reports_each_broken_kernel() {
    let src = "__global__ void a(int* p) { p[0] = 1 }\n\
               __global__ void good(int* p) { p[0] = 2; }\n\
               __global__ void b(int* p) { p[0] = ; }\n";
    let (out, diags) = parse_text(src);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert!(diags[0].contains("expected"), "{diags:?}");
    assert!(diags[0].contains("t.cu:1:"), "{diags:?}");
    assert!(diags[1].contains("t.cu:3:"), "{diags:?}");
    assert!(out.contains("Function __global__ good"), "{out}");
}

#[test]
fn statement_level_recovery_reports_several_errors_in_one_kernel() {
    let src = "__global__ void a(int* p) { p[0] = ; p[1] = 1; p[2] = ) ; }";
    let (_, diags) = parse_text(src);
    assert_eq!(diags.len(), 2, "{diags:#?}");
}

#[test]
fn declarations_records_and_initializers() {
    let src = "struct __align__(16) P { float x, y : 3; __device__ P(float a) : x(a), y{2} {} \
               __device__ float operator[](int i) const { return i ? y : x; } };\n\
               typedef struct { int a; } Anon;\n\
               using F = float;\n\
               __constant__ float c[3] = {1.f, 2.f, 3.f};\n\
               extern __shared__ float dyn[];\n\
               enum class Color : int { Red, Green = 2 };\n\
               namespace ns { inline namespace v1 { __device__ int h(int x) { return x; } } }\n\
               extern \"C\" { __global__ void kc(float* __restrict__ o) { o[0] = ns::h(1); } }\n\
               __device__ void use() { P p(1.f); F q{2.f}; int a = 1, *b, c2[4][2]; Anon an = {.a = 1}; float& r = q; }";
    let out = ok(src);
    for needle in [
        "Struct P align=16",
        "Var y : float : bits 3",
        "MemberInit x(a)",
        "Function __device__ operator[]",
        "TypeAlias Anon = struct <anonymous>",
        "TypeAlias F = float",
        "Var c : [float; 3] = {1.0f, 2.0f, 3.0f}",
        "Var dyn : [float]",
        "Enum class Color : int",
        "Namespace ns",
        "inline Namespace v1",
        "Linkage \"C\"",
        "Param o : *restrict float",
        "(call ns::h 1)",
        "Var p : P = (1.0f)",
        "Var q : F = {2.0f}",
        "Var c2 : [[int; 2]; 4]",
        "Var an : Anon = {.a = 1}",
        "Var r : &float = q",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in\n{out}");
    }
}

#[test]
fn class_types_declared_later_are_visible_in_member_bodies() {
    let out =
        ok("struct S { __device__ int f() { Inner i; return i.v; } struct Inner { int v; }; };");
    assert!(out.contains("Var i : Inner"), "{out}");
}

#[test]
fn shadowed_type_names_and_scopes() {
    let out = ok("struct node { int v; };\n__device__ int f() { int node = 3; return node * 2; }\n__device__ node g();");
    assert!(out.contains("Return (* node 2)"), "{out}");
    assert!(
        out.contains("Function __device__ g : fn() -> node"),
        "{out}"
    );
}

#[test]
fn device_launch_and_asm() {
    let out = ok("__global__ void child(int);\n__global__ void parent() { child<<<1, 32>>>(5); asm volatile(\"bar.sync 0;\"); }");
    assert!(out.contains("(launch child <<<1 32>>> 5)"), "{out}");
    assert!(
        out.contains("Asm \"asm volatile(\\\"bar.sync 0;\\\")\""),
        "{out}"
    );
}

#[test]
fn explicit_instantiation_and_specialization() {
    let out = ok(
        "template <typename T> __global__ void k(T* p) { p[0] = T(); }\n\
                  template __global__ void k<float>(float*);\n\
                  template <> __global__ void k<int>(int* p) { p[0] = 1; }",
    );
    assert!(out.contains("ExplicitInstantiation"), "{out}");
    assert!(out.contains("Template <>"), "{out}");
}

#[test]
fn garbage_never_panics() {
    let base = "template <typename T> struct V { T x; }; __global__ void k(V<float>* p, int n) \
                { for (int i = 0; i < n; ++i) { p[i].x = (float)i * 2.f; } switch (n) { case 1: break; } }";
    let mut sources = SourceMap::new();
    let file = sources.add_file("t.cu", base, None);
    let mut d = Diagnostics::new();
    let toks = crate::lexer::lex(file, base, &mut d);
    for cut in 0..toks.len() {
        // Drop one token, duplicate one token, and truncate.
        let mut a = toks.clone();
        a.remove(cut);
        let mut b = toks.clone();
        b.insert(cut, toks[(cut * 7) % toks.len()].clone());
        let c = &toks[..cut];
        for v in [&a[..], &b[..], c] {
            let mut diags = Diagnostics::new();
            let tu = super::parse(v, &sources, &mut diags);
            let _ = crate::ast_print::print(&tu, &sources);
        }
    }
}

#[test]
fn large_input_parses_linearly() {
    let unit = "struct V { float x, y; };\n\
                __device__ float dot(V a, V b) { return a.x * b.x + a.y * b.y; }\n\
                __global__ void k(V* p, float* o, int n) {\n\
                  int i = blockIdx_x * 256 + threadIdx_x;\n\
                  if (i < n) { float s = 0; for (int j = 0; j < 8; ++j) s += dot(p[i], p[j]); o[i] = s; }\n\
                }\n\
                int host(int n) { k<<<n / 256, 256>>>(0, 0, n); return 0; }\n";
    let mut src = String::new();
    let mut n = 0;
    while src.len() < 1_000_000 {
        src.push_str(&format!("namespace n{n} {{\n{unit}}}\n"));
        n += 1;
    }
    let start = std::time::Instant::now();
    let (out, diags) = parse_text(&src);
    let elapsed = start.elapsed();
    assert!(diags.is_empty(), "{:?}", &diags[..diags.len().min(3)]);
    assert_eq!(out.matches("Function __global__ k").count(), n);
    eprintln!("parsed {} bytes in {:?}", src.len(), elapsed);
}

#[test]
fn printed_tree_shape() {
    let out = ok("__global__ void saxpy(int n, float a, const float* x, float* y) {\n  int i = 3;\n  if (i < n) y[i] = a * x[i] + y[i];\n}\n");
    assert_eq!(
        out,
        "Function __global__ saxpy : fn(int, float, *const float, *float) -> void @ t.cu:1:1\n\
         \x20 Param n : int\n\
         \x20 Param a : float\n\
         \x20 Param x : *const float\n\
         \x20 Param y : *float\n\
         \x20 Block @ t.cu:1:65\n\
         \x20   Decl @ t.cu:2:3\n\
         \x20     Var i : int = 3\n\
         \x20   If @ t.cu:3:3\n\
         \x20     Cond (< i n)\n\
         \x20     Expr (= (index y i) (+ (* a (index x i)) (index y i))) @ t.cu:3:14\n"
    );
}

#[test]
fn syntax_error_messages_name_what_was_expected() {
    let (_, diags) = parse_text("__global__ void a(int* p) { p[0] = 1 }");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].contains("expected"), "{diags:?}");
    assert!(diags[0].contains("`;`"), "{diags:?}");
    assert!(diags[0].contains("found `}`"), "{diags:?}");
    eprintln!("{}", diags[0]);
}

/// The first line of the printed tree that contains `needle`, trimmed.
fn line_with(out: &str, needle: &str) -> String {
    out.lines()
        .find(|l| l.contains(needle))
        .map(|l| l.trim().split(" @ ").next().unwrap_or("").to_string())
        .unwrap_or_else(|| panic!("no line with `{needle}` in\n{out}"))
}

#[test]
fn parenthesised_declarators_in_parameters_and_blocks() {
    let out = ok("__device__ float sum(float v, float (&shm)[32]) { return shm[0] + v; }");
    assert_eq!(line_with(&out, "Param shm"), "Param shm : &[float; 32]");
    let out = ok("__device__ void f(float* q) { float (*p)[4] = 0; int (&a)[2] = b; void (*fp)(int); (*p)[1] = 2.f; }");
    assert_eq!(line_with(&out, "Var p"), "Var p : *[float; 4] = 0");
    assert_eq!(line_with(&out, "Var a"), "Var a : &[int; 2] = b");
    assert!(
        line_with(&out, "Var fp").starts_with("Var fp : *fn(int)"),
        "{out}"
    );
    // Not a declarator group: an expression in parentheses after a non-type.
    assert_eq!(expr("", "a * (*p)[3];"), "(* a (index (deref p) 3))");
    // Abstract: a cast to a pointer to an array.
    let out = ok("__device__ void g(float* q) { float (*p)[4] = (float (*)[4])q; }");
    assert!(
        line_with(&out, "Var p").contains("(cast *[float; 4] q)"),
        "{out}"
    );
}

#[test]
fn host_function_keeps_its_declaration() {
    let out = ok("float host_scale(float x) { return x * 3.0f; }\n\
                  __global__ void k(float* x) { x[0] = host_scale(x[0]); }");
    assert_eq!(
        line_with(&out, "host_scale :"),
        "Function host_scale : fn(float) -> float (declaration)"
    );
    assert_eq!(
        line_with(&out, "HostCode"),
        "HostCode host function `host_scale`"
    );
    // The declaration comes before the host code, and the kernel is still there.
    let decl = out.find("Function host_scale").unwrap_or(usize::MAX);
    let host = out.find("HostCode").unwrap_or(0);
    assert!(decl < host, "{out}");
    assert!(out.contains("Function __global__ k"), "{out}");
    // Launches inside the host body are still recorded.
    let out = ok("__global__ void k(int n) {}\nint main() { k<<<1, 32>>>(4); return 0; }");
    assert!(
        out.contains("Function main : fn() -> int (declaration)"),
        "{out}"
    );
    assert!(out.contains("Launch k <<<1, 32>>> args=1"), "{out}");
}

#[test]
fn expected_lists_hide_internal_terminals() {
    // A function body was expected: no `HostBody`, no `<<<`.
    let (_, diags) = parse_text("__device__ void f(int a) ]");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(!diags[0].contains("HostBody"), "{diags:?}");
    assert!(!diags[0].contains("BodyOpen"), "{diags:?}");
    assert!(!diags[0].contains("<<<"), "{diags:?}");
    let (_, diags) = parse_text("__global__ void k(int* p, int n) { if (n > 0 p[0] = 1; }");
    assert!(!diags.iter().any(|d| d.contains("<<<")), "{diags:?}");
}

#[test]
fn unknown_type_names_keep_the_declaration() {
    // `flaot` is read as a type name (the HIR reports "unknown type name `flaot`" with a
    // suggestion), so the function is kept and its uses are not reported as undeclared.
    let out = ok("__device__ inline flaot lerp(float a) { return a; }");
    assert_eq!(
        line_with(&out, "lerp"),
        "Function __device__ inline lerp : fn(float) -> flaot"
    );
    let out = ok("__device__ void f() { int a = 0; flaot b = 1; }");
    assert_eq!(line_with(&out, "Var b"), "Var b : flaot = 1");
    let out = ok("__device__ void f(flaot b) { }");
    assert_eq!(line_with(&out, "Param b"), "Param b : flaot");
    // Two identifiers inside a call are a missing comma, not a type.
    let (_, diags) = parse_text("__device__ void f(int a, int b) { g(a b); }");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].contains("expected"), "{diags:?}");
}

#[test]
fn unknown_type_name_message_when_reparsing_does_not_help() {
    let mut sources = SourceMap::new();
    let src = "__device__ flaot lerp(float a) { return a; }";
    let file = sources.add_file("t.cu", src, None);
    let mut diags = Diagnostics::new();
    let toks = crate::lexer::lex(file, src, &mut diags);
    let classified = super::classify::classify(&toks, &sources, &mut diags);
    // `lerp` is token 2; the error there is an unknown type `flaot` (token 1).
    assert_eq!(super::unknown_type_at(&classified, 0, 2), Some(1));
    let err = lalrpop_util::ParseError::UnrecognizedToken {
        token: (2, classified.toks[2], 3),
        expected: vec!["\"(\"".to_string()],
    };
    let (d, _) = super::syntax_error(&classified, &sources, err, 0, classified.toks.len());
    assert_eq!(d.message, "unknown type name `flaot`");
    assert_eq!(
        sources.describe(d.primary.map(|p| p.0).unwrap_or_default()),
        "t.cu:1:12"
    );
}

#[test]
fn missing_closers_and_cascades() {
    // A missing `)`: one error, naming `)`, and no "expected something else" follow-up.
    let (_, diags) = parse_text(
        "__global__ void c(float* x, int n) {\n  int i = 0;\n  if ((i < n) && (x[i] > 1.0f) {\n    x[i] = 1.0f;\n  }\n}\n",
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].contains("expected `)` to close the `(`"),
        "{diags:?}"
    );
    assert!(diags[0].ends_with("@ t.cu:3:32"), "{diags:?}");
    assert!(
        !diags.iter().any(|d| d.contains("something else")),
        "{diags:?}"
    );
    // A missing `]`.
    let (_, diags) = parse_text("__global__ void s(float* x) { x[0 = 1.0f; }");
    assert!(diags[0].contains("expected `]`"), "{diags:?}");
    // A missing `;` at the end of a line points at the line where it is missing.
    let (_, diags) =
        parse_text("__global__ void s(float* x) {\n  float v = 2.0f\n  x[0] = v;\n}\n");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].contains("expected `;`, found `x`"), "{diags:?}");
    assert!(diags[0].ends_with("@ t.cu:2:13"), "{diags:?}");
    // Nothing expected: "unexpected", never "expected something else".
    let (_, diags) = parse_text("__global__ void s(float* x) { } }");
    assert!(
        !diags.iter().any(|d| d.contains("something else")),
        "{diags:?}"
    );
}

#[test]
fn attributes_alignment_and_notes() {
    let (out, diags) =
        parse_text("struct __attribute__((aligned(16))) V { float x; };\nstruct W { float y; } __attribute__((aligned(8)));");
    assert!(diags.is_empty(), "{diags:?}");
    assert!(out.contains("Struct V align=16"), "{out}");
    assert!(out.contains("Struct W align=8"), "{out}");
    let (out, diags) = parse_text(
        "__device__ __attribute__((noinline)) int f() { return 1; }\n\
         __device__ __attribute__((noinline)) int g() { return 2; }\n\
         [[nodiscard]] __device__ int h() { [[maybe_unused]] int a = 0; return a; }",
    );
    assert!(out.contains("Function __device__ f"), "{out}");
    assert!(out.contains("Function __device__ h"), "{out}");
    let notes: Vec<&String> = diags.iter().filter(|d| d.starts_with("Note")).collect();
    assert_eq!(notes.len(), 3, "one note per attribute name: {diags:?}");
    assert!(
        notes[0].contains("ignoring attribute `noinline`"),
        "{diags:?}"
    );
    assert!(
        notes[1].contains("ignoring attribute `nodiscard`"),
        "{diags:?}"
    );
    assert!(
        notes[2].contains("ignoring attribute `maybe_unused`"),
        "{diags:?}"
    );
}

#[test]
fn if_init_statements_and_global_type_names() {
    let out = ok("__device__ int f(int n) { if (int m = n * 2; m > 3) return m; return 0; }");
    let if_at = out.find("If @").unwrap_or(usize::MAX);
    let var_at = out.find("Var m : int = (* n 2)").unwrap_or(0);
    assert!(if_at < var_at, "{out}");
    assert!(out.contains("Cond (> m 3)"), "{out}");
    let out = ok("__device__ int g(int n) { if (n++; n > 1) return n; return 0; }");
    assert!(out.contains("Expr (post++ n)"), "{out}");
    let out = ok("typedef float T;\nnamespace ns { struct S { int a; }; }\n\
                  __device__ void h() { ::T x = 1; ::ns::S s; x = ::T(2); }");
    assert_eq!(line_with(&out, "Var x"), "Var x : T = 1");
    assert!(
        line_with(&out, "Var s").starts_with("Var s : ns::S"),
        "{out}"
    );
}

#[test]
fn operator_assign_declares_a_function_not_an_initialized_variable() {
    let src = "struct R { unsigned short x; };\n\
               struct H { unsigned short v;\n\
               __device__ H &operator=(const R &r) { v = r.x; return *this; }\n\
               __device__ void operator=(int i) { v = i; } };\n\
               __device__ H &operator+=(H &a, const R &r) { a.v += r.x; return a; }";
    let out = ok(src);
    assert_eq!(
        out.matches("Function __device__ operator=").count(),
        2,
        "{out}"
    );
    assert!(out.contains("Function __device__ operator+="), "{out}");
}

#[test]
fn defaulted_and_deleted_special_members_without_specifiers() {
    let src = "struct H { unsigned short x; H() = default; H(const H &) = delete;\n\
               __device__ H(float f) : x(1) {} };";
    let out = ok(src);
    assert_eq!(out.matches(" = default").count(), 1, "{out}");
    assert_eq!(out.matches(" = delete").count(), 1, "{out}");
}

#[test]
fn using_namespace_makes_type_and_template_names_visible() {
    let out = ok("namespace ns { struct S { int x; }; template <int N> struct T { int y; }; namespace in { struct U { int z; }; } }\nusing namespace ns;\n__device__ int f() { S s; T<4> t; in::U u; return s.x + t.y + u.z; }\n__device__ int g() { using namespace ns::in; U u; return u.z; }");
    assert!(out.contains("Var s"), "{out}");
    assert!(out.contains("Var u"), "{out}");
}
