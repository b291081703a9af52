//! Preprocessor tests: macro expansion (cases from the C standard), includes, conditionals,
//! pragmas, spans and robustness.

use super::*;
use crate::diag::Severity;
use std::collections::HashMap;

/// An in-memory file system plus a few bundled headers.
struct MemLoader {
    files: HashMap<PathBuf, String>,
    builtins: HashMap<&'static str, &'static str>,
}

impl IncludeLoader for MemLoader {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    }

    fn builtin(&self, name: &str) -> Option<&'static str> {
        self.builtins.get(name).copied()
    }
}

struct Output {
    tokens: Vec<Token>,
    diags: Diagnostics,
    sources: SourceMap,
}

impl Output {
    /// Token texts joined by single spaces.
    fn text(&self) -> String {
        self.tokens
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn messages(&self) -> Vec<String> {
        self.diags.iter().map(|d| d.message.clone()).collect()
    }

    fn errors(&self) -> Vec<String> {
        self.diags
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect()
    }
}

fn run_with(files: &[(&str, &str)], main: &str, config: &PpConfig) -> Output {
    let loader = MemLoader {
        files: files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect(),
        builtins: HashMap::from([
            ("cuda_runtime.h", "#pragma once\nint cuda_rt;\n"),
            ("bundled.h", "#include \"inner_bundled.h\"\nint bundled;\n"),
            ("inner_bundled.h", "int inner;\n"),
        ]),
    };
    let mut sources = SourceMap::new();
    let id = sources.add_file("src/main.cu", main, None);
    let mut diags = Diagnostics::new();
    let tokens = preprocess(&mut sources, id, config, &loader, &mut diags);
    Output {
        tokens,
        diags,
        sources,
    }
}

fn run(main: &str) -> Output {
    run_with(&[], main, &PpConfig::default())
}

/// Preprocesses `main` and asserts there are no diagnostics; returns the joined text.
fn clean(main: &str) -> String {
    let out = run(main);
    assert!(out.diags.is_empty(), "diagnostics: {:?}", out.messages());
    out.text()
}

#[test]
fn object_and_function_macros() {
    assert_eq!(clean("#define N 4\nint a[N];"), "int a [ 4 ] ;");
    assert_eq!(
        clean("#define MAX(a, b) ((a) > (b) ? (a) : (b))\nMAX(x, y+1)"),
        "( ( x ) > ( y + 1 ) ? ( x ) : ( y + 1 ) )"
    );
    assert_eq!(clean("#define F(x) x\nF"), "F");
    assert_eq!(clean("#define F(x) [x]\nF (1)"), "[ 1 ]");
    assert_eq!(clean("#define F() 1\nF()"), "1");
    assert_eq!(clean("#define F(x) <x>\nF()"), "< >");
    assert_eq!(clean("#define F(x, y) x|y\nF((a, b), c)"), "( a , b ) | c");
    // Arguments may span lines.
    assert_eq!(clean("#define F(x, y) x+y\nF(1,\n  2)\nz"), "1 + 2 z");
    // Object-like macro whose body starts with `(`.
    assert_eq!(clean("#define P (1)\nP"), "( 1 )");
}

#[test]
fn self_reference_is_painted_blue() {
    assert_eq!(clean("#define foo foo\nfoo"), "foo");
    assert_eq!(clean("#define a b\n#define b a\na b"), "a b");
    assert_eq!(clean("#define f(x) f(x) + 1\nf(2)"), "f ( 2 ) + 1");
    // From the C standard (6.10.3.5 example 3), the interesting bits.
    let text = clean(
        "#define x 3\n#define f(a) f(x * (a))\n#undef x\n#define x 2\n#define g f\n\
         #define z z[0]\n#define h g(~\n#define m(a) a(w)\n#define w 0,1\n\
         #define t(a) a\n#define p() int\n#define q(x) x\n#define r(x,y) x ## y\n\
         f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);\n\
         g(x+(3,4)-w) | h 5) & m\n(f)^m(m);\n\
         p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };\n",
    );
    assert_eq!(
        text,
        "f ( 2 * ( y + 1 ) ) + f ( 2 * ( f ( 2 * ( z [ 0 ] ) ) ) ) % f ( 2 * ( 0 ) ) + t ( 1 ) ; \
         f ( 2 * ( 2 + ( 3 , 4 ) - 0 , 1 ) ) | f ( 2 * ( ~ 5 ) ) & f ( 2 * ( 0 , 1 ) ) ^ m ( 0 , 1 ) ; \
         int i [ ] = { 1 , 23 , 4 , 5 , } ;"
    );
}

#[test]
fn stringify_and_paste() {
    assert_eq!(
        clean("#define S(x) #x\nS(a  +  \"b\\n\")"),
        r#""a + \"b\\n\"""#
    );
    assert_eq!(clean("#define S(x) #x\nS()"), "\"\"");
    assert_eq!(
        clean("#define CAT(x, y) x ## y\nCAT(foo, bar) CAT(1, 2) CAT(<, <=)"),
        "foobar 12 <<="
    );
    assert_eq!(clean("#define CAT(x, y) x ## y\nCAT(, b) CAT(a, )"), "b a");
    // Pasting yields an identifier that is then expanded.
    assert_eq!(
        clean("#define ab 42\n#define CAT(x, y) x ## y\nCAT(a, b)"),
        "42"
    );
    // Operands of ## are not pre-expanded.
    assert_eq!(
        clean("#define N 1\n#define CAT(x, y) x ## y\nCAT(N, 2)"),
        "N2"
    );
    // The C standard's hash_hash example (6.10.3.3 example).
    let text = clean(
        "#define hash_hash # ## #\n#define mkstr(a) # a\n#define in_between(a) mkstr(a)\n\
         #define join(c, d) in_between(c hash_hash d)\nchar p[] = join(x, y);",
    );
    assert_eq!(text, r#"char p [ ] = "x ## y" ;"#);
    // Standard example 4: stringification of nested macros.
    let text = clean(
        "#define str(s) # s\n#define xstr(s) str(s)\n#define INCFILE(n) vers ## n\n\
         xstr(INCFILE(2).h) str(strncmp(\"abc\\0d\", \"abc\", '\\4') == 0)",
    );
    assert_eq!(
        text,
        r#""vers2.h" "strncmp(\"abc\\0d\", \"abc\", '\\4') == 0""#
    );
}

#[test]
fn invalid_paste_is_an_error() {
    let out = run("#define CAT(x, y) x ## y\nCAT(+, -) CAT(/, /)");
    assert_eq!(
        out.errors(),
        vec![
            "pasting `+` and `-` does not give a valid preprocessing token",
            "pasting `/` and `/` does not give a valid preprocessing token"
        ]
    );
    assert_eq!(out.text(), "+ - / /");
}

#[test]
fn variadic_macros() {
    assert_eq!(
        clean("#define P(fmt, ...) printf(fmt, __VA_ARGS__)\nP(\"%d %d\", 1, 2)"),
        r#"printf ( "%d %d" , 1 , 2 )"#
    );
    assert_eq!(
        clean("#define P(fmt, ...) printf(fmt, ## __VA_ARGS__)\nP(\"x\") P(\"y\", 1)"),
        r#"printf ( "x" ) printf ( "y" , 1 )"#
    );
    assert_eq!(
        clean("#define P(fmt, ...) f(fmt __VA_OPT__(,) __VA_ARGS__)\nP(a) P(a, b)"),
        "f ( a ) f ( a , b )"
    );
    assert_eq!(
        clean("#define V(...) [__VA_ARGS__]\nV() V(1, 2, 3)"),
        "[ ] [ 1 , 2 , 3 ]"
    );
    assert_eq!(clean("#define G(args...) g(args)\nG(1, 2)"), "g ( 1 , 2 )");
    assert_eq!(clean("#define S(...) #__VA_ARGS__\nS(a, b)"), r#""a, b""#);
}

#[test]
fn argument_count_errors() {
    let out =
        run("#define F(a, b) a\nF(1) F(1, 2, 3)\n#define G() 1\nG(2)\n#define V(a, ...) a\nV()");
    assert_eq!(
        out.errors(),
        vec![
            "macro `F` requires 2 arguments, but 1 given",
            "macro `F` requires 2 arguments, but 3 given",
            "macro `G` takes no arguments, but 1 were given",
        ]
    );
}

#[test]
fn unterminated_arguments() {
    let out = run("#define F(x) x\nint a = F(1, \n");
    assert_eq!(
        out.errors(),
        vec!["unterminated argument list for macro `F`"]
    );
    assert_eq!(out.text(), "int a =");
}

#[test]
fn expansion_spans() {
    let out = run("#define ONE 1\n#define ID(x) x\nint a = ID(ONE);\nint b = ONE;");
    assert!(out.diags.is_empty());
    let one = &out.tokens[3];
    assert_eq!(one.text, "1");
    // `1` comes from ONE's body, expanded inside the argument of ID.
    let exp = out.sources.expansion(one.span.expansion.unwrap()).unwrap();
    assert_eq!(exp.macro_name, "ONE");
    assert_eq!(out.sources.snippet(one.span), "1");
    assert_eq!(out.sources.describe(one.span), "src/main.cu:1:13");
    assert_eq!(out.sources.snippet(exp.call_site), "ONE");
    assert_eq!(out.sources.describe(exp.call_site), "src/main.cu:3:12");
    assert_eq!(out.sources.snippet(exp.def_site.unwrap()), "ONE");
    // Top-level invocation with its full call site.
    let out = run("#define ADD(a, b) a + b\nint c = ADD(x, y);");
    let plus = out.tokens.iter().find(|t| t.text == "+").unwrap();
    let exp = out.sources.expansion(plus.span.expansion.unwrap()).unwrap();
    assert_eq!(out.sources.snippet(exp.call_site), "ADD(x, y)");
    // Argument tokens keep their own span.
    let x = out.tokens.iter().find(|t| t.text == "x").unwrap();
    assert_eq!(x.span.expansion, None);
    assert_eq!(out.sources.describe(x.span), "src/main.cu:2:13");
    // Nested: the inner expansion's call site lies in the outer macro's body.
    let out = run("#define INNER 7\n#define OUTER INNER\nOUTER");
    let seven = &out.tokens[0];
    let inner = out
        .sources
        .expansion(seven.span.expansion.unwrap())
        .unwrap();
    assert_eq!(inner.macro_name, "INNER");
    let outer = out
        .sources
        .expansion(inner.call_site.expansion.unwrap())
        .unwrap();
    assert_eq!(outer.macro_name, "OUTER");
    assert_eq!(
        out.sources.describe(out.sources.user_span(seven.span)),
        "src/main.cu:3:1"
    );
    let chain = crate::diag::expansion_chain(&out.sources, seven.span);
    assert_eq!(chain.len(), 2);
}

#[test]
fn includes_quotes_dirs_and_builtins() {
    let config = PpConfig {
        include_dirs: vec![PathBuf::from("inc")],
        ..PpConfig::default()
    };
    let out = run_with(
        &[
            ("src/local.h", "int local;\n"),
            ("inc/sys.h", "int sys;\n#include \"local2.h\"\n"),
            ("inc/local2.h", "int local2;\n"),
        ],
        "#include \"local.h\"\n#include <sys.h>\n#include <cuda_runtime.h>\n#include \"bundled.h\"\nint end;",
        &config,
    );
    assert!(out.diags.is_empty(), "{:?}", out.messages());
    assert_eq!(
        out.text(),
        "int local ; int sys ; int local2 ; int cuda_rt ; int inner ; int bundled ; int end ;"
    );
    let names: Vec<&str> = out
        .sources
        .files()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert!(names.contains(&"src/local.h"));
    assert!(names.contains(&"inc/sys.h"));
    assert!(names.contains(&"<cwcc>/cuda_runtime.h"));
    let rt = out
        .sources
        .files()
        .iter()
        .find(|f| f.name == "<cwcc>/cuda_runtime.h")
        .unwrap();
    assert!(rt.system);
    let inc = rt.included_from.unwrap();
    assert_eq!(out.sources.snippet(inc), "#include <cuda_runtime.h>");
    // The include chain of a token in a nested header.
    let local2 = out.tokens.iter().find(|t| t.text == "local2").unwrap();
    let chain = crate::diag::include_chain(&out.sources, local2.span);
    assert_eq!(chain.len(), 2);
}

#[test]
fn missing_and_unsupported_headers() {
    let out = run("#include \"nope.h\"\n#include <thrust/device_vector.h>\n#include <cublas_v2.h>\n#include <cub/cub.cuh>\nint x;");
    assert_eq!(
        out.errors(),
        vec![
            "cannot find include file `nope.h`",
            "unsupported: <thrust/device_vector.h> (library not supported by cwcc)",
            "unsupported: <cublas_v2.h> (library not supported by cwcc)",
            "unsupported: <cub/cub.cuh> (library not supported by cwcc)",
        ]
    );
    let first = out.diags.iter().next().unwrap();
    assert_eq!(
        out.sources.snippet(first.primary.as_ref().unwrap().0),
        "#include \"nope.h\""
    );
    assert!(first.notes[0].contains("`src`"), "{:?}", first.notes);
    assert_eq!(out.text(), "int x ;");
}

#[test]
fn include_guards_and_pragma_once() {
    let out = run_with(
        &[
            ("src/g.h", "#ifndef G_H\n#define G_H\nint g;\n#endif\n"),
            ("src/o.h", "#pragma once\nint o;\n"),
        ],
        "#include \"g.h\"\n#include \"g.h\"\n#include \"o.h\"\n#include \"./o.h\"\n#include <cuda_runtime.h>\n#include <cuda_runtime.h>\n",
        &PpConfig::default(),
    );
    assert!(out.diags.is_empty(), "{:?}", out.messages());
    assert_eq!(out.text(), "int g ; int o ; int cuda_rt ;");
}

#[test]
fn include_cycle_stops_at_depth_limit() {
    let out = run_with(
        &[("src/self.h", "#include \"self.h\"\nx\n")],
        "#include \"self.h\"\n",
        &PpConfig::default(),
    );
    assert_eq!(out.errors().len(), 1);
    assert!(out.errors()[0].contains("nested more than 200 levels"));
    assert_eq!(out.tokens.len(), MAX_INCLUDE_DEPTH - 1);
}

#[test]
fn computed_include() {
    let out = run_with(
        &[("src/h.h", "int h;\n")],
        "#define HDR \"h.h\"\n#include HDR\n#define SYS <cuda_runtime.h>\n#include SYS\n",
        &PpConfig::default(),
    );
    assert!(out.diags.is_empty(), "{:?}", out.messages());
    assert_eq!(out.text(), "int h ; int cuda_rt ;");
}

#[test]
fn conditionals() {
    assert_eq!(
        clean("#if 1 + 1 == 2\na\n#elif 1\nb\n#else\nc\n#endif\n#if 0\nd\n#elif 2 > 1\ne\n#else\nf\n#endif"),
        "a e"
    );
    assert_eq!(
        clean("#define X\n#ifdef X\na\n#endif\n#ifndef X\nb\n#else\nc\n#endif\n#if defined(X) && defined X && !defined(Y)\nd\n#endif"),
        "a c d"
    );
    // Nested groups inside skipped text are skipped whole, directives in them ignored.
    assert_eq!(
        clean("#if 0\n#if 1\na\n#else\nb\n#endif\n#error not reached\n#bogus\ndon't\n#else\nc\n#endif"),
        "c"
    );
    assert_eq!(clean("#define V 3\n#if V * 2 == 6\nyes\n#endif"), "yes");
    assert_eq!(
        clean("#if __CUDA_ARCH__ >= 700 && __cplusplus >= 201703L\nok\n#endif"),
        "ok"
    );
    assert_eq!(clean("#if UNDEFINED_THING\nno\n#else\nyes\n#endif"), "yes");
    assert_eq!(clean("#define Y\n#ifdef X\na\n#elifdef Y\nb\n#endif"), "b");
    assert_eq!(
        clean("#if __has_include(<cuda_runtime.h>) && !__has_include(\"zz.h\")\nh\n#endif"),
        "h"
    );
    assert_eq!(
        clean(
            "#if defined(__has_builtin) && __has_builtin(__builtin_expect)\nno\n#else\nyes\n#endif"
        ),
        "yes"
    );
}

#[test]
fn conditional_errors() {
    let out = run("#if 1\na\n");
    assert_eq!(out.errors(), vec!["unterminated `#if`"]);
    let out = run("#else\n#endif\n#elif 1\n");
    assert_eq!(
        out.errors(),
        vec![
            "`#else` without `#if`",
            "`#endif` without `#if`",
            "`#elif` without `#if`"
        ]
    );
    let out = run("#if 1/0\na\n#else\nb\n#endif");
    assert_eq!(
        out.errors(),
        vec!["division by zero in preprocessor expression"]
    );
    assert_eq!(out.text(), "b");
    let out = run("#if\n#endif");
    assert_eq!(out.errors(), vec!["`#if` with no expression"]);
    let out = run("#if 1\n#else\n#else\n#endif");
    assert_eq!(out.errors(), vec!["`#else` after `#else`"]);
}

#[test]
fn directives_error_warning_line_unknown() {
    let out = run("#error don't do \"this\"\n#warning careful\n#foo\n#\nint x = __LINE__;\n#line 100 \"renamed.cu\"\nint y = __LINE__; const char* f = __FILE__;");
    let msgs: Vec<(Severity, String)> = out
        .diags
        .iter()
        .map(|d| (d.severity, d.message.clone()))
        .collect();
    assert_eq!(
        msgs,
        vec![
            (Severity::Error, "don't do \"this\"".to_string()),
            (Severity::Warning, "careful".to_string()),
            (
                Severity::Error,
                "unknown preprocessing directive `#foo`".to_string()
            ),
        ]
    );
    assert_eq!(
        out.text(),
        r#"int x = 5 ; int y = 100 ; const char * f = "renamed.cu" ;"#
    );
}

#[test]
fn builtin_macros() {
    let text = clean(
        "__COUNTER__ __COUNTER__ __LINE__\n__FILE__ __DATE__ __TIME__ __CUDACC__ __NVCC__ __cwcc__",
    );
    assert_eq!(
        text,
        r#"0 1 1 "src/main.cu" "Jan  1 2026" "00:00:00" 1 1 1"#
    );
    assert_eq!(clean("#define L __LINE__\n\nL"), "3");
    assert_eq!(
        clean("#ifdef __GNUC__\ng\n#endif\n#ifdef CUDART_VERSION\nr\n#endif\n#ifdef __CUDACC_RTC__\nrtc\n#endif\nend"),
        "end"
    );
}

#[test]
fn command_line_defines() {
    let config = PpConfig {
        defines: vec![
            ("N".to_string(), "1".to_string()),
            ("SQ(x)".to_string(), "((x)*(x))".to_string()),
            ("__CUDACC__".to_string(), "1".to_string()),
        ],
        undefines: vec!["__cwcc__".to_string()],
        cuda_arch: 750,
        ..PpConfig::default()
    };
    let out = run_with(&[], "N SQ(2) __CUDA_ARCH__ __cwcc__", &config);
    assert!(out.diags.is_empty(), "{:?}", out.messages());
    assert_eq!(out.text(), "1 ( ( 2 ) * ( 2 ) ) 750 __cwcc__");
}

#[test]
fn redefinition_warns() {
    let out = run("#define A 1\n#define A 1\n#define A 2\n#define F(x) x\n#define F(y) y");
    assert_eq!(out.messages(), vec!["`A` redefined", "`F` redefined"]);
    assert!(out.diags.iter().all(|d| d.severity == Severity::Warning));
    let out = run("#define __LINE__ 3\n#undef __FILE__\n#define defined 1");
    assert_eq!(out.errors().len(), 3);
}

#[test]
fn define_syntax_errors() {
    let out = run("#define\n#define 1 2\n#define F(a, a) a\n#define G(a b\n#define H(x) #y\n#define I ## x\n#define J(x) x ##");
    assert_eq!(
        out.errors(),
        vec![
            "macro name missing in `#define`",
            "macro name must be an identifier",
            "duplicate macro parameter `a`",
            "expected `,` or `)` in macro parameter list",
            "`#` is not followed by a macro parameter",
            "`##` cannot appear at the start of a macro body",
            "`##` cannot appear at the end of a macro body",
        ]
    );
}

#[test]
fn pragmas() {
    let out = run("#define N 4\n#pragma unroll N\nfor\n#pragma unroll\nfor\n_Pragma(\"unroll 2\") x\n#pragma nv_diag_suppress 177\n#pragma nv_diag_suppress 178\n#pragma once");
    let kinds: Vec<TokenKind> = out.tokens.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        vec![
            TokenKind::PragmaUnroll,
            TokenKind::Number,
            TokenKind::PragmaEnd,
            TokenKind::Ident,
            TokenKind::PragmaUnroll,
            TokenKind::PragmaEnd,
            TokenKind::Ident,
            TokenKind::PragmaUnroll,
            TokenKind::Number,
            TokenKind::PragmaEnd,
            TokenKind::Ident,
        ]
    );
    assert_eq!(out.tokens[1].text, "4");
    assert_eq!(out.sources.snippet(out.tokens[0].span), "#pragma unroll N");
    let notes: Vec<_> = out
        .diags
        .iter()
        .map(|d| (d.severity, d.message.as_str()))
        .collect();
    assert_eq!(
        notes,
        vec![(Severity::Note, "ignoring #pragma nv_diag_suppress")]
    );
}

#[test]
fn pragma_unroll_four_gives_three_tokens() {
    let out = run("#pragma unroll 4\n");
    let kinds: Vec<TokenKind> = out.tokens.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        vec![
            TokenKind::PragmaUnroll,
            TokenKind::Number,
            TokenKind::PragmaEnd
        ]
    );
}

#[test]
fn push_and_pop_macro() {
    assert_eq!(
        clean("#define X 1\n#pragma push_macro(\"X\")\n#undef X\n#define X 2\nX\n#pragma pop_macro(\"X\")\nX"),
        "2 1"
    );
}

#[test]
fn lexer_errors_in_skipped_text_are_quiet() {
    let out = run("#if 0\n@ don't \"x\n#endif\nint a @;\n");
    assert_eq!(out.errors(), vec!["unexpected character `@`"]);
    assert_eq!(out.text(), "int a ;");
}

#[test]
fn line_structure_flags_and_text() {
    let out =
        run("#define E\n#define F(x) x\nint a;\nE int b;\n  F(c)\n#pragma unroll 2\nfor (;;) {}\n");
    let text = tokens_to_text(&out.sources, &out.tokens);
    assert_eq!(text, "int a;\nint b;\nc\n#pragma unroll 2\nfor (;;) {}\n");
    let out = run("#define PLUS +\n#define NEG -1\na PLUS+ b\n-NEG\n");
    let text = tokens_to_text(&out.sources, &out.tokens);
    assert_eq!(text, "a + + b\n- -1\n");
}

#[test]
fn exponential_expansion_is_bounded() {
    let mut src = String::from("#define D(x) x x x x x x x x\n");
    src.push_str(&"D(".repeat(12));
    src.push('1');
    src.push_str(&")".repeat(12));
    src.push_str("\nend");
    let out = run(&src);
    assert!(
        out.errors().iter().any(|e| e.contains("too large")),
        "{:?}",
        out.errors()
    );
    assert_eq!(out.tokens.last().unwrap().text, "end");
}

#[test]
fn deep_argument_nesting_is_bounded() {
    let mut src = String::from("#define F(x) x\n");
    src.push_str(&"F(".repeat(1000));
    src.push('1');
    src.push_str(&")".repeat(1000));
    let out = run(&src);
    assert!(out.errors().iter().any(|e| e.contains("nested more than")));
}

#[test]
fn arbitrary_input_does_not_panic() {
    let samples = [
        "#define F(x) F(F(x))\nF(F(1))",
        "#define F(x, ...) #__VA_OPT__(x)\nF(1, 2)",
        "#define F(...) __VA_OPT__(\nF(1)",
        "#if (\n#endif",
        "#include\n#include <\n#include <a\n#include \"\n",
        "#line\n#line x\n#line 5 6\n# 7 \"f.cu\" 1 3\n__LINE__",
        "_Pragma _Pragma( _Pragma(1) _Pragma(\"\")",
        "#pragma push_macro(\n#pragma pop_macro(\"nope\")",
        "#define EMPTY\n#define F(x) x\nF(\n#define Z 1\nZ)",
        "#if 0\n#else\n#elif 1\n#endif",
        "#ifdef\n#endif\n#undef\n#undef 3",
        "\\\n#define",
        "#define a(x) x\n#define b a(\nb b b 1) 2) 3)",
        "#define f(x) #x\nf(\"\\\")",
        "#elifdef X\n#elifndef",
        "#define CAT(a,b) a##b\nCAT(\"x\",\"y\") CAT(.,.) CAT(1,e) CAT(-,>)",
    ];
    for s in samples {
        let _ = run(s);
    }
}

#[test]
fn throughput_is_linear() {
    // About 2 MB with headers, macros and conditionals; debug builds must still manage it
    // within seconds.
    let header =
        "#ifndef H\n#define H\n#define SQ(x) ((x)*(x))\n#define ADD(a, b) ((a)+(b))\n#endif\n";
    let mut main = String::from("#include \"h.h\"\n");
    for i in 0..20_000 {
        main.push_str(&format!(
            "#include \"h.h\"\n__device__ float f{i}(float a) {{ return ADD(SQ(a), {i}.0f); }} // c\n"
        ));
    }
    let start = std::time::Instant::now();
    let out = run_with(&[("src/h.h", header)], &main, &PpConfig::default());
    let elapsed = start.elapsed();
    assert!(out.diags.is_empty());
    assert!(out.tokens.len() > 20_000 * 20);
    assert!(elapsed.as_secs_f64() < 30.0, "{elapsed:?}");
}

#[test]
fn error_labels_point_at_definitions_and_else() {
    let out = run("#define F(a, b) a\nF(1)");
    let d = out.diags.iter().next().unwrap();
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(out.sources.snippet(d.secondary[0].0), "F");
    assert_eq!(out.sources.describe(d.secondary[0].0), "src/main.cu:1:9");
    let out = run("#ifdef X\n#else\nint a;\n");
    let d = out.diags.iter().next().unwrap();
    assert_eq!(d.message, "unterminated `#ifdef`");
    assert_eq!(out.sources.snippet(d.secondary[0].0), "#else");
}

#[test]
fn hash_after_empty_macro_is_not_a_directive() {
    let out = run("#define EMPTY\nEMPTY # define X 1\nX");
    assert_eq!(out.text(), "# define X 1 X");
}

#[test]
fn directives_inside_macro_arguments() {
    assert_eq!(
        clean("#define F(x) [x]\nF(a\n#ifdef NOPE\nb\n#else\nc\n#endif\n)"),
        "[ a c ]"
    );
}

#[test]
fn include_next_skips_the_current_directory() {
    let config = PpConfig {
        include_dirs: vec![PathBuf::from("a"), PathBuf::from("b")],
        ..PpConfig::default()
    };
    let out = run_with(
        &[
            ("a/x.h", "int a;\n#include_next <x.h>\n"),
            ("b/x.h", "int b;\n"),
        ],
        "#include <x.h>\n",
        &config,
    );
    assert!(out.diags.is_empty(), "{:?}", out.messages());
    assert_eq!(out.text(), "int a ; int b ;");
}
