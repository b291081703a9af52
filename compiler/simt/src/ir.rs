//! The data types of the SIMT IR, and nothing else.
//!
//! This file is deliberately free of logic (apart from handle boilerplate) so that every change
//! to the shape of the IR stands out in review. Methods live in `module.rs`, the text form in
//! `print.rs` / `parse.rs`, the rules in `verify.rs`. The semantics are specified in the crate
//! documentation (`lib.rs`).

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

/// A typed index into an arena: a `u32` newtype that prints the way the text IR spells it.
pub trait Handle: Copy + Eq + std::hash::Hash + fmt::Debug {
    /// Makes a handle from an arena index.
    fn from_index(index: usize) -> Self;
    /// The arena index of this handle.
    fn index(self) -> usize;
}

macro_rules! define_handle {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
        pub struct $name(pub u32);

        impl Handle for $name {
            fn from_index(index: usize) -> Self {
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
            fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

define_handle!(
    /// An interned type; prints as `t4`. Equal types have equal handles.
    TypeId,
    "t"
);
define_handle!(
    /// A module-level variable (`__device__`, `__constant__`, `__shared__`); prints as `@g1`.
    GlobalId,
    "@g"
);
define_handle!(
    /// A function of the module; prints as `fn2`.
    FuncId,
    "fn"
);
define_handle!(
    /// An SSA value of one function; prints as `%v3`.
    Value,
    "%v"
);
define_handle!(
    /// A local variable (stack slot in `local` memory) of one function; prints as `%l0`.
    LocalId,
    "%l"
);

/// A vector of items addressed by a typed handle `H`.
#[derive(Clone, Debug, PartialEq)]
pub struct Arena<H, T> {
    /// The items; the handle of an item is its index.
    pub items: Vec<T>,
    /// Ties the arena to its handle type.
    pub marker: PhantomData<fn(H) -> H>,
}

/// The interned type table: each distinct [`Type`] is stored once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TypeArena {
    /// The types; the [`TypeId`] of a type is its index. A type only refers to types with a
    /// smaller index, so types are never cyclic.
    pub types: Vec<Type>,
    /// Reverse map used for interning.
    pub lookup: HashMap<Type, TypeId>,
}

/// A whole translation unit's device code.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// Interned types.
    pub types: TypeArena,
    /// Module-level variables.
    pub globals: Arena<GlobalId, Global>,
    /// Kernels and device functions.
    pub functions: Arena<FuncId, Function>,
    /// The entry points, in source order.
    pub kernels: Vec<KernelInfo>,
    /// Source file names, indexed by [`Loc::file`].
    pub files: Vec<String>,
    /// Which constructs the module may contain (see [`Phase`]).
    pub phase: Phase,
    /// Set by the `shared-to-buffer` pass: all shared memory is addressed through
    /// [`Inst::SharedBuffer`] (no `global_addr` of a shared global and no `dyn_shared_addr`
    /// remain), and every kernel's [`KernelInfo::static_shared_bytes`] and
    /// [`KernelInfo::dynamic_shared_offset`] describe its per-block buffer. Text form: the
    /// word `shared_buffer` after the phase on the `module` line.
    pub shared_in_buffer: bool,
}

/// The stage of compilation a module is in; each phase documents what it allows and the
/// verifier enforces it. Phases only move forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Per-thread code as written in CUDA: every function describes what one thread does.
    /// Barriers, warp collectives and the thread/lane id operations are allowed.
    /// GPU backends (SPIR-V, WGSL) and the reference executor consume this phase.
    Simt,
    /// After warp-to-loop: each kernel describes what a whole block does, with explicit loops
    /// over the block's threads. `Barrier`, `SyncWarp`, `Shuffle`, `Vote`, `Match`,
    /// `ActiveMask`, `WarpReduce`, `ThreadId` and `LaneId` are not allowed (the thread loops
    /// compute ids themselves). CPU backends (WASM, native) require this phase.
    PerBlock,
}

