//! The abstract syntax tree of a CUDA C++ translation unit, as the parser produces it.
//!
//! The AST is syntax only: names are not resolved and no types are computed (that is the HIR's
//! job). Every node carries the [`Span`] of its text. Host code that cwcc does not compile is
//! kept as [`Item::HostCode`] with the kernel launch sites found in it, never silently dropped.
//!
//! This file holds data types only; the parser builds them and `cwcc-hir` consumes them.

use crate::source::Span;

/// An identifier with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The spelling.
    pub name: String,
    /// Where it was spelled.
    pub span: Span,
}

/// A whole `.cu` file after preprocessing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TranslationUnit {
    /// Top-level items in source order.
    pub items: Vec<Item>,
}

/// A top-level (or namespace-level, or class-member) declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A function declaration or definition (also member functions, constructors, operators).
    Function(Function),
    /// A declaration of variables (globals: `__device__`, `__shared__`, `__constant__`, host).
    Variables(VarDecl),
    /// `struct` / `class` / `union` definition or forward declaration.
    Record(Record),
    /// `enum` / `enum class`.
    Enum(EnumDef),
    /// `typedef T name;` or `using name = T;`
    TypeAlias(TypeAlias),
    /// `namespace name { … }` (anonymous when `name` is `None`).
    Namespace(Namespace),
    /// `template <…> item` (also `template <>` explicit specialization).
    Template(TemplateDecl),
    /// `template item;` — explicit instantiation.
    ExplicitInstantiation(Box<Item>, Span),
    /// `static_assert(cond, "msg");`
    StaticAssert(StaticAssert),
    /// `extern "C" { … }` or `extern "C++" { … }`.
    Linkage(LinkageBlock),
    /// `using namespace X;`
    UsingNamespace(QualifiedName, Span),
    /// `using X::y;`
    UsingDecl(QualifiedName, Span),
    /// Access specifier inside a class (`public:`).
    Access(Access, Span),
    /// Host code the parser skipped structurally (a host function body, a declaration using
    /// host-only constructs). Device code is never put here.
    HostCode(HostCode),
    /// `;` on its own.
    Empty(Span),
}

/// Host code skipped without compiling it.
#[derive(Clone, Debug, PartialEq)]
pub struct HostCode {
    /// What was skipped, e.g. "host function `main`".
    pub what: String,
    /// The skipped text.
    pub span: Span,
    /// Kernel launches (`k<<<g, b>>>(args)`) found inside.
    pub launches: Vec<LaunchSite>,
}

/// A `kernel<<<grid, block[, shmem[, stream]]>>>(args)` launch found in host code.
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchSite {
    /// The kernel expression as spelled (e.g. `saxpy` or `k<float>`).
    pub kernel: String,
    /// The launch configuration arguments as spelled.
    pub config: Vec<String>,
    /// Number of call arguments.
    pub arg_count: usize,
    /// The whole launch expression.
    pub span: Span,
}

/// C++ access specifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Access {
    Public,
    Protected,
    Private,
}

/// `extern "C" { … }` or `extern "C" decl`.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkageBlock {
    /// The language string, `C` or `C++`.
    pub lang: String,
    /// The items inside.
    pub items: Vec<Item>,
    /// The whole block.
    pub span: Span,
}

/// `namespace name { items }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Namespace {
    /// `None` for an anonymous namespace.
    pub name: Option<Ident>,
    /// Whether it is `inline namespace`.
    pub is_inline: bool,
    /// The items inside.
    pub items: Vec<Item>,
    /// The whole namespace.
    pub span: Span,
}

/// `static_assert(cond[, "msg"])`.
#[derive(Clone, Debug, PartialEq)]
pub struct StaticAssert {
    /// The condition.
    pub cond: Expr,
    /// The message, if given.
    pub message: Option<String>,
    /// The whole assertion.
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Names and types
// ---------------------------------------------------------------------------------------------

/// A possibly qualified name: `x`, `ns::f`, `::g`, `Vec<float, 4>::size`, `~T`, `operator+`.
#[derive(Clone, Debug, PartialEq)]
pub struct QualifiedName {
    /// Whether it starts with `::`.
    pub global: bool,
    /// The segments, outermost first; never empty.
    pub segments: Vec<NameSegment>,
    /// The whole name.
    pub span: Span,
}

/// One segment of a [`QualifiedName`].
#[derive(Clone, Debug, PartialEq)]
pub struct NameSegment {
    /// The identifier; for `operator+` the name is `operator+`, for destructors `~T`.
    pub ident: Ident,
    /// Explicit template arguments `<…>`, if written.
    pub template_args: Option<Vec<TemplateArg>>,
}

/// An explicit template argument.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplateArg {
    /// A type argument (`float`, `T*`).
    Type(TypeId),
    /// A non-type argument (`4`, `N * 2`).
    Expr(Expr),
}

