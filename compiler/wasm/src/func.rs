//! Emission of one SIMT function as a WebAssembly function.
//!
//! Values are WebAssembly locals; `i1`, `i8`, `i16` and `i32` are `i32` locals that always
//! hold the zero-extended value (operations re-normalize their results), `i64` and pointers
//! are `i64`. SIMT locals whose address is only loaded from and stored to with their own
//! scalar type live in WebAssembly locals (registers); the others live in the function's
//! stack frame in linear memory.

use crate::layout::{Frame, StaticData};
use crate::{Globals, Imports, WasmError};
use cwcc_simt::ir::*;
use std::collections::{HashMap, HashSet};
use wasm_encoder::{BlockType, Function as WasmFunction, Instruction as I, MemArg, ValType};

mod linear;
mod narrow;
mod simd;

/// The WebAssembly representation of a scalar type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repr {
    /// An `i32` local holding an integer of `bits` (1, 8, 16 or 32) bits, zero-extended.
    I32(u32),
    /// `i64` or a pointer.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
}

impl Repr {
    pub(crate) fn val_type(self) -> ValType {
        match self {
            Repr::I32(_) => ValType::I32,
            Repr::I64 => ValType::I64,
            Repr::F32 => ValType::F32,
            Repr::F64 => ValType::F64,
        }
    }
}

/// The representation of a scalar type; `None` for aggregates.
pub(crate) fn repr_of(module: &Module, ty: TypeId) -> Option<Repr> {
    Some(match module.type_of(ty)? {
        Type::Bool => Repr::I32(1),
        Type::Int(IntWidth::W8) => Repr::I32(8),
        Type::Int(IntWidth::W16) => Repr::I32(16),
        Type::Int(IntWidth::W32) => Repr::I32(32),
        Type::Int(IntWidth::W64) => Repr::I64,
        Type::Float(FloatWidth::F32) => Repr::F32,
        Type::Float(FloatWidth::F64) => Repr::F64,
        Type::Ptr(_) => Repr::I64,
        _ => return None,
    })
}

fn mem(align: u32, natural: u32) -> MemArg {
    mem_at(align, natural, 0)
}

/// [`mem`] with a constant offset added to the address.
fn mem_at(align: u32, natural: u32, offset: u64) -> MemArg {
    let align = align.clamp(1, natural.max(1));
    MemArg {
        offset,
        align: align.trailing_zeros(),
        memory_index: 0,
    }
}

/// What the emitter needs from the module-level encoder.
pub(crate) struct ModuleContext<'a> {
    pub module: &'a Module,
    pub data: &'a mut StaticData,
    pub globals: &'a Globals,
    pub imports: &'a Imports,
    /// WebAssembly function index of each SIMT function.
    pub func_index: &'a dyn Fn(FuncId) -> u32,
    /// Whether thread loops may use SIMD128.
    pub simd: bool,
}

/// The frame size of each function, for stack bounds.
pub(crate) struct Emitted {
    pub function: WasmFunction,
    pub frame_size: u64,
}

struct LoopLabels {
    break_label: u32,
    continue_label: u32,
}

struct Emitter<'a, 'c> {
    cx: &'c mut ModuleContext<'a>,
    func: &'a Function,
    code: Vec<I<'static>>,
    /// Types of the locals after the parameters.
    extra_locals: Vec<ValType>,
    param_count: u32,
    value_local: HashMap<Value, u32>,
    /// Promoted SIMT locals: their WebAssembly local.
    promoted: HashMap<LocalId, u32>,
    /// `local_addr` results of promoted locals.
    promoted_addr: HashMap<Value, LocalId>,
    /// Every `local_addr` result of the function, and its local.
    local_addrs: HashMap<Value, LocalId>,
    frame: Frame,
    /// The WebAssembly local holding the frame base (an `i32` address), if there is a frame.
    frame_base: Option<u32>,
    depth: u32,
    loops: Vec<LoopLabels>,
    loc: Option<Loc>,
    /// Set while the body of a SIMD128 thread loop is emitted.
    simd: Option<simd::VectorState>,
    /// 64-bit values computed as `i32` (their low 32 bits), see [`narrow`].
    narrow: HashSet<Value>,
    /// The definition of every value, for [`linear`] addresses.
    defs: HashMap<Value, &'a Inst>,
    /// The order in which [`linear`] addresses emit their atoms: first mention first.
    atom_rank: HashMap<AtomKey, usize>,
}

/// What orders an atom of a [`linear`] address: loads of the same register local rank
/// together (they are one Cranelift value unless the local is stored in between).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum AtomKey {
    Local(LocalId),
    Value(Value),
}

/// Emits `func`.
pub(crate) fn emit_function<'a>(
    cx: &mut ModuleContext<'a>,
    func: &'a Function,
) -> Result<Emitted, WasmError> {
    let promotable = promotable_locals(cx.module, func);
    let printf_bytes = max_printf_args(&func.body) * 8;
    let frame = Frame::new(
        cx.module,
        func,
        &|l| promotable.contains_key(&l),
        printf_bytes,
    )?;
    let mut emitter = Emitter {
        cx,
        func,
        code: Vec::new(),
        extra_locals: Vec::new(),
        param_count: func.params.len() as u32,
        value_local: HashMap::new(),
        promoted: HashMap::new(),
        promoted_addr: HashMap::new(),
        local_addrs: HashMap::new(),
        frame,
        frame_base: None,
        depth: 0,
        loops: Vec::new(),
        loc: None,
        simd: None,
        narrow: HashSet::new(),
        defs: linear::definitions(func),
        atom_rank: HashMap::new(),
    };
    for (index, &param) in func.params.iter().enumerate() {
        emitter.value_local.insert(param, index as u32);
    }
    func.body.for_each_inst(&mut |result, inst| {
        if let (Some(r), Inst::LocalAddr(local)) = (result, inst) {
            emitter.local_addrs.insert(r, *local);
        }
    });
    for (local, repr) in &promotable {
        let wasm_local = emitter.new_local(repr.val_type());
        emitter.promoted.insert(*local, wasm_local);
    }
    // The SIMD128 thread loops keep their own (vector) view of 64-bit values.
    if !emitter.cx.simd {
        let excluded = emitter
            .local_addrs
            .iter()
            .filter(|(_, local)| promotable.contains_key(local))
            .map(|(v, _)| *v)
            .collect();
        emitter.narrow = narrow::narrow_values(emitter.cx.module, func, &excluded);
    }
    emitter.prologue();
    emitter.region(&func.body)?;
    if func.ret.is_some() {
        emitter.code.push(I::Unreachable);
    } else {
        emitter.restore_stack();
    }
    emitter.code.push(I::End);
    let mut function = WasmFunction::new(emitter.extra_locals.iter().map(|&t| (1, t)));
    for inst in &emitter.code {
        function.instruction(inst);
    }
    Ok(Emitted {
        function,
        frame_size: emitter.frame.size,
    })
}

/// The locals whose address is only used by loads and stores of the local's own scalar type.
fn promotable_locals(module: &Module, func: &Function) -> HashMap<LocalId, Repr> {
    let mut addr_of: HashMap<Value, LocalId> = HashMap::new();
    let mut candidates: HashMap<LocalId, Repr> = HashMap::new();
    for (index, local) in func.locals.iter().enumerate() {
        if let Some(repr) = repr_of(module, local.ty) {
            candidates.insert(LocalId::from_index(index), repr);
        }
    }
    visit_insts(&func.body, &mut |result, inst| {
        if let (Some(result), Inst::LocalAddr(local)) = (result, inst) {
            addr_of.insert(result, *local);
        }
    });
    let value_ty = |v: Value| func.value_type(v);
    let reject = |v: Value, candidates: &mut HashMap<LocalId, Repr>| {
        if let Some(local) = addr_of.get(&v) {
            candidates.remove(local);
        }
    };
    visit_insts(&func.body, &mut |result, inst| match inst {
        Inst::Load { ptr, .. } => {
            if let Some(local) = addr_of.get(ptr) {
                let local_ty = func.locals.get(local.index()).map(|l| l.ty);
                if result.and_then(value_ty) != local_ty {
                    candidates.remove(local);
                }
            }
        }
        Inst::Store { ptr, value, .. } => {
            if let Some(local) = addr_of.get(ptr) {
                let local_ty = func.locals.get(local.index()).map(|l| l.ty);
                if value_ty(*value) != local_ty {
                    candidates.remove(local);
                }
            }
            reject(*value, &mut candidates);
        }
        other => other.for_each_operand(|v| reject(v, &mut candidates)),
    });
    // Uses in statements (conditions, returns) also take the address.
    visit_stmt_operands(&func.body, &mut |v| reject(v, &mut candidates));
    candidates
}