/// The name of the `i32` local that counts the threads of a thread loop made by warp-to-loop
/// (a linear thread index). A `loop` whose body starts with `%t = load` of this local,
/// `%c = cmp.sge %t, %n` and `if %c { break }` is a *thread loop*: its iterations are
/// distinct CUDA threads between two barriers, so they are independent and may run in any
/// order or several at once (the WASM backend runs them four at a time with SIMD128). Its
/// `continuing` region only steps the thread counters: it adds one to the thread index and
/// to `threadIdx.x` ([`THREAD_ID_LOCALS`]). Warp-to-loop makes it the innermost of three
/// loops over `z`, `y` and `x`: it runs one row of the block (`%n` is the index after the
/// row), and `threadIdx.y/z` do not change in it.
pub const THREAD_INDEX_LOCAL: &str = "thread.index";

/// The names of the `i32` locals holding `threadIdx.x/y/z` of a thread loop's current thread
/// (see [`THREAD_INDEX_LOCAL`]).
pub const THREAD_ID_LOCALS: [&str; 3] = ["thread.x", "thread.y", "thread.z"];

/// A memory address space. Pointers are 64-bit in every space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddrSpace {
    /// Device memory (`__device__` variables, `cudaMalloc` buffers).
    Global,
    /// Per-block memory (`__shared__`), static and dynamic.
    Shared,
    /// Read-only device memory (`__constant__`).
    Constant,
    /// Per-thread memory: local variables whose address is taken, stack slots.
    Local,
    /// Kernel parameters passed by value (read-only).
    Param,
    /// A CUDA generic pointer that may point into global, shared, constant or local memory.
    Generic,
}

/// Width of an integer type. Integers are signless: operations say whether they treat their
/// operands as signed or unsigned (`sdiv` / `udiv`, `slt` / `ult`, `sext` / `zext`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntWidth {
    /// 8 bits (`i8`).
    W8,
    /// 16 bits (`i16`).
    W16,
    /// 32 bits (`i32`).
    W32,
    /// 64 bits (`i64`).
    W64,
}

/// Width of a floating-point type (IEEE 754 binary32 / binary64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatWidth {
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

/// A type. Scalars are `i1` (bool), signless integers, floats and pointers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `i1`: a boolean; stored in memory as one byte (0 or 1).
    Bool,
    /// A signless integer (`i8` .. `i64`).
    Int(IntWidth),
    /// A float (`f32`, `f64`).
    Float(FloatWidth),
    /// `ptr<space>`: a 64-bit byte address; loads and stores name the pointee type.
    Ptr(AddrSpace),
    /// `[len x elem]`: `len` elements placed `size_of(elem)` bytes apart.
    Array {
        /// The element type.
        elem: TypeId,
        /// The number of elements.
        len: u64,
    },
    /// A struct with explicit layout (CUDA's LP64 layout, computed by the front end).
    Struct(StructType),
}

/// The layout of a struct type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructType {
    /// Fields in declaration order.
    pub fields: Vec<StructField>,
    /// Size in bytes, including tail padding.
    pub size: u64,
    /// Alignment in bytes (a power of two).
    pub align: u32,
}

/// One field of a struct.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructField {
    /// The field type.
    pub ty: TypeId,
    /// Byte offset from the start of the struct.
    pub offset: u64,
}

/// A module-level variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    /// The source name.
    pub name: String,
    /// The type of the variable's storage.
    pub ty: TypeId,
    /// `Global`, `Shared` or `Constant`.
    pub space: AddrSpace,
    /// Alignment in bytes (a power of two).
    pub align: u32,
    /// Initial bytes (`size_of(ty)` long), or `None` for zero-initialized memory.
    /// Shared variables have no initializer.
    pub init: Option<Vec<u8>>,
}

