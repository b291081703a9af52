//! The HIR data types (no logic here besides small accessors).

use crate::types::{AddrSpace, TypeId, TypeTable};
use cwcc_frontend::source::Span;

/// Handle of a function in [`Module::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

/// Handle of a global variable in [`Module::globals`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalId(pub u32);

/// Handle of a local variable (or parameter) in [`Function::locals`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

/// The device code of one translation unit.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// All types, records and enums.
    pub types: TypeTable,
    /// Device global variables (`__device__`, `__constant__`, `__shared__`, `__managed__`).
    pub globals: Vec<Global>,
    /// Kernels, device functions (incl. template instances) and used device-library builtins.
    pub functions: Vec<Function>,
    /// Kernel launches found in host code.
    pub launches: Vec<HostLaunch>,
}

impl Module {
    /// The function behind a handle.
    pub fn function(&self, id: FuncId) -> Option<&Function> {
        self.functions.get(id.0 as usize)
    }

    /// The global behind a handle.
    pub fn global(&self, id: GlobalId) -> Option<&Global> {
        self.globals.get(id.0 as usize)
    }

    /// The kernel named `name`, if any.
    pub fn kernel(&self, name: &str) -> Option<&Function> {
        self.functions
            .iter()
            .find(|f| f.kind == FunctionKind::Kernel && f.name == name)
    }
}

/// A `kernel<<<…>>>(…)` launch in host code.
#[derive(Clone, Debug, PartialEq)]
pub struct HostLaunch {
    /// The kernel as spelled.
    pub kernel: String,
    /// The launch configuration as spelled.
    pub config: Vec<String>,
    /// Number of arguments.
    pub arg_count: usize,
    /// The kernel function it resolved to, if found.
    pub resolved: Option<FuncId>,
    /// `file:line:col` of the launch.
    pub location: String,
    /// The launch expression.
    pub span: Span,
}

/// A global variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    /// Its name (`kernel::name` for a `__shared__` or `static` local).
    pub name: String,
    /// Its type.
    pub ty: TypeId,
    /// Its memory space.
    pub space: AddrSpace,
    /// Whether it is `__managed__`.
    pub managed: bool,
    /// Whether it is `const`.
    pub is_const: bool,
    /// `extern __shared__ T s[]`: dynamic shared memory whose size is given at launch.
    pub dynamic_shared: bool,
    /// The constant-folded initializer.
    pub init: Option<ConstInit>,
    /// The declaration.
    pub span: Span,
}

/// A constant initializer value.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstInit {
    /// An integer (or bool, or enum) value.
    Int(i128),
    /// A floating value.
    Float(f64),
    /// Element or field values in order; missing trailing values are zero.
    Aggregate(Vec<ConstInit>),
    /// All zero bytes.
    Zero,
}

/// What a function is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    /// A `__global__` function.
    Kernel,
    /// A `__device__` or `__host__ __device__` function with a body.
    Device,
    /// A device-library function: declared in a system header without a body; the backends
    /// provide it by name.
    Builtin,
}

/// A function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// Name (qualified for members: `Vec3::dot`; with arguments for templates: `add<float, 4>`).
    pub name: String,
    /// Kernel, device function or builtin.
    pub kind: FunctionKind,
    /// Parameters in order (a member function's `this` comes first); indexes into `locals`.
    pub params: Vec<LocalId>,
    /// Return type.
    pub ret: TypeId,
    /// All locals, parameters first.
    pub locals: Vec<Local>,
    /// The body (`None` for builtins).
    pub body: Option<Block>,
    /// Whether it is a constructor (it returns `void` and initializes `*this`).
    pub is_constructor: bool,
    /// Declared `= default` (it then has no body: what it does follows from its kind).
    pub is_defaulted: bool,
    /// `__forceinline__` / `inline`.
    pub inline_hint: bool,
    /// `__launch_bounds__` values, folded.
    pub launch_bounds: Vec<u64>,
    /// The definition.
    pub span: Span,
}