fn visit_insts(region: &Region, f: &mut dyn FnMut(Option<Value>, &Inst)) {
    region.for_each_inst(&mut |result, inst| f(result, inst));
}

fn visit_stmt_operands(region: &Region, f: &mut dyn FnMut(Value)) {
    for stmt in &region.stmts {
        match &stmt.kind {
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                f(*cond);
                visit_stmt_operands(then_region, f);
                visit_stmt_operands(else_region, f);
            }
            StmtKind::Loop { body, continuing } => {
                visit_stmt_operands(body, f);
                visit_stmt_operands(continuing, f);
            }
            StmtKind::Return(Some(v)) => f(*v),
            _ => {}
        }
    }
}

fn max_printf_args(region: &Region) -> u64 {
    let mut max = 0u64;
    visit_insts(region, &mut |_, inst| {
        if let Inst::Printf { args, .. } = inst {
            max = max.max(args.len() as u64);
        }
    });
    max
}

impl Emitter<'_, '_> {
    fn new_local(&mut self, ty: ValType) -> u32 {
        self.extra_locals.push(ty);
        self.param_count + self.extra_locals.len() as u32 - 1
    }

    fn at(&self) -> Option<String> {
        self.loc.map(|loc| self.cx.module.format_loc(loc))
    }

    fn unsupported(&self, what: impl Into<String>) -> WasmError {
        WasmError::Unsupported {
            what: what.into(),
            loc: self.at(),
        }
    }

    fn internal(&self, what: impl Into<String>) -> WasmError {
        WasmError::Internal(format!(
            "{} (in `{}`{})",
            what.into(),
            self.func.name,
            self.at().map(|l| format!(" at {l}")).unwrap_or_default()
        ))
    }

    fn repr(&self, v: Value) -> Result<Repr, WasmError> {
        self.func
            .value_type(v)
            .and_then(|ty| repr_of(self.cx.module, ty))
            .ok_or_else(|| self.internal(format!("value {v} has no scalar type")))
    }

    fn ty(&self, v: Value) -> Result<&Type, WasmError> {
        self.func
            .value_type(v)
            .and_then(|ty| self.cx.module.type_of(ty))
            .ok_or_else(|| self.internal(format!("value {v} has no type")))
    }

    fn get(&mut self, v: Value) -> Result<(), WasmError> {
        let local = *self
            .value_local
            .get(&v)
            .ok_or_else(|| self.internal(format!("value {v} used before its definition")))?;
        self.code.push(I::LocalGet(local));
        Ok(())
    }

    /// Pushes a value of up to 32 bits sign-extended to 32 bits.
    fn get_signed(&mut self, v: Value) -> Result<(), WasmError> {
        self.get(v)?;
        if let Repr::I32(bits) = self.repr(v)? {
            self.sign_extend(bits);
        }
        Ok(())
    }

    fn sign_extend(&mut self, bits: u32) {
        match bits {
            1 => {
                // 0 / 1 to 0 / -1.
                let tmp = self.new_local(ValType::I32);
                self.code.push(I::LocalSet(tmp));
                self.code.push(I::I32Const(0));
                self.code.push(I::LocalGet(tmp));
                self.code.push(I::I32Sub);
            }
            8 => self.code.push(I::I32Extend8S),
            16 => self.code.push(I::I32Extend16S),
            _ => {}
        }
    }

    /// Clears the bits above `bits` of the `i32` on the stack.
    fn normalize(&mut self, bits: u32) {
        if bits < 32 {
            self.code.push(I::I32Const(((1u64 << bits) - 1) as i32));
            self.code.push(I::I32And);
        }
    }

    fn define(&mut self, result: Option<Value>, repr: Repr) {
        match result {
            Some(v) => {
                let local = self.new_local(repr.val_type());
                self.value_local.insert(v, local);
                self.code.push(I::LocalSet(local));
            }
            None => self.code.push(I::Drop),
        }
    }

    fn prologue(&mut self) {
        if self.frame.size == 0 {
            return;
        }
        let base = self.new_local(ValType::I32);
        self.frame_base = Some(base);
        let sp = self.cx.globals.stack_pointer;
        self.code.push(I::GlobalGet(sp));
        self.code.push(I::LocalTee(base));
        self.code.push(I::I32Const(self.frame.size as i32));
        self.code.push(I::I32Add);
        self.code.push(I::GlobalSet(sp));
        // Stack overflow: the frame does not fit below the limit.
        self.code.push(I::GlobalGet(sp));
        self.code.push(I::GlobalGet(self.cx.globals.stack_limit));
        self.code.push(I::I32GtU);
        self.code.push(I::If(BlockType::Empty));
        let message = format!(
            "stack overflow in `{}`: the per-block stack is too small (frame of {} bytes)",
            self.func.name, self.frame.size
        );
        self.trap_with(&message);
        self.code.push(I::End);
    }

    fn restore_stack(&mut self) {
        if let Some(base) = self.frame_base {
            self.code.push(I::LocalGet(base));
            self.code.push(I::GlobalSet(self.cx.globals.stack_pointer));
        }
    }

    fn trap_with(&mut self, message: &str) {
        let address = self.cx.data.string(message);
        self.code.push(I::I32Const(address as i32));
        self.code.push(I::I32Const(message.len() as i32));
        self.code.push(I::Call(self.cx.imports.trap));
        self.code.push(I::Unreachable);
    }

    fn region(&mut self, region: &Region) -> Result<(), WasmError> {
        for stmt in &region.stmts {
            self.loc = stmt.loc.or(self.loc);
            self.stmt(stmt)?;
        }
        Ok(())
    }

    fn stmt(&mut self, stmt: &Stmt) -> Result<(), WasmError> {
        match &stmt.kind {
            StmtKind::Inst { result, inst } => self.inst(*result, inst),
            StmtKind::If {
                cond,
                then_region,
                else_region,
            } => {
                self.get(*cond)?;
                self.code.push(I::If(BlockType::Empty));
                self.depth += 1;
                self.region(then_region)?;
                if !else_region.stmts.is_empty() {
                    self.code.push(I::Else);
                    self.region(else_region)?;
                }
                self.depth -= 1;
                self.code.push(I::End);
                Ok(())
            }
            StmtKind::Loop { body, continuing } => {
                if self.simd.is_none() && self.cx.simd {
                    if let Some(plan) = self.plan_thread_loop(body, continuing) {
                        self.vector_thread_loop(plan)?;
                    }
                }
                self.code.push(I::Block(BlockType::Empty));
                self.code.push(I::Loop(BlockType::Empty));
                self.code.push(I::Block(BlockType::Empty));
                self.loops.push(LoopLabels {
                    break_label: self.depth + 1,
                    continue_label: self.depth + 3,
                });
                self.depth += 3;
                self.region(body)?;
                self.code.push(I::End);
                self.depth -= 1;
                self.region(continuing)?;
                self.code.push(I::Br(0));
                self.code.push(I::End);
                self.code.push(I::End);
                self.depth -= 2;
                self.loops.pop();
                Ok(())
            }
            StmtKind::Break | StmtKind::Continue => {
                let labels = self
                    .loops
                    .last()
                    .ok_or_else(|| self.internal("break or continue outside a loop"))?;
                let label = if matches!(stmt.kind, StmtKind::Break) {
                    labels.break_label
                } else {
                    labels.continue_label
                };
                self.code.push(I::Br(self.depth - label));
                Ok(())
            }
            StmtKind::Return(value) => {
                if let Some(v) = value {
                    self.get(*v)?;
                }
                self.restore_stack();
                self.code.push(I::Return);
                Ok(())
            }
        }
    }

    fn address(&mut self, ptr: Value) -> Result<(), WasmError> {
        self.low32(ptr)
    }

    /// Pushes the address `ptr` less a constant that it returns, for the offset of a plain
    /// load or store. A narrow address is emitted from its [`linear`] form: its atoms in the
    /// function's order, then a negative constant added or a small positive one returned.
    fn address_with_offset(&mut self, ptr: Value) -> Result<u64, WasmError> {
        /// Larger constants are added in the address (a wasm offset does not wrap).
        const MAX_OFFSET: u32 = 1 << 16;
        let form = match self.narrow.contains(&ptr) {
            true => linear::decompose(self.cx.module, self.func, &self.defs, ptr),
            false => None,
        };
        let Some(form) = form.filter(|f| f.terms != [(ptr, 1)] && !f.terms.is_empty()) else {
            self.low32(ptr)?;
            return Ok(0);
        };
        let mut terms = form.terms;
        for &(atom, _) in &terms {
            let key = self.atom_key(atom);
            let next = self.atom_rank.len();
            self.atom_rank.entry(key).or_insert(next);
        }
        terms.sort_by_key(|&(atom, _)| self.atom_rank[&self.atom_key(atom)]);
        for (index, &(atom, coeff)) in terms.iter().enumerate() {
            let negative = (coeff as i32) < 0;
            if index == 0 && negative {
                self.code.push(I::I32Const(0));
            }
            self.atom32(atom)?;
            let scale = if negative {
                coeff.wrapping_neg()
            } else {
                coeff
            };
            if scale.is_power_of_two() {
                if scale > 1 {
                    self.code.push(I::I32Const(scale.trailing_zeros() as i32));
                    self.code.push(I::I32Shl);
                }
            } else {
                self.code.push(I::I32Const(scale as i32));
                self.code.push(I::I32Mul);
            }
            if negative {
                self.code.push(I::I32Sub);
            } else if index > 0 {
                self.code.push(I::I32Add);
            }
        }
        if form.constant != 0 && form.constant < MAX_OFFSET {
            return Ok(u64::from(form.constant));
        }
        if form.constant != 0 {
            self.code.push(I::I32Const(form.constant as i32));
            self.code.push(I::I32Add);
        }
        Ok(0)
    }