/// A kernel or device function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// The symbol name (for kernels, the source name is in [`KernelInfo::name`]).
    pub name: String,
    /// The parameters: values defined on entry, in order.
    pub params: Vec<Value>,
    /// The return type, `None` for `void`.
    pub ret: Option<TypeId>,
    /// The type of every value, indexed by [`Value`]. `None` marks a number that is not
    /// defined (never used, or removed by a pass).
    pub value_types: Vec<Option<TypeId>>,
    /// Local variables: per-thread memory slots whose address `local_addr` gives.
    pub locals: Vec<LocalVar>,
    /// The body.
    pub body: Region,
}

/// A per-thread memory slot of a function (a C local variable, a spill slot).
#[derive(Clone, Debug, PartialEq)]
pub struct LocalVar {
    /// A name for humans (may be empty).
    pub name: String,
    /// The type of the slot's storage.
    pub ty: TypeId,
    /// Alignment in bytes (a power of two).
    pub align: u32,
}

/// A list of statements executed in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Region {
    /// The statements.
    pub stmts: Vec<Stmt>,
}

/// A source location: file (index into [`Module::files`]), line and column (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Loc {
    /// Index into [`Module::files`].
    pub file: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// A statement with its optional source location.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What the statement does.
    pub kind: StmtKind,
    /// Where it came from in the source.
    pub loc: Option<Loc>,
}

/// The statements: one instruction, or structured control flow.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// Executes an instruction; `result` names the value it defines (optional for
    /// instructions executed only for their effect).
    Inst {
        /// The value defined, if any.
        result: Option<Value>,
        /// The instruction.
        inst: Inst,
    },
    /// Runs `then_region` if `cond` (an `i1`) is true, else `else_region`.
    If {
        /// The condition (`i1`).
        cond: Value,
        /// Run when the condition is true.
        then_region: Region,
        /// Run when the condition is false.
        else_region: Region,
    },
    /// Runs `body` then `continuing` repeatedly until a `break` in `body`. `continue` in
    /// `body` jumps to `continuing`. `continuing` contains no `break`, `continue` or `return`
    /// of its own (nested loops may contain theirs).
    Loop {
        /// The loop body.
        body: Region,
        /// Run after each iteration of the body (the `i++` of a `for`).
        continuing: Region,
    },
    /// Leaves the innermost loop.
    Break,
    /// Jumps to the `continuing` region of the innermost loop.
    Continue,
    /// Returns from the function, with a value for non-void functions.
    Return(Option<Value>),
}

/// A compile-time dimension: `x`, `y` or `z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dim {
    /// `.x`
    X,
    /// `.y`
    Y,
    /// `.z`
    Z,
}

/// Operations with one operand. The result has the operand's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// Two's complement negation (integers).
    Neg,
    /// Bitwise not (integers); logical not on `i1`.
    Not,
    /// Count leading zeros (integers; `clz(0)` is the bit width).
    Clz,
    /// Count trailing zeros (integers; `ctz(0)` is the bit width).
    Ctz,
    /// Number of set bits (integers).
    Popcount,
    /// Reverse the bit order (integers).
    BitReverse,
    /// Reverse the byte order (integers of 16 bits or more).
    ByteSwap,
    /// Float negation (flips the sign bit).
    FNeg,
    /// Float absolute value (clears the sign bit).
    FAbs,
    /// Correctly rounded square root.
    Sqrt,
    /// Round toward negative infinity.
    Floor,
    /// Round toward positive infinity.
    Ceil,
    /// Round toward zero.
    Trunc,
    /// Round to nearest, ties to even (`rintf`).
    RoundEven,
}