/// A local variable or parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Local {
    /// Its name (`this` for the implicit object parameter, `tmp.N` for temporaries).
    pub name: String,
    /// Its type (a reference parameter has a [`crate::types::Type::Reference`] type).
    pub ty: TypeId,
    /// Whether it is `const`.
    pub is_const: bool,
    /// Its declaration.
    pub span: Span,
}

/// A block of statements.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Block {
    /// Statements in order.
    pub stmts: Vec<Stmt>,
}

/// A statement with its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// The statement.
    pub kind: StmtKind,
    /// Its source.
    pub span: Span,
}

/// Loop unrolling requested by `#pragma unroll`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unroll {
    /// `#pragma unroll`
    Full,
    /// `#pragma unroll N` (`N == 1` disables unrolling).
    Count(u64),
}

/// One `case` (or `default`) group of a switch: the statements run from that label on;
/// control falls through into the next group unless a `break` leaves.
#[derive(Clone, Debug, PartialEq)]
pub struct SwitchCase {
    /// The folded label values (empty for `default` alone); several labels can share one group.
    pub values: Vec<i128>,
    /// Whether `default:` labels this group.
    pub is_default: bool,
    /// Statements up to the next label.
    pub body: Vec<Stmt>,
}

/// Statement kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effects.
    Expr(Expr),
    /// A local declaration with its optional initializer.
    Let {
        /// The variable.
        local: LocalId,
        /// Its initial value (of the local's type; for a reference, the address).
        init: Option<Expr>,
    },
    /// A nested block.
    Block(Block),
    /// `if`.
    If {
        /// Condition, of type `bool`.
        cond: Expr,
        /// Then branch.
        then: Block,
        /// Else branch.
        els: Option<Block>,
    },
    /// A loop: `while`, `for` (init in an enclosing block, `step` run after the body and on
    /// `continue`) or `do … while` (`test_first == false`).
    Loop {
        /// The condition (`None`: loop forever), of type `bool`.
        cond: Option<Expr>,
        /// The body.
        body: Block,
        /// Evaluated after each iteration (the `for` increment).
        step: Option<Expr>,
        /// Whether the condition is tested before the first iteration.
        test_first: bool,
        /// `#pragma unroll`.
        unroll: Option<Unroll>,
    },
    /// `switch` with folded labels, in source order, fallthrough kept.
    Switch {
        /// The promoted condition.
        cond: Expr,
        /// The case groups.
        cases: Vec<SwitchCase>,
    },
    /// `break`
    Break,
    /// `continue`
    Continue,
    /// `return`
    Return(Option<Expr>),
}

/// Whether an expression designates an object (lvalue) or is a value (rvalue).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueCategory {
    /// Designates an object in `space`; `mutable` is false for `const` objects.
    LValue {
        /// Where the object lives.
        space: AddrSpace,
        /// Whether it can be assigned.
        mutable: bool,
    },
    /// A value.
    RValue,
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type (never a reference type: references are dereferenced explicitly).
    pub ty: TypeId,
    /// lvalue or rvalue.
    pub cat: ValueCategory,
    /// Its source.
    pub span: Span,
}

/// The CUDA builtin variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BuiltinVar {
    ThreadIdx,
    BlockIdx,
    BlockDim,
    GridDim,
    WarpSize,
}

impl BuiltinVar {
    /// The CUDA spelling.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinVar::ThreadIdx => "threadIdx",
            BuiltinVar::BlockIdx => "blockIdx",
            BuiltinVar::BlockDim => "blockDim",
            BuiltinVar::GridDim => "gridDim",
            BuiltinVar::WarpSize => "warpSize",
        }
    }

    /// The builtin variable spelled `name`.
    pub fn from_name(name: &str) -> Option<BuiltinVar> {
        Some(match name {
            "threadIdx" => BuiltinVar::ThreadIdx,
            "blockIdx" => BuiltinVar::BlockIdx,
            "blockDim" => BuiltinVar::BlockDim,
            "gridDim" => BuiltinVar::GridDim,
            "warpSize" => BuiltinVar::WarpSize,
            _ => return None,
        })
    }
}