/// Fundamental types, as written with their specifier keywords combined
/// (`unsigned long long int` becomes [`BuiltinType::ULongLong`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BuiltinType {
    Void,
    Bool,
    Char,
    SChar,
    UChar,
    WChar,
    Char16,
    Char32,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    LongLong,
    ULongLong,
    Float,
    Double,
    LongDouble,
}

/// The type part of declaration specifiers.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeSpec {
    /// A fundamental type.
    Builtin(BuiltinType, Span),
    /// A named type (typedef, class, enum, template parameter, `vec<T>`, `ns::T`).
    /// `typename` before a dependent name is accepted and dropped.
    Named(QualifiedName),
    /// `auto`.
    Auto(Span),
    /// `decltype(expr)`.
    Decltype(Box<Expr>, Span),
    /// An inline struct/class/union definition or elaborated reference (`struct S`).
    Record(Box<Record>),
    /// An inline enum definition or elaborated reference (`enum E`).
    Enum(Box<EnumDef>),
}

/// CUDA execution-space and memory-space qualifiers.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CudaQualifiers {
    /// `__global__`
    pub global: bool,
    /// `__device__`
    pub device: bool,
    /// `__host__`
    pub host: bool,
    /// `__shared__`
    pub shared: bool,
    /// `__constant__`
    pub constant: bool,
    /// `__managed__`
    pub managed: bool,
    /// `__forceinline__`
    pub forceinline: bool,
    /// `__noinline__`
    pub noinline: bool,
    /// `__launch_bounds__(max_threads[, min_blocks[, max_blocks]])`
    pub launch_bounds: Option<Vec<Expr>>,
}

/// Storage class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub enum Storage {
    #[default]
    None,
    Static,
    Extern,
    /// `extern "C"` on a single declaration.
    ExternC,
    Register,
    ThreadLocal,
    Mutable,
}

/// Declaration specifiers: everything before the declarators.
#[derive(Clone, Debug, PartialEq)]
pub struct DeclSpecs {
    /// Storage class.
    pub storage: Storage,
    /// CUDA qualifiers.
    pub cuda: CudaQualifiers,
    /// `inline`
    pub is_inline: bool,
    /// `constexpr`
    pub is_constexpr: bool,
    /// `virtual`
    pub is_virtual: bool,
    /// `explicit`
    pub is_explicit: bool,
    /// `friend`
    pub is_friend: bool,
    /// `const` (on the base type)
    pub is_const: bool,
    /// `volatile` (on the base type)
    pub is_volatile: bool,
    /// The base type; `None` only for constructors, destructors and conversion operators.
    pub ty: Option<TypeSpec>,
    /// The whole specifier sequence.
    pub span: Span,
}

/// One step of a declarator, applied from the name outwards
/// (`int *a[4]`: `ops = [Array(4), Pointer]`, read "a is an array of 4 pointers to int").
#[derive(Clone, Debug, PartialEq)]
pub enum DeclaratorOp {
    /// `*` with its qualifiers.
    Pointer {
        /// `* const`
        is_const: bool,
        /// `* volatile`
        is_volatile: bool,
        /// `* __restrict__`
        is_restrict: bool,
    },
    /// `&`
    Reference,
    /// `&&`
    RValueReference,
    /// `[N]` or `[]`.
    Array(Option<Box<Expr>>),
    /// `(params)` with trailing qualifiers.
    Function(FunctionSuffix),
}