/// Operations with two operands of the same type; the result has that type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// Wrapping integer addition.
    Add,
    /// Wrapping integer subtraction.
    Sub,
    /// Wrapping integer multiplication.
    Mul,
    /// Signed division, rounding toward zero. Division by zero is an error; `MIN / -1` wraps.
    SDiv,
    /// Unsigned division. Division by zero is an error.
    UDiv,
    /// Signed remainder (sign of the dividend). Division by zero is an error.
    SRem,
    /// Unsigned remainder. Division by zero is an error.
    URem,
    /// High half of the signed double-width product (`__mulhi`, `__mul64hi`).
    MulHiS,
    /// High half of the unsigned double-width product (`__umulhi`).
    MulHiU,
    /// Bitwise and (also `i1`).
    And,
    /// Bitwise or (also `i1`).
    Or,
    /// Bitwise xor (also `i1`).
    Xor,
    /// Shift left; the shift amount is taken modulo the bit width.
    Shl,
    /// Logical shift right; the amount is taken modulo the bit width.
    LShr,
    /// Arithmetic shift right; the amount is taken modulo the bit width.
    AShr,
    /// Signed minimum.
    SMin,
    /// Signed maximum.
    SMax,
    /// Unsigned minimum.
    UMin,
    /// Unsigned maximum.
    UMax,
    /// IEEE addition, round to nearest even.
    FAdd,
    /// IEEE subtraction.
    FSub,
    /// IEEE multiplication.
    FMul,
    /// IEEE division (correctly rounded).
    FDiv,
    /// C `fmod`: remainder with the sign of the dividend.
    FRem,
    /// C `fmin`: the smaller operand; if one is NaN, the other.
    FMin,
    /// C `fmax`: the larger operand; if one is NaN, the other.
    FMax,
    /// C `copysign`: magnitude of the first operand, sign of the second.
    CopySign,
}

/// Comparisons; the operands have the same type, the result is `i1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// Equal (integers, `i1`, pointers).
    Eq,
    /// Not equal (integers, `i1`, pointers).
    Ne,
    /// Signed less than.
    SLt,
    /// Signed less or equal.
    SLe,
    /// Signed greater than.
    SGt,
    /// Signed greater or equal.
    SGe,
    /// Unsigned less than (also pointers).
    ULt,
    /// Unsigned less or equal (also pointers).
    ULe,
    /// Unsigned greater than (also pointers).
    UGt,
    /// Unsigned greater or equal (also pointers).
    UGe,
    /// Ordered and equal (C `==` on floats).
    FEq,
    /// Unordered or not equal (C `!=` on floats).
    FNe,
    /// Ordered and less than.
    FLt,
    /// Ordered and less or equal.
    FLe,
    /// Ordered and greater than.
    FGt,
    /// Ordered and greater or equal.
    FGe,
    /// Neither operand is NaN.
    FOrd,
    /// At least one operand is NaN (`isnan(a)` is `funo a, a`).
    FUno,
}

/// Conversions; the target type is the type of the result value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvOp {
    /// Integer to narrower integer (keeps the low bits); to `i1` keeps bit 0.
    Trunc,
    /// Integer (or `i1`) to wider integer, filling with zeros.
    ZExt,
    /// Integer (or `i1`, giving 0 or -1) to wider integer, copying the sign bit.
    SExt,
    /// `f64` to `f32`, round to nearest even.
    FpTrunc,
    /// `f32` to `f64` (exact).
    FpExt,
    /// Signed integer to float, round to nearest even.
    SIToFP,
    /// Unsigned integer to float, round to nearest even.
    UIToFP,
    /// Float to signed integer, rounding toward zero; saturates at the type's range and
    /// gives 0 for NaN (as PTX `cvt.rzi` does).
    FPToSI,
    /// Float to unsigned integer, rounding toward zero; saturates, NaN gives 0.
    FPToUI,
    /// Reinterprets the bits between an integer and a float of the same width.
    Bitcast,
    /// Pointer to `i64`.
    PtrToInt,
    /// `i64` to pointer.
    IntToPtr,
    /// Between a specific address space and `generic` (the address does not change).
    AddrSpaceCast,
}