/// Implicit and explicit conversions, all made explicit in the HIR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvertKind {
    /// Reads the value of an lvalue.
    LValueToRValue,
    /// Integer to integer (truncation, sign or zero extension).
    IntegralCast,
    /// `float` <-> `double`.
    FloatingCast,
    /// Integer to floating.
    IntToFloat,
    /// Floating to integer (truncation toward zero).
    FloatToInt,
    /// Scalar or pointer to `bool` (`!= 0`).
    BoolConv,
    /// Array lvalue to a pointer to its first element.
    ArrayToPointer,
    /// `nullptr` or a null constant to a pointer.
    NullToPointer,
    /// Pointer to pointer of another pointee type (or `void*`).
    PointerCast,
    /// Pointer to the same pointee in another address space (usually to `generic`).
    AddrSpaceCast,
    /// Pointer to integer (`reinterpret_cast`).
    PointerToInt,
    /// Integer to pointer (`reinterpret_cast`).
    IntToPointer,
    /// Enum to integer or integer to enum.
    EnumCast,
    /// Discards a value (`(void)x`).
    ToVoid,
}

impl ConvertKind {
    /// Name in the text form.
    pub fn name(self) -> &'static str {
        match self {
            ConvertKind::LValueToRValue => "load",
            ConvertKind::IntegralCast => "int_cast",
            ConvertKind::FloatingCast => "float_cast",
            ConvertKind::IntToFloat => "int_to_float",
            ConvertKind::FloatToInt => "float_to_int",
            ConvertKind::BoolConv => "to_bool",
            ConvertKind::ArrayToPointer => "decay",
            ConvertKind::NullToPointer => "null_to_ptr",
            ConvertKind::PointerCast => "ptr_cast",
            ConvertKind::AddrSpaceCast => "addrspace_cast",
            ConvertKind::PointerToInt => "ptr_to_int",
            ConvertKind::IntToPointer => "int_to_ptr",
            ConvertKind::EnumCast => "enum_cast",
            ConvertKind::ToVoid => "to_void",
        }
    }
}

/// Unary operators on rvalues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Neg,
    BitNot,
    LogNot,
}

/// Binary operators on two rvalues of the same (promoted) type; comparisons yield `bool`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinaryOp {
    /// Name in the text form.
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Add => "add",
            BinaryOp::Sub => "sub",
            BinaryOp::Mul => "mul",
            BinaryOp::Div => "div",
            BinaryOp::Rem => "rem",
            BinaryOp::Shl => "shl",
            BinaryOp::Shr => "shr",
            BinaryOp::BitAnd => "and",
            BinaryOp::BitOr => "or",
            BinaryOp::BitXor => "xor",
            BinaryOp::Eq => "eq",
            BinaryOp::Ne => "ne",
            BinaryOp::Lt => "lt",
            BinaryOp::Le => "le",
            BinaryOp::Gt => "gt",
            BinaryOp::Ge => "ge",
        }
    }

    /// Whether the result is `bool`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