/// The parameter list and trailing parts of a function declarator.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionSuffix {
    /// Parameters in order (`(void)` gives none).
    pub params: Vec<Param>,
    /// `...` at the end.
    pub variadic: bool,
    /// `const` member function.
    pub is_const: bool,
    /// `noexcept`
    pub is_noexcept: bool,
    /// `-> T` trailing return type.
    pub trailing_return: Option<Box<TypeId>>,
}

/// A function parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its specifiers.
    pub specs: DeclSpecs,
    /// Its declarator (name optional).
    pub declarator: Declarator,
    /// Default argument.
    pub default: Option<Expr>,
    /// The whole parameter.
    pub span: Span,
}

/// A declarator: an optional name plus the pointer/array/function steps around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Declarator {
    /// The declared name; `None` in abstract declarators (type-ids, unnamed parameters).
    pub name: Option<QualifiedName>,
    /// Steps from the name outwards.
    pub ops: Vec<DeclaratorOp>,
    /// The whole declarator.
    pub span: Span,
}

/// A type as written in casts, `sizeof`, template arguments and `using` aliases.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeId {
    /// The specifiers (`const float`).
    pub specs: DeclSpecs,
    /// The abstract declarator (`*`, `[4]`).
    pub declarator: Declarator,
    /// The whole type.
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------------

/// Variables declared together: `__shared__ float a[16], b;`.
#[derive(Clone, Debug, PartialEq)]
pub struct VarDecl {
    /// Shared specifiers.
    pub specs: DeclSpecs,
    /// One entry per declarator.
    pub declarators: Vec<InitDeclarator>,
    /// The whole declaration.
    pub span: Span,
}

/// A declarator with its optional initializer.
#[derive(Clone, Debug, PartialEq)]
pub struct InitDeclarator {
    /// The declarator.
    pub declarator: Declarator,
    /// The initializer.
    pub init: Option<Initializer>,
    /// Bit-field width (`int x : 3`) in records.
    pub bit_width: Option<Expr>,
}

/// An initializer.
#[derive(Clone, Debug, PartialEq)]
pub enum Initializer {
    /// `= expr`
    Expr(Expr),
    /// `= { … }` or `{ … }`
    Braced(Vec<Initializer>, Span),
    /// `(args)` — direct initialization.
    Paren(Vec<Expr>, Span),
    /// `.field = init` inside a braced list.
    Designated(Ident, Box<Initializer>),
}

/// A function declaration or definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Specifiers incl. `__global__` etc. and the return type.
    pub specs: DeclSpecs,
    /// The declarator; its first op is always a [`DeclaratorOp::Function`].
    pub declarator: Declarator,
    /// Constructor member initializers `: a(x), b{y}`.
    pub member_inits: Vec<MemberInit>,
    /// The body; `None` for a declaration, `= default`, `= delete`.
    pub body: Option<Block>,
    /// Whether the function is `= default` / `= delete`.
    pub defaulted: Option<bool>,
    /// The whole function.
    pub span: Span,
}

/// `name(args)` in a constructor's member initializer list.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberInit {
    /// Member or base name.
    pub name: QualifiedName,
    /// Arguments.
    pub args: Vec<Expr>,
    /// Whether braces were used.
    pub braced: bool,
    /// The whole initializer.
    pub span: Span,
}

/// `struct`, `class` or `union`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum RecordKind {
    Struct,
    Class,
    Union,
}

/// A struct/class/union definition or forward declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Which keyword.
    pub kind: RecordKind,
    /// The name (with template arguments for a specialization); `None` if anonymous.
    pub name: Option<QualifiedName>,
    /// `__align__(N)` / `alignas(N)`.
    pub align: Option<Expr>,
    /// Base classes.
    pub bases: Vec<BaseSpec>,
    /// Members; `None` for a forward declaration or elaborated reference.
    pub members: Option<Vec<Item>>,
    /// The whole record.
    pub span: Span,
}

/// A base class.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseSpec {
    /// Access, if written.
    pub access: Option<Access>,
    /// The base type's name.
    pub name: QualifiedName,
    /// `virtual` base.
    pub is_virtual: bool,
}

/// An enum definition.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDef {
    /// Name; `None` if anonymous.
    pub name: Option<Ident>,
    /// `enum class` / `enum struct`.
    pub scoped: bool,
    /// `: underlying`
    pub underlying: Option<TypeId>,
    /// Enumerators; `None` for an elaborated reference or opaque declaration.
    pub enumerators: Option<Vec<Enumerator>>,
    /// The whole enum.
    pub span: Span,
}

