//! Methods on the IR types of `ir.rs`: arenas, type interning and layout, value bookkeeping,
//! operand visiting, and the text names of operations (shared by printer and reader).

use crate::ir::*;
use std::marker::PhantomData;

impl<H: Handle, T> Default for Arena<H, T> {
    fn default() -> Self {
        Arena {
            items: Vec::new(),
            marker: PhantomData,
        }
    }
}

impl<H: Handle, T> Arena<H, T> {
    /// An empty arena.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an item and returns its handle.
    pub fn push(&mut self, item: T) -> H {
        let handle = H::from_index(self.items.len());
        self.items.push(item);
        handle
    }
    /// The item of a handle, if the handle is in range.
    pub fn get(&self, handle: H) -> Option<&T> {
        self.items.get(handle.index())
    }
    /// The item of a handle, mutably, if the handle is in range.
    pub fn get_mut(&mut self, handle: H) -> Option<&mut T> {
        self.items.get_mut(handle.index())
    }
    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether the arena is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// Items with their handles, in order.
    pub fn iter(&self) -> impl Iterator<Item = (H, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(index, item)| (H::from_index(index), item))
    }
}

impl TypeArena {
    /// Interns a type: equal types get the same handle.
    pub fn intern(&mut self, ty: Type) -> TypeId {
        if let Some(&id) = self.lookup.get(&ty) {
            return id;
        }
        let id = TypeId::from_index(self.types.len());
        self.types.push(ty.clone());
        self.lookup.insert(ty, id);
        id
    }
    /// The type of a handle, if in range.
    pub fn get(&self, id: TypeId) -> Option<&Type> {
        self.types.get(id.index())
    }
    /// Number of types.
    pub fn len(&self) -> usize {
        self.types.len()
    }
    /// Whether no type is interned.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }
}

impl Default for Module {
    fn default() -> Self {
        Module::new()
    }
}

impl Module {
    /// An empty module in the [`Phase::Simt`] phase.
    pub fn new() -> Self {
        Module {
            types: TypeArena::default(),
            globals: Arena::new(),
            functions: Arena::new(),
            kernels: Vec::new(),
            files: Vec::new(),
            phase: Phase::Simt,
            shared_in_buffer: false,
        }
    }

    /// Interns a type.
    pub fn ty(&mut self, ty: Type) -> TypeId {
        self.types.intern(ty)
    }

    /// The type behind a handle, if in range.
    pub fn type_of(&self, id: TypeId) -> Option<&Type> {
        self.types.get(id)
    }

    /// Size in bytes of a type (CUDA LP64 layout), `None` for an out-of-range handle or an
    /// overflowing array.
    pub fn size_of(&self, id: TypeId) -> Option<u64> {
        Some(match self.types.get(id)? {
            Type::Bool => 1,
            Type::Int(w) => w.bytes(),
            Type::Float(FloatWidth::F32) => 4,
            Type::Float(FloatWidth::F64) => 8,
            Type::Ptr(_) => 8,
            Type::Array { elem, len } => {
                if elem.index() >= id.index() {
                    return None;
                }
                self.size_of(*elem)?.checked_mul(*len)?
            }
            Type::Struct(s) => s.size,
        })
    }

    /// Alignment in bytes of a type.
    pub fn align_of(&self, id: TypeId) -> Option<u32> {
        Some(match self.types.get(id)? {
            Type::Bool => 1,
            Type::Int(w) => w.bytes() as u32,
            Type::Float(FloatWidth::F32) => 4,
            Type::Float(FloatWidth::F64) => 8,
            Type::Ptr(_) => 8,
            Type::Array { elem, .. } => {
                if elem.index() >= id.index() {
                    return None;
                }
                self.align_of(*elem)?
            }
            Type::Struct(s) => s.align,
        })
    }

    /// Whether a type is a scalar (may be loaded, stored, passed to functions).
    pub fn is_scalar(&self, id: TypeId) -> bool {
        matches!(
            self.types.get(id),
            Some(Type::Bool | Type::Int(_) | Type::Float(_) | Type::Ptr(_))
        )
    }

    /// The function of a kernel by source name.
    pub fn kernel(&self, name: &str) -> Option<&KernelInfo> {
        self.kernels.iter().find(|k| k.name == name)
    }

    /// Formats a location as `file:line:col`.
    pub fn format_loc(&self, loc: Loc) -> String {
        let file = self
            .files
            .get(loc.file as usize)
            .map(String::as_str)
            .unwrap_or("<unknown file>");
        format!("{}:{}:{}", file, loc.line, loc.col)
    }
}