/// Expression kinds. Operands are rvalues unless stated.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer (also `bool` and enum) constant of the expression's type.
    IntConst(i128),
    /// A floating constant of the expression's type (`f32` constants are already rounded).
    FloatConst(f64),
    /// A string literal (bytes with the terminating NUL), an lvalue array of `const char`.
    StringConst(Vec<u8>),
    /// The null pointer of the expression's type.
    NullPtr,
    /// A local variable or parameter (lvalue).
    Local(LocalId),
    /// A global variable (lvalue).
    Global(GlobalId),
    /// A CUDA builtin variable: `threadIdx.x` is `Builtin(ThreadIdx, Some(0))`; `None` is
    /// the whole `uint3` value; `warpSize` has no component.
    Builtin(BuiltinVar, Option<u8>),
    /// A conversion of the operand to the expression's type.
    Convert(ConvertKind, Box<Expr>),
    /// A unary operator.
    Unary(UnaryOp, Box<Expr>),
    /// A binary operator (operands already converted to a common type).
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// Short-circuit `&&` (`is_and`) or `||` on `bool` operands.
    Logical {
        /// `&&` instead of `||`.
        is_and: bool,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand (evaluated only when needed).
        rhs: Box<Expr>,
    },
    /// `ptr + index`, scaled by the pointee size.
    PtrAdd {
        /// The pointer.
        ptr: Box<Expr>,
        /// Element offset (signed 64-bit).
        index: Box<Expr>,
    },
    /// `lhs - rhs` of two pointers, in elements (`i64`).
    PtrDiff(Box<Expr>, Box<Expr>),
    /// Element of an array lvalue (`base` is an lvalue array) or of a pointer (`base` is a
    /// pointer rvalue); yields an lvalue.
    Index {
        /// The array or pointer.
        base: Box<Expr>,
        /// The index (signed 64-bit).
        index: Box<Expr>,
    },
    /// Field `field` of a record; an lvalue when `base` is.
    Field {
        /// The record value or lvalue.
        base: Box<Expr>,
        /// The field index in [`crate::types::RecordDef::fields`].
        field: u32,
    },
    /// `*ptr` (lvalue).
    Deref(Box<Expr>),
    /// `&lvalue`.
    AddrOf(Box<Expr>),
    /// `target = value`; yields the target lvalue.
    Assign {
        /// The lvalue.
        target: Box<Expr>,
        /// The value, converted to the target's type.
        value: Box<Expr>,
    },
    /// `target op= value`: computes `convert_back(op(convert(load target), value))` in type
    /// `compute`, then stores; yields the target lvalue. For pointers `op` is `Add`/`Sub`
    /// and `value` is the `i64` element offset.
    CompoundAssign {
        /// The operator.
        op: BinaryOp,
        /// The lvalue.
        target: Box<Expr>,
        /// The right operand, of type `compute` (or `i64` for pointers).
        value: Box<Expr>,
        /// The type the operation is carried out in.
        compute: TypeId,
    },
    /// `++x`, `x++`, `--x`, `x--` on an arithmetic or pointer lvalue.
    IncDec {
        /// Increment (else decrement).
        increment: bool,
        /// Prefix form (yields the lvalue); postfix yields the old value.
        prefix: bool,
        /// The lvalue.
        target: Box<Expr>,
    },
    /// `cond ? a : b` (both branches have the expression's type and category).
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `a, b`
    Comma(Box<Expr>, Box<Expr>),
    /// A call of a device function or builtin; arguments are converted to the parameter types
    /// (a reference parameter receives an address).
    Call {
        /// The callee.
        func: FuncId,
        /// The arguments (for a member function, the object address first).
        args: Vec<Expr>,
    },
    /// A temporary of the expression's record type built by constructor `ctor`, which gets the
    /// temporary's address as its first argument.
    Construct {
        /// The constructor.
        ctor: FuncId,
        /// The other arguments.
        args: Vec<Expr>,
    },
    /// An aggregate value of the expression's (array or record) type, element by element;
    /// missing trailing elements are zero.
    InitList(Vec<Expr>),
    /// A zero value of the expression's type (value initialization `T()`, `T{}`).
    Zero,
    /// Binds a `const T&` to an rvalue: a temporary holding the operand (lvalue).
    Materialize(Box<Expr>),
    /// Placeholder after an error (type `Error`).
    Error,
}

impl Expr {
    /// Whether the expression is an lvalue.
    pub fn is_lvalue(&self) -> bool {
        matches!(self.cat, ValueCategory::LValue { .. })
    }
}