/// The kinds of `__syncthreads` variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BarrierKind {
    /// `__syncthreads()`: no result.
    Sync,
    /// `__syncthreads_count(pred)`: `i32` number of threads whose predicate is true.
    Count(Value),
    /// `__syncthreads_and(pred)`: `i32` 1 if the predicate is true for all threads.
    And(Value),
    /// `__syncthreads_or(pred)`: `i32` 1 if the predicate is true for any thread.
    Or(Value),
}

/// How a shuffle picks its source lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShuffleKind {
    /// `__shfl_sync`: from lane `src % width` of the caller's width-segment.
    Idx,
    /// `__shfl_up_sync`: from `lane - delta`; own value if that leaves the segment.
    Up,
    /// `__shfl_down_sync`: from `lane + delta`; own value if that leaves the segment.
    Down,
    /// `__shfl_xor_sync`: from `lane ^ mask`; own value if that is in a later segment.
    Xor,
}

/// Warp votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VoteKind {
    /// `__any_sync`: `i1`.
    Any,
    /// `__all_sync`: `i1`.
    All,
    /// `__ballot_sync`: `i32`, bit `i` set when lane `i` participates and its predicate holds.
    Ballot,
}

/// Warp matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// `__match_any_sync`: `i32` mask of the participating lanes with the same value.
    Any,
    /// `__match_all_sync`: `i32` the participation mask if all values are equal, else 0
    /// (the `pred` out-parameter of CUDA is `result != 0`).
    All,
}

/// Warp reductions (`__reduce_*_sync`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// Wrapping sum.
    Add,
    /// Signed minimum.
    SMin,
    /// Signed maximum.
    SMax,
    /// Unsigned minimum.
    UMin,
    /// Unsigned maximum.
    UMax,
    /// Bitwise and.
    And,
    /// Bitwise or.
    Or,
    /// Bitwise xor.
    Xor,
}

/// Atomic read-modify-write operations; the result is the old value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicOp {
    /// Addition (integers wrap; floats IEEE).
    Add,
    /// Wrapping subtraction (integers).
    Sub,
    /// Exchange (integers and floats).
    Exch,
    /// Signed minimum.
    SMin,
    /// Unsigned minimum.
    UMin,
    /// Signed maximum.
    SMax,
    /// Unsigned maximum.
    UMax,
    /// `atomicInc`: `old >= value ? 0 : old + 1` (unsigned).
    Inc,
    /// `atomicDec`: `(old == 0 || old > value) ? value : old - 1` (unsigned).
    Dec,
    /// Bitwise and.
    And,
    /// Bitwise or.
    Or,
    /// Bitwise xor.
    Xor,
}

/// The set of threads an atomic or fence is coherent with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `_block` variants, `__threadfence_block`.
    Block,
    /// The default: the whole device.
    Device,
    /// `_system` variants, `__threadfence_system`.
    System,
}