impl IntWidth {
    /// Size in bytes.
    pub fn bytes(self) -> u64 {
        match self {
            IntWidth::W8 => 1,
            IntWidth::W16 => 2,
            IntWidth::W32 => 4,
            IntWidth::W64 => 8,
        }
    }
    /// Size in bits.
    pub fn bits(self) -> u32 {
        (self.bytes() * 8) as u32
    }
}

impl Function {
    /// A function with no parameters, locals or statements.
    pub fn new(name: impl Into<String>, ret: Option<TypeId>) -> Self {
        Function {
            name: name.into(),
            params: Vec::new(),
            ret,
            value_types: Vec::new(),
            locals: Vec::new(),
            body: Region::default(),
        }
    }
    /// Makes a fresh value of a type.
    pub fn new_value(&mut self, ty: TypeId) -> Value {
        let value = Value::from_index(self.value_types.len());
        self.value_types.push(Some(ty));
        value
    }
    /// Adds a parameter of a type and returns its value.
    pub fn add_param(&mut self, ty: TypeId) -> Value {
        let value = self.new_value(ty);
        self.params.push(value);
        value
    }
    /// Adds a local variable.
    pub fn add_local(&mut self, name: impl Into<String>, ty: TypeId, align: u32) -> LocalId {
        let id = LocalId::from_index(self.locals.len());
        self.locals.push(LocalVar {
            name: name.into(),
            ty,
            align,
        });
        id
    }
    /// The type of a value, if it is defined.
    pub fn value_type(&self, value: Value) -> Option<TypeId> {
        self.value_types.get(value.index()).copied().flatten()
    }
}

impl Stmt {
    /// A statement without a location.
    pub fn new(kind: StmtKind) -> Self {
        Stmt { kind, loc: None }
    }
    /// An instruction statement.
    pub fn inst(result: Option<Value>, inst: Inst) -> Self {
        Stmt::new(StmtKind::Inst { result, inst })
    }
}

impl Region {
    /// A region of statements.
    pub fn new(stmts: Vec<Stmt>) -> Self {
        Region { stmts }
    }

    /// Calls `f` on every statement at every depth, in order (a structured statement before
    /// the statements of its regions; `then` before `else`, `body` before `continuing`).
    pub fn walk<'r>(&'r self, f: &mut impl FnMut(&'r Stmt)) {
        for stmt in &self.stmts {
            f(stmt);
            match &stmt.kind {
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    then_region.walk(f);
                    else_region.walk(f);
                }
                StmtKind::Loop { body, continuing } => {
                    body.walk(f);
                    continuing.walk(f);
                }
                _ => {}
            }
        }
    }

    /// Calls `f` on every instruction at every depth, in order, with the value it defines.
    pub fn for_each_inst<'r>(&'r self, f: &mut impl FnMut(Option<Value>, &'r Inst)) {
        self.walk(&mut |stmt| {
            if let StmtKind::Inst { result, inst } = &stmt.kind {
                f(*result, inst);
            }
        });
    }
}

impl Inst {
    /// Calls `f` on every value operand, in the order the text form prints them.
    pub fn for_each_operand(&self, mut f: impl FnMut(Value)) {
        match self {
            Inst::Const { .. }
            | Inst::GlobalAddr(_)
            | Inst::LocalAddr(_)
            | Inst::DynSharedAddr
            | Inst::SharedBuffer
            | Inst::ThreadId(_)
            | Inst::BlockId(_)
            | Inst::BlockDim(_)
            | Inst::GridDim(_)
            | Inst::LaneId
            | Inst::WarpSize
            | Inst::ActiveMask
            | Inst::Clock
            | Inst::Fence(_)
            | Inst::Trap { .. } => {}
            Inst::Unary { arg, .. } | Inst::Convert { arg, .. } => f(*arg),
            Inst::Binary { lhs, rhs, .. } | Inst::Cmp { lhs, rhs, .. } => {
                f(*lhs);
                f(*rhs);
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                f(*cond);
                f(*if_true);
                f(*if_false);
            }
            Inst::PtrAdd { ptr, offset } => {
                f(*ptr);
                f(*offset);
            }
            Inst::Load { ptr, .. } => f(*ptr),
            Inst::Store { ptr, value, .. } => {
                f(*ptr);
                f(*value);
            }
            Inst::Call { args, .. } | Inst::Math { args, .. } | Inst::Printf { args, .. } => {
                args.iter().for_each(|a| f(*a))
            }
            Inst::Barrier(kind) => match kind {
                BarrierKind::Sync => {}
                BarrierKind::Count(p) | BarrierKind::And(p) | BarrierKind::Or(p) => f(*p),
            },
            Inst::SyncWarp { mask } => f(*mask),
            Inst::Shuffle {
                mask,
                value,
                lane_or_delta,
                width,
                ..
            } => {
                f(*mask);
                f(*value);
                f(*lane_or_delta);
                f(*width);
            }
            Inst::Vote { mask, pred, .. } => {
                f(*mask);
                f(*pred);
            }
            Inst::Match { mask, value, .. } | Inst::WarpReduce { mask, value, .. } => {
                f(*mask);
                f(*value);
            }
            Inst::AtomicRmw { ptr, value, .. } => {
                f(*ptr);
                f(*value);
            }
            Inst::AtomicCas {
                ptr,
                expected,
                desired,
                ..
            } => {
                f(*ptr);
                f(*expected);
                f(*desired);
            }
        }
    }

