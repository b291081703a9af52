//! The classified tokens the LR parser reads.
//!
//! The classifier ([`super::classify`]) turns preprocessing tokens into [`Tok`]s: keywords become
//! [`Tok::Kw`], identifiers are split by what they name (plain identifier, type, class template,
//! function template, scope qualifier, constructor name), literals carry their parsed values, and
//! a few multi-token constructs the parser does not look into (`asm(...)`, lambdas, skipped host
//! function bodies) become one token each.

use crate::ast::{CharPrefix, FloatLiteral, IntLiteral};
use crate::token::Punct;

/// A classified token. Names borrow from the preprocessing tokens' text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tok<'a> {
    /// An identifier that names no type or template (variables, functions, members, labels).
    Ident(&'a str),
    /// A name of a type (typedef, alias, class, enum, template type parameter).
    TypeName(&'a str),
    /// A name of a class or alias template.
    TypeTemplate(&'a str),
    /// A name of a function template.
    FuncTemplate(&'a str),
    /// Any name directly followed by `::` (namespace, class, dependent type).
    ScopeName(&'a str),
    /// The name of a constructor in its declaration.
    CtorName(&'a str),
    /// An integer literal.
    Int(IntLiteral),
    /// A floating literal.
    Float(FloatLiteral),
    /// A character literal: value and prefix.
    Char((u32, CharPrefix)),
    /// A string literal: index into the classifier's string table.
    Str(u32),
    /// `extern "C"` / `extern "C++"`: the string's index in the string table.
    ExternLang(u32),
    /// `asm(...)` with its operands: index into the text table.
    Asm(u32),
    /// A lambda expression: index into the text table.
    Lambda(u32),
    /// A skipped host function body: index into the host body table.
    HostBody(u32),
    /// `{` opening a function body.
    BodyOpen,
    /// `(` opening a parenthesised declarator after a type: `float (&a)[4]`, `void (*fp)(int)`.
    /// A distinct token, so that the grammar can tell it from the `(` of a functional cast.
    DeclParen,
    /// `:` starting a constructor's member initializer list.
    CtorColon,
    /// `<<<` of a kernel launch.
    LaunchOpen,
    /// `>>>` of a kernel launch.
    LaunchClose,
    /// `#pragma unroll`.
    PragmaUnroll,
    /// End of a pragma's tokens.
    PragmaEnd,
    /// A keyword.
    Kw(Kw),
    /// A punctuator.
    P(Punct),
}

macro_rules! keywords {
    ($($variant:ident = $($spelling:literal)|+;)*) => {
        /// Keywords of C++ and CUDA that the grammar knows.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Kw { $($variant),* }

        impl Kw {
            /// The keyword spelled `text`, if it is one.
            pub fn from_spelling(text: &str) -> Option<Kw> {
                match text {
                    $($($spelling)|+ => Some(Kw::$variant),)*
                    _ => None,
                }
            }

            /// The keyword's main spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Kw::$variant => keywords!(@first $($spelling)|+),)*
                }
            }
        }
    };
    (@first $first:literal $(| $rest:literal)*) => { $first };
}

keywords! {
    Alignas = "alignas" | "_Alignas";
    Alignof = "alignof" | "__alignof__" | "__alignof" | "_Alignof";
    Auto = "auto";
    Bool = "bool" | "_Bool";
    BuiltinOffsetof = "__builtin_offsetof";
    Break = "break";
    Case = "case";
    Char = "char";
    Char16 = "char16_t";
    Char32 = "char32_t";
    Class = "class";
    Const = "const" | "__const";
    Constexpr = "constexpr";
    ConstCast = "const_cast";
    Continue = "continue";
    Decltype = "decltype" | "__decltype";
    Default = "default";
    Delete = "delete";
    Do = "do";
    Double = "double";
    DynamicCast = "dynamic_cast";
    Else = "else";
    Enum = "enum";
    Explicit = "explicit";
    Extern = "extern";
    False = "false";
    Float = "float";
    For = "for";
    Friend = "friend";
    Goto = "goto";
    If = "if";
    Inline = "inline" | "__inline__" | "__inline";
    Int = "int";
    Long = "long";
    Mutable = "mutable";
    Namespace = "namespace";
    New = "new";
    Noexcept = "noexcept";
    Nullptr = "nullptr";
    Operator = "operator";
    Private = "private";
    Protected = "protected";
    Public = "public";
    Register = "register";
    ReinterpretCast = "reinterpret_cast";
    Return = "return";
    Short = "short";
    Signed = "signed" | "__signed__" | "__signed";
    Sizeof = "sizeof";
    Static = "static";
    StaticAssert = "static_assert" | "_Static_assert";
    StaticCast = "static_cast";
    Struct = "struct";
    Switch = "switch";
    Template = "template";
    This = "this";
    ThreadLocal = "thread_local";
    Throw = "throw";
    True = "true";
    Typedef = "typedef";
    Typename = "typename";
    Union = "union";
    Unsigned = "unsigned";
    Using = "using";
    Virtual = "virtual";
    Void = "void";
    Volatile = "volatile" | "__volatile__";
    WChar = "wchar_t";
    While = "while";
    Global = "__global__";
    Device = "__device__";
    Host = "__host__";
    Shared = "__shared__";
    Constant = "__constant__";
    Managed = "__managed__";
    ForceInline = "__forceinline__";
    NoInline = "__noinline__";
    LaunchBounds = "__launch_bounds__";
    Restrict = "__restrict__" | "__restrict";
    Align = "__align__";
}

impl Tok<'_> {
    /// Whether the token is one of the CUDA markers that make a declaration device code.
    pub fn is_device_marker(&self) -> bool {
        matches!(
            self,
            Tok::Kw(Kw::Global | Kw::Device | Kw::Shared | Kw::Constant | Kw::Managed)
        )
    }
}
