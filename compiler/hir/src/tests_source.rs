//! End-to-end tests from CUDA source text through the real preprocessor (with the bundled
//! headers and nvcc's implicit `cuda_runtime.h`), parser and lowering.

use crate::lower;
use cwcc_frontend::diag::{Diagnostics, Severity};
use cwcc_frontend::pp::{self, IncludeLoader, PpConfig};
use cwcc_frontend::source::SourceMap;
use std::path::Path;

/// Serves the bundled headers only; there is no file system in these tests.
struct BundledHeaders;

impl IncludeLoader for BundledHeaders {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no file `{}` in tests", path.display()),
        ))
    }
    fn builtin(&self, name: &str) -> Option<&'static str> {
        cwcc_stdlib::header(name)
    }
}

/// What one compilation produced.
struct Output {
    /// The printed HIR.
    hir: String,
    /// Error messages.
    errors: Vec<String>,
    /// Warning messages.
    warnings: Vec<String>,
    /// Notes attached to any diagnostic.
    notes: Vec<String>,
}

/// Preprocesses, parses and lowers `src` as `test.cu`.
fn compile(src: &str) -> Output {
    let mut sources = SourceMap::new();
    let main = sources.add_file("test.cu", src, None);
    let mut diags = Diagnostics::new();
    let tokens = pp::preprocess(
        &mut sources,
        main,
        &PpConfig::nvcc(),
        &BundledHeaders,
        &mut diags,
    );
    let tu = cwcc_frontend::parse::parse(&tokens, &sources, &mut diags);
    let module = lower(&tu, &sources, &mut diags);
    let mut out = Output {
        hir: module.to_string(),
        errors: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    for d in diags.iter() {
        match d.severity {
            Severity::Error => out.errors.push(d.message.clone()),
            Severity::Warning => out.warnings.push(d.message.clone()),
            Severity::Note => {}
        }
        out.notes.extend(d.notes.iter().cloned());
    }
    out
}

/// Compiles `src` and fails the test (showing the diagnostics) if there is an error.
fn compile_ok(src: &str) -> Output {
    let out = compile(src);
    assert!(
        out.errors.is_empty(),
        "unexpected errors: {:#?}\nHIR:\n{}",
        out.errors,
        out.hir
    );
    out
}

/// Asserts that the HIR contains `snippet`.
#[track_caller]
fn assert_hir(out: &Output, snippet: &str) {
    assert!(
        out.hir.contains(snippet),
        "HIR does not contain `{snippet}`:\n{}",
        out.hir
    );
}

#[test]
fn make_float4_and_vector_members() {
    let out = compile_ok(
        r#"
__global__ void k(float4 *o, float *p) {
    float4 v = make_float4(1.0f, 2.0f, 3.0f, 4.0f);
    p[0] = v.y + v.w;
    o[0] = v;
}
"#,
    );
    assert_hir(
        &out,
        "let v: float4 = (call make_float4 1.0f32 2.0f32 3.0f32 4.0f32)",
    );
    assert_hir(&out, "(add (load (field v y)) (load (field v w)))");
    assert_hir(
        &out,
        "fn make_float4(x: f32, y: f32, z: f32, w: f32) -> float4",
    );
}

#[test]
fn sqrt_overloads_follow_the_argument_type() {
    let out = compile_ok(
        r#"
__global__ void k(float *f, double *d) {
    f[0] = sqrt(f[1]);
    d[0] = sqrt(d[1]);
}
"#,
    );
    // No conversion around the float call: the float overload was chosen.
    assert_hir(
        &out,
        "(store (index (load f) 0i64) (call sqrt (load (index (load f) 1i64))))",
    );
    assert_hir(&out, "builtin fn sqrt(f32) -> f32");
    assert_hir(&out, "builtin fn sqrt(f64) -> f64");
}

#[test]
fn atomic_add_overloads() {
    let out = compile_ok(
        r#"
__global__ void k(float *f, int *i) {
    atomicAdd(f, 1.0f);
    atomicAdd(i, 1);
}
"#,
    );
    assert_hir(&out, "builtin fn atomicAdd(ptr<generic, f32>, f32) -> f32");
    assert_hir(&out, "builtin fn atomicAdd(ptr<generic, i32>, i32) -> i32");
    assert!(
        !out.hir.contains("atomicAdd(ptr<generic, f64>"),
        "{}",
        out.hir
    );
}

#[test]
fn class_template_with_non_type_parameter_and_sizes() {
    let out = compile_ok(
        r#"
template <typename T, int N> struct Vec { T v[N]; __device__ T first() const { return v[0]; } };
static_assert(sizeof(Vec<float, 4>) == 16, "vec");
static_assert(sizeof(Vec<double, 3>) == 24, "vec");
static_assert(sizeof(float4) == 16, "float4");
static_assert(alignof(float4) == 16, "float4 align");
static_assert(sizeof(float3) == 12, "float3");
__global__ void k(float *o, Vec<float, 4> *v) { o[0] = v->first(); }
"#,
    );
    assert_hir(
        &out,
        "fn Vec<float, 4>::first(this: ptr<generic, Vec<float, 4>>) -> f32",
    );
    let bad = compile("static_assert(sizeof(float4) == 12, \"float4 is 16 bytes\");");
    assert_eq!(bad.errors, ["static assertion failed: float4 is 16 bytes"]);
}

#[test]
fn explicit_specializations_win_over_the_primary() {
    let out = compile_ok(
        r#"
template <typename T> struct Traits { static __device__ int id() { return 0; } };
template <> struct Traits<float> { static __device__ int id() { return 1; } };
template <typename T> __device__ int pick() { return 7; }
template <> __device__ int pick<float>() { return 8; }
__global__ void k(int *o) {
    o[0] = Traits<float>::id() + Traits<int>::id();
    o[1] = pick<float>() + pick<int>();
}
"#,
    );
    assert_hir(&out, "fn Traits<float>::id() -> i32 {\n  return 1\n}");
    assert_hir(&out, "fn Traits<int>::id() -> i32 {\n  return 0\n}");
    assert_hir(&out, "fn pick<float>() -> i32 {\n  return 8\n}");
    assert_hir(&out, "fn pick<int>() -> i32 {\n  return 7\n}");
}

#[test]
fn dim3_converts_to_uint3_and_fills_default_arguments() {
    let out = compile_ok(
        r#"
__global__ void k(unsigned *o) {
    dim3 d(2, 3);
    uint3 t = d;
    o[0] = t.x + t.y + t.z;
}
"#,
    );
    // The third constructor argument comes from its default.
    assert_hir(&out, "(construct dim3::dim3 2u32 3u32 1u32)");
    assert_hir(
        &out,
        "let t: uint3 = (call dim3::operator uint3 (addrspace_cast ptr<generic, dim3> (addr d)))",
    );
}

#[test]
fn thread_index_builtins() {
    let out = compile_ok(
        r#"
__global__ void k(unsigned *o) { o[threadIdx.x] = blockIdx.y * blockDim.z + warpSize; }
"#,
    );
    assert_hir(&out, "(index (load o) (int_cast i64 threadIdx.x))");
    assert_hir(&out, "(mul blockIdx.y blockDim.z)");
}

#[test]
fn implicit_double_warning() {
    let out = compile_ok("__global__ void k(float *p) { p[0] = p[1] * 0.5; }");
    assert_eq!(
        out.warnings,
        ["implicit conversion to double; use `0.5f` to stay in single precision"]
    );
    assert_hir(&out, "(float_cast f32 (mul (float_cast f64");
    let clean = compile_ok("__global__ void k(float *p) { p[0] = p[1] * 0.5f; }");
    assert!(clean.warnings.is_empty(), "{:?}", clean.warnings);
}

#[test]
fn unknown_type_name_suggests_a_type_keyword() {
    let out = compile("__device__ flaot twice(float x) { return 2.0f * x; }\n__global__ void k(float *o) { o[0] = twice(o[1]); }");
    assert_eq!(out.errors[0], "unknown type name `flaot`");
    assert_eq!(out.notes[0], "did you mean `float`?");
}

#[test]
fn undeclared_identifier_suggests_a_close_name() {
    let out = compile("__global__ void k(int *o, int count) { o[0] = cout + 1; }");
    assert_eq!(out.errors, ["use of undeclared identifier `cout`"]);
    assert_eq!(out.notes, ["did you mean `count`?"]);
}

#[test]
fn calling_a_host_function_from_a_kernel_is_an_error() {
    let out = compile(
        r#"
__host__ int host_only(int x) { return x; }
int implicit_host(int x);
__global__ void k(int *o) { o[0] = host_only(3) + implicit_host(4); }
"#,
    );
    assert_eq!(
        out.errors,
        [
            "calling a __host__ function `host_only` from a __global__ function `k` is not allowed",
            "calling a __host__ function `implicit_host` from a __global__ function `k` is not allowed",
        ]
    );
}

#[test]
fn conversion_operators_in_initialization_arguments_and_casts() {
    let out = compile_ok(
        r#"
template <class T> struct SharedMemory {
    __device__ operator T *() { extern __shared__ int smem[]; return (T *)smem; }
    __device__ operator const T *() const { extern __shared__ int smem[]; return (T *)smem; }
};
struct Meters { float v; __device__ explicit operator float() const { return v; } };
__device__ float first(const float *p) { return p[0]; }
__global__ void k(float *out) {
    SharedMemory<float> sm;
    float *s = sm;
    s[0] = first(sm);
    Meters m = {2.0f};
    out[0] = (float)m + static_cast<int>(m);
}
"#,
    );
    assert_hir(
        &out,
        "let s: ptr<generic, f32> = (call SharedMemory<float>::operator float * (addrspace_cast ptr<generic, SharedMemory<float>> (addr sm)))",
    );
    assert_hir(
        &out,
        "(call first (ptr_cast ptr<generic, const f32> (call SharedMemory<float>::operator float *",
    );
    assert_hir(&out, "(float_to_int i32 (call Meters::operator float");
    // The shared array is reached through an explicit address-space cast.
    assert_hir(
        &out,
        "(addrspace_cast ptr<generic, i32> (decay ptr<shared, i32>",
    );
    // An `explicit` conversion operator is not used implicitly.
    let bad = compile(
        r#"
struct Meters { float v; __device__ explicit operator float() const { return v; } };
__global__ void k(float *out) { Meters m = {2.0f}; out[0] = m; }
"#,
    );
    assert_eq!(
        bad.errors,
        ["cannot convert `Meters` to `float` in assignment"]
    );
}

#[test]
fn compound_assignment_converts_a_class_operand_through_its_conversion_operator() {
    let out = compile_ok(
        r#"
struct H { unsigned short bits; __device__ operator float() const { return bits * 0.5f; } };
__global__ void k(float *out, int *n, const H *h) {
    float s = 1.0f;
    s += h[0];
    s *= h[1];
    n[0] -= h[2];
    out[0] = s;
}
"#,
    );
    assert_hir(&out, "(add= f32 s (call H::operator float");
    assert_hir(&out, "(mul= f32 s (call H::operator float");
    assert_hir(
        &out,
        "(sub= f32 (index (load n) 0i64) (call H::operator float",
    );
    let bad = compile(
        r#"
struct P { float v; };
__global__ void k(float *out, P p) { out[0] += p; }
"#,
    );
    assert_eq!(bad.errors.len(), 1, "{:?}", bad.errors);
}

#[test]
fn function_objects_alias_templates_and_local_using_directives() {
    let out = compile_ok(
        r#"
struct Add { __device__ float operator()(float a, float b) const { return a + b; } };
template <class Op> __device__ float apply(Op op, float a, float b) { return op(a, b); }
template <typename T> using Ptr = T *;
namespace util { __device__ int twice(int x) { return 2 * x; } }
__global__ void k(Ptr<float> out, int *io) {
    Add add;
    out[0] = add(1.0f, 2.0f) + apply(Add(), 3.0f, 4.0f);
    {
        using namespace util;
        io[0] = twice(io[1]);
    }
}
"#,
    );
    assert_hir(
        &out,
        "kernel k(out: ptr<generic, f32>, io: ptr<generic, i32>)",
    );
    assert_hir(
        &out,
        "(call Add::operator() (addrspace_cast ptr<generic, Add> (addr add)) 1.0f32 2.0f32)",
    );
    assert_hir(&out, "fn apply<Add>(op: Add, a: f32, b: f32) -> f32");
    assert_hir(&out, "(call util::twice");
    // The directive ends with its block.
    let bad = compile(
        r#"
namespace util { __device__ int twice(int x) { return 2 * x; } }
__global__ void k(int *io) {
    { using namespace util; io[0] = twice(1); }
    io[1] = twice(2);
}
"#,
    );
    assert_eq!(bad.errors, ["use of undeclared identifier `twice`"]);
}

#[test]
fn host_only_declarations_of_the_standard_headers_are_accepted() {
    // <cstdlib> has `namespace std { using ::qsort; }` for a host function taking a
    // function pointer.
    let out = compile_ok(
        r#"
#include <cstdlib>
__global__ void k(int *o) { o[0] = abs(o[1]); }
"#,
    );
    assert_hir(&out, "kernel k(");
}

#[test]
fn builtin_offsetof_uses_the_record_layout() {
    let out = compile_ok(
        r#"
struct Inner { char c; double d; };
struct Base { short s; };
struct Record : Base { char tag; int count; Inner inner; float tail[3]; };
static_assert(__builtin_offsetof(Record, s) == 0, "s");
static_assert(__builtin_offsetof(Record, tag) == 2, "tag");
static_assert(__builtin_offsetof(Record, count) == 4, "count");
static_assert(__builtin_offsetof(Record, inner) == 8, "inner");
static_assert(__builtin_offsetof(Record, inner.d) == 16, "inner.d");
static_assert(__builtin_offsetof(Record, tail) == 24, "tail");
__global__ void k(unsigned long *o) { o[0] = __builtin_offsetof(Record, tail); }
"#,
    );
    assert_hir(&out, "24");
    let bad = compile("struct R { int a; };\nstatic_assert(__builtin_offsetof(R, b) == 0, \"b\");");
    assert_eq!(bad.errors, ["no member named `b` in `R`"]);
}

#[test]
fn base_class_initializers_construct_the_base_subobject() {
    let out = compile_ok(
        r#"
struct Base { int a; __device__ Base(int v) : a(v) {} };
struct Derived : public Base { int b; __device__ Derived(int v) : Base(v + 1), b(v) {} };
__global__ void k(int *o) { Derived d(3); o[0] = d.a + d.b; }
"#,
    );
    assert_hir(
        &out,
        "(store (field (deref (load this)) base) (construct Base::Base (add (load v) 1)))",
    );
}

#[test]
fn derived_objects_convert_to_their_bases() {
    let out = compile_ok(
        r#"
struct Base { int a; __device__ int get() const { return a; } };
struct Mid : Base { int m; };
struct Derived : Mid { int b; };
__device__ int by_ref(const Base &b) { return b.get(); }
__device__ int by_value(Base b) { return b.a; }
__global__ void k(int *o) {
    Derived d;
    d.a = 1;
    o[0] = by_ref(d) + by_value(d);
}
"#,
    );
    assert_hir(&out, "(field (field d base) base)");
}

#[test]
fn member_functions_hide_inherited_ones_of_the_same_name() {
    let out = compile_ok(
        r#"
struct Base { __device__ int size() const { return 1; } };
struct Derived : Base {
    __device__ int size() const { return 2; }
    template <typename T> __device__ T twice(T v) const { return v + v; }
};
__global__ void k(int *o) { Derived d; o[0] = d.size() + d.twice(3); }
"#,
    );
    assert_hir(&out, "call Derived::size");
}

#[test]
fn deduction_through_a_qualified_class_template_with_a_default_argument() {
    let out = compile_ok(
        r#"
namespace ns { template <unsigned int N, typename P = void> struct Tile { int v; }; }
template <unsigned int N> __device__ unsigned int width(const ns::Tile<N> &t) { return N; }
__global__ void k(unsigned int *o) { ns::Tile<8> t; o[0] = width(t); }
"#,
    );
    assert_hir(&out, "width<8>");
}

#[test]
fn namespace_aliases_reach_the_hir() {
    let out = compile_ok(
        r#"
namespace outer { namespace inner { __device__ int two() { return 2; } } }
namespace oi = outer::inner;
__global__ void k(int *o) { o[0] = oi::two(); }
"#,
    );
    assert_hir(&out, "call outer::inner::two");
}

#[test]
fn cooperative_groups_compile_and_grid_sync_is_an_error_at_the_call() {
    let out = compile_ok(
        r#"
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
namespace cg = cooperative_groups;
__global__ void k(int *o) {
    cg::thread_block b = cg::this_thread_block();
    cg::thread_block_tile<16> t = cg::tiled_partition<16>(b);
    o[b.thread_rank()] = cg::reduce(t, (int)t.thread_rank(), cg::plus<int>());
}
"#,
    );
    assert_hir(
        &out,
        "cooperative_groups::reduce<16, void, int, cooperative_groups::plus<int>>",
    );
    let bad = compile(
        r#"
#include <cooperative_groups.h>
__global__ void k() { cooperative_groups::this_grid().sync(); }
"#,
    );
    assert_eq!(bad.errors.len(), 1, "{:?}", bad.errors);
    assert!(
        bad.errors[0].starts_with("unsupported: `cooperative_groups::grid_group::sync`"),
        "{:?}",
        bad.errors
    );
    // The free form too, while cg::sync of other groups stays available.
    let free = compile(
        r#"
#include <cooperative_groups.h>
namespace cg = cooperative_groups;
__global__ void k() { cg::sync(cg::this_thread_block()); cg::sync(cg::this_grid()); }
"#,
    );
    assert_eq!(free.errors.len(), 1, "{:?}", free.errors);
    assert!(
        free.errors[0].starts_with("unsupported: `cooperative_groups::sync`"),
        "{:?}",
        free.errors
    );
}

#[test]
fn a_class_template_names_its_own_instance_with_explicit_arguments() {
    let out = compile_ok(
        r#"
template <unsigned int N, typename P = void>
struct Tile {
    int r;
    __device__ Tile(int v) : r(v) {}
    __device__ Tile(const Tile<N, void> &t) : r(t.r + 1) {}
};
__global__ void k(int *o) {
    Tile<4> a(3);
    Tile<4, int> b = a;
    o[0] = a.r + b.r;
}
"#,
    );
    assert_hir(
        &out,
        "fn Tile<4, int>::Tile(this: ptr<generic, Tile<4, int>>, t: ref<const Tile<4, void>>)",
    );
}

#[test]
fn constructors_of_instances_whose_arguments_are_qualified_names() {
    // The instance's name `ns::Tile<32, ns::G>` contains `::` inside its template arguments.
    let out = compile_ok(
        r#"
namespace ns {
struct G { unsigned int m; };
template <unsigned int Size, typename ParentT = void>
struct Tile { unsigned int r; __device__ Tile(unsigned int v) : r(v) {} };
}
__global__ void k(unsigned int *o) { ns::Tile<32, ns::G> t(5u); o[0] = t.r; }
"#,
    );
    assert_hir(&out, "(construct ns::Tile<32, ns::G>::Tile 5u32)");
}