    /// Calls `f` on every value operand, mutably, in the order of [`Inst::for_each_operand`].
    pub fn for_each_operand_mut(&mut self, mut f: impl FnMut(&mut Value)) {
        match self {
            Inst::Const { .. }
            | Inst::GlobalAddr(_)
            | Inst::LocalAddr(_)
            | Inst::DynSharedAddr
            | Inst::SharedBuffer
            | Inst::ThreadId(_)
            | Inst::BlockId(_)
            | Inst::BlockDim(_)
            | Inst::GridDim(_)
            | Inst::LaneId
            | Inst::WarpSize
            | Inst::ActiveMask
            | Inst::Clock
            | Inst::Fence(_)
            | Inst::Trap { .. } => {}
            Inst::Unary { arg, .. } | Inst::Convert { arg, .. } => f(arg),
            Inst::Binary { lhs, rhs, .. } | Inst::Cmp { lhs, rhs, .. } => {
                f(lhs);
                f(rhs);
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                f(cond);
                f(if_true);
                f(if_false);
            }
            Inst::PtrAdd { ptr, offset } => {
                f(ptr);
                f(offset);
            }
            Inst::Load { ptr, .. } => f(ptr),
            Inst::Store { ptr, value, .. } => {
                f(ptr);
                f(value);
            }
            Inst::Call { args, .. } | Inst::Math { args, .. } | Inst::Printf { args, .. } => {
                args.iter_mut().for_each(f)
            }
            Inst::Barrier(kind) => match kind {
                BarrierKind::Sync => {}
                BarrierKind::Count(p) | BarrierKind::And(p) | BarrierKind::Or(p) => f(p),
            },
            Inst::SyncWarp { mask } => f(mask),
            Inst::Shuffle {
                mask,
                value,
                lane_or_delta,
                width,
                ..
            } => {
                f(mask);
                f(value);
                f(lane_or_delta);
                f(width);
            }
            Inst::Vote { mask, pred, .. } => {
                f(mask);
                f(pred);
            }
            Inst::Match { mask, value, .. } | Inst::WarpReduce { mask, value, .. } => {
                f(mask);
                f(value);
            }
            Inst::AtomicRmw { ptr, value, .. } => {
                f(ptr);
                f(value);
            }
            Inst::AtomicCas {
                ptr,
                expected,
                desired,
                ..
            } => {
                f(ptr);
                f(expected);
                f(desired);
            }
        }
    }

    /// The value operands in order.
    pub fn operands(&self) -> Vec<Value> {
        let mut out = Vec::new();
        self.for_each_operand(|v| out.push(v));
        out
    }

    /// Whether the instruction has no effect besides its result (so it may be removed when
    /// the result is unused). Non-volatile loads count as pure; calls do not.
    pub fn is_pure(&self) -> bool {
        match self {
            Inst::Const { .. }
            | Inst::Unary { .. }
            | Inst::Binary { .. }
            | Inst::Cmp { .. }
            | Inst::Select { .. }
            | Inst::Convert { .. }
            | Inst::PtrAdd { .. }
            | Inst::GlobalAddr(_)
            | Inst::LocalAddr(_)
            | Inst::DynSharedAddr
            | Inst::SharedBuffer
            | Inst::ThreadId(_)
            | Inst::BlockId(_)
            | Inst::BlockDim(_)
            | Inst::GridDim(_)
            | Inst::LaneId
            | Inst::WarpSize
            | Inst::Math { .. } => true,
            Inst::Load { volatile, .. } => !volatile,
            _ => false,
        }
    }