    /// The rank key of an atom of a [`linear`] address.
    fn atom_key(&self, atom: Value) -> AtomKey {
        match self.defs.get(&atom) {
            Some(Inst::Load { ptr, .. }) => match self.promoted_addr.get(ptr) {
                Some(local) => AtomKey::Local(*local),
                None => AtomKey::Value(atom),
            },
            _ => AtomKey::Value(atom),
        }
    }

    /// Pushes the low 32 bits of an atom of a [`linear`] address.
    fn atom32(&mut self, atom: Value) -> Result<(), WasmError> {
        match self.repr(atom)? {
            Repr::I64 => self.low32(atom),
            Repr::I32(_) => self.get(atom),
            Repr::F32 | Repr::F64 => Err(self.internal("float in an address")),
        }
    }

    /// Pushes the low 32 bits of a 64-bit value.
    fn low32(&mut self, v: Value) -> Result<(), WasmError> {
        self.get(v)?;
        if !self.narrow.contains(&v) {
            self.code.push(I::I32WrapI64);
        }
        Ok(())
    }

    /// Emits a narrow value's definition as 32-bit arithmetic (see [`narrow`]).
    fn narrow_inst(&mut self, result: Value, inst: &Inst) -> Result<(), WasmError> {
        match inst {
            Inst::Const { bits } => self.code.push(I::I32Const(*bits as u32 as i32)),
            Inst::GlobalAddr(_) | Inst::LocalAddr(_) | Inst::SharedBuffer => {
                // The 64-bit form is a zero-extended 32-bit address: emit it and drop the
                // extension (Cranelift folds the pair).
                self.narrow.remove(&result);
                self.inst(Some(result), inst)?;
                self.narrow.insert(result);
                self.get(result)?;
                self.code.push(I::I32WrapI64);
                let local = self.new_local(ValType::I32);
                self.value_local.insert(result, local);
                self.code.push(I::LocalSet(local));
                return Ok(());
            }
            Inst::PtrAdd { ptr, offset } => {
                self.low32(*ptr)?;
                self.low32(*offset)?;
                self.code.push(I::I32Add);
            }
            Inst::Binary { op, lhs, rhs } => {
                self.low32(*lhs)?;
                self.low32(*rhs)?;
                self.code.push(match op {
                    BinaryOp::Add => I::I32Add,
                    BinaryOp::Sub => I::I32Sub,
                    BinaryOp::Mul => I::I32Mul,
                    BinaryOp::And => I::I32And,
                    BinaryOp::Or => I::I32Or,
                    BinaryOp::Xor => I::I32Xor,
                    BinaryOp::Shl => I::I32Shl,
                    _ => return Err(self.internal(format!("narrow {op:?}"))),
                });
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                self.low32(*if_true)?;
                self.low32(*if_false)?;
                self.get(*cond)?;
                self.code.push(I::Select);
            }
            Inst::Convert { op, arg } => match op {
                ConvOp::SExt => self.get_signed(*arg)?,
                ConvOp::ZExt => self.get(*arg)?,
                _ => self.low32(*arg)?,
            },
            Inst::Load { ptr, align, .. } => match self.promoted_addr.get(ptr) {
                Some(local) => {
                    let wasm_local = *self
                        .promoted
                        .get(local)
                        .ok_or_else(|| self.internal("register local without a local"))?;
                    self.code.push(I::LocalGet(wasm_local));
                    self.code.push(I::I32WrapI64);
                }
                None => {
                    self.address(*ptr)?;
                    self.code.push(I::I32Load(mem(*align, 4)));
                }
            },
            _ => return Err(self.internal("narrow value of an unexpected instruction")),
        }
        let local = self.new_local(ValType::I32);
        self.value_local.insert(result, local);
        self.code.push(I::LocalSet(local));
        Ok(())
    }