/// One enumerator.
#[derive(Clone, Debug, PartialEq)]
pub struct Enumerator {
    /// Its name.
    pub name: Ident,
    /// Its explicit value.
    pub value: Option<Expr>,
}

/// `typedef` or `using` alias.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeAlias {
    /// The new name.
    pub name: Ident,
    /// The aliased type.
    pub ty: TypeId,
    /// The whole declaration.
    pub span: Span,
}

/// `template <params> item`.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateDecl {
    /// Parameters; empty for an explicit specialization (`template <>`).
    pub params: Vec<TemplateParam>,
    /// The templated item.
    pub item: Box<Item>,
    /// The whole declaration.
    pub span: Span,
}

/// A template parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplateParam {
    /// `typename T = default` / `class T`.
    Type {
        /// Its name (optional).
        name: Option<Ident>,
        /// Default type.
        default: Option<TypeId>,
        /// `typename... Ts`
        pack: bool,
    },
    /// `int N = default`.
    NonType {
        /// Its type and name.
        param: Param,
        /// `int... Ns`
        pack: bool,
    },
}

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

/// `{ stmts }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Statements in order.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

/// A statement with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What statement.
    pub kind: StmtKind,
    /// Its text.
    pub span: Span,
}

/// `#pragma unroll [N]` attached to a loop.
#[derive(Clone, Debug, PartialEq)]
pub struct Unroll {
    /// The count; `None` for full unrolling.
    pub count: Option<Expr>,
    /// The pragma.
    pub span: Span,
}

/// Statement kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `expr;`
    Expr(Expr),
    /// A local declaration (variables, incl. `__shared__` and `static`).
    Decl(VarDecl),
    /// A local `typedef`/`using`, struct, enum or `static_assert`.
    Item(Box<Item>),
    /// `{ … }`
    Block(Block),
    /// `if (init; cond) then else`; `if constexpr` sets `is_constexpr`.
    If {
        /// C++17 init statement.
        init: Option<Box<Stmt>>,
        /// The condition (an expression or a declaration with initializer).
        cond: Condition,
        /// Then branch.
        then: Box<Stmt>,
        /// Else branch.
        els: Option<Box<Stmt>>,
        /// `if constexpr`.
        is_constexpr: bool,
    },
    /// `while (cond) body`
    While {
        /// Condition.
        cond: Condition,
        /// Body.
        body: Box<Stmt>,
        /// Attached `#pragma unroll`.
        unroll: Option<Unroll>,
    },
    /// `do body while (cond);`
    DoWhile {
        /// Body.
        body: Box<Stmt>,
        /// Condition.
        cond: Expr,
        /// Attached `#pragma unroll`.
        unroll: Option<Unroll>,
    },
    /// `for (init; cond; step) body`
    For {
        /// Init statement (declaration or expression statement).
        init: Option<Box<Stmt>>,
        /// Condition.
        cond: Option<Condition>,
        /// Step expression.
        step: Option<Expr>,
        /// Body.
        body: Box<Stmt>,
        /// Attached `#pragma unroll`.
        unroll: Option<Unroll>,
    },
    /// `for (decl : range) body` — parsed so it can be diagnosed.
    RangeFor {
        /// The loop variable.
        decl: VarDecl,
        /// The range expression.
        range: Expr,
        /// Body.
        body: Box<Stmt>,
    },
    /// `switch (cond) body`
    Switch {
        /// Condition.
        cond: Condition,
        /// Body (usually a block with case labels).
        body: Box<Stmt>,
    },
    /// `case value: stmt`
    Case {
        /// The label value.
        value: Expr,
        /// The labeled statement.
        stmt: Box<Stmt>,
    },
    /// `default: stmt`
    Default(Box<Stmt>),
    /// `label: stmt`
    Label(Ident, Box<Stmt>),
    /// `goto label;`
    Goto(Ident),
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `return [expr];`
    Return(Option<Expr>),
    /// `asm(...)` / `asm volatile(...)` — kept so it can be diagnosed as unsupported.
    Asm(String),
    /// `;`
    Empty,
}