/// An instruction. Its result type is recorded in [`Function::value_types`]; instructions
/// whose result type does not follow from their operands (`const`, `load`, conversions,
/// `math`, `call`) must have a result.
#[derive(Clone, Debug, PartialEq)]
pub enum Inst {
    /// A constant: integers zero-extended to 64 bits, floats as their IEEE bits, `i1` as
    /// 0 / 1, pointers only 0 (null).
    Const {
        /// The raw bits.
        bits: u64,
    },
    /// A one-operand operation.
    Unary {
        /// The operation.
        op: UnaryOp,
        /// The operand.
        arg: Value,
    },
    /// A two-operand operation.
    Binary {
        /// The operation.
        op: BinaryOp,
        /// Left operand.
        lhs: Value,
        /// Right operand.
        rhs: Value,
    },
    /// A comparison giving `i1`.
    Cmp {
        /// The predicate.
        op: CmpOp,
        /// Left operand.
        lhs: Value,
        /// Right operand.
        rhs: Value,
    },
    /// `cond ? if_true : if_false` (both evaluated).
    Select {
        /// The condition (`i1`).
        cond: Value,
        /// Value when true.
        if_true: Value,
        /// Value when false.
        if_false: Value,
    },
    /// A conversion to the result's type.
    Convert {
        /// The conversion.
        op: ConvOp,
        /// The operand.
        arg: Value,
    },
    /// `ptr + offset` in bytes; `offset` is a signed `i64`; the result has `ptr`'s type.
    PtrAdd {
        /// The base pointer.
        ptr: Value,
        /// The signed byte offset (`i64`).
        offset: Value,
    },
    /// Reads a scalar of the result's type from memory.
    Load {
        /// The address.
        ptr: Value,
        /// The alignment the address is known to have (a power of two).
        align: u32,
        /// `volatile` access (never removed or merged).
        volatile: bool,
    },
    /// Writes a scalar to memory.
    Store {
        /// The address.
        ptr: Value,
        /// The value stored.
        value: Value,
        /// The alignment the address is known to have.
        align: u32,
        /// `volatile` access.
        volatile: bool,
    },
    /// The address of a module variable: `ptr<space of the global>`.
    GlobalAddr(GlobalId),
    /// The address of a local variable of this thread: `ptr<local>`.
    LocalAddr(LocalId),
    /// The base of the block's dynamic shared memory (`extern __shared__ T s[]`): `ptr<shared>`.
    DynSharedAddr,
    /// The base of the current block's shared-memory buffer: `ptr<shared>`. Static
    /// `__shared__` variables lie at the offsets the `shared-to-buffer` pass assigned, then
    /// the dynamic shared memory at [`KernelInfo::dynamic_shared_offset`]. Allowed only in
    /// [`Phase::PerBlock`]; valid in device functions too (it is the buffer of the block
    /// that the running kernel invocation executes).
    SharedBuffer,
    /// Calls a device function.
    Call {
        /// The callee (not a kernel).
        func: FuncId,
        /// The arguments, matching the callee's parameters.
        args: Vec<Value>,
    },
    /// Calls a math builtin by its CUDA name (`sinf`, `pow`, `__expf`, …); arguments and
    /// result are floats of the width the name implies.
    Math {
        /// The CUDA name.
        name: String,
        /// The arguments.
        args: Vec<Value>,
    },
    /// `threadIdx.dim` (`i32`).
    ThreadId(Dim),
    /// `blockIdx.dim` (`i32`).
    BlockId(Dim),
    /// `blockDim.dim` (`i32`).
    BlockDim(Dim),
    /// `gridDim.dim` (`i32`).
    GridDim(Dim),
    /// The lane of the calling thread in its warp, 0..32 (`i32`).
    LaneId,
    /// 32 (`i32`).
    WarpSize,
    /// `__syncthreads` and its variants: waits until every thread of the block arrives.
    Barrier(BarrierKind),
    /// `__syncwarp(mask)`: waits for the lanes in `mask` (`i32`).
    SyncWarp {
        /// The lanes that synchronize.
        mask: Value,
    },
    /// `__shfl*_sync`: reads `value` from another lane; result has `value`'s type
    /// (32- or 64-bit integer or float).
    Shuffle {
        /// How the source lane is chosen.
        kind: ShuffleKind,
        /// Participating lanes (`i32`).
        mask: Value,
        /// The value exchanged.
        value: Value,
        /// Source lane (`Idx`), delta (`Up`/`Down`) or lane mask (`Xor`); `i32`.
        lane_or_delta: Value,
        /// Segment width, a power of two from 1 to 32 (`i32`).
        width: Value,
    },
    /// `__any_sync`, `__all_sync`, `__ballot_sync`.
    Vote {
        /// The vote.
        kind: VoteKind,
        /// Participating lanes (`i32`).
        mask: Value,
        /// The predicate (`i1`).
        pred: Value,
    },
    /// `__match_any_sync`, `__match_all_sync` on a 32- or 64-bit value; result `i32`.
    Match {
        /// The match.
        kind: MatchKind,
        /// Participating lanes (`i32`).
        mask: Value,
        /// The value compared.
        value: Value,
    },
    /// `__activemask()`: the lanes executing this instruction together (`i32`).
    ActiveMask,
    /// `clock()` / `clock64()`: a per-thread counter (`i64`) that never decreases between two
    /// reads by the same thread. Backends give it their best clock (cycles on a GPU, a
    /// monotonic time in nanoseconds on a CPU); only differences are meaningful.
    Clock,
    /// `__reduce_*_sync(mask, value)` on `i32`; result `i32`.
    WarpReduce {
        /// The reduction.
        op: ReduceOp,
        /// Participating lanes (`i32`).
        mask: Value,
        /// This lane's contribution (`i32`).
        value: Value,
    },
    /// Atomic read-modify-write; result is the old value (type of `value`).
    AtomicRmw {
        /// The operation.
        op: AtomicOp,
        /// The address (global, shared or generic).
        ptr: Value,
        /// The operand.
        value: Value,
        /// Coherence scope.
        scope: Scope,
    },
    /// `atomicCAS`: stores `desired` if memory holds `expected`; result is the old value.
    AtomicCas {
        /// The address (global, shared or generic).
        ptr: Value,
        /// The value compared with.
        expected: Value,
        /// The value stored on equality.
        desired: Value,
        /// Coherence scope.
        scope: Scope,
    },
    /// `__threadfence*`: orders this thread's memory accesses.
    Fence(Scope),
    /// Aborts the kernel launch with a message (`__trap()`, failed `assert`).
    Trap {
        /// Why.
        message: String,
    },
    /// `printf`: the format string and the (already promoted) arguments; result `i32`.
    Printf {
        /// The C format string.
        format: String,
        /// Arguments: integers, `f64`, pointers (`%s` reads a C string).
        args: Vec<Value>,
    },
}