    fn inst(&mut self, result: Option<Value>, inst: &Inst) -> Result<(), WasmError> {
        if let Some(r) = result {
            if self.narrow.contains(&r) {
                return self.narrow_inst(r, inst);
            }
        }
        let result_repr = match result {
            Some(v) => Some(self.repr(v)?),
            None => None,
        };
        match inst {
            Inst::Const { bits } => {
                let repr = result_repr.ok_or_else(|| self.internal("const without result"))?;
                self.code.push(match repr {
                    Repr::I32(_) => I::I32Const(*bits as u32 as i32),
                    Repr::I64 => I::I64Const(*bits as i64),
                    Repr::F32 => I::F32Const(f32::from_bits(*bits as u32).into()),
                    Repr::F64 => I::F64Const(f64::from_bits(*bits).into()),
                });
                self.define(result, repr);
            }
            Inst::Unary { op, arg } => {
                let repr = self.repr(*arg)?;
                self.unary(*op, *arg, repr)?;
                self.define(result, repr);
            }
            Inst::Binary { op, lhs, rhs } => {
                let repr = self.repr(*lhs)?;
                self.binary(*op, *lhs, *rhs, repr)?;
                self.define(result, repr);
            }
            Inst::Cmp { op, lhs, rhs } => {
                let repr = self.repr(*lhs)?;
                self.compare(*op, *lhs, *rhs, repr)?;
                self.define(result, Repr::I32(1));
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                let repr = self.repr(*if_true)?;
                self.get(*if_true)?;
                self.get(*if_false)?;
                self.get(*cond)?;
                self.code.push(I::Select);
                self.define(result, repr);
            }
            Inst::Convert { op, arg } => {
                let to = result.ok_or_else(|| self.internal("conversion without result"))?;
                self.convert(*op, *arg, to)?;
                let repr = self.repr(to)?;
                self.define(result, repr);
            }
            Inst::PtrAdd { ptr, offset } => {
                self.get(*ptr)?;
                self.get(*offset)?;
                self.code.push(I::I64Add);
                self.define(result, Repr::I64);
            }
            Inst::Load { ptr, align, .. } => {
                let v = result.ok_or_else(|| self.internal("load without result"))?;
                let repr = self.repr(v)?;
                if let Some(local) = self.promoted_addr.get(ptr).copied() {
                    let wasm_local = self.promoted[&local];
                    self.code.push(I::LocalGet(wasm_local));
                } else {
                    let at = self.address_with_offset(*ptr)?;
                    self.code.push(match repr {
                        Repr::I32(1) | Repr::I32(8) => I::I32Load8U(mem_at(*align, 1, at)),
                        Repr::I32(16) => I::I32Load16U(mem_at(*align, 2, at)),
                        Repr::I32(_) => I::I32Load(mem_at(*align, 4, at)),
                        Repr::I64 => I::I64Load(mem_at(*align, 8, at)),
                        Repr::F32 => I::F32Load(mem_at(*align, 4, at)),
                        Repr::F64 => I::F64Load(mem_at(*align, 8, at)),
                    });
                }
                self.define(result, repr);
            }
            Inst::Store {
                ptr, value, align, ..
            } => {
                let repr = self.repr(*value)?;
                if let Some(local) = self.promoted_addr.get(ptr).copied() {
                    let wasm_local = self.promoted[&local];
                    self.get(*value)?;
                    self.code.push(I::LocalSet(wasm_local));
                } else {
                    let at = self.address_with_offset(*ptr)?;
                    self.get(*value)?;
                    self.code.push(match repr {
                        Repr::I32(1) | Repr::I32(8) => I::I32Store8(mem_at(*align, 1, at)),
                        Repr::I32(16) => I::I32Store16(mem_at(*align, 2, at)),
                        Repr::I32(_) => I::I32Store(mem_at(*align, 4, at)),
                        Repr::I64 => I::I64Store(mem_at(*align, 8, at)),
                        Repr::F32 => I::F32Store(mem_at(*align, 4, at)),
                        Repr::F64 => I::F64Store(mem_at(*align, 8, at)),
                    });
                }
            }
            Inst::GlobalAddr(global) => {
                let Some(&address) = self.cx.data.global_address.get(global) else {
                    let name = self
                        .cx
                        .module
                        .globals
                        .get(*global)
                        .map(|g| g.name.clone())
                        .unwrap_or_default();
                    return Err(self.internal(format!(
                        "shared variable `{name}` is still addressed directly: the shared-to-buffer pass must run before the WASM backend"
                    )));
                };
                self.code.push(I::I64Const(i64::from(address)));
                self.define(result, Repr::I64);
            }
            Inst::LocalAddr(local) => {
                if self.promoted.contains_key(local) {
                    if let Some(v) = result {
                        self.promoted_addr.insert(v, *local);
                    }
                    return Ok(());
                }
                let offset = self
                    .frame
                    .offsets
                    .get(local.index())
                    .copied()
                    .flatten()
                    .ok_or_else(|| self.internal(format!("unknown local {local}")))?;
                let base = self
                    .frame_base
                    .ok_or_else(|| self.internal("local without a frame"))?;
                self.code.push(I::LocalGet(base));
                self.code.push(I::I64ExtendI32U);
                self.code.push(I::I64Const(offset as i64));
                self.code.push(I::I64Add);
                self.define(result, Repr::I64);
            }
            Inst::DynSharedAddr => {
                return Err(self.internal(
                    "dynamic shared memory is still addressed directly: the shared-to-buffer pass must run before the WASM backend",
                ))
            }
            Inst::SharedBuffer => {
                self.code.push(I::GlobalGet(self.cx.globals.shared_base));
                self.code.push(I::I64ExtendI32U);
                self.define(result, Repr::I64);
            }
            Inst::Call { func, args } => {
                for &arg in args {
                    self.get(arg)?;
                }
                self.code.push(I::Call((self.cx.func_index)(*func)));
                match result_repr {
                    Some(repr) => self.define(result, repr),
                    None => {
                        let returns = self
                            .cx
                            .module
                            .functions
                            .get(*func)
                            .is_some_and(|f| f.ret.is_some());
                        if returns {
                            self.code.push(I::Drop);
                        }
                    }
                }
            }
            Inst::Math { name, args } => {
                self.math(name, args)?;
                let repr = match result {
                    Some(v) => self.repr(v)?,
                    None => self.repr(*args.first().ok_or_else(|| self.internal("math"))?)?,
                };
                self.define(result, repr);
            }
            Inst::BlockId(dim) | Inst::BlockDim(dim) | Inst::GridDim(dim) => {
                let d = match dim {
                    Dim::X => 0,
                    Dim::Y => 1,
                    Dim::Z => 2,
                };
                let global = match inst {
                    Inst::BlockId(_) => self.cx.globals.block_id[d],
                    Inst::BlockDim(_) => self.cx.globals.block_dim[d],
                    _ => self.cx.globals.grid_dim[d],
                };
                self.code.push(I::GlobalGet(global));
                self.define(result, Repr::I32(32));
            }
            Inst::WarpSize => {
                self.code.push(I::I32Const(32));
                self.define(result, Repr::I32(32));
            }
            Inst::ThreadId(_)
            | Inst::LaneId
            | Inst::Barrier(_)
            | Inst::SyncWarp { .. }
            | Inst::Shuffle { .. }
            | Inst::Vote { .. }
            | Inst::Match { .. }
            | Inst::ActiveMask
            | Inst::WarpReduce { .. } => {
                return Err(self.internal(
                    "per-thread operation in a per-block module: warp-to-loop must run first",
                ))
            }
            Inst::AtomicRmw {
                op, ptr, value, ..
            } => {
                let repr = self.repr(*value)?;
                self.atomic_rmw(*op, *ptr, *value, repr)?;
                self.define(result, repr);
            }
            Inst::AtomicCas {
                ptr,
                expected,
                desired,
                ..
            } => {
                let repr = self.repr(*expected)?;
                self.atomic_cas(*ptr, *expected, *desired, repr)?;
                self.define(result, repr);
            }
            Inst::Fence(_) => self.code.push(I::AtomicFence),
            Inst::Clock => {
                self.code.push(I::Call(self.cx.imports.clock));
                self.define(result, Repr::I64);
            }
            Inst::Trap { message } => {
                let message = match self.at() {
                    Some(loc) => format!("{message} at {loc}"),
                    None => message.clone(),
                };
                self.trap_with(&message);
                // Unreachable code after the trap still has to type-check.
                if let Some(repr) = result_repr {
                    self.zero(repr);
                    self.define(result, repr);
                }
            }
            Inst::Printf { format, args } => {
                self.printf(format, args)?;
                self.define(result, Repr::I32(32));
            }
        }
        Ok(())
    }

    fn zero(&mut self, repr: Repr) {
        self.code.push(match repr {
            Repr::I32(_) => I::I32Const(0),
            Repr::I64 => I::I64Const(0),
            Repr::F32 => I::F32Const(0f32.into()),
            Repr::F64 => I::F64Const(0f64.into()),
        });
    }

    fn unary(&mut self, op: UnaryOp, arg: Value, repr: Repr) -> Result<(), WasmError> {
        use UnaryOp::*;
        match (op, repr) {
            (Neg, Repr::I32(bits)) => {
                self.code.push(I::I32Const(0));
                self.get(arg)?;
                self.code.push(I::I32Sub);
                self.normalize(bits);
            }
            (Neg, Repr::I64) => {
                self.code.push(I::I64Const(0));
                self.get(arg)?;
                self.code.push(I::I64Sub);
            }
            (Not, Repr::I32(bits)) => {
                self.get(arg)?;
                self.code.push(I::I32Const(-1));
                self.code.push(I::I32Xor);
                self.normalize(bits);
            }
            (Not, Repr::I64) => {
                self.get(arg)?;
                self.code.push(I::I64Const(-1));
                self.code.push(I::I64Xor);
            }
            (Clz, Repr::I32(bits)) => {
                self.get(arg)?;
                self.code.push(I::I32Clz);
                if bits < 32 {
                    self.code.push(I::I32Const(32 - bits as i32));
                    self.code.push(I::I32Sub);
                }
            }
            (Clz, Repr::I64) => {
                self.get(arg)?;
                self.code.push(I::I64Clz);
            }
            (Ctz, Repr::I32(bits)) => {
                self.get(arg)?;
                if bits < 32 {
                    self.code.push(I::I32Const(1 << bits));
                    self.code.push(I::I32Or);
                }
                self.code.push(I::I32Ctz);
            }
            (Ctz, Repr::I64) => {
                self.get(arg)?;
                self.code.push(I::I64Ctz);
            }
            (Popcount, Repr::I32(_)) => {
                self.get(arg)?;
                self.code.push(I::I32Popcnt);
            }
            (Popcount, Repr::I64) => {
                self.get(arg)?;
                self.code.push(I::I64Popcnt);
            }
            (BitReverse, Repr::I32(bits)) => {
                self.get(arg)?;
                self.bit_reverse32();
                if bits < 32 {
                    self.code.push(I::I32Const(32 - bits as i32));
                    self.code.push(I::I32ShrU);
                }
            }
            (BitReverse, Repr::I64) => {
                self.get(arg)?;
                self.bit_reverse64();
            }
            (ByteSwap, Repr::I32(16)) => {
                let x = self.local_of(arg)?;
                self.code.extend([
                    I::LocalGet(x),
                    I::I32Const(8),
                    I::I32Shl,
                    I::LocalGet(x),
                    I::I32Const(8),
                    I::I32ShrU,
                    I::I32Or,
                    I::I32Const(0xffff),
                    I::I32And,
                ]);
            }
            (ByteSwap, Repr::I32(_)) => {
                let x = self.local_of(arg)?;
                self.code.extend([
                    I::LocalGet(x),
                    I::I32Const(0x00ff_00ff),
                    I::I32And,
                    I::I32Const(8),
                    I::I32Rotr,
                    I::LocalGet(x),
                    I::I32Const(8),
                    I::I32Rotl,
                    I::I32Const(0x00ff_00ff),
                    I::I32And,
                    I::I32Or,
                ]);
            }
            (ByteSwap, Repr::I64) => {
                self.get(arg)?;
                self.swap_masked64(0x00ff_00ff_00ff_00ff, 8);
                self.swap_masked64(0x0000_ffff_0000_ffff, 16);
                self.code.push(I::I64Const(32));
                self.code.push(I::I64Rotl);
            }
            (FNeg | FAbs | Sqrt | Floor | Ceil | Trunc | RoundEven, Repr::F32) => {
                self.get(arg)?;
                self.code.push(match op {
                    FNeg => I::F32Neg,
                    FAbs => I::F32Abs,
                    Sqrt => I::F32Sqrt,
                    Floor => I::F32Floor,
                    Ceil => I::F32Ceil,
                    Trunc => I::F32Trunc,
                    _ => I::F32Nearest,
                });
            }
            (FNeg | FAbs | Sqrt | Floor | Ceil | Trunc | RoundEven, Repr::F64) => {
                self.get(arg)?;
                self.code.push(match op {
                    FNeg => I::F64Neg,
                    FAbs => I::F64Abs,
                    Sqrt => I::F64Sqrt,
                    Floor => I::F64Floor,
                    Ceil => I::F64Ceil,
                    Trunc => I::F64Trunc,
                    _ => I::F64Nearest,
                });
            }
            _ => return Err(self.internal(format!("unary {op:?} on {repr:?}"))),
        }
        Ok(())
    }