/// The condition of `if`, `while`, `for`, `switch`.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// An expression.
    Expr(Expr),
    /// `T x = init` declared in the condition.
    Decl(Box<VarDecl>),
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

/// An expression with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What expression.
    pub kind: ExprKind,
    /// Its text.
    pub span: Span,
}

/// Integer literal suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct IntSuffix {
    /// `u`/`U`
    pub unsigned: bool,
    /// 0: none, 1: `l`, 2: `ll`.
    pub long: u8,
}

/// An integer literal's value and how it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntLiteral {
    /// The value (literals above `u64::MAX` are an error).
    pub value: u64,
    /// The suffix.
    pub suffix: IntSuffix,
    /// Whether it was written in decimal (affects its type in C++).
    pub decimal: bool,
}

/// Floating literal suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatSuffix {
    /// No suffix: `double`.
    None,
    /// `f`/`F`: `float`.
    F,
    /// `l`/`L`: `long double`.
    L,
}

/// A floating literal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FloatLiteral {
    /// The value, correctly rounded to `f64` (the HIR rounds again to `f32` for `f` literals).
    pub value: f64,
    /// The suffix.
    pub suffix: FloatSuffix,
}

/// Character literal prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum CharPrefix {
    None,
    L,
    U8,
    U16,
    U32,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Plus,
    Neg,
    Not,
    BitNot,
    Deref,
    AddrOf,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
}

/// Binary operators (assignment and comma are separate expression kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    LogAnd,
    LogOr,
}

/// Cast spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum CastKind {
    /// `(T)e`
    CStyle,
    /// `T(e)` with one argument.
    Functional,
    Static,
    Reinterpret,
    Const,
    Dynamic,
}

/// Expression kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// Integer literal.
    IntLit(IntLiteral),
    /// Floating literal.
    FloatLit(FloatLiteral),
    /// Character literal: its value and prefix.
    CharLit(u32, CharPrefix),
    /// String literal (adjacent literals concatenated), as bytes without the terminating NUL.
    StringLit(Vec<u8>),
    /// `true` / `false`
    BoolLit(bool),
    /// `nullptr`
    Nullptr,
    /// `this`
    This,
    /// A name: variable, function, enumerator, `ns::x`, `f<int>`.
    Name(QualifiedName),
    /// Prefix or postfix unary operator.
    Unary(UnaryOp, Box<Expr>),
    /// Binary operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a = b` (`op` is `None`) or compound `a op= b`.
    Assign(Option<BinaryOp>, Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `a, b`
    Comma(Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Box<Expr>, Vec<Expr>),
    /// `kernel<<<config>>>(args)` inside device code (dynamic parallelism) or host code.
    KernelLaunch {
        /// The kernel.
        kernel: Box<Expr>,
        /// Grid, block, shared bytes, stream.
        config: Vec<Expr>,
        /// Call arguments.
        args: Vec<Expr>,
    },
    /// `a[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `a.m` or `a->m` (`arrow`).
    Member {
        /// The object.
        base: Box<Expr>,
        /// `->` instead of `.`.
        arrow: bool,
        /// The member (may carry template arguments).
        member: QualifiedName,
    },
    /// A cast of one operand.
    Cast(CastKind, Box<TypeId>, Box<Expr>),
    /// `T(a, b)`, `T{a, b}`, `T()`: construction of a temporary (also `float2{…}`).
    Construct {
        /// The type.
        ty: Box<TypeId>,
        /// Arguments.
        args: Vec<Expr>,
        /// Braces instead of parentheses.
        braced: bool,
    },
    /// `{a, b}` in expression position (e.g. `return {a, b};`).
    InitList(Vec<Expr>),
    /// `sizeof(T)`
    SizeofType(Box<TypeId>),
    /// `sizeof expr`
    SizeofExpr(Box<Expr>),
    /// `alignof(T)`
    AlignofType(Box<TypeId>),
    /// `__builtin_offsetof(T, a.b.c)` (what `offsetof` expands to): the byte offset of a
    /// (possibly nested) member, given as the path of member names.
    OffsetOf(Box<TypeId>, Vec<Ident>),
    /// `new`, `delete`, `throw`, lambdas and other host-only expressions, kept as text so the
    /// HIR can diagnose them in device code.
    Unsupported(String),
}