    /// Whether the instruction is a barrier or warp-level operation (forbidden in
    /// [`Phase::PerBlock`]).
    pub fn is_simt_only(&self) -> bool {
        matches!(
            self,
            Inst::Barrier(_)
                | Inst::SyncWarp { .. }
                | Inst::Shuffle { .. }
                | Inst::Vote { .. }
                | Inst::Match { .. }
                | Inst::ActiveMask
                | Inst::WarpReduce { .. }
                | Inst::ThreadId(_)
                | Inst::LaneId
        )
    }
}

/// Text names of enumerations, shared by the printer and the reader.
pub trait OpName: Sized + Copy + 'static {
    /// Every variant.
    const ALL: &'static [Self];
    /// The text name.
    fn name(self) -> &'static str;
    /// The variant with a text name.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == name)
    }
}

macro_rules! op_names {
    ($ty:ty { $($variant:ident => $text:literal),* $(,)? }) => {
        impl OpName for $ty {
            const ALL: &'static [Self] = &[$(<$ty>::$variant),*];
            fn name(self) -> &'static str {
                match self { $(<$ty>::$variant => $text),* }
            }
        }
    };
}

op_names!(UnaryOp {
    Neg => "neg", Not => "not", Clz => "clz", Ctz => "ctz", Popcount => "popcount",
    BitReverse => "bitreverse", ByteSwap => "byteswap", FNeg => "fneg", FAbs => "fabs",
    Sqrt => "sqrt", Floor => "floor", Ceil => "ceil", Trunc => "ftrunc", RoundEven => "roundeven",
});
op_names!(BinaryOp {
    Add => "add", Sub => "sub", Mul => "mul", SDiv => "sdiv", UDiv => "udiv", SRem => "srem",
    URem => "urem", MulHiS => "mulhi.s", MulHiU => "mulhi.u", And => "and", Or => "or",
    Xor => "xor", Shl => "shl", LShr => "lshr", AShr => "ashr", SMin => "smin", SMax => "smax",
    UMin => "umin", UMax => "umax", FAdd => "fadd", FSub => "fsub", FMul => "fmul",
    FDiv => "fdiv", FRem => "frem", FMin => "fmin", FMax => "fmax", CopySign => "copysign",
});
op_names!(CmpOp {
    Eq => "eq", Ne => "ne", SLt => "slt", SLe => "sle", SGt => "sgt", SGe => "sge",
    ULt => "ult", ULe => "ule", UGt => "ugt", UGe => "uge", FEq => "feq", FNe => "fne",
    FLt => "flt", FLe => "fle", FGt => "fgt", FGe => "fge", FOrd => "ford", FUno => "funo",
});
op_names!(ConvOp {
    Trunc => "trunc", ZExt => "zext", SExt => "sext", FpTrunc => "fptrunc", FpExt => "fpext",
    SIToFP => "sitofp", UIToFP => "uitofp", FPToSI => "fptosi", FPToUI => "fptoui",
    Bitcast => "bitcast", PtrToInt => "ptrtoint", IntToPtr => "inttoptr",
    AddrSpaceCast => "addrspacecast",
});
op_names!(ShuffleKind { Idx => "idx", Up => "up", Down => "down", Xor => "xor" });
op_names!(VoteKind { Any => "any", All => "all", Ballot => "ballot" });
op_names!(MatchKind { Any => "any", All => "all" });
op_names!(ReduceOp {
    Add => "add", SMin => "smin", SMax => "smax", UMin => "umin", UMax => "umax",
    And => "and", Or => "or", Xor => "xor",
});
op_names!(AtomicOp {
    Add => "add", Sub => "sub", Exch => "exch", SMin => "smin", UMin => "umin",
    SMax => "smax", UMax => "umax", Inc => "inc", Dec => "dec", And => "and", Or => "or",
    Xor => "xor",
});
op_names!(Scope { Block => "block", Device => "device", System => "system" });
op_names!(Dim { X => "x", Y => "y", Z => "z" });
op_names!(AddrSpace {
    Global => "global", Shared => "shared", Constant => "constant", Local => "local",
    Param => "param", Generic => "generic",
});