    /// The WebAssembly local of a value.
    fn local_of(&self, v: Value) -> Result<u32, WasmError> {
        self.value_local
            .get(&v)
            .copied()
            .ok_or_else(|| self.internal(format!("value {v} used before its definition")))
    }

    /// `x = ((x >> s) & m) | ((x & m) << s)` on the `i32` on the stack.
    fn swap_masked32(&mut self, mask: u32, shift: i32) {
        let x = self.new_local(ValType::I32);
        self.code.extend([
            I::LocalSet(x),
            I::LocalGet(x),
            I::I32Const(shift),
            I::I32ShrU,
            I::I32Const(mask as i32),
            I::I32And,
            I::LocalGet(x),
            I::I32Const(mask as i32),
            I::I32And,
            I::I32Const(shift),
            I::I32Shl,
            I::I32Or,
        ]);
    }

    fn swap_masked64(&mut self, mask: u64, shift: i64) {
        let x = self.new_local(ValType::I64);
        self.code.extend([
            I::LocalSet(x),
            I::LocalGet(x),
            I::I64Const(shift),
            I::I64ShrU,
            I::I64Const(mask as i64),
            I::I64And,
            I::LocalGet(x),
            I::I64Const(mask as i64),
            I::I64And,
            I::I64Const(shift),
            I::I64Shl,
            I::I64Or,
        ]);
    }

    fn bit_reverse32(&mut self) {
        self.swap_masked32(0x5555_5555, 1);
        self.swap_masked32(0x3333_3333, 2);
        self.swap_masked32(0x0f0f_0f0f, 4);
        self.swap_masked32(0x00ff_00ff, 8);
        self.code.push(I::I32Const(16));
        self.code.push(I::I32Rotl);
    }

    fn bit_reverse64(&mut self) {
        self.swap_masked64(0x5555_5555_5555_5555, 1);
        self.swap_masked64(0x3333_3333_3333_3333, 2);
        self.swap_masked64(0x0f0f_0f0f_0f0f_0f0f, 4);
        self.swap_masked64(0x00ff_00ff_00ff_00ff, 8);
        self.swap_masked64(0x0000_ffff_0000_ffff, 16);
        self.code.push(I::I64Const(32));
        self.code.push(I::I64Rotl);
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        lhs: Value,
        rhs: Value,
        repr: Repr,
    ) -> Result<(), WasmError> {
        match repr {
            Repr::I32(bits) => self.binary_i32(op, lhs, rhs, bits),
            Repr::I64 => self.binary_i64(op, lhs, rhs),
            Repr::F32 | Repr::F64 => self.binary_float(op, lhs, rhs, repr == Repr::F64),
        }
        .map_err(|e| match e {
            WasmError::Internal(_) => self.internal(format!("binary {op:?} on {repr:?}")),
            other => other,
        })?;
        Ok(())
    }