/// What a kernel parameter is, as the host passes it.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamKind {
    /// A scalar of this type; the function parameter has this type.
    Scalar(TypeId),
    /// A pointer; the function parameter is `ptr<space>`.
    Pointer(AddrSpace),
    /// An aggregate passed by value; the function parameter is a `ptr<param>` to its bytes.
    ByValue(TypeId),
}

/// One kernel parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelParam {
    /// The source name (may be empty).
    pub name: String,
    /// How the host passes it.
    pub kind: ParamKind,
}

/// `__launch_bounds__(max_threads, min_blocks)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaunchBounds {
    /// Maximum threads per block.
    pub max_threads: u32,
    /// Minimum resident blocks per multiprocessor, if given.
    pub min_blocks: Option<u32>,
}

/// An entry point of the module.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelInfo {
    /// The source name (what `cwcc run --kernel` names).
    pub name: String,
    /// The function that implements it (returns `void`).
    pub function: FuncId,
    /// The parameters, in order.
    pub params: Vec<KernelParam>,
    /// Bytes of static `__shared__` memory the kernel uses. After the `shared-to-buffer`
    /// pass ([`Module::shared_in_buffer`]): the end of the kernel's last static variable in
    /// the per-block buffer.
    pub static_shared_bytes: u64,
    /// The byte offset of dynamic (`extern __shared__`) memory in the per-block buffer, a
    /// multiple of 16 and at least `static_shared_bytes`. Meaningful only after the
    /// `shared-to-buffer` pass ([`Module::shared_in_buffer`]); 0 before. A launch with `D`
    /// bytes of dynamic shared memory needs a buffer of `dynamic_shared_offset + D` bytes
    /// (at least `static_shared_bytes`), aligned to 16 bytes (and to any larger alignment of
    /// the kernel's shared variables).
    pub dynamic_shared_offset: u64,
    /// Whether the kernel uses `extern __shared__` (dynamic) memory.
    pub uses_dynamic_shared: bool,
    /// `__launch_bounds__`, if given.
    pub launch_bounds: Option<LaunchBounds>,
}