    fn binary_i32(
        &mut self,
        op: BinaryOp,
        lhs: Value,
        rhs: Value,
        bits: u32,
    ) -> Result<(), WasmError> {
        use BinaryOp::*;
        let simple = |op: BinaryOp| -> Option<I<'static>> {
            Some(match op {
                Add => I::I32Add,
                Sub => I::I32Sub,
                Mul => I::I32Mul,
                And => I::I32And,
                Or => I::I32Or,
                Xor => I::I32Xor,
                UDiv => I::I32DivU,
                URem => I::I32RemU,
                _ => return None,
            })
        };
        if let Some(inst) = simple(op) {
            self.get(lhs)?;
            self.get(rhs)?;
            self.code.push(inst);
            // Bitwise operations and unsigned division of zero-extended operands are
            // zero-extended already.
            if matches!(op, Add | Sub | Mul) {
                self.normalize(bits);
            }
            return Ok(());
        }
        match op {
            SDiv if bits == 32 => {
                // `INT_MIN / -1` wraps in CUDA; WebAssembly traps.
                self.get(rhs)?;
                self.code.push(I::I32Const(-1));
                self.code.push(I::I32Eq);
                self.code.push(I::If(BlockType::Result(ValType::I32)));
                self.code.push(I::I32Const(0));
                self.get(lhs)?;
                self.code.push(I::I32Sub);
                self.code.push(I::Else);
                self.get(lhs)?;
                self.get(rhs)?;
                self.code.push(I::I32DivS);
                self.code.push(I::End);
            }
            SDiv | SRem => {
                self.get_signed(lhs)?;
                self.get_signed(rhs)?;
                self.code
                    .push(if op == SDiv { I::I32DivS } else { I::I32RemS });
                self.normalize(bits);
            }
            MulHiS | MulHiU => {
                let signed = op == MulHiS;
                for v in [lhs, rhs] {
                    if signed {
                        self.get_signed(v)?;
                        self.code.push(I::I64ExtendI32S);
                    } else {
                        self.get(v)?;
                        self.code.push(I::I64ExtendI32U);
                    }
                }
                self.code.push(I::I64Mul);
                self.code.push(I::I64Const(i64::from(bits)));
                self.code.push(I::I64ShrU);
                self.code.push(I::I32WrapI64);
                self.normalize(bits);
            }
            Shl | LShr | AShr => {
                if op == AShr {
                    self.get_signed(lhs)?;
                } else {
                    self.get(lhs)?;
                }
                self.get(rhs)?;
                if bits < 32 {
                    self.code.push(I::I32Const(bits as i32 - 1));
                    self.code.push(I::I32And);
                }
                self.code.push(match op {
                    Shl => I::I32Shl,
                    LShr => I::I32ShrU,
                    _ => I::I32ShrS,
                });
                self.normalize(bits);
            }
            SMin | SMax | UMin | UMax => {
                self.get(lhs)?;
                self.get(rhs)?;
                let signed = matches!(op, SMin | SMax);
                if signed {
                    self.get_signed(lhs)?;
                    self.get_signed(rhs)?;
                } else {
                    self.get(lhs)?;
                    self.get(rhs)?;
                }
                self.code.push(match (op, signed) {
                    (SMin, _) => I::I32LtS,
                    (SMax, _) => I::I32GtS,
                    (UMin, _) => I::I32LtU,
                    _ => I::I32GtU,
                });
                self.code.push(I::Select);
            }
            _ => return Err(WasmError::Internal(String::new())),
        }
        Ok(())
    }

    fn binary_i64(&mut self, op: BinaryOp, lhs: Value, rhs: Value) -> Result<(), WasmError> {
        use BinaryOp::*;
        let simple = match op {
            Add => Some(I::I64Add),
            Sub => Some(I::I64Sub),
            Mul => Some(I::I64Mul),
            And => Some(I::I64And),
            Or => Some(I::I64Or),
            Xor => Some(I::I64Xor),
            UDiv => Some(I::I64DivU),
            URem => Some(I::I64RemU),
            SRem => Some(I::I64RemS),
            Shl => Some(I::I64Shl),
            LShr => Some(I::I64ShrU),
            AShr => Some(I::I64ShrS),
            _ => None,
        };
        if let Some(inst) = simple {
            self.get(lhs)?;
            self.get(rhs)?;
            self.code.push(inst);
            return Ok(());
        }
        match op {
            SDiv => {
                self.get(rhs)?;
                self.code.push(I::I64Const(-1));
                self.code.push(I::I64Eq);
                self.code.push(I::If(BlockType::Result(ValType::I64)));
                self.code.push(I::I64Const(0));
                self.get(lhs)?;
                self.code.push(I::I64Sub);
                self.code.push(I::Else);
                self.get(lhs)?;
                self.get(rhs)?;
                self.code.push(I::I64DivS);
                self.code.push(I::End);
            }
            SMin | SMax | UMin | UMax => {
                self.get(lhs)?;
                self.get(rhs)?;
                self.get(lhs)?;
                self.get(rhs)?;
                self.code.push(match op {
                    SMin => I::I64LtS,
                    SMax => I::I64GtS,
                    UMin => I::I64LtU,
                    _ => I::I64GtU,
                });
                self.code.push(I::Select);
            }
            MulHiU | MulHiS => self.mul_hi64(lhs, rhs, op == MulHiS)?,
            _ => return Err(WasmError::Internal(String::new())),
        }
        Ok(())
    }

    /// The high 64 bits of a 64×64-bit product, from 32-bit halves.
    fn mul_hi64(&mut self, lhs: Value, rhs: Value, signed: bool) -> Result<(), WasmError> {
        let a = self.local_of(lhs)?;
        let b = self.local_of(rhs)?;
        let [al, ah, bl, bh, lh, hl, mid] = [(); 7].map(|_| self.new_local(ValType::I64));
        let low = |x: u32| [I::LocalGet(x), I::I64Const(0xffff_ffff), I::I64And];
        let high = |x: u32| [I::LocalGet(x), I::I64Const(32), I::I64ShrU];
        self.code.extend(low(a));
        self.code.push(I::LocalSet(al));
        self.code.extend(high(a));
        self.code.push(I::LocalSet(ah));
        self.code.extend(low(b));
        self.code.push(I::LocalSet(bl));
        self.code.extend(high(b));
        self.code.push(I::LocalSet(bh));
        self.code.extend([
            I::LocalGet(al),
            I::LocalGet(bh),
            I::I64Mul,
            I::LocalSet(lh),
            I::LocalGet(ah),
            I::LocalGet(bl),
            I::I64Mul,
            I::LocalSet(hl),
            // mid = (al*bl >> 32) + low(lh) + low(hl)
            I::LocalGet(al),
            I::LocalGet(bl),
            I::I64Mul,
            I::I64Const(32),
            I::I64ShrU,
        ]);
        self.code.extend(low(lh));
        self.code.push(I::I64Add);
        self.code.extend(low(hl));
        self.code.push(I::I64Add);
        self.code.push(I::LocalSet(mid));
        // hi = ah*bh + (lh >> 32) + (hl >> 32) + (mid >> 32)
        self.code
            .extend([I::LocalGet(ah), I::LocalGet(bh), I::I64Mul]);
        self.code.extend(high(lh));
        self.code.push(I::I64Add);
        self.code.extend(high(hl));
        self.code.push(I::I64Add);
        self.code.extend(high(mid));
        self.code.push(I::I64Add);
        if signed {
            // mulhs(a, b) = mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)
            for (x, y) in [(a, b), (b, a)] {
                self.code.extend([
                    I::LocalGet(y),
                    I::I64Const(0),
                    I::LocalGet(x),
                    I::I64Const(0),
                    I::I64LtS,
                    I::Select,
                    I::I64Sub,
                ]);
            }
        }
        Ok(())
    }

    fn binary_float(
        &mut self,
        op: BinaryOp,
        lhs: Value,
        rhs: Value,
        f64: bool,
    ) -> Result<(), WasmError> {
        use BinaryOp::*;
        match op {
            FAdd | FSub | FMul | FDiv | CopySign => {
                self.get(lhs)?;
                self.get(rhs)?;
                self.code.push(match (op, f64) {
                    (FAdd, false) => I::F32Add,
                    (FSub, false) => I::F32Sub,
                    (FMul, false) => I::F32Mul,
                    (FDiv, false) => I::F32Div,
                    (CopySign, false) => I::F32Copysign,
                    (FAdd, true) => I::F64Add,
                    (FSub, true) => I::F64Sub,
                    (FMul, true) => I::F64Mul,
                    (FDiv, true) => I::F64Div,
                    _ => I::F64Copysign,
                });
            }
            FRem => {
                // The host's exact `fmod` on doubles (exact for floats too).
                self.get(lhs)?;
                if !f64 {
                    self.code.push(I::F64PromoteF32);
                }
                self.get(rhs)?;
                if !f64 {
                    self.code.push(I::F64PromoteF32);
                }
                self.code.push(I::Call(self.cx.imports.fmod));
                if !f64 {
                    self.code.push(I::F32DemoteF64);
                }
            }
            FMin | FMax => {
                // C semantics: a NaN operand is ignored.
                let a = self.local_of(lhs)?;
                let b = self.local_of(rhs)?;
                let ne = if f64 { I::F64Ne } else { I::F32Ne };
                for (x, y) in [(a, b), (b, a)] {
                    self.code.extend([
                        I::LocalGet(y),
                        I::LocalGet(x),
                        I::LocalGet(x),
                        I::LocalGet(x),
                        ne.clone(),
                        I::Select,
                    ]);
                }
                self.code.push(match (op, f64) {
                    (FMin, false) => I::F32Min,
                    (FMax, false) => I::F32Max,
                    (FMin, true) => I::F64Min,
                    _ => I::F64Max,
                });
            }
            _ => return Err(WasmError::Internal(String::new())),
        }
        Ok(())
    }

    fn compare(&mut self, op: CmpOp, lhs: Value, rhs: Value, repr: Repr) -> Result<(), WasmError> {
        use CmpOp::*;
        let signed = matches!(op, SLt | SLe | SGt | SGe);
        match repr {
            Repr::I32(_) => {
                if signed {
                    self.get_signed(lhs)?;
                    self.get_signed(rhs)?;
                } else {
                    self.get(lhs)?;
                    self.get(rhs)?;
                }
                self.code.push(match op {
                    Eq => I::I32Eq,
                    Ne => I::I32Ne,
                    SLt => I::I32LtS,
                    SLe => I::I32LeS,
                    SGt => I::I32GtS,
                    SGe => I::I32GeS,
                    ULt => I::I32LtU,
                    ULe => I::I32LeU,
                    UGt => I::I32GtU,
                    UGe => I::I32GeU,
                    _ => return Err(self.internal(format!("{op:?} on integers"))),
                });
            }
            Repr::I64 => {
                self.get(lhs)?;
                self.get(rhs)?;
                self.code.push(match op {
                    Eq => I::I64Eq,
                    Ne => I::I64Ne,
                    SLt => I::I64LtS,
                    SLe => I::I64LeS,
                    SGt => I::I64GtS,
                    SGe => I::I64GeS,
                    ULt => I::I64LtU,
                    ULe => I::I64LeU,
                    UGt => I::I64GtU,
                    UGe => I::I64GeU,
                    _ => return Err(self.internal(format!("{op:?} on integers"))),
                });
            }
            Repr::F32 | Repr::F64 => {
                let f64 = repr == Repr::F64;
                let pick = |a: I<'static>, b: I<'static>| if f64 { b } else { a };
                match op {
                    FOrd | FUno => {
                        let (same, join) = if op == FOrd {
                            (pick(I::F32Eq, I::F64Eq), I::I32And)
                        } else {
                            (pick(I::F32Ne, I::F64Ne), I::I32Or)
                        };
                        self.get(lhs)?;
                        self.get(lhs)?;
                        self.code.push(same.clone());
                        self.get(rhs)?;
                        self.get(rhs)?;
                        self.code.push(same);
                        self.code.push(join);
                    }
                    _ => {
                        self.get(lhs)?;
                        self.get(rhs)?;
                        self.code.push(match op {
                            FEq => pick(I::F32Eq, I::F64Eq),
                            FNe => pick(I::F32Ne, I::F64Ne),
                            FLt => pick(I::F32Lt, I::F64Lt),
                            FLe => pick(I::F32Le, I::F64Le),
                            FGt => pick(I::F32Gt, I::F64Gt),
                            FGe => pick(I::F32Ge, I::F64Ge),
                            _ => return Err(self.internal(format!("{op:?} on floats"))),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn convert(&mut self, op: ConvOp, arg: Value, to: Value) -> Result<(), WasmError> {
        use ConvOp::*;
        let from = self.repr(arg)?;
        let to_repr = self.repr(to)?;
        match (op, from, to_repr) {
            (Trunc, Repr::I64, Repr::I32(bits)) => {
                self.low32(arg)?;
                self.normalize(bits);
            }
            (Trunc, Repr::I32(_), Repr::I32(bits)) => {
                self.get(arg)?;
                self.normalize(bits);
            }
            (ZExt, Repr::I32(_), Repr::I32(_)) => self.get(arg)?,
            (ZExt, Repr::I32(_), Repr::I64) => {
                self.get(arg)?;
                self.code.push(I::I64ExtendI32U);
            }
            (SExt, Repr::I32(_), Repr::I32(bits)) => {
                self.get_signed(arg)?;
                self.normalize(bits);
            }
            (SExt, Repr::I32(_), Repr::I64) => {
                self.get_signed(arg)?;
                self.code.push(I::I64ExtendI32S);
            }
            (FpTrunc, Repr::F64, Repr::F32) => {
                self.get(arg)?;
                self.code.push(I::F32DemoteF64);
            }
            (FpExt, Repr::F32, Repr::F64) => {
                self.get(arg)?;
                self.code.push(I::F64PromoteF32);
            }
            (SIToFP | UIToFP, Repr::I32(_), Repr::F32 | Repr::F64) => {
                let signed = op == SIToFP;
                if signed {
                    self.get_signed(arg)?;
                } else {
                    self.get(arg)?;
                }
                self.code.push(match (signed, to_repr) {
                    (true, Repr::F32) => I::F32ConvertI32S,
                    (false, Repr::F32) => I::F32ConvertI32U,
                    (true, _) => I::F64ConvertI32S,
                    (false, _) => I::F64ConvertI32U,
                });
            }
            (SIToFP | UIToFP, Repr::I64, Repr::F32 | Repr::F64) => {
                self.get(arg)?;
                self.code.push(match (op == SIToFP, to_repr) {
                    (true, Repr::F32) => I::F32ConvertI64S,
                    (false, Repr::F32) => I::F32ConvertI64U,
                    (true, _) => I::F64ConvertI64S,
                    (false, _) => I::F64ConvertI64U,
                });
            }
            (FPToSI | FPToUI, Repr::F32 | Repr::F64, _) => {
                self.float_to_int(op == FPToSI, arg, from == Repr::F64, to_repr)?
            }
            (Bitcast, Repr::I32(32), Repr::F32) => {
                self.get(arg)?;
                self.code.push(I::F32ReinterpretI32);
            }
            (Bitcast, Repr::F32, Repr::I32(32)) => {
                self.get(arg)?;
                self.code.push(I::I32ReinterpretF32);
            }
            (Bitcast, Repr::I64, Repr::F64) => {
                self.get(arg)?;
                self.code.push(I::F64ReinterpretI64);
            }
            (Bitcast, Repr::F64, Repr::I64) => {
                self.get(arg)?;
                self.code.push(I::I64ReinterpretF64);
            }
            (Bitcast | PtrToInt | IntToPtr | AddrSpaceCast, a, b) if a == b => self.get(arg)?,
            _ => {
                return Err(self.internal(format!("conversion {op:?} from {from:?} to {to_repr:?}")))
            }
        }
        Ok(())
    }

    /// Saturating float-to-int conversion with the executor's NaN rules.
    fn float_to_int(
        &mut self,
        signed: bool,
        arg: Value,
        from_f64: bool,
        to: Repr,
    ) -> Result<(), WasmError> {
        let x = self.local_of(arg)?;
        let (is_nan, trunc32, trunc64) = match (from_f64, signed) {
            (false, true) => (I::F32Ne, I::I32TruncSatF32S, I::I64TruncSatF32S),
            (false, false) => (I::F32Ne, I::I32TruncSatF32U, I::I64TruncSatF32U),
            (true, true) => (I::F64Ne, I::I32TruncSatF64S, I::I64TruncSatF64S),
            (true, false) => (I::F64Ne, I::I32TruncSatF64U, I::I64TruncSatF64U),
        };
        match to {
            Repr::I64 => {
                self.code.extend([I::LocalGet(x), trunc64]);
                if signed {
                    // NaN to a signed 64-bit integer is INT64_MIN on the H100.
                    self.code.extend([
                        I::I64Const(i64::MIN),
                        I::I64Const(0),
                        I::LocalGet(x),
                        I::LocalGet(x),
                        is_nan,
                        I::Select,
                        I::I64Or,
                    ]);
                }
            }
            Repr::I32(32) => {
                self.code.extend([I::LocalGet(x), trunc32]);
                if signed && from_f64 {
                    // A double NaN to a signed 32-bit integer is INT_MIN on the H100.
                    self.code.extend([
                        I::I32Const(i32::MIN),
                        I::I32Const(0),
                        I::LocalGet(x),
                        I::LocalGet(x),
                        is_nan,
                        I::Select,
                        I::I32Or,
                    ]);
                }
            }
            Repr::I32(bits) => {
                // Saturate to the narrow range (NaN gives 0 through `trunc_sat`).
                let (lo, hi) = if signed {
                    (-(1i32 << (bits - 1)), (1i32 << (bits - 1)) - 1)
                } else {
                    (0, ((1u32 << bits) - 1) as i32)
                };
                let t = self.new_local(ValType::I32);
                self.code.extend([I::LocalGet(x), trunc32, I::LocalSet(t)]);
                let (lt, gt) = if signed {
                    (I::I32LtS, I::I32GtS)
                } else {
                    (I::I32LtU, I::I32GtU)
                };
                self.code.extend([
                    I::I32Const(lo),
                    I::LocalGet(t),
                    I::LocalGet(t),
                    I::I32Const(lo),
                    lt,
                    I::Select,
                    I::LocalSet(t),
                    I::I32Const(hi),
                    I::LocalGet(t),
                    I::LocalGet(t),
                    I::I32Const(hi),
                    gt,
                    I::Select,
                ]);
                self.normalize(bits);
            }
            _ => return Err(self.internal("float to non-integer conversion")),
        }
        Ok(())
    }

    /// The math builtins WebAssembly computes natively (the driver's
    /// `devlib::is_always_native` list); the others come from the device library, linked
    /// before this backend runs.
    fn math(&mut self, name: &str, args: &[Value]) -> Result<(), WasmError> {
        let arg = |i: usize| {
            args.get(i)
                .copied()
                .ok_or_else(|| WasmError::Internal(format!("`{name}` lacks argument {i}")))
        };
        let f64 = matches!(name, "sqrt" | "rsqrt" | "fdim");
        let (sqrt, one, div) = if f64 {
            (I::F64Sqrt, I::F64Const(1f64.into()), I::F64Div)
        } else {
            (I::F32Sqrt, I::F32Const(1f32.into()), I::F32Div)
        };
        match name {
            "sqrtf" | "sqrt" | "__fsqrt_rn" => {
                self.get(arg(0)?)?;
                self.code.push(sqrt);
            }
            "rsqrtf" | "rsqrt" => {
                self.code.push(one);
                self.get(arg(0)?)?;
                self.code.push(sqrt);
                self.code.push(div);
            }
            "__frcp_rn" => {
                self.code.push(one);
                self.get(arg(0)?)?;
                self.code.push(div);
            }
            "__fdividef" => {
                self.get(arg(0)?)?;
                self.get(arg(1)?)?;
                self.code.push(div);
            }
            "__saturatef" => {
                // Clamp to [0, 1]; NaN gives 0.
                let x = self.local_of(arg(0)?)?;
                self.code.extend([
                    I::F32Const(0f32.into()),
                    I::F32Const(1f32.into()),
                    I::LocalGet(x),
                    I::F32Min,
                    I::LocalGet(x),
                    I::LocalGet(x),
                    I::F32Eq,
                    I::Select,
                    I::F32Const(0f32.into()),
                    I::F32Max,
                ]);
            }
            "fmaf" => {
                // The product of two floats is exact in double; one more rounding to float.
                for i in 0..3 {
                    self.get(arg(i)?)?;
                    self.code.push(I::F64PromoteF32);
                    if i == 1 {
                        self.code.push(I::F64Mul);
                    }
                }
                self.code.push(I::F64Add);
                self.code.push(I::F32DemoteF64);
            }
            "fdimf" | "fdim" => {
                // a > b ? a - b : +0, and NaN when either is NaN.
                let a = self.local_of(arg(0)?)?;
                let b = self.local_of(arg(1)?)?;
                let (zero, sub, le) = if f64 {
                    (I::F64Const(0f64.into()), I::F64Sub, I::F64Le)
                } else {
                    (I::F32Const(0f32.into()), I::F32Sub, I::F32Le)
                };
                self.code.extend([
                    zero,
                    I::LocalGet(a),
                    I::LocalGet(b),
                    sub,
                    I::LocalGet(a),
                    I::LocalGet(b),
                    le,
                    I::Select,
                ]);
            }
            _ => {
                return Err(self.unsupported(format!(
                    "the math function `{name}` (the device library was not linked)"
                )))
            }
        }
        Ok(())
    }

    fn atomic_rmw(
        &mut self,
        op: AtomicOp,
        ptr: Value,
        value: Value,
        repr: Repr,
    ) -> Result<(), WasmError> {
        use AtomicOp::*;
        let wide = match repr {
            Repr::I32(32) | Repr::F32 => false,
            Repr::I64 | Repr::F64 => true,
            _ => return Err(self.unsupported("atomics on 8- or 16-bit values")),
        };
        let is_float = matches!(repr, Repr::F32 | Repr::F64);
        let natural = if wide { 8 } else { 4 };
        let m = mem(natural, natural);
        // Native read-modify-write for the integer operations WebAssembly has.
        let native = match (op, wide, is_float) {
            (Add, false, false) => Some(I::I32AtomicRmwAdd(m)),
            (Sub, false, false) => Some(I::I32AtomicRmwSub(m)),
            (And, false, false) => Some(I::I32AtomicRmwAnd(m)),
            (Or, false, false) => Some(I::I32AtomicRmwOr(m)),
            (Xor, false, false) => Some(I::I32AtomicRmwXor(m)),
            (Exch, false, _) => Some(I::I32AtomicRmwXchg(m)),
            (Add, true, false) => Some(I::I64AtomicRmwAdd(m)),
            (Sub, true, false) => Some(I::I64AtomicRmwSub(m)),
            (And, true, false) => Some(I::I64AtomicRmwAnd(m)),
            (Or, true, false) => Some(I::I64AtomicRmwOr(m)),
            (Xor, true, false) => Some(I::I64AtomicRmwXor(m)),
            (Exch, true, _) => Some(I::I64AtomicRmwXchg(m)),
            _ => None,
        };
        if let Some(inst) = native {
            self.address(ptr)?;
            self.get(value)?;
            if is_float {
                self.code.push(if wide {
                    I::I64ReinterpretF64
                } else {
                    I::I32ReinterpretF32
                });
            }
            self.code.push(inst);
            if is_float {
                self.code.push(if wide {
                    I::F64ReinterpretI64
                } else {
                    I::F32ReinterpretI32
                });
            }
            return Ok(());
        }
        // A compare-exchange loop on the bits.
        let bits_ty = if wide { ValType::I64 } else { ValType::I32 };
        let addr = self.new_local(ValType::I32);
        let old = self.new_local(bits_ty);
        let seen = self.new_local(bits_ty);
        self.address(ptr)?;
        self.code.push(I::LocalSet(addr));
        self.code.push(I::LocalGet(addr));
        self.code.push(if wide {
            I::I64AtomicLoad(m)
        } else {
            I::I32AtomicLoad(m)
        });
        self.code.push(I::LocalSet(old));
        self.code.push(I::Loop(BlockType::Empty));
        self.code.push(I::LocalGet(addr));
        self.code.push(I::LocalGet(old));
        // The new value from `old` and `value`.
        self.rmw_new_value(op, old, value, repr)?;
        self.code.push(if wide {
            I::I64AtomicRmwCmpxchg(m)
        } else {
            I::I32AtomicRmwCmpxchg(m)
        });
        self.code.push(I::LocalTee(seen));
        self.code.push(I::LocalGet(old));
        self.code.push(if wide { I::I64Ne } else { I::I32Ne });
        self.code.push(I::If(BlockType::Empty));
        self.code.push(I::LocalGet(seen));
        self.code.push(I::LocalSet(old));
        self.code.push(I::Br(1));
        self.code.push(I::End);
        self.code.push(I::End);
        self.code.push(I::LocalGet(old));
        if is_float {
            self.code.push(if wide {
                I::F64ReinterpretI64
            } else {
                I::F32ReinterpretI32
            });
        }
        Ok(())
    }

    /// Pushes the bits of `op(old, value)` where `old` holds the bits of the old value.
    fn rmw_new_value(
        &mut self,
        op: AtomicOp,
        old: u32,
        value: Value,
        repr: Repr,
    ) -> Result<(), WasmError> {
        use AtomicOp::*;
        let v = self.local_of(value)?;
        match repr {
            Repr::F32 | Repr::F64 if op == Add => {
                let f64 = repr == Repr::F64;
                self.code.push(I::LocalGet(old));
                self.code.push(if f64 {
                    I::F64ReinterpretI64
                } else {
                    I::F32ReinterpretI32
                });
                self.code.push(I::LocalGet(v));
                self.code.push(if f64 { I::F64Add } else { I::F32Add });
                self.code.push(if f64 {
                    I::I64ReinterpretF64
                } else {
                    I::I32ReinterpretF32
                });
            }
            Repr::I32(32) => {
                let cmp = match op {
                    SMin => I::I32LtS,
                    UMin => I::I32LtU,
                    SMax => I::I32GtS,
                    UMax => I::I32GtU,
                    Inc => {
                        // old >= value ? 0 : old + 1
                        self.code.extend([
                            I::I32Const(0),
                            I::LocalGet(old),
                            I::I32Const(1),
                            I::I32Add,
                            I::LocalGet(old),
                            I::LocalGet(v),
                            I::I32GeU,
                            I::Select,
                        ]);
                        return Ok(());
                    }
                    Dec => {
                        // (old == 0 || old > value) ? value : old - 1
                        self.code.extend([
                            I::LocalGet(v),
                            I::LocalGet(old),
                            I::I32Const(1),
                            I::I32Sub,
                            I::LocalGet(old),
                            I::I32Eqz,
                            I::LocalGet(old),
                            I::LocalGet(v),
                            I::I32GtU,
                            I::I32Or,
                            I::Select,
                        ]);
                        return Ok(());
                    }
                    _ => return Err(self.internal(format!("atomic {op:?} on i32"))),
                };
                self.code.extend([
                    I::LocalGet(old),
                    I::LocalGet(v),
                    I::LocalGet(old),
                    I::LocalGet(v),
                    cmp,
                    I::Select,
                ]);
            }
            Repr::I64 => {
                let cmp = match op {
                    SMin => I::I64LtS,
                    UMin => I::I64LtU,
                    SMax => I::I64GtS,
                    UMax => I::I64GtU,
                    _ => return Err(self.unsupported(format!("64-bit atomic {op:?}"))),
                };
                self.code.extend([
                    I::LocalGet(old),
                    I::LocalGet(v),
                    I::LocalGet(old),
                    I::LocalGet(v),
                    cmp,
                    I::Select,
                ]);
            }
            _ => return Err(self.unsupported(format!("atomic {op:?} on {repr:?}"))),
        }
        Ok(())
    }

    fn atomic_cas(
        &mut self,
        ptr: Value,
        expected: Value,
        desired: Value,
        repr: Repr,
    ) -> Result<(), WasmError> {
        let (inst, to_bits, from_bits) = match repr {
            Repr::I32(32) => (I::I32AtomicRmwCmpxchg(mem(4, 4)), None, None),
            Repr::I64 => (I::I64AtomicRmwCmpxchg(mem(8, 8)), None, None),
            Repr::F32 => (
                I::I32AtomicRmwCmpxchg(mem(4, 4)),
                Some(I::I32ReinterpretF32),
                Some(I::F32ReinterpretI32),
            ),
            Repr::F64 => (
                I::I64AtomicRmwCmpxchg(mem(8, 8)),
                Some(I::I64ReinterpretF64),
                Some(I::F64ReinterpretI64),
            ),
            Repr::I32(16) => (I::I32AtomicRmw16CmpxchgU(mem(2, 2)), None, None),
            _ => return Err(self.unsupported("atomicCAS on 8-bit values")),
        };
        self.address(ptr)?;
        for v in [expected, desired] {
            self.get(v)?;
            if let Some(i) = &to_bits {
                self.code.push(i.clone());
            }
        }
        self.code.push(inst);
        if let Some(i) = from_bits {
            self.code.push(i);
        }
        Ok(())
    }

    /// `printf`: the arguments go to the frame's printf area as 8-byte slots, the host
    /// formats them (types from a descriptor in static data).
    fn printf(&mut self, format: &str, args: &[Value]) -> Result<(), WasmError> {
        let base = self
            .frame_base
            .ok_or_else(|| self.internal("printf without a frame"))?;
        let mut types = Vec::with_capacity(args.len());
        for (index, &arg) in args.iter().enumerate() {
            let repr = self.repr(arg)?;
            let is_ptr = matches!(self.ty(arg)?, Type::Ptr(_));
            types.push(match (repr, is_ptr) {
                (_, true) => 4u8,
                (Repr::I32(_), _) => 1,
                (Repr::I64, _) => 2,
                (Repr::F64, _) => 3,
                (Repr::F32, _) => 5,
            });
            self.code.push(I::LocalGet(base));
            self.get(arg)?;
            let offset = self.frame.printf_area + 8 * index as u64;
            let m = MemArg {
                offset,
                align: 3,
                memory_index: 0,
            };
            self.code.push(match repr {
                Repr::I32(_) => I::I32Store(MemArg { align: 2, ..m }),
                Repr::I64 => I::I64Store(m),
                Repr::F32 => I::F32Store(MemArg { align: 2, ..m }),
                Repr::F64 => I::F64Store(m),
            });
        }
        let format_address = self.cx.data.string(format);
        let types_address = self.cx.data.bytes(&types, 1);
        self.code.extend([
            I::I32Const(format_address as i32),
            I::I32Const(format.len() as i32),
            I::I32Const(types_address as i32),
            I::LocalGet(base),
            I::I32Const(self.frame.printf_area as i32),
            I::I32Add,
            I::I32Const(args.len() as i32),
            I::Call(self.cx.imports.printf),
        ]);
        Ok(())
    }
}
