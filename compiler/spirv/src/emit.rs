//! SIMT IR to SPIR-V words, one kernel at a time (the ABI is in the crate docs).

use crate::{
    GlobalSlot, ParamSlot, SpirvError, SpirvKernel, SpirvOptions, PUSH_CONSTANT_BYTES,
    PUSH_CONSTANT_MAX_BYTES, SPEC_BLOCK_SIZE, SPEC_DYNAMIC_SHARED_WORDS,
};
use cwcc_simt::inline_all::inline_calls;
use cwcc_simt::ir::{
    AddrSpace, AtomicOp, BarrierKind, BinaryOp, CmpOp, ConvOp, Dim, FloatWidth, Function, GlobalId,
    Handle, Inst, IntWidth, Loc, LocalId, MatchKind, Module, ParamKind, ReduceOp, Region, Scope,
    ShuffleKind, StmtKind, Type, UnaryOp, Value, VoteKind,
};
use cwcc_simt::predicate::{has_collectives, predicate_collectives};
use rspirv::binary::Assemble;
use rspirv::dr::{Builder, InsertPoint, Instruction, Operand};
use rspirv::spirv::{
    self, AddressingModel, BuiltIn, Capability, Decoration, ExecutionMode, ExecutionModel,
    FunctionControl, GlslStd450Op as GLOp, MemoryAccess, MemoryModel, Op, StorageClass, Word,
};
use std::collections::HashMap;

mod denormals;
mod speculate;

type Res<T> = Result<T, SpirvError>;

fn internal(e: rspirv::dr::Error) -> SpirvError {
    SpirvError::Invalid(format!("SPIR-V builder: {e:?}"))
}

fn align_up(x: u64, a: u64) -> u64 {
    let a = a.max(1);
    x.div_ceil(a) * a
}

/// Where a pointer value points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prov {
    /// Nothing known yet (null, or not reached by the analysis).
    None,
    /// A device address (global, constant, parameter memory).
    Global,
    /// A byte offset into the shared array.
    Shared,
    /// A byte offset into a local variable.
    Local(LocalId),
    /// Different spaces on different paths.
    Conflict,
}

impl Prov {
    fn join(self, other: Prov) -> Prov {
        match (self, other) {
            (Prov::None, x) | (x, Prov::None) => x,
            (a, b) if a == b => a,
            _ => Prov::Conflict,
        }
    }
}

/// Union-find over locals: locals that one pointer may point into share one word array
/// (a pointer to one of two locals, as `lo = a < b ? a : b` through references makes).
struct LocalGroups {
    parent: Vec<usize>,
}

impl LocalGroups {
    fn find(&self, l: LocalId) -> LocalId {
        let mut i = l.index();
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            i = p;
        }
        LocalId::from_index(i)
    }

    /// Joins two provenances, uniting two locals' groups; the flag says whether it did.
    fn join(&mut self, a: Prov, b: Prov) -> (Prov, bool) {
        match (a, b) {
            (Prov::Local(x), Prov::Local(y)) => {
                let (rx, ry) = (self.find(x), self.find(y));
                if rx == ry {
                    (Prov::Local(rx), false)
                } else {
                    let (keep, gone) = if rx.index() < ry.index() {
                        (rx, ry)
                    } else {
                        (ry, rx)
                    };
                    if let Some(p) = self.parent.get_mut(gone.index()) {
                        *p = keep.index();
                    }
                    (Prov::Local(keep), true)
                }
            }
            (Prov::Local(x), Prov::None) | (Prov::None, Prov::Local(x)) => {
                (Prov::Local(self.find(x)), false)
            }
            _ => (a.join(b), false),
        }
    }
}

/// How a local variable is represented.
#[derive(Clone, Copy, Debug)]
enum LocalRepr {
    /// A `Function` variable of the local's scalar type (`ty` the SPIR-V value type).
    Typed { var: Word },
    /// A `Function` array of `u32` words addressed by byte offset.
    Words { var: Word },
}

/// A memory access target resolved from a pointer value.
enum Target {
    /// A device address (`u64` id).
    Global(Word),
    /// A word array variable with a byte offset (`u32` id).
    Words {
        var: Word,
        class: StorageClass,
        offset: Word,
    },
    /// A typed local variable.
    Typed(Word),
}

struct Emitter<'m> {
    m: &'m Module,
    f: &'m Function,
    opts: &'m SpirvOptions,
    b: Builder,
    glsl: Word,
    consts: HashMap<(Word, u64), Word>,
    values: HashMap<Value, Word>,
    prov: Vec<Prov>,
    slot_prov: Vec<Prov>,
    groups: LocalGroups,
    /// Byte offset of each word-array local in its group's array.
    local_base: Vec<u64>,
    locals: Vec<LocalRepr>,
    shared_var: Option<Word>,
    shared_offsets: HashMap<GlobalId, u64>,
    dyn_shared_offset: u64,
    global_offsets: HashMap<GlobalId, u64>,
    scratch_var: Option<Word>,
    push_var: Word,
    local_id_var: Word,
    group_id_var: Word,
    block_size: [Word; 3],
    loops: Vec<(Word, Word)>,
    terminated: bool,
    cur_label: Word,
    loc: Option<Loc>,
    caps: Vec<Capability>,
    uses_subgroups: bool,
    uses_clock: bool,
    /// The workgroup array of the warp emulation (3 words per thread), when emulating.
    warp_slots: Option<Word>,
    /// The `SubgroupLocalInvocationId` input, when collectives use subgroup operations.
    subgroup_lane_var: Option<Word>,
    /// With the subnormal emulation: `f32` products whose one use is a sum, whose check
    /// covers them (see `emit/denormals.rs`).
    fused_products: std::collections::HashSet<Value>,
    /// The operands of the fused products emitted so far, by the product's id.
    product_operands: HashMap<Word, (Word, Word)>,
    /// With the subnormal emulation: the `Function` variable of a speculated loop's `ok`
    /// flag (see `emit/speculate.rs`).
    spec_flag_var: Option<Word>,
    /// Set while a speculated loop is emitted optimistically: checks clear the flag instead
    /// of branching.
    spec_flag: Option<Word>,
    /// Set while a speculated loop's exact redo is emitted (no speculation inside it).
    exact_redo: bool,
}

/// The body of [`Emitter::lane_loop`]: lane index and accumulators to new accumulators.
type LaneBody<'a, E> = dyn FnMut(&mut E, Word, &[Word]) -> Res<Vec<Word>> + 'a;

/// Words per thread in the warp-emulation array: value low, value high, participation.
const WARP_SLOT_WORDS: u32 = 3;

/// What the lanes of a collective see of each other.
struct WarpView {
    /// Subgroup operations (else the shared-memory emulation).
    subgroup: bool,
    /// The calling lane (`u32`).
    lane: Word,
    /// The caller's mask (`u32`; 0 = not participating, emulation only).
    mask: Word,
    /// The caller's operand as two words (`u32`).
    lo: Word,
    hi: Word,
    /// Whether the operand is 64 bits wide.
    wide: bool,
    /// Emulation: linear index of the warp's lane 0, lanes in the warp, last thread index.
    base: Word,
    count: Word,
    last: Word,
    /// Subgroup mode: the ballot of the invocations executing the collective.
    active: Word,
}

pub fn compile_kernel(module: &Module, kernel: &str, opts: &SpirvOptions) -> Res<SpirvKernel> {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let info = module
        .kernels
        .iter()
        .find(|k| k.name == kernel || squash(&k.name) == squash(kernel))
        .ok_or_else(|| SpirvError::NoSuchKernel(kernel.to_string()))?
        .clone();
    let mut work = module.clone();
    let mut function = inline_calls(&mut work, info.function)?;
    if opts.subgroup_size != 32 {
        predicate_collectives(&mut work, &mut function)?;
    }

    // Parameter buffer layout.
    let mut params = Vec::new();
    let mut offset = 0u64;
    for p in &info.params {
        let (size, align) = match &p.kind {
            ParamKind::Pointer(_) => (8, 8),
            ParamKind::Scalar(t) | ParamKind::ByValue(t) => (
                work.size_of(*t).unwrap_or(0),
                u64::from(work.align_of(*t).unwrap_or(1)),
            ),
        };
        offset = align_up(offset, align);
        params.push(ParamSlot {
            offset: offset as u32,
            size: size as u32,
            kind: p.kind.clone(),
        });
        offset += size;
    }
    let param_buffer_size = align_up(offset, 8) as u32;
    let params_in_push_constants = param_buffer_size > 0
        && PUSH_CONSTANT_BYTES + param_buffer_size <= PUSH_CONSTANT_MAX_BYTES
        && !params
            .iter()
            .any(|p| matches!(p.kind, ParamKind::ByValue(_)));

    // Globals buffer and shared layout.
    let mut globals = Vec::new();
    let mut global_offsets = HashMap::new();
    let mut shared_offsets = HashMap::new();
    let mut globals_size = 0u64;
    let mut shared_size = 0u64;
    let mut init = Vec::new();
    for (id, g) in work.globals.iter() {
        let size = work.size_of(g.ty).unwrap_or(0);
        let align = u64::from(g.align.max(1));
        match g.space {
            AddrSpace::Shared => {
                shared_size = align_up(shared_size, align.max(4));
                shared_offsets.insert(id, shared_size);
                shared_size += size;
            }
            _ => {
                globals_size = align_up(globals_size, align);
                global_offsets.insert(id, globals_size);
                init.resize(globals_size as usize, 0);
                match &g.init {
                    Some(bytes) => init.extend_from_slice(bytes),
                    None => init.resize((globals_size + size) as usize, 0),
                }
                init.resize((globals_size + size) as usize, 0);
                globals.push(GlobalSlot {
                    name: g.name.clone(),
                    space: g.space,
                    offset: globals_size,
                    size,
                });
                globals_size += size;
            }
        }
    }
    let dyn_shared_offset = align_up(shared_size, 16);

    let mut e = Emitter {
        m: &work,
        f: &function,
        opts,
        b: Builder::new(),
        glsl: 0,
        consts: HashMap::new(),
        values: HashMap::new(),
        prov: vec![Prov::None; function.value_types.len()],
        slot_prov: vec![Prov::None; function.locals.len()],
        groups: LocalGroups {
            parent: (0..function.locals.len()).collect(),
        },
        local_base: Vec::new(),
        locals: Vec::new(),
        shared_var: None,
        shared_offsets,
        dyn_shared_offset,
        global_offsets,
        scratch_var: None,
        push_var: 0,
        local_id_var: 0,
        group_id_var: 0,
        block_size: [0; 3],
        loops: Vec::new(),
        terminated: false,
        cur_label: 0,
        loc: None,
        caps: Vec::new(),
        uses_subgroups: false,
        uses_clock: false,
        warp_slots: None,
        subgroup_lane_var: None,
        fused_products: Default::default(),
        product_operands: HashMap::new(),
        spec_flag_var: None,
        spec_flag: None,
        exact_redo: false,
    };
    if e.soft_denormals() {
        e.fused_products = cwcc_simt::speculate::fusable_products(&function, &work);
    }
    e.analyze_provenance(&info.params)?;
    let inline_words = if params_in_push_constants {
        param_buffer_size / 4
    } else {
        0
    };
    let words = e.emit(
        &params,
        inline_words,
        shared_size > 0 || info.uses_dynamic_shared,
    )?;
    Ok(SpirvKernel {
        name: info.name.clone(),
        words,
        params,
        param_buffer_size,
        params_in_push_constants,
        globals,
        globals_size,
        globals_init: init,
        static_shared_bytes: shared_size,
        dynamic_shared_offset: dyn_shared_offset,
        uses_dynamic_shared: info.uses_dynamic_shared,
        uses_subgroups: e.uses_subgroups,
        uses_clock: e.uses_clock,
    })
}

/// Visits every instruction of a region, depth first.
fn walk<'r>(region: &'r Region, f: &mut dyn FnMut(Option<Value>, &'r Inst)) {
    region.for_each_inst(&mut |result, inst| f(result, inst));
}

impl<'m> Emitter<'m> {
    fn ty(&self, v: Value) -> Res<&'m Type> {
        let f: &'m Function = self.f;
        let m: &'m Module = self.m;
        f.value_type(v)
            .and_then(|t| m.type_of(t))
            .ok_or_else(|| SpirvError::Invalid(format!("value {v} has no type")))
    }

    fn prov_of(&self, v: Value) -> Prov {
        self.prov.get(v.index()).copied().unwrap_or(Prov::None)
    }

    fn where_(&self) -> Option<String> {
        self.loc.map(|l| self.m.format_loc(l))
    }

    fn unsupported<T>(&self, what: impl Into<String>) -> Res<T> {
        Err(SpirvError::Unsupported {
            what: what.into(),
            loc: self.where_(),
        })
    }

    // ---------------------------------------------------------------- analysis

    fn analyze_provenance(&mut self, params: &[cwcc_simt::ir::KernelParam]) -> Res<()> {
        for (p, v) in params.iter().zip(&self.f.params) {
            if !matches!(p.kind, ParamKind::Scalar(_)) {
                if let Some(slot) = self.prov.get_mut(v.index()) {
                    *slot = Prov::Global;
                }
            }
        }
        let m = self.m;
        loop {
            let mut changed = false;
            let mut prov = std::mem::take(&mut self.prov);
            let mut slots = std::mem::take(&mut self.slot_prov);
            let mut groups =
                std::mem::replace(&mut self.groups, LocalGroups { parent: Vec::new() });
            let get =
                |prov: &Vec<Prov>, v: &Value| prov.get(v.index()).copied().unwrap_or(Prov::None);
            walk(&self.f.body, &mut |result, inst| {
                let new = match inst {
                    Inst::LocalAddr(l) => Prov::Local(*l),
                    Inst::DynSharedAddr => Prov::Shared,
                    Inst::GlobalAddr(g) => match m.globals.get(*g).map(|g| g.space) {
                        Some(AddrSpace::Shared) => Prov::Shared,
                        _ => Prov::Global,
                    },
                    Inst::PtrAdd { ptr, .. } => get(&prov, ptr),
                    Inst::Convert {
                        op: ConvOp::AddrSpaceCast,
                        arg,
                    } => get(&prov, arg),
                    // An integer made from a pointer keeps the pointer's space through
                    // integer arithmetic (`(T *)((uintptr_t)p & ~3)`), so that converting it
                    // back gives a pointer into the same space; one from anything else
                    // (a loaded or computed address) is a device address.
                    Inst::Convert {
                        op: ConvOp::IntToPtr,
                        arg,
                    } => match get(&prov, arg) {
                        Prov::None => Prov::Global,
                        p => p,
                    },
                    Inst::Convert {
                        op: ConvOp::PtrToInt | ConvOp::ZExt | ConvOp::SExt | ConvOp::Trunc,
                        arg,
                    } => get(&prov, arg),
                    Inst::Binary { lhs, rhs, .. } => {
                        let (j, united) = groups.join(get(&prov, lhs), get(&prov, rhs));
                        changed |= united;
                        j
                    }
                    Inst::Select {
                        if_true, if_false, ..
                    } => {
                        let (j, united) = groups.join(get(&prov, if_true), get(&prov, if_false));
                        changed |= united;
                        j
                    }
                    Inst::Load { ptr, .. } => match get(&prov, ptr) {
                        Prov::Local(l) => slots
                            .get(groups.find(l).index())
                            .copied()
                            .unwrap_or(Prov::None),
                        _ => Prov::Global,
                    },
                    Inst::Store { ptr, value, .. } => {
                        if let Prov::Local(l) = get(&prov, ptr) {
                            let vp = get(&prov, value);
                            let root = groups.find(l);
                            let old = slots.get(root.index()).copied().unwrap_or(Prov::None);
                            let (j, united) = groups.join(old, vp);
                            changed |= united;
                            if let Some(s) = slots.get_mut(root.index()) {
                                if j != *s {
                                    *s = j;
                                    changed = true;
                                }
                            }
                        }
                        Prov::None
                    }
                    _ => Prov::None,
                };
                if let Some(r) = result {
                    if let Some(p) = prov.get_mut(r.index()) {
                        let (j, united) = groups.join(*p, new);
                        changed |= united;
                        if j != *p {
                            *p = j;
                            changed = true;
                        }
                    }
                }
            });
            // Slots of united groups: the root's slot holds the join of the members'.
            for i in 0..slots.len() {
                let root = groups.find(LocalId::from_index(i)).index();
                if root != i {
                    let member = slots.get(i).copied().unwrap_or(Prov::None);
                    let root_slot = slots.get(root).copied().unwrap_or(Prov::None);
                    let (j, united) = groups.join(root_slot, member);
                    changed |= united;
                    if let Some(s) = slots.get_mut(root) {
                        if j != *s {
                            *s = j;
                            changed = true;
                        }
                    }
                }
            }
            self.prov = prov;
            self.slot_prov = slots;
            self.groups = groups;
            if !changed {
                return Ok(());
            }
        }
    }

    /// Locals whose address is used only directly by loads and stores of their own scalar
    /// type (these become typed variables).
    fn simple_locals(&self) -> Vec<bool> {
        let m = self.m;
        let f = self.f;
        let mut simple: Vec<bool> = f.locals.iter().map(|l| m.is_scalar(l.ty)).collect();
        let mut addr_of: HashMap<Value, LocalId> = HashMap::new();
        walk(&f.body, &mut |result, inst| {
            if let (Some(r), Inst::LocalAddr(l)) = (result, inst) {
                addr_of.insert(r, *l);
            }
        });
        walk(&f.body, &mut |result, inst| {
            let check = |v: Value, ok: bool, simple: &mut Vec<bool>| {
                if let Some(l) = addr_of.get(&v) {
                    if !ok {
                        if let Some(s) = simple.get_mut(l.index()) {
                            *s = false;
                        }
                    }
                }
            };
            match inst {
                Inst::Load { ptr, .. } => {
                    let ok = addr_of.get(ptr).is_some_and(|l| {
                        f.locals.get(l.index()).map(|x| x.ty)
                            == result.and_then(|r| f.value_type(r))
                    });
                    check(*ptr, ok, &mut simple);
                }
                Inst::Store { ptr, value, .. } => {
                    let ok = addr_of.get(ptr).is_some_and(|l| {
                        f.locals.get(l.index()).map(|x| x.ty) == f.value_type(*value)
                    });
                    check(*ptr, ok, &mut simple);
                    check(*value, false, &mut simple);
                }
                other => other.for_each_operand(|v| check(v, false, &mut simple)),
            }
        });
        simple
    }

    // ---------------------------------------------------------------- types and constants

    fn cap(&mut self, c: Capability) {
        if !self.caps.contains(&c) {
            self.caps.push(c);
        }
    }

    fn t_void(&mut self) -> Word {
        self.b.type_void()
    }
    fn t_bool(&mut self) -> Word {
        self.b.type_bool()
    }
    fn t_int(&mut self, bits: u32) -> Word {
        match bits {
            8 => self.cap(Capability::Int8),
            16 => self.cap(Capability::Int16),
            64 => self.cap(Capability::Int64),
            _ => {}
        }
        self.b.type_int(bits, 0)
    }
    fn t_u32(&mut self) -> Word {
        self.t_int(32)
    }
    fn t_u64(&mut self) -> Word {
        self.t_int(64)
    }
    fn t_float(&mut self, bits: u32) -> Word {
        if bits == 64 {
            self.cap(Capability::Float64);
        }
        self.b.type_float(bits, None)
    }

    /// The SPIR-V type of a scalar SIMT type.
    fn spv_type(&mut self, t: &Type) -> Res<Word> {
        Ok(match t {
            Type::Bool => self.t_bool(),
            Type::Int(w) => self.t_int(w.bits()),
            Type::Float(FloatWidth::F32) => self.t_float(32),
            Type::Float(FloatWidth::F64) => self.t_float(64),
            Type::Ptr(_) => self.t_u64(),
            _ => return self.unsupported("a value of aggregate type"),
        })
    }

    fn val_type(&mut self, v: Value) -> Res<Word> {
        let t = self.ty(v)?;
        self.spv_type(t)
    }

    fn constant(&mut self, ty: Word, bits: u64, width: u32) -> Word {
        if let Some(c) = self.consts.get(&(ty, bits)) {
            return *c;
        }
        let c = if width == 64 {
            self.b.constant_bit64(ty, bits)
        } else {
            let mask = if width >= 32 {
                u64::from(u32::MAX)
            } else {
                (1 << width) - 1
            };
            self.b.constant_bit32(ty, (bits & mask) as u32)
        };
        self.consts.insert((ty, bits), c);
        c
    }
    fn c_u32(&mut self, v: u32) -> Word {
        let t = self.t_u32();
        self.constant(t, u64::from(v), 32)
    }
    fn c_u64(&mut self, v: u64) -> Word {
        let t = self.t_u64();
        self.constant(t, v, 64)
    }
    fn c_bool(&mut self, v: bool) -> Word {
        let t = self.t_bool();
        let key = (t, u64::from(v));
        if let Some(c) = self.consts.get(&key) {
            return *c;
        }
        let c = if v {
            self.b.constant_true(t)
        } else {
            self.b.constant_false(t)
        };
        self.consts.insert(key, c);
        c
    }
    /// A constant of a scalar SIMT type from raw bits.
    fn c_typed(&mut self, t: &Type, bits: u64) -> Res<Word> {
        match t {
            Type::Bool => Ok(self.c_bool(bits & 1 != 0)),
            Type::Int(w) => {
                let ty = self.t_int(w.bits());
                Ok(self.constant(ty, bits, w.bits()))
            }
            Type::Float(FloatWidth::F32) => {
                let ty = self.t_float(32);
                Ok(self.constant(ty, bits, 32))
            }
            Type::Float(FloatWidth::F64) => {
                let ty = self.t_float(64);
                Ok(self.constant(ty, bits, 64))
            }
            Type::Ptr(_) => Ok(self.c_u64(bits)),
            _ => self.unsupported("a constant of aggregate type"),
        }
    }
    fn c_f(&mut self, bits: u32, x: f64) -> Word {
        let t = self.t_float(bits);
        if bits == 64 {
            self.constant(t, x.to_bits(), 64)
        } else {
            self.constant(t, u64::from((x as f32).to_bits()), 32)
        }
    }

    // ---------------------------------------------------------------- instruction helpers

    fn op(&mut self, op: Op, ty: Word, operands: &[Word]) -> Res<Word> {
        if let (Op::FAdd | Op::FSub | Op::FMul, [a, b]) = (op, operands) {
            if self.soft_denormals() && ty == self.t_float(32) {
                return self.soft_arith(op, *a, *b);
            }
        }
        self.native_op(op, ty, operands)
    }
    /// [`Emitter::op`] without the subnormal emulation.
    fn native_op(&mut self, op: Op, ty: Word, operands: &[Word]) -> Res<Word> {
        if self.opts.simulate_flush_f32 {
            let f32t = self.t_float(32);
            let arith = matches!(
                op,
                Op::FAdd | Op::FSub | Op::FMul | Op::FDiv | Op::FRem | Op::FMod | Op::FNegate
            );
            if arith && ty == f32t {
                let flushed = self.flush_all_f32(operands)?;
                let r = self.emit_op(op, ty, &flushed)?;
                return self.flush_f32(r);
            }
            if op == Op::FConvert && ty == self.t_float(64) {
                let flushed = self.flush_all_f32(operands)?;
                return self.emit_op(op, ty, &flushed);
            }
        }
        self.emit_op(op, ty, operands)
    }
    /// `x` (an `f32`) as a flushing device reads or writes it: a subnormal becomes a zero
    /// of its sign ([`SpirvOptions::simulate_flush_f32`]).
    fn flush_f32(&mut self, x: Word) -> Res<Word> {
        let f = self.t_float(32);
        let u32t = self.t_u32();
        let sub = self.is_subnormal_f32(x)?;
        let bits = self.emit_op(Op::Bitcast, u32t, &[x])?;
        let sign_mask = self.c_u32(0x8000_0000);
        let sign = self.emit_op(Op::BitwiseAnd, u32t, &[bits, sign_mask])?;
        let zero = self.emit_op(Op::Bitcast, f, &[sign])?;
        self.emit_op(Op::Select, f, &[sub, zero, x])
    }
    fn flush_all_f32(&mut self, xs: &[Word]) -> Res<Vec<Word>> {
        xs.iter().map(|x| self.flush_f32(*x)).collect()
    }
    /// An `f32` comparison as the device computes it (flushing its operands where
    /// [`SpirvOptions::simulate_flush_f32`] asks).
    fn native_f32_compare(&mut self, op: Op, a: Word, b: Word) -> Res<Word> {
        let boolt = self.t_bool();
        if self.opts.simulate_flush_f32 {
            let (a, b) = (self.flush_f32(a)?, self.flush_f32(b)?);
            return self.emit_op(op, boolt, &[a, b]);
        }
        self.emit_op(op, boolt, &[a, b])
    }
    /// One instruction, as given.
    fn emit_op(&mut self, op: Op, ty: Word, operands: &[Word]) -> Res<Word> {
        let id = self.b.id();
        if matches!(
            op,
            Op::FAdd | Op::FSub | Op::FMul | Op::FDiv | Op::FRem | Op::FMod | Op::FNegate
        ) {
            // CUDA rounds every operation (nvcc contracts only explicit fma calls).
            self.b.decorate(id, Decoration::NoContraction, []);
        }
        let inst = Instruction::new(
            op,
            Some(ty),
            Some(id),
            operands.iter().map(|w| Operand::IdRef(*w)).collect(),
        );
        self.b
            .insert_into_block(InsertPoint::End, inst)
            .map_err(internal)?;
        Ok(id)
    }
    fn op_raw(&mut self, op: Op, ty: Option<Word>, operands: Vec<Operand>) -> Res<Word> {
        let id = ty.map(|_| self.b.id());
        let inst = Instruction::new(op, ty, id, operands);
        self.b
            .insert_into_block(InsertPoint::End, inst)
            .map_err(internal)?;
        Ok(id.unwrap_or(0))
    }
    fn glsl(&mut self, op: GLOp, ty: Word, args: &[Word]) -> Res<Word> {
        let keeps = matches!(
            op,
            GLOp::FMin | GLOp::FMax | GLOp::NMin | GLOp::NMax | GLOp::FClamp | GLOp::NClamp
        );
        if self.opts.simulate_flush_f32 && ty == self.t_float(32) && !keeps {
            let mut flushed = args.to_vec();
            let n = if op == GLOp::Ldexp { 1 } else { args.len() };
            for x in flushed.iter_mut().take(n) {
                *x = self.flush_f32(*x)?;
            }
            let r = self.emit_glsl(op, ty, &flushed)?;
            return self.flush_f32(r);
        }
        self.emit_glsl(op, ty, args)
    }
    fn emit_glsl(&mut self, op: GLOp, ty: Word, args: &[Word]) -> Res<Word> {
        let glsl = self.glsl;
        self.b
            .ext_inst(
                ty,
                None,
                glsl,
                op as u32,
                args.iter().map(|a| Operand::IdRef(*a)),
            )
            .map_err(internal)
    }
    fn get(&self, v: Value) -> Res<Word> {
        self.values
            .get(&v)
            .copied()
            .ok_or_else(|| SpirvError::Invalid(format!("value {v} used before it is defined")))
    }
    fn begin_block(&mut self, label: Word) -> Res<()> {
        self.b.begin_block(Some(label)).map_err(internal)?;
        self.cur_label = label;
        self.terminated = false;
        Ok(())
    }
    fn branch(&mut self, target: Word) -> Res<()> {
        self.b.branch(target).map_err(internal)?;
        self.terminated = true;
        Ok(())
    }

    // ---------------------------------------------------------------- module

    /// Emits the module. `inline_words` is the number of parameter words in the push
    /// constants (0: the parameters are read from the parameter buffer).
    fn emit(&mut self, params: &[ParamSlot], inline_words: u32, has_shared: bool) -> Res<Vec<u32>> {
        self.b.set_version(1, 5);
        self.glsl = self.b.ext_inst_import("GLSL.std.450");
        let u32t = self.t_u32();
        let u64t = self.t_u64();
        let void = self.t_void();

        // Block size spec constants and the WorkgroupSize built-in.
        for (i, id) in SPEC_BLOCK_SIZE.iter().enumerate() {
            let c = self.b.spec_constant_bit32(u32t, 1);
            self.b
                .decorate(c, Decoration::SpecId, [Operand::LiteralBit32(*id)]);
            self.block_size[i] = c;
        }
        let uvec3 = self.b.type_vector(u32t, 3);
        let wg = self.b.spec_constant_composite(uvec3, self.block_size);
        self.b.decorate(
            wg,
            Decoration::BuiltIn,
            [Operand::BuiltIn(BuiltIn::WorkgroupSize)],
        );

        // Push constants: the header, then the parameters as an array of words.
        let mut members = vec![u64t, u64t, u32t, u32t, u32t, u32t, u32t, u32t];
        let mut offsets = vec![0u32, 8, 16, 20, 24, 28, 32, 36];
        let mut inline_array = None;
        if inline_words > 0 {
            let n = self.c_u32(inline_words);
            let arr = self.b.type_array(u32t, n);
            self.b
                .decorate(arr, Decoration::ArrayStride, [Operand::LiteralBit32(4)]);
            members.push(arr);
            offsets.push(PUSH_CONSTANT_BYTES);
            inline_array = Some(arr);
        }
        let push_ty = self.b.type_struct(members);
        self.b.decorate(push_ty, Decoration::Block, []);
        for (i, off) in offsets.iter().enumerate() {
            self.b.member_decorate(
                push_ty,
                i as u32,
                Decoration::Offset,
                [Operand::LiteralBit32(*off)],
            );
        }
        let push_ptr = self
            .b
            .type_pointer(None, StorageClass::PushConstant, push_ty);
        self.push_var = self
            .b
            .variable(push_ptr, None, StorageClass::PushConstant, None);
        let in_ptr = self.b.type_pointer(None, StorageClass::Input, uvec3);
        self.local_id_var = self.b.variable(in_ptr, None, StorageClass::Input, None);
        self.b.decorate(
            self.local_id_var,
            Decoration::BuiltIn,
            [Operand::BuiltIn(BuiltIn::LocalInvocationId)],
        );
        self.group_id_var = self.b.variable(in_ptr, None, StorageClass::Input, None);
        self.b.decorate(
            self.group_id_var,
            Decoration::BuiltIn,
            [Operand::BuiltIn(BuiltIn::WorkgroupId)],
        );
        let mut interface = vec![self.push_var, self.local_id_var, self.group_id_var];

        if has_shared {
            let static_words = self.dyn_shared_offset / 4;
            let dyn_words = self.b.spec_constant_bit32(u32t, 0);
            self.b.decorate(
                dyn_words,
                Decoration::SpecId,
                [Operand::LiteralBit32(SPEC_DYNAMIC_SHARED_WORDS)],
            );
            let base = self.c_u32((static_words + 1) as u32);
            let len = self.b.id();
            self.b.insert_types_global_values(
                InsertPoint::End,
                Instruction::new(
                    Op::SpecConstantOp,
                    Some(u32t),
                    Some(len),
                    vec![
                        Operand::LiteralSpecConstantOpInteger(Op::IAdd),
                        Operand::IdRef(base),
                        Operand::IdRef(dyn_words),
                    ],
                ),
            );
            let arr = self.b.type_array(u32t, len);
            let ptr = self.b.type_pointer(None, StorageClass::Workgroup, arr);
            let var = self.b.variable(ptr, None, StorageClass::Workgroup, None);
            self.b.name(var, "shared_words");
            self.shared_var = Some(var);
            interface.push(var);
        }
        let mut needs_scratch = false;
        walk(&self.f.body, &mut |_, inst| {
            if matches!(inst, Inst::Barrier(k) if *k != BarrierKind::Sync) {
                needs_scratch = true;
            }
        });
        if needs_scratch {
            let ptr = self.b.type_pointer(None, StorageClass::Workgroup, u32t);
            let var = self.b.variable(ptr, None, StorageClass::Workgroup, None);
            self.scratch_var = Some(var);
            interface.push(var);
        }
        if has_collectives(self.f) {
            if self.opts.subgroup_size == 32 {
                self.cap(Capability::GroupNonUniform);
                let ptr = self.b.type_pointer(None, StorageClass::Input, u32t);
                let var = self.b.variable(ptr, None, StorageClass::Input, None);
                self.b.decorate(
                    var,
                    Decoration::BuiltIn,
                    [Operand::BuiltIn(BuiltIn::SubgroupLocalInvocationId)],
                );
                self.subgroup_lane_var = Some(var);
                interface.push(var);
            } else {
                // One slot of WARP_SLOT_WORDS words per thread of the block.
                let [bx, by, bz] = self.block_size;
                let mut len = bx;
                for factor in [by, bz] {
                    let id = self.b.id();
                    self.b.insert_types_global_values(
                        InsertPoint::End,
                        Instruction::new(
                            Op::SpecConstantOp,
                            Some(u32t),
                            Some(id),
                            vec![
                                Operand::LiteralSpecConstantOpInteger(Op::IMul),
                                Operand::IdRef(len),
                                Operand::IdRef(factor),
                            ],
                        ),
                    );
                    len = id;
                }
                let words = self.c_u32(WARP_SLOT_WORDS);
                let id = self.b.id();
                self.b.insert_types_global_values(
                    InsertPoint::End,
                    Instruction::new(
                        Op::SpecConstantOp,
                        Some(u32t),
                        Some(id),
                        vec![
                            Operand::LiteralSpecConstantOpInteger(Op::IMul),
                            Operand::IdRef(len),
                            Operand::IdRef(words),
                        ],
                    ),
                );
                let arr = self.b.type_array(u32t, id);
                let ptr = self.b.type_pointer(None, StorageClass::Workgroup, arr);
                let var = self.b.variable(ptr, None, StorageClass::Workgroup, None);
                self.b.name(var, "warp_slots");
                self.warp_slots = Some(var);
                interface.push(var);
            }
        }

        // The function.
        let fn_ty = self.b.type_function(void, []);
        let main = self
            .b
            .begin_function(void, None, FunctionControl::NONE, fn_ty)
            .map_err(internal)?;
        let entry = self.b.id();
        self.begin_block(entry)?;
        let simple = self.simple_locals();
        // Word arrays: one per group of locals a pointer may point into; each member at its
        // own byte offset (`local_base`).
        let mut group_size: HashMap<usize, u64> = HashMap::new();
        let mut group_var: HashMap<usize, Word> = HashMap::new();
        self.local_base = vec![0; self.f.locals.len()];
        for (index, local) in self.f.locals.iter().enumerate() {
            if simple.get(index).copied().unwrap_or(false) {
                continue;
            }
            let root = self.groups.find(LocalId::from_index(index)).index();
            let size = self.m.size_of(local.ty).unwrap_or(0);
            let at = group_size.entry(root).or_insert(0);
            let base = align_up(*at, u64::from(local.align.max(4)));
            *at = base + size;
            if let Some(b) = self.local_base.get_mut(index) {
                *b = base;
            }
        }
        for (index, local) in self.f.locals.iter().enumerate() {
            let repr = if simple.get(index).copied().unwrap_or(false) {
                let t = self
                    .m
                    .type_of(local.ty)
                    .ok_or_else(|| SpirvError::Invalid("local of unknown type".into()))?;
                let t = self.spv_type(t)?;
                let p = self.b.type_pointer(None, StorageClass::Function, t);
                LocalRepr::Typed {
                    var: self.b.variable(p, None, StorageClass::Function, None),
                }
            } else {
                let root = self.groups.find(LocalId::from_index(index)).index();
                let var = match group_var.get(&root) {
                    Some(var) => *var,
                    None => {
                        let size = group_size.get(&root).copied().unwrap_or(0);
                        let words = (size.div_ceil(4)).max(1);
                        let n = self.c_u32(words as u32);
                        let arr = self.b.type_array(u32t, n);
                        let p = self.b.type_pointer(None, StorageClass::Function, arr);
                        let var = self.b.variable(p, None, StorageClass::Function, None);
                        group_var.insert(root, var);
                        var
                    }
                };
                LocalRepr::Words { var }
            };
            let shared_array = self.groups.find(LocalId::from_index(index)).index() != index
                || self
                    .groups
                    .parent
                    .iter()
                    .enumerate()
                    .any(|(i, p)| *p == index && i != index);
            if !local.name.is_empty() && !shared_array {
                let var = match repr {
                    LocalRepr::Typed { var } | LocalRepr::Words { var } => var,
                };
                self.b.name(var, local.name.clone());
            }
            self.locals.push(repr);
        }
        if self.soft_denormals() {
            self.declare_spec_flag();
        }
        // Parameters from the push constants.
        if let Some(arr) = inline_array {
            let p = self.b.type_pointer(None, StorageClass::PushConstant, arr);
            let member = self.c_u32(8);
            let push = self.push_var;
            let words = self.op(Op::AccessChain, p, &[push, member])?;
            for (slot, v) in params.iter().zip(self.f.params.clone()) {
                let off = self.c_u32(slot.offset);
                let t = match &slot.kind {
                    ParamKind::Pointer(_) => Type::Int(IntWidth::W64),
                    ParamKind::Scalar(t) => self
                        .m
                        .type_of(*t)
                        .cloned()
                        .ok_or_else(|| SpirvError::Invalid("param type".into()))?,
                    ParamKind::ByValue(_) => {
                        return Err(SpirvError::Invalid(
                            "a struct parameter in the push constants".into(),
                        ))
                    }
                };
                let id = self.load_words(words, StorageClass::PushConstant, off, &t)?;
                self.values.insert(v, id);
            }
        }
        // Parameters from the parameter buffer.
        let param_base = self.push_u64(0)?;
        let buffer_params = if inline_array.is_some() {
            &[][..]
        } else {
            params
        };
        for (slot, v) in buffer_params.iter().zip(self.f.params.clone()) {
            let off = self.c_u64(u64::from(slot.offset));
            let addr = self.op(Op::IAdd, u64t, &[param_base, off])?;
            let id = match &slot.kind {
                ParamKind::ByValue(_) => addr,
                ParamKind::Pointer(_) => self.load_global(addr, &Type::Int(IntWidth::W64), 8)?,
                ParamKind::Scalar(t) => {
                    let t = self
                        .m
                        .type_of(*t)
                        .cloned()
                        .ok_or_else(|| SpirvError::Invalid("param type".into()))?;
                    let align = self.m.size_of_scalar(&t);
                    self.load_global(addr, &t, align)?
                }
            };
            self.values.insert(v, id);
        }
        let body = &self.f.body;
        self.region(body)?;
        if !self.terminated {
            self.b.ret().map_err(internal)?;
        }
        self.b.end_function().map_err(internal)?;

        // Header: capabilities, memory model, entry point.
        self.cap(Capability::Shader);
        self.cap(Capability::PhysicalStorageBufferAddresses);
        for c in self.caps.clone() {
            self.b.capability(c);
        }
        self.b.memory_model(
            AddressingModel::PhysicalStorageBuffer64,
            MemoryModel::GLSL450,
        );
        self.b
            .entry_point(ExecutionModel::GLCompute, main, "main", interface);
        self.b
            .execution_mode(main, ExecutionMode::LocalSize, [1, 1, 1]);
        let float64 = self.caps.contains(&Capability::Float64);
        let preserve = [
            (self.opts.preserve_inf_nan & 1 != 0, 32u32),
            (self.opts.preserve_inf_nan & 2 != 0 && float64, 64),
        ];
        if preserve.iter().any(|(on, _)| *on) {
            self.b.capability(Capability::SignedZeroInfNanPreserve);
        }
        for (on, width) in preserve {
            if on {
                self.b
                    .execution_mode(main, ExecutionMode::SignedZeroInfNanPreserve, [width]);
            }
        }
        if self.opts.denorm_preserve_f32 {
            self.b.capability(Capability::DenormPreserve);
            self.b
                .execution_mode(main, ExecutionMode::DenormPreserve, [32]);
        }
        if self.opts.denorm_preserve_f64 && self.caps.contains(&Capability::Float64) {
            if !self.opts.denorm_preserve_f32 {
                self.b.capability(Capability::DenormPreserve);
            }
            self.b
                .execution_mode(main, ExecutionMode::DenormPreserve, [64]);
        }
        let module = std::mem::take(&mut self.b).module();
        Ok(module.assemble())
    }

    fn push_member(&mut self, index: u32, ty: Word) -> Res<Word> {
        let p = self.b.type_pointer(None, StorageClass::PushConstant, ty);
        let i = self.c_u32(index);
        let push = self.push_var;
        let ptr = self.op(Op::AccessChain, p, &[push, i])?;
        self.op(Op::Load, ty, &[ptr])
    }
    fn push_u64(&mut self, index: u32) -> Res<Word> {
        let t = self.t_u64();
        self.push_member(index, t)
    }

    // ---------------------------------------------------------------- control flow

    fn region(&mut self, region: &'m Region) -> Res<()> {
        for stmt in &region.stmts {
            if self.terminated {
                // Unreachable code after break / continue / return.
                return Ok(());
            }
            if stmt.loc.is_some() {
                self.loc = stmt.loc;
            }
            match &stmt.kind {
                StmtKind::Inst { result, inst } => self.inst(*result, inst)?,
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => {
                    let c = self.get(*cond)?;
                    let (then_l, else_l, merge) = (self.b.id(), self.b.id(), self.b.id());
                    self.b
                        .selection_merge(merge, spirv::SelectionControl::NONE)
                        .map_err(internal)?;
                    self.b
                        .branch_conditional(c, then_l, else_l, [])
                        .map_err(internal)?;
                    self.begin_block(then_l)?;
                    self.region(then_region)?;
                    let then_done = self.terminated;
                    if !self.terminated {
                        self.branch(merge)?;
                    }
                    self.begin_block(else_l)?;
                    self.region(else_region)?;
                    let else_done = self.terminated;
                    if !self.terminated {
                        self.branch(merge)?;
                    }
                    self.begin_block(merge)?;
                    if then_done && else_done {
                        self.b.unreachable().map_err(internal)?;
                        self.terminated = true;
                    }
                }
                StmtKind::Loop { body, continuing } => {
                    match self.speculable_loop(body, continuing) {
                        Some(stored) => self.speculated_loop(body, continuing, &stored)?,
                        None => self.loop_stmt(body, continuing)?,
                    }
                }
                StmtKind::Break => {
                    let Some((merge, _)) = self.loops.last().copied() else {
                        return Err(SpirvError::Invalid("break outside a loop".into()));
                    };
                    self.branch(merge)?;
                }
                StmtKind::Continue => {
                    let Some((_, cont)) = self.loops.last().copied() else {
                        return Err(SpirvError::Invalid("continue outside a loop".into()));
                    };
                    self.branch(cont)?;
                }
                StmtKind::Return(_) => {
                    self.b.ret().map_err(internal)?;
                    self.terminated = true;
                }
            }
        }
        Ok(())
    }

    /// A structured loop: header, body, continue target and merge block.
    fn loop_stmt(&mut self, body: &'m Region, continuing: &'m Region) -> Res<()> {
        let (header, body_l, cont, merge) = (self.b.id(), self.b.id(), self.b.id(), self.b.id());
        self.branch(header)?;
        self.begin_block(header)?;
        self.b
            .loop_merge(merge, cont, spirv::LoopControl::NONE, [])
            .map_err(internal)?;
        self.branch(body_l)?;
        self.begin_block(body_l)?;
        self.loops.push((merge, cont));
        self.region(body)?;
        self.loops.pop();
        if !self.terminated {
            self.branch(cont)?;
        }
        self.begin_block(cont)?;
        self.region(continuing)?;
        if !self.terminated {
            self.branch(header)?;
        }
        self.begin_block(merge)
    }

    // ---------------------------------------------------------------- memory

    fn target(&mut self, ptr: Value) -> Res<Target> {
        let p = self.get(ptr)?;
        match self.prov_of(ptr) {
            Prov::None | Prov::Global => Ok(Target::Global(p)),
            Prov::Shared => {
                let var = self
                    .shared_var
                    .ok_or_else(|| SpirvError::Invalid("shared pointer without shared memory".into()))?;
                let u32t = self.t_u32();
                let off = self.op(Op::UConvert, u32t, &[p])?;
                Ok(Target::Words {
                    var,
                    class: StorageClass::Workgroup,
                    offset: off,
                })
            }
            Prov::Local(l) => match self.locals.get(l.index()).copied() {
                Some(LocalRepr::Typed { var }) => Ok(Target::Typed(var)),
                Some(LocalRepr::Words { var }) => {
                    let u32t = self.t_u32();
                    let off = self.op(Op::UConvert, u32t, &[p])?;
                    Ok(Target::Words {
                        var,
                        class: StorageClass::Function,
                        offset: off,
                    })
                }
                None => Err(SpirvError::Invalid(format!("unknown local {l}"))),
            },
            Prov::Conflict => self.unsupported(
                "a generic pointer that may point into different memory spaces (global, shared, or a local variable) on different paths",
            ),
        }
    }

    /// The in-memory integer type of a scalar (bool as `u8`, pointers as `u64`).
    fn mem_int_bits(t: &Type) -> u32 {
        match t {
            Type::Bool => 8,
            Type::Int(w) => w.bits(),
            Type::Float(FloatWidth::F32) => 32,
            Type::Float(FloatWidth::F64) | Type::Ptr(_) => 64,
            _ => 32,
        }
    }

    /// Converts an in-memory integer (of `mem_int_bits(t)` bits) to a value of `t`.
    fn mem_int_to_value(&mut self, raw: Word, t: &Type) -> Res<Word> {
        match t {
            Type::Bool => {
                let bt = self.t_bool();
                let z = self.c_typed(&Type::Int(IntWidth::W8), 0)?;
                self.op(Op::INotEqual, bt, &[raw, z])
            }
            Type::Float(_) => {
                let ft = self.spv_type(t)?;
                self.op(Op::Bitcast, ft, &[raw])
            }
            _ => Ok(raw),
        }
    }
    fn value_to_mem_int(&mut self, v: Word, t: &Type) -> Res<Word> {
        match t {
            Type::Bool => {
                let u8t = self.t_int(8);
                let one = self.constant(u8t, 1, 8);
                let zero = self.constant(u8t, 0, 8);
                self.op(Op::Select, u8t, &[v, one, zero])
            }
            Type::Float(_) => {
                let bits = Self::mem_int_bits(t);
                let it = self.t_int(bits);
                self.op(Op::Bitcast, it, &[v])
            }
            _ => Ok(v),
        }
    }

    fn psb_ptr(&mut self, addr: Word, mem_ty: Word, bits: u32) -> Res<Word> {
        match bits {
            8 => self.cap(Capability::StorageBuffer8BitAccess),
            16 => self.cap(Capability::StorageBuffer16BitAccess),
            _ => {}
        }
        let p = self
            .b
            .type_pointer(None, StorageClass::PhysicalStorageBuffer, mem_ty);
        self.op(Op::ConvertUToPtr, p, &[addr])
    }

    fn load_global(&mut self, addr: Word, t: &Type, align: u32) -> Res<Word> {
        let bits = Self::mem_int_bits(t);
        let mem_ty = match t {
            Type::Float(_) => self.spv_type(t)?,
            _ => self.t_int(bits),
        };
        let ptr = self.psb_ptr(addr, mem_ty, bits)?;
        let raw = self.op_raw(
            Op::Load,
            Some(mem_ty),
            vec![
                Operand::IdRef(ptr),
                Operand::MemoryAccess(MemoryAccess::ALIGNED),
                Operand::LiteralBit32(align.max(1)),
            ],
        )?;
        match t {
            Type::Float(_) => Ok(raw),
            _ => self.mem_int_to_value(raw, t),
        }
    }

    fn store_global(&mut self, addr: Word, v: Word, t: &Type, align: u32) -> Res<()> {
        let bits = Self::mem_int_bits(t);
        let (mem_ty, raw) = match t {
            Type::Float(_) => (self.spv_type(t)?, v),
            _ => (self.t_int(bits), self.value_to_mem_int(v, t)?),
        };
        let ptr = self.psb_ptr(addr, mem_ty, bits)?;
        self.op_raw(
            Op::Store,
            None,
            vec![
                Operand::IdRef(ptr),
                Operand::IdRef(raw),
                Operand::MemoryAccess(MemoryAccess::ALIGNED),
                Operand::LiteralBit32(align.max(1)),
            ],
        )?;
        Ok(())
    }

    fn word_ptr(&mut self, var: Word, class: StorageClass, index: Word) -> Res<Word> {
        let u32t = self.t_u32();
        let p = self.b.type_pointer(None, class, u32t);
        self.op(Op::AccessChain, p, &[var, index])
    }

    fn load_words(&mut self, var: Word, class: StorageClass, off: Word, t: &Type) -> Res<Word> {
        let u32t = self.t_u32();
        let two = self.c_u32(2);
        let idx = self.op(Op::ShiftRightLogical, u32t, &[off, two])?;
        let bits = Self::mem_int_bits(t);
        let raw = match bits {
            32 => {
                let p = self.word_ptr(var, class, idx)?;
                self.op(Op::Load, u32t, &[p])?
            }
            64 => {
                let u64t = self.t_u64();
                let p = self.word_ptr(var, class, idx)?;
                let lo = self.op(Op::Load, u32t, &[p])?;
                let one = self.c_u32(1);
                let idx2 = self.op(Op::IAdd, u32t, &[idx, one])?;
                let p2 = self.word_ptr(var, class, idx2)?;
                let hi = self.op(Op::Load, u32t, &[p2])?;
                let lo = self.op(Op::UConvert, u64t, &[lo])?;
                let hi = self.op(Op::UConvert, u64t, &[hi])?;
                let c32 = self.c_u64(32);
                let hi = self.op(Op::ShiftLeftLogical, u64t, &[hi, c32])?;
                self.op(Op::BitwiseOr, u64t, &[lo, hi])?
            }
            _ => {
                let p = self.word_ptr(var, class, idx)?;
                let w = self.op(Op::Load, u32t, &[p])?;
                let three = self.c_u32(3);
                let byte = self.op(Op::BitwiseAnd, u32t, &[off, three])?;
                let sh = self.op(Op::ShiftLeftLogical, u32t, &[byte, three])?;
                let w = self.op(Op::ShiftRightLogical, u32t, &[w, sh])?;
                let it = self.t_int(bits);
                self.op(Op::UConvert, it, &[w])?
            }
        };
        self.mem_int_to_value(raw, t)
    }

    fn store_words(
        &mut self,
        var: Word,
        class: StorageClass,
        off: Word,
        v: Word,
        t: &Type,
    ) -> Res<()> {
        let u32t = self.t_u32();
        let two = self.c_u32(2);
        let idx = self.op(Op::ShiftRightLogical, u32t, &[off, two])?;
        let raw = self.value_to_mem_int(v, t)?;
        let bits = Self::mem_int_bits(t);
        match bits {
            32 => {
                let p = self.word_ptr(var, class, idx)?;
                self.b.store(p, raw, None, []).map_err(internal)?;
            }
            64 => {
                let lo = self.op(Op::UConvert, u32t, &[raw])?;
                let u64t = self.t_u64();
                let c32 = self.c_u64(32);
                let hi = self.op(Op::ShiftRightLogical, u64t, &[raw, c32])?;
                let hi = self.op(Op::UConvert, u32t, &[hi])?;
                let p = self.word_ptr(var, class, idx)?;
                self.b.store(p, lo, None, []).map_err(internal)?;
                let one = self.c_u32(1);
                let idx2 = self.op(Op::IAdd, u32t, &[idx, one])?;
                let p2 = self.word_ptr(var, class, idx2)?;
                self.b.store(p2, hi, None, []).map_err(internal)?;
            }
            _ => {
                let p = self.word_ptr(var, class, idx)?;
                let three = self.c_u32(3);
                let byte = self.op(Op::BitwiseAnd, u32t, &[off, three])?;
                let sh = self.op(Op::ShiftLeftLogical, u32t, &[byte, three])?;
                let wide = self.op(Op::UConvert, u32t, &[raw])?;
                let wide = self.op(Op::ShiftLeftLogical, u32t, &[wide, sh])?;
                let mask = self.c_u32(if bits == 8 { 0xff } else { 0xffff });
                let mask = self.op(Op::ShiftLeftLogical, u32t, &[mask, sh])?;
                let keep = self.op(Op::Not, u32t, &[mask])?;
                if class == StorageClass::Workgroup {
                    // Other threads may write the other bytes of the word: two atomics.
                    let scope = self.c_u32(spirv::Scope::Workgroup as u32);
                    let sem = self.c_u32(0);
                    self.op(Op::AtomicAnd, u32t, &[p, scope, sem, keep])?;
                    self.op(Op::AtomicOr, u32t, &[p, scope, sem, wide])?;
                } else {
                    let w = self.op(Op::Load, u32t, &[p])?;
                    let w = self.op(Op::BitwiseAnd, u32t, &[w, keep])?;
                    let w = self.op(Op::BitwiseOr, u32t, &[w, wide])?;
                    self.b.store(p, w, None, []).map_err(internal)?;
                }
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- instructions

    fn inst(&mut self, result: Option<Value>, inst: &'m Inst) -> Res<()> {
        let id = match inst {
            Inst::Const { bits } => {
                let r = result.ok_or_else(|| SpirvError::Invalid("const without result".into()))?;
                let t = self.ty(r)?;
                self.c_typed(t, *bits)?
            }
            Inst::Unary { op, arg } => self.unary(*op, *arg)?,
            Inst::Binary {
                op: BinaryOp::FMul,
                lhs,
                rhs,
            } if result.is_some_and(|r| self.fused_products.contains(&r)) => {
                self.fused_product(*lhs, *rhs)?
            }
            Inst::Binary { op, lhs, rhs } => self.binary(*op, *lhs, *rhs)?,
            Inst::Cmp { op, lhs, rhs } => self.cmp(*op, *lhs, *rhs)?,
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                let t = self.val_type(*if_true)?;
                let (c, a, b) = (self.get(*cond)?, self.get(*if_true)?, self.get(*if_false)?);
                self.op(Op::Select, t, &[c, a, b])?
            }
            Inst::Convert { op, arg } => {
                let r = result
                    .ok_or_else(|| SpirvError::Invalid("conversion without result".into()))?;
                self.convert(*op, *arg, r)?
            }
            Inst::PtrAdd { ptr, offset } => {
                let u64t = self.t_u64();
                let (p, o) = (self.get(*ptr)?, self.get(*offset)?);
                self.op(Op::IAdd, u64t, &[p, o])?
            }
            Inst::Load { ptr, align, .. } => {
                let r = result.ok_or_else(|| SpirvError::Invalid("load without result".into()))?;
                let t = self.ty(r)?;
                match self.target(*ptr)? {
                    Target::Global(a) => self.load_global(a, t, *align)?,
                    Target::Typed(var) => {
                        let ty = self.spv_type(t)?;
                        self.op(Op::Load, ty, &[var])?
                    }
                    Target::Words { var, class, offset } => {
                        self.load_words(var, class, offset, t)?
                    }
                }
            }
            Inst::Store {
                ptr, value, align, ..
            } => {
                let t = self.ty(*value)?;
                if matches!(t, Type::Ptr(_))
                    && !matches!(self.prov_of(*ptr), Prov::Local(_))
                    && !matches!(self.prov_of(*value), Prov::Global | Prov::None)
                {
                    return self.unsupported(
                        "storing a pointer to shared or local memory into global or shared memory",
                    );
                }
                let v = self.get(*value)?;
                match self.target(*ptr)? {
                    Target::Global(a) => self.store_global(a, v, t, *align)?,
                    Target::Typed(var) => self.b.store(var, v, None, []).map_err(internal)?,
                    Target::Words { var, class, offset } => {
                        self.store_words(var, class, offset, v, t)?
                    }
                }
                return Ok(());
            }
            Inst::GlobalAddr(g) => {
                if let Some(off) = self.shared_offsets.get(g).copied() {
                    self.c_u64(off)
                } else {
                    let off = self
                        .global_offsets
                        .get(g)
                        .copied()
                        .ok_or_else(|| SpirvError::Invalid(format!("unknown global {g}")))?;
                    let base = self.push_u64(1)?;
                    let off = self.c_u64(off);
                    let u64t = self.t_u64();
                    self.op(Op::IAdd, u64t, &[base, off])?
                }
            }
            Inst::LocalAddr(l) => {
                let base = self.local_base.get(l.index()).copied().unwrap_or(0);
                self.c_u64(base)
            }
            Inst::DynSharedAddr => self.c_u64(self.dyn_shared_offset),
            Inst::Call { .. } => {
                return Err(SpirvError::Invalid("call left after inlining".into()))
            }
            Inst::SharedBuffer => {
                return Err(SpirvError::Invalid(
                    "`shared_buffer` (phase per-block) in a simt-phase kernel".into(),
                ))
            }
            Inst::Math { name, args } => self.math(name, args)?,
            Inst::ThreadId(d) => self.builtin_component(self.local_id_var, *d)?,
            Inst::BlockId(d) => {
                let w = self.builtin_component(self.group_id_var, *d)?;
                let u32t = self.t_u32();
                let off = self.push_member(2 + dim_index(*d), u32t)?;
                self.op(Op::IAdd, u32t, &[w, off])?
            }
            Inst::BlockDim(d) => self.block_size[dim_index(*d) as usize],
            Inst::GridDim(d) => {
                let u32t = self.t_u32();
                self.push_member(5 + dim_index(*d), u32t)?
            }
            Inst::WarpSize => self.c_u32(32),
            Inst::LaneId => {
                let lin = self.linear_tid()?;
                let u32t = self.t_u32();
                let m = self.c_u32(31);
                self.op(Op::BitwiseAnd, u32t, &[lin, m])?
            }
            Inst::Barrier(kind) => {
                let r = self.barrier(*kind)?;
                match r {
                    Some(r) => r,
                    None => return Ok(()),
                }
            }
            Inst::Fence(scope) => {
                let s = self.c_u32(match scope {
                    Scope::Block => spirv::Scope::Workgroup as u32,
                    _ => spirv::Scope::Device as u32,
                });
                let sem = self.c_u32(
                    (spirv::MemorySemantics::ACQUIRE_RELEASE
                        | spirv::MemorySemantics::UNIFORM_MEMORY
                        | spirv::MemorySemantics::WORKGROUP_MEMORY)
                        .bits(),
                );
                self.b.memory_barrier(s, sem).map_err(internal)?;
                return Ok(());
            }
            Inst::AtomicRmw {
                op,
                ptr,
                value,
                scope,
            } => self.atomic_rmw(*op, *ptr, *value, *scope)?,
            Inst::AtomicCas {
                ptr,
                expected,
                desired,
                scope,
            } => self.atomic_cas(*ptr, *expected, *desired, *scope)?,
            Inst::SyncWarp { .. }
            | Inst::Shuffle { .. }
            | Inst::Vote { .. }
            | Inst::Match { .. }
            | Inst::ActiveMask
            | Inst::WarpReduce { .. } => match self.collective(result, inst)? {
                Some(r) => r,
                None => return Ok(()),
            },
            Inst::Clock => {
                self.cap(Capability::ShaderClockKHR);
                self.b.extension("SPV_KHR_shader_clock");
                self.uses_clock = true;
                let u64t = self.t_u64();
                let scope = self.c_u32(spirv::Scope::Subgroup as u32);
                self.op(Op::ReadClockKHR, u64t, &[scope])?
            }
            Inst::Trap { .. } => {
                return self.unsupported(
                    "`__trap()` / `assert` in device code (Vulkan cannot abort a dispatch)",
                )
            }
            Inst::Printf { .. } => return self.unsupported("`printf` in device code"),
        };
        if let Some(r) = result {
            self.values.insert(r, id);
        }
        Ok(())
    }

    fn builtin_component(&mut self, var: Word, d: Dim) -> Res<Word> {
        let u32t = self.t_u32();
        let p = self.b.type_pointer(None, StorageClass::Input, u32t);
        let i = self.c_u32(dim_index(d));
        let ptr = self.op(Op::AccessChain, p, &[var, i])?;
        self.op(Op::Load, u32t, &[ptr])
    }

    fn linear_tid(&mut self) -> Res<Word> {
        let u32t = self.t_u32();
        let x = self.builtin_component(self.local_id_var, Dim::X)?;
        let y = self.builtin_component(self.local_id_var, Dim::Y)?;
        let z = self.builtin_component(self.local_id_var, Dim::Z)?;
        let [bx, by, _] = self.block_size;
        let zy = self.op(Op::IMul, u32t, &[z, by])?;
        let zy = self.op(Op::IAdd, u32t, &[zy, y])?;
        let zyx = self.op(Op::IMul, u32t, &[zy, bx])?;
        self.op(Op::IAdd, u32t, &[zyx, x])
    }

    fn control_barrier(&mut self) -> Res<()> {
        let wg = self.c_u32(spirv::Scope::Workgroup as u32);
        let sem = self.c_u32(
            (spirv::MemorySemantics::ACQUIRE_RELEASE
                | spirv::MemorySemantics::WORKGROUP_MEMORY
                | spirv::MemorySemantics::UNIFORM_MEMORY)
                .bits(),
        );
        self.b.control_barrier(wg, wg, sem).map_err(internal)
    }

    fn barrier(&mut self, kind: BarrierKind) -> Res<Option<Word>> {
        let pred = match kind {
            BarrierKind::Sync => {
                self.control_barrier()?;
                return Ok(None);
            }
            BarrierKind::Count(p) | BarrierKind::And(p) | BarrierKind::Or(p) => p,
        };
        let scratch = self
            .scratch_var
            .ok_or_else(|| SpirvError::Invalid("no barrier scratch".into()))?;
        let u32t = self.t_u32();
        let boolt = self.t_bool();
        // barrier; thread 0 zeroes; barrier; everyone adds; barrier; read.
        self.control_barrier()?;
        let lin = self.linear_tid()?;
        let zero = self.c_u32(0);
        let is0 = self.op(Op::IEqual, boolt, &[lin, zero])?;
        let (then_l, merge) = (self.b.id(), self.b.id());
        self.b
            .selection_merge(merge, spirv::SelectionControl::NONE)
            .map_err(internal)?;
        self.b
            .branch_conditional(is0, then_l, merge, [])
            .map_err(internal)?;
        self.begin_block(then_l)?;
        self.b.store(scratch, zero, None, []).map_err(internal)?;
        self.branch(merge)?;
        self.begin_block(merge)?;
        self.control_barrier()?;
        let p = self.get(pred)?;
        let one = self.c_u32(1);
        let inc = self.op(Op::Select, u32t, &[p, one, zero])?;
        let scope = self.c_u32(spirv::Scope::Workgroup as u32);
        self.op(Op::AtomicIAdd, u32t, &[scratch, scope, zero, inc])?;
        self.control_barrier()?;
        let count = self.op(Op::Load, u32t, &[scratch])?;
        Ok(Some(match kind {
            BarrierKind::Count(_) => count,
            BarrierKind::And(_) => {
                let [x, y, z] = self.block_size;
                let xy = self.op(Op::IMul, u32t, &[x, y])?;
                let n = self.op(Op::IMul, u32t, &[xy, z])?;
                let eq = self.op(Op::IEqual, boolt, &[count, n])?;
                self.op(Op::Select, u32t, &[eq, one, zero])?
            }
            _ => {
                let ne = self.op(Op::INotEqual, boolt, &[count, zero])?;
                self.op(Op::Select, u32t, &[ne, one, zero])?
            }
        }))
    }

    fn int_bits(&self, v: Value) -> Res<u32> {
        match self.ty(v)? {
            Type::Int(w) => Ok(w.bits()),
            Type::Ptr(_) => Ok(64),
            Type::Bool => Ok(1),
            Type::Float(FloatWidth::F32) => Ok(32),
            Type::Float(FloatWidth::F64) => Ok(64),
            _ => Err(SpirvError::Invalid(format!("{v} is not a scalar"))),
        }
    }

    fn unary(&mut self, op: UnaryOp, arg: Value) -> Res<Word> {
        let t = self.val_type(arg)?;
        let a = self.get(arg)?;
        let bits = self.int_bits(arg)?;
        if bits == 32 && self.soft_denormals() {
            match op {
                UnaryOp::FNeg => return self.soft_sign_op(true, a),
                UnaryOp::FAbs => return self.soft_sign_op(false, a),
                UnaryOp::Floor => return self.soft_rounding(GLOp::Floor, a),
                UnaryOp::Ceil => return self.soft_rounding(GLOp::Ceil, a),
                UnaryOp::Trunc => return self.soft_rounding(GLOp::Trunc, a),
                UnaryOp::RoundEven => return self.soft_rounding(GLOp::RoundEven, a),
                _ => {}
            }
        }
        Ok(match op {
            UnaryOp::Neg => self.op(Op::SNegate, t, &[a])?,
            UnaryOp::Not if bits == 1 => self.op(Op::LogicalNot, t, &[a])?,
            UnaryOp::Not => self.op(Op::Not, t, &[a])?,
            UnaryOp::FNeg => self.op(Op::FNegate, t, &[a])?,
            UnaryOp::FAbs => self.glsl(GLOp::FAbs, t, &[a])?,
            UnaryOp::Sqrt => self.sqrt_rn(t, a, bits)?,
            UnaryOp::Floor => self.glsl(GLOp::Floor, t, &[a])?,
            UnaryOp::Ceil => self.glsl(GLOp::Ceil, t, &[a])?,
            UnaryOp::Trunc => self.glsl(GLOp::Trunc, t, &[a])?,
            UnaryOp::RoundEven if bits == 64 => self.round_even_f64(a)?,
            UnaryOp::RoundEven => self.glsl(GLOp::RoundEven, t, &[a])?,
            UnaryOp::Popcount | UnaryOp::Clz | UnaryOp::Ctz | UnaryOp::BitReverse => {
                self.bit_op(op, a, t, bits)?
            }
            UnaryOp::ByteSwap => {
                let mut acc = None;
                let bytes = bits / 8;
                for i in 0..bytes {
                    // byte i moves to byte (bytes-1-i)
                    let sh_in = self.constant(t, u64::from(i * 8), bits);
                    let b = self.op(Op::ShiftRightLogical, t, &[a, sh_in])?;
                    let ff = self.constant(t, 0xff, bits);
                    let b = self.op(Op::BitwiseAnd, t, &[b, ff])?;
                    let sh_out = self.constant(t, u64::from((bytes - 1 - i) * 8), bits);
                    let b = self.op(Op::ShiftLeftLogical, t, &[b, sh_out])?;
                    acc = Some(match acc {
                        None => b,
                        Some(x) => self.op(Op::BitwiseOr, t, &[x, b])?,
                    });
                }
                acc.unwrap_or(a)
            }
        })
    }

    /// popcount / clz / ctz / bitreverse through 32-bit operations.
    fn bit_op(&mut self, op: UnaryOp, a: Word, t: Word, bits: u32) -> Res<Word> {
        let u32t = self.t_u32();
        if bits == 64 {
            let u64t = self.t_u64();
            let lo = self.op(Op::UConvert, u32t, &[a])?;
            let c32 = self.c_u64(32);
            let hi = self.op(Op::ShiftRightLogical, u64t, &[a, c32])?;
            let hi = self.op(Op::UConvert, u32t, &[hi])?;
            let boolt = self.t_bool();
            let zero = self.c_u32(0);
            let k32 = self.c_u32(32);
            let r32 = match op {
                UnaryOp::Popcount => {
                    let l = self.op(Op::BitCount, u32t, &[lo])?;
                    let h = self.op(Op::BitCount, u32t, &[hi])?;
                    self.op(Op::IAdd, u32t, &[l, h])?
                }
                UnaryOp::Clz => {
                    let l = self.bit_op(op, lo, u32t, 32)?;
                    let h = self.bit_op(op, hi, u32t, 32)?;
                    let l = self.op(Op::IAdd, u32t, &[l, k32])?;
                    let hz = self.op(Op::IEqual, boolt, &[hi, zero])?;
                    self.op(Op::Select, u32t, &[hz, l, h])?
                }
                UnaryOp::Ctz => {
                    let l = self.bit_op(op, lo, u32t, 32)?;
                    let h = self.bit_op(op, hi, u32t, 32)?;
                    let h = self.op(Op::IAdd, u32t, &[h, k32])?;
                    let lz = self.op(Op::IEqual, boolt, &[lo, zero])?;
                    self.op(Op::Select, u32t, &[lz, h, l])?
                }
                _ => {
                    // bit reverse: reversed(lo) becomes the high half.
                    let rl = self.op(Op::BitReverse, u32t, &[lo])?;
                    let rh = self.op(Op::BitReverse, u32t, &[hi])?;
                    let rl = self.op(Op::UConvert, u64t, &[rl])?;
                    let rh = self.op(Op::UConvert, u64t, &[rh])?;
                    let rl = self.op(Op::ShiftLeftLogical, u64t, &[rl, c32])?;
                    return self.op(Op::BitwiseOr, u64t, &[rl, rh]);
                }
            };
            return self.op(Op::UConvert, u64t, &[r32]);
        }
        let wide = if bits < 32 {
            self.op(Op::UConvert, u32t, &[a])?
        } else {
            a
        };
        let r = match op {
            UnaryOp::Popcount => self.op(Op::BitCount, u32t, &[wide])?,
            UnaryOp::Clz => {
                let msb = self.glsl(GLOp::FindUMsb, u32t, &[wide])?;
                let k = self.c_u32(31);
                let r = self.op(Op::ISub, u32t, &[k, msb])?;
                let adj = self.c_u32(32 - bits);
                self.op(Op::ISub, u32t, &[r, adj])?
            }
            UnaryOp::Ctz => {
                let lsb = self.glsl(GLOp::FindILsb, u32t, &[wide])?;
                let boolt = self.t_bool();
                let zero = self.c_u32(0);
                let is0 = self.op(Op::IEqual, boolt, &[wide, zero])?;
                let w = self.c_u32(bits);
                self.op(Op::Select, u32t, &[is0, w, lsb])?
            }
            _ => {
                let r = self.op(Op::BitReverse, u32t, &[wide])?;
                if bits < 32 {
                    let sh = self.c_u32(32 - bits);
                    self.op(Op::ShiftRightLogical, u32t, &[r, sh])?
                } else {
                    r
                }
            }
        };
        if bits < 32 {
            self.op(Op::UConvert, t, &[r])
        } else {
            Ok(r)
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: Value, rhs: Value) -> Res<Word> {
        let t = self.val_type(lhs)?;
        let (a, b) = (self.get(lhs)?, self.get(rhs)?);
        let bits = self.int_bits(lhs)?;
        let boolt = self.t_bool();
        let simple = |op| Some(op);
        let direct = match op {
            BinaryOp::Add => simple(Op::IAdd),
            BinaryOp::Sub => simple(Op::ISub),
            BinaryOp::Mul => simple(Op::IMul),
            BinaryOp::SDiv => simple(Op::SDiv),
            BinaryOp::UDiv => simple(Op::UDiv),
            BinaryOp::SRem => {
                // `a - (a / b) * b`: OpSRem gives wrong results for negative operands on
                // NVIDIA's driver (measured on an H100), while OpSDiv is right everywhere.
                let q = self.op(Op::SDiv, t, &[a, b])?;
                let qb = self.op(Op::IMul, t, &[q, b])?;
                return self.op(Op::ISub, t, &[a, qb]);
            }
            BinaryOp::URem => simple(Op::UMod),
            BinaryOp::And if bits == 1 => simple(Op::LogicalAnd),
            BinaryOp::Or if bits == 1 => simple(Op::LogicalOr),
            BinaryOp::Xor if bits == 1 => simple(Op::LogicalNotEqual),
            BinaryOp::And => simple(Op::BitwiseAnd),
            BinaryOp::Or => simple(Op::BitwiseOr),
            BinaryOp::Xor => simple(Op::BitwiseXor),
            BinaryOp::FAdd => simple(Op::FAdd),
            BinaryOp::FSub => simple(Op::FSub),
            BinaryOp::FMul => simple(Op::FMul),
            BinaryOp::FDiv => return self.div_rn(t, a, b, bits),
            BinaryOp::FRem => return self.frem(t, a, b, bits),
            _ => None,
        };
        if let Some(o) = direct {
            return self.op(o, t, &[a, b]);
        }
        match op {
            BinaryOp::Shl | BinaryOp::LShr | BinaryOp::AShr => {
                let m = self.constant(t, u64::from(bits - 1), bits);
                let s = self.op(Op::BitwiseAnd, t, &[b, m])?;
                let o = match op {
                    BinaryOp::Shl => Op::ShiftLeftLogical,
                    BinaryOp::LShr => Op::ShiftRightLogical,
                    _ => Op::ShiftRightArithmetic,
                };
                self.op(o, t, &[a, s])
            }
            BinaryOp::SMin | BinaryOp::SMax | BinaryOp::UMin | BinaryOp::UMax => {
                let c = match op {
                    BinaryOp::SMin => Op::SLessThan,
                    BinaryOp::SMax => Op::SGreaterThan,
                    BinaryOp::UMin => Op::ULessThan,
                    _ => Op::UGreaterThan,
                };
                let c = self.op(c, boolt, &[a, b])?;
                self.op(Op::Select, t, &[c, a, b])
            }
            BinaryOp::MulHiS | BinaryOp::MulHiU => {
                let st = self.b.type_struct([t, t]);
                let o = if op == BinaryOp::MulHiS {
                    Op::SMulExtended
                } else {
                    Op::UMulExtended
                };
                let r = self.op(o, st, &[a, b])?;
                self.op_raw(
                    Op::CompositeExtract,
                    Some(t),
                    vec![Operand::IdRef(r), Operand::LiteralBit32(1)],
                )
            }
            BinaryOp::FMin | BinaryOp::FMax if bits == 32 && self.soft_denormals() => {
                self.soft_min_max(op == BinaryOp::FMax, a, b)
            }
            BinaryOp::FMin => self.glsl(GLOp::NMin, t, &[a, b]),
            BinaryOp::FMax => self.glsl(GLOp::NMax, t, &[a, b]),
            BinaryOp::CopySign => {
                let it = self.t_int(bits);
                let ai = self.op(Op::Bitcast, it, &[a])?;
                let bi = self.op(Op::Bitcast, it, &[b])?;
                let sign = self.constant(it, 1u64 << (bits - 1), bits);
                let mag = self.constant(it, (1u64 << (bits - 1)) - 1, bits);
                let ai = self.op(Op::BitwiseAnd, it, &[ai, mag])?;
                let bi = self.op(Op::BitwiseAnd, it, &[bi, sign])?;
                let r = self.op(Op::BitwiseOr, it, &[ai, bi])?;
                self.op(Op::Bitcast, t, &[r])
            }
            _ => Err(SpirvError::Invalid(format!("unhandled binary {op:?}"))),
        }
    }

    fn cmp(&mut self, op: CmpOp, lhs: Value, rhs: Value) -> Res<Word> {
        let boolt = self.t_bool();
        let (a, b) = (self.get(lhs)?, self.get(rhs)?);
        let is_bool = self.int_bits(lhs)? == 1;
        let o = match op {
            CmpOp::Eq if is_bool => Op::LogicalEqual,
            CmpOp::Ne if is_bool => Op::LogicalNotEqual,
            CmpOp::Eq => Op::IEqual,
            CmpOp::Ne => Op::INotEqual,
            CmpOp::SLt => Op::SLessThan,
            CmpOp::SLe => Op::SLessThanEqual,
            CmpOp::SGt => Op::SGreaterThan,
            CmpOp::SGe => Op::SGreaterThanEqual,
            CmpOp::ULt => Op::ULessThan,
            CmpOp::ULe => Op::ULessThanEqual,
            CmpOp::UGt => Op::UGreaterThan,
            CmpOp::UGe => Op::UGreaterThanEqual,
            CmpOp::FEq => Op::FOrdEqual,
            CmpOp::FNe => Op::FUnordNotEqual,
            CmpOp::FLt => Op::FOrdLessThan,
            CmpOp::FLe => Op::FOrdLessThanEqual,
            CmpOp::FGt => Op::FOrdGreaterThan,
            CmpOp::FGe => Op::FOrdGreaterThanEqual,
            CmpOp::FOrd | CmpOp::FUno => {
                let na = self.op(Op::IsNan, boolt, &[a])?;
                let nb = self.op(Op::IsNan, boolt, &[b])?;
                let any = self.op(Op::LogicalOr, boolt, &[na, nb])?;
                return if op == CmpOp::FUno {
                    Ok(any)
                } else {
                    self.op(Op::LogicalNot, boolt, &[any])
                };
            }
        };
        let is_f32 = matches!(self.ty(lhs)?, Type::Float(FloatWidth::F32));
        if is_f32 && self.soft_denormals() {
            return self.soft_compare(o, a, b);
        }
        if is_f32 {
            return self.native_f32_compare(o, a, b);
        }
        self.op(o, boolt, &[a, b])
    }

    fn convert(&mut self, op: ConvOp, arg: Value, result: Value) -> Res<Word> {
        let from = self.ty(arg)?.clone();
        let to = self.ty(result)?.clone();
        let a = self.get(arg)?;
        let rt = self.spv_type(&to)?;
        let boolt = self.t_bool();
        match op {
            ConvOp::Trunc | ConvOp::ZExt | ConvOp::SExt => {
                if from == Type::Bool {
                    let one = self.c_typed(&to, if op == ConvOp::SExt { u64::MAX } else { 1 })?;
                    let zero = self.c_typed(&to, 0)?;
                    return self.op(Op::Select, rt, &[a, one, zero]);
                }
                if to == Type::Bool {
                    let ft = self.spv_type(&from)?;
                    let bits = Self::mem_int_bits(&from);
                    let one = self.constant(ft, 1, bits);
                    let zero = self.constant(ft, 0, bits);
                    let low = self.op(Op::BitwiseAnd, ft, &[a, one])?;
                    return self.op(Op::INotEqual, boolt, &[low, zero]);
                }
                if from == to {
                    return Ok(a);
                }
                let o = if op == ConvOp::SExt {
                    Op::SConvert
                } else {
                    Op::UConvert
                };
                self.op(o, rt, &[a])
            }
            ConvOp::FpExt if self.soft_denormals() => self.f32_to_f64_exact(a),
            ConvOp::FpTrunc if self.soft_denormals() => self.f64_to_f32_exact(a),
            ConvOp::FpTrunc | ConvOp::FpExt => self.op(Op::FConvert, rt, &[a]),
            ConvOp::SIToFP | ConvOp::UIToFP => {
                if from == Type::Bool {
                    let one = self.c_typed(
                        &to,
                        if op == ConvOp::SIToFP {
                            (-1.0f64).to_bits()
                        } else {
                            1.0f64.to_bits()
                        },
                    )?;
                    let one = if to == Type::Float(FloatWidth::F32) {
                        self.c_f(32, if op == ConvOp::SIToFP { -1.0 } else { 1.0 })
                    } else {
                        one
                    };
                    let zero = self.c_typed(&to, 0)?;
                    return self.op(Op::Select, rt, &[a, one, zero]);
                }
                let o = if op == ConvOp::SIToFP {
                    Op::ConvertSToF
                } else {
                    Op::ConvertUToF
                };
                self.op(o, rt, &[a])
            }
            ConvOp::FPToSI | ConvOp::FPToUI => self.float_to_int(op, a, &from, &to),
            ConvOp::Bitcast => {
                if from == to {
                    Ok(a)
                } else {
                    self.op(Op::Bitcast, rt, &[a])
                }
            }
            ConvOp::PtrToInt | ConvOp::IntToPtr | ConvOp::AddrSpaceCast => {
                if matches!(to, Type::Int(w) if w != IntWidth::W64) {
                    self.op(Op::UConvert, rt, &[a])
                } else {
                    Ok(a)
                }
            }
        }
    }

    /// Saturating float-to-int with CUDA's NaN results (see the SIMT crate docs).
    fn float_to_int(&mut self, op: ConvOp, a: Word, from: &Type, to: &Type) -> Res<Word> {
        let Type::Int(w) = to else {
            return Err(SpirvError::Invalid("float-to-int to a non-integer".into()));
        };
        let Type::Float(fw) = from else {
            return Err(SpirvError::Invalid("float-to-int from a non-float".into()));
        };
        let fbits = if *fw == FloatWidth::F64 { 64 } else { 32 };
        let ft = self.t_float(fbits);
        let bits = w.bits();
        let rt = self.t_int(bits);
        let boolt = self.t_bool();
        let signed = op == ConvOp::FPToSI;
        let (lo, hi) = if signed {
            (-(2f64.powi(bits as i32 - 1)), 2f64.powi(bits as i32 - 1))
        } else {
            (-1.0, 2f64.powi(bits as i32))
        };
        let lo_c = self.c_f(fbits, lo);
        let hi_c = self.c_f(fbits, hi);
        let ge_lo = self.op(
            if signed {
                Op::FOrdGreaterThanEqual
            } else {
                Op::FOrdGreaterThan
            },
            boolt,
            &[a, lo_c],
        )?;
        let lt_hi = self.op(Op::FOrdLessThan, boolt, &[a, hi_c])?;
        let in_range = self.op(Op::LogicalAnd, boolt, &[ge_lo, lt_hi])?;
        let zero_f = self.c_f(fbits, 0.0);
        let safe = self.op(Op::Select, ft, &[in_range, a, zero_f])?;
        let conv = self.op(
            if signed {
                Op::ConvertFToS
            } else {
                Op::ConvertFToU
            },
            rt,
            &[safe],
        )?;
        let (min, max) = if signed {
            (1u64 << (bits - 1), (1u64 << (bits - 1)) - 1)
        } else {
            (
                0,
                if bits == 64 {
                    u64::MAX
                } else {
                    (1u64 << bits) - 1
                },
            )
        };
        let nan_val = if signed && (bits == 64 || (bits == 32 && fbits == 64)) {
            min
        } else {
            0
        };
        let min_c = self.constant(rt, min, bits);
        let max_c = self.constant(rt, max, bits);
        let nan_c = self.constant(rt, nan_val, bits);
        let neg = self.op(Op::FOrdLessThan, boolt, &[a, zero_f])?;
        let sat = self.op(Op::Select, rt, &[neg, min_c, max_c])?;
        let isnan = self.op(Op::IsNan, boolt, &[a])?;
        let out = self.op(Op::Select, rt, &[isnan, nan_c, sat])?;
        self.op(Op::Select, rt, &[in_range, conv, out])
    }

    fn math(&mut self, name: &str, args: &[Value]) -> Res<Word> {
        let Some((arity, width)) = cwcc_simt::builtins::math_signature(name) else {
            return self.unsupported(format!("the math function `{name}`"));
        };
        if args.len() != arity {
            return Err(SpirvError::Invalid(format!(
                "`{name}` called with {} arguments",
                args.len()
            )));
        }
        let bits = if width == FloatWidth::F64 { 64 } else { 32 };
        let t = self.t_float(bits);
        let a: Vec<Word> = args.iter().map(|v| self.get(*v)).collect::<Res<_>>()?;
        let base = name.trim_start_matches("__");
        let base = if bits == 32 {
            base.strip_suffix('f').unwrap_or(base)
        } else {
            base
        };
        let x = a.first().copied().unwrap_or(0);
        let y = a.get(1).copied().unwrap_or(0);
        match base {
            "sqrt" | "fsqrt_rn" => return self.sqrt_rn(t, x, bits),
            "fma" => return self.fma_rn(t, x, y, a.get(2).copied().unwrap_or(0), bits),
            "frcp_rn" => {
                let one = self.c_f(bits, 1.0);
                return self.div_rn(t, one, x, bits);
            }
            "fdivide" => return self.div_rn(t, x, y, bits),
            "ldexp" | "scalbn" => {
                let it = self.t_u32();
                let e = self.op(Op::ConvertFToS, it, &[y])?;
                if bits == 32 && self.soft_denormals() {
                    return self.soft_ldexp(x, e);
                }
                return self.glsl(GLOp::Ldexp, t, &[x, e]);
            }
            "saturate" => {
                let boolt = self.t_bool();
                let one = self.c_f(bits, 1.0);
                let zero = self.c_f(bits, 0.0);
                let ge1 = self.op(Op::FOrdGreaterThanEqual, boolt, &[x, one])?;
                let gt0 = self.op(Op::FOrdGreaterThan, boolt, &[x, zero])?;
                let mid = self.op(Op::Select, t, &[gt0, x, zero])?;
                return self.op(Op::Select, t, &[ge1, one, mid]);
            }
            "fdim" => {
                let boolt = self.t_bool();
                let d = self.op(Op::FSub, t, &[x, y])?;
                let zero = self.c_f(bits, 0.0);
                let le = self.op(Op::FOrdLessThanEqual, boolt, &[x, y])?;
                return self.op(Op::Select, t, &[le, zero, d]);
            }
            "round" => {
                // Half away from zero: trunc(x + copysign(0.5 - ulp, x)) is wrong near
                // 0.5; use trunc and compare the remainder.
                let boolt = self.t_bool();
                let tr = self.glsl(GLOp::Trunc, t, &[x])?;
                let rem = self.op(Op::FSub, t, &[x, tr])?;
                let arem = self.glsl(GLOp::FAbs, t, &[rem])?;
                let half = self.c_f(bits, 0.5);
                let up = self.op(Op::FOrdGreaterThanEqual, boolt, &[arem, half])?;
                let one = self.c_f(bits, 1.0);
                let sgn = self.glsl(GLOp::FSign, t, &[x])?;
                let step = self.op(Op::FMul, t, &[sgn, one])?;
                let moved = self.op(Op::FAdd, t, &[tr, step])?;
                return self.op(Op::Select, t, &[up, moved, tr]);
            }
            _ => {}
        }
        if bits == 64 {
            return self.unsupported(format!(
                "the double-precision math function `{name}` (GLSL.std.450 has no double transcendentals)"
            ));
        }
        let g = match base {
            "sin" => Some(GLOp::Sin),
            "cos" => Some(GLOp::Cos),
            "tan" => Some(GLOp::Tan),
            "asin" => Some(GLOp::Asin),
            "acos" => Some(GLOp::Acos),
            "atan" => Some(GLOp::Atan),
            "atan2" => Some(GLOp::Atan2),
            "sinh" => Some(GLOp::Sinh),
            "cosh" => Some(GLOp::Cosh),
            "tanh" => Some(GLOp::Tanh),
            "asinh" => Some(GLOp::Asinh),
            "acosh" => Some(GLOp::Acosh),
            "atanh" => Some(GLOp::Atanh),
            "exp" => Some(GLOp::Exp),
            "exp2" => Some(GLOp::Exp2),
            "log" => Some(GLOp::Log),
            "log2" => Some(GLOp::Log2),
            "pow" => Some(GLOp::Pow),
            "rsqrt" => Some(GLOp::InverseSqrt),
            _ => None,
        };
        if g == Some(GLOp::InverseSqrt) && self.soft_denormals() {
            return self.soft_rsqrt(x);
        }
        if let Some(g) = g {
            return self.glsl(g, t, &a);
        }
        match base {
            "exp10" => {
                let k = self.c_f(32, std::f64::consts::LOG2_10);
                let m = self.op(Op::FMul, t, &[x, k])?;
                self.glsl(GLOp::Exp2, t, &[m])
            }
            "log10" => {
                let l = self.glsl(GLOp::Log2, t, &[x])?;
                let k = self.c_f(32, std::f64::consts::LOG10_2);
                self.op(Op::FMul, t, &[l, k])
            }
            "expm1" => {
                let e = self.glsl(GLOp::Exp, t, &[x])?;
                let one = self.c_f(32, 1.0);
                self.op(Op::FSub, t, &[e, one])
            }
            "log1p" => {
                let one = self.c_f(32, 1.0);
                let s = self.op(Op::FAdd, t, &[x, one])?;
                self.glsl(GLOp::Log, t, &[s])
            }
            "cbrt" => {
                let ax = self.glsl(GLOp::FAbs, t, &[x])?;
                let third = self.c_f(32, 1.0 / 3.0);
                let r = self.glsl(GLOp::Pow, t, &[ax, third])?;
                // One Newton step: r -= (r^3 - |x|) / (3 r^2).
                let r2 = self.op(Op::FMul, t, &[r, r])?;
                let r3 = self.op(Op::FMul, t, &[r2, r])?;
                let num = self.op(Op::FSub, t, &[r3, ax])?;
                let three = self.c_f(32, 3.0);
                let den = self.op(Op::FMul, t, &[r2, three])?;
                let q = self.op(Op::FDiv, t, &[num, den])?;
                let boolt = self.t_bool();
                let zero = self.c_f(32, 0.0);
                let ok = self.op(Op::FOrdGreaterThan, boolt, &[den, zero])?;
                let fin = self.op(Op::IsInf, boolt, &[ax])?;
                let fin = self.op(Op::LogicalNot, boolt, &[fin])?;
                let ok = self.op(Op::LogicalAnd, boolt, &[ok, fin])?;
                let q = self.op(Op::Select, t, &[ok, q, zero])?;
                let r = self.op(Op::FSub, t, &[r, q])?;
                self.copysign_f32(r, x)
            }
            "hypot" => {
                let ax = self.glsl(GLOp::FAbs, t, &[x])?;
                let ay = self.glsl(GLOp::FAbs, t, &[y])?;
                let big = self.glsl(GLOp::FMax, t, &[ax, ay])?;
                let small = self.glsl(GLOp::FMin, t, &[ax, ay])?;
                let boolt = self.t_bool();
                let zero = self.c_f(32, 0.0);
                let isz = self.op(Op::FOrdEqual, boolt, &[big, zero])?;
                let one = self.c_f(32, 1.0);
                let den = self.op(Op::Select, t, &[isz, one, big])?;
                let r = self.op(Op::FDiv, t, &[small, den])?;
                let r2 = self.op(Op::FMul, t, &[r, r])?;
                let s = self.op(Op::FAdd, t, &[one, r2])?;
                let s = self.glsl(GLOp::Sqrt, t, &[s])?;
                let h = self.op(Op::FMul, t, &[big, s])?;
                let inf = self.c_f(32, f64::INFINITY);
                let xi = self.op(Op::IsInf, boolt, &[x])?;
                let yi = self.op(Op::IsInf, boolt, &[y])?;
                let anyinf = self.op(Op::LogicalOr, boolt, &[xi, yi])?;
                self.op(Op::Select, t, &[anyinf, inf, h])
            }
            "sinpi" | "cospi" => {
                let pi = self.c_f(32, std::f64::consts::PI);
                let m = self.op(Op::FMul, t, &[x, pi])?;
                self.glsl(
                    if base == "sinpi" {
                        GLOp::Sin
                    } else {
                        GLOp::Cos
                    },
                    t,
                    &[m],
                )
            }
            "erf" => self.erf(x),
            "erfc" => {
                let e = self.erf(x)?;
                let one = self.c_f(32, 1.0);
                self.op(Op::FSub, t, &[one, e])
            }
            "normcdf" => {
                let k = self.c_f(32, -std::f64::consts::FRAC_1_SQRT_2);
                let m = self.op(Op::FMul, t, &[x, k])?;
                let e = self.erf(m)?;
                let one = self.c_f(32, 1.0);
                let s = self.op(Op::FSub, t, &[one, e])?;
                let half = self.c_f(32, 0.5);
                self.op(Op::FMul, t, &[s, half])
            }
            _ => self.unsupported(format!("the math function `{name}`")),
        }
    }

    /// CUDA's `fmod` (exact; NaN for an infinite `x`, a zero `y` or a NaN): `OpFRem` is
    /// `x - y * trunc(x / y)` in Vulkan, which is inexact and gives NaN for `fmod(0, inf)`.
    /// `|x|` is reduced by `|y| * 2^k` with the largest `k` that fits, each subtraction exact
    /// (Sterbenz), until it is below `|y|`: at most one iteration per bit of exponent
    /// difference.
    fn frem(&mut self, t: Word, x: Word, y: Word, bits: u32) -> Res<Word> {
        if bits == 32 && self.soft_denormals() {
            // The f64 remainder of the exactly widened operands is exact (a remainder is
            // representable in its operands' format), and f64 keeps subnormals.
            let d = self.t_float(64);
            let (x64, y64) = (self.f32_to_f64_exact(x)?, self.f32_to_f64_exact(y)?);
            let r = self.frem(d, x64, y64, 64)?;
            return self.f64_to_f32_exact(r);
        }
        let boolt = self.t_bool();
        let i32t = self.t_u32();
        let ax = self.glsl(GLOp::FAbs, t, &[x])?;
        let ay = self.glsl(GLOp::FAbs, t, &[y])?;
        let zero = self.c_f(bits, 0.0);
        let nan_x = self.op(Op::IsNan, boolt, &[x])?;
        let nan_y = self.op(Op::IsNan, boolt, &[y])?;
        let inf_x = self.op(Op::IsInf, boolt, &[x])?;
        let zero_y = self.op(Op::FOrdEqual, boolt, &[ay, zero])?;
        let s1 = self.op(Op::LogicalOr, boolt, &[nan_x, nan_y])?;
        let s2 = self.op(Op::LogicalOr, boolt, &[inf_x, zero_y])?;
        let special = self.op(Op::LogicalOr, boolt, &[s1, s2])?;
        let r0 = self.op(Op::Select, t, &[special, zero, ax])?;
        let frexp_ty = self.b.type_struct([t, i32t]);
        let fy = self.glsl(GLOp::FrexpStruct, frexp_ty, &[ay])?;
        let ey = self.op_raw(
            Op::CompositeExtract,
            Some(i32t),
            vec![Operand::IdRef(fy), Operand::LiteralBit32(1)],
        )?;
        let pre = self.cur_label;
        let (header, body, cont, merge) = (self.b.id(), self.b.id(), self.b.id(), self.b.id());
        let r_next = self.b.id();
        self.branch(header)?;
        self.begin_block(header)?;
        let r = self.op_raw(
            Op::Phi,
            Some(t),
            vec![
                Operand::IdRef(r0),
                Operand::IdRef(pre),
                Operand::IdRef(r_next),
                Operand::IdRef(cont),
            ],
        )?;
        let go = self.op(Op::FOrdGreaterThanEqual, boolt, &[r, ay])?;
        self.b
            .loop_merge(merge, cont, spirv::LoopControl::NONE, [])
            .map_err(internal)?;
        self.b
            .branch_conditional(go, body, merge, [])
            .map_err(internal)?;
        self.begin_block(body)?;
        let fr = self.glsl(GLOp::FrexpStruct, frexp_ty, &[r])?;
        let er = self.op_raw(
            Op::CompositeExtract,
            Some(i32t),
            vec![Operand::IdRef(fr), Operand::LiteralBit32(1)],
        )?;
        let k = self.op(Op::ISub, i32t, &[er, ey])?;
        let scaled = self.glsl(GLOp::Ldexp, t, &[ay, k])?;
        let too_big = self.op(Op::FOrdGreaterThan, boolt, &[scaled, r])?;
        let half = self.c_f(bits, 0.5);
        let halved = self.op(Op::FMul, t, &[scaled, half])?;
        let step = self.op(Op::Select, t, &[too_big, halved, scaled])?;
        self.b.decorate(r_next, Decoration::NoContraction, []);
        self.op_with_id(Op::FSub, t, r_next, &[r, step])?;
        self.branch(cont)?;
        self.begin_block(cont)?;
        self.branch(header)?;
        self.begin_block(merge)?;
        // The sign of x.
        let it = self.t_int(bits);
        let rb = self.op(Op::Bitcast, it, &[r])?;
        let xb = self.op(Op::Bitcast, it, &[x])?;
        let sign = self.constant(it, 1u64 << (bits - 1), bits);
        let xs = self.op(Op::BitwiseAnd, it, &[xb, sign])?;
        let rs = self.op(Op::BitwiseOr, it, &[rb, xs])?;
        let res = self.op(Op::Bitcast, t, &[rs])?;
        let nan = self.c_f(bits, f64::NAN);
        self.op(Op::Select, t, &[special, nan, res])
    }

    /// Correctly rounded `a * b + c` (Vulkan's `Fma` may be a multiply and an add: lavapipe
    /// rounds twice). For `f32` with `Float64`: the product is exact in `f64`; the sum is
    /// rounded to odd (the `f64` sum, its exact error by TwoSum, and the last bit set when
    /// inexact), and rounding that to `f32` is the correctly rounded result (53 bits hold
    /// 24 + 2).
    fn fma_rn(&mut self, t: Word, a: Word, b: Word, c: Word, bits: u32) -> Res<Word> {
        if bits != 32 || !self.opts.float64 {
            return self.glsl(GLOp::Fma, t, &[a, b, c]);
        }
        let d = self.t_float(64);
        let boolt = self.t_bool();
        let u64t = self.t_u64();
        let a64 = self.widen_f32(a)?;
        let b64 = self.widen_f32(b)?;
        let c64 = self.widen_f32(c)?;
        let p = self.op(Op::FMul, d, &[a64, b64])?;
        let s = self.op(Op::FAdd, d, &[p, c64])?;
        // TwoSum: s + e == p + c exactly.
        let bb = self.op(Op::FSub, d, &[s, p])?;
        let s_bb = self.op(Op::FSub, d, &[s, bb])?;
        let e1 = self.op(Op::FSub, d, &[p, s_bb])?;
        let e2 = self.op(Op::FSub, d, &[c64, bb])?;
        let e = self.op(Op::FAdd, d, &[e1, e2])?;
        let zero = self.c_f(64, 0.0);
        let inexact = self.op(Op::FUnordNotEqual, boolt, &[e, zero])?;
        let inf = self.op(Op::IsInf, boolt, &[s])?;
        let nan = self.op(Op::IsNan, boolt, &[s])?;
        let special = self.op(Op::LogicalOr, boolt, &[inf, nan])?;
        let finite = self.op(Op::LogicalNot, boolt, &[special])?;
        let sb = self.op(Op::Bitcast, u64t, &[s])?;
        let one = self.c_u64(1);
        let low = self.op(Op::BitwiseAnd, u64t, &[sb, one])?;
        let zero64 = self.c_u64(0);
        let even = self.op(Op::IEqual, boolt, &[low, zero64])?;
        let adjust = self.op(Op::LogicalAnd, boolt, &[inexact, even])?;
        let adjust = self.op(Op::LogicalAnd, boolt, &[adjust, finite])?;
        // Toward the exact value: away from zero when e has the sign of s.
        let s_neg = self.op(Op::FOrdLessThan, boolt, &[s, zero])?;
        let e_neg = self.op(Op::FOrdLessThan, boolt, &[e, zero])?;
        let away = self.op(Op::LogicalEqual, boolt, &[s_neg, e_neg])?;
        let up = self.op(Op::IAdd, u64t, &[sb, one])?;
        let down = self.op(Op::ISub, u64t, &[sb, one])?;
        let moved = self.op(Op::Select, u64t, &[away, up, down])?;
        let odd = self.op(Op::Select, u64t, &[adjust, moved, sb])?;
        let odd = self.op(Op::Bitcast, d, &[odd])?;
        self.narrow_f64(odd)
    }

    /// Correctly rounded `a / b` (`f32` through `f64` when the device has `Float64`: the
    /// quotient of two 24-bit values rounded to 53 bits then to 24 is the correctly rounded
    /// one).
    fn div_rn(&mut self, t: Word, a: Word, b: Word, bits: u32) -> Res<Word> {
        if bits != 32 || !self.opts.float64 {
            return self.op(Op::FDiv, t, &[a, b]);
        }
        let d = self.t_float(64);
        let (a64, b64) = (self.widen_f32(a)?, self.widen_f32(b)?);
        let q = self.op(Op::FDiv, d, &[a64, b64])?;
        self.narrow_f64(q)
    }

    /// Correctly rounded square root (`f32` through `f64`, as [`Emitter::div_rn`]).
    fn sqrt_rn(&mut self, t: Word, a: Word, bits: u32) -> Res<Word> {
        if bits != 32 || !self.opts.float64 {
            return self.glsl(GLOp::Sqrt, t, &[a]);
        }
        let d = self.t_float(64);
        let a64 = self.widen_f32(a)?;
        let r = self.glsl(GLOp::Sqrt, d, &[a64])?;
        self.narrow_f64(r)
    }

    fn copysign_f32(&mut self, mag: Word, sign: Word) -> Res<Word> {
        let u32t = self.t_u32();
        let t = self.t_float(32);
        let m = self.op(Op::Bitcast, u32t, &[mag])?;
        let s = self.op(Op::Bitcast, u32t, &[sign])?;
        let km = self.c_u32(0x7fff_ffff);
        let ks = self.c_u32(0x8000_0000);
        let m = self.op(Op::BitwiseAnd, u32t, &[m, km])?;
        let s = self.op(Op::BitwiseAnd, u32t, &[s, ks])?;
        let r = self.op(Op::BitwiseOr, u32t, &[m, s])?;
        self.op(Op::Bitcast, t, &[r])
    }

    /// `erf` for f32: Abramowitz–Stegun 7.1.26 (absolute error below 1.5e-7).
    fn erf(&mut self, x: Word) -> Res<Word> {
        let t = self.t_float(32);
        let ax = self.glsl(GLOp::FAbs, t, &[x])?;
        let p = self.c_f(32, 0.327_591_1);
        let one = self.c_f(32, 1.0);
        let px = self.op(Op::FMul, t, &[p, ax])?;
        let den = self.op(Op::FAdd, t, &[one, px])?;
        let k = self.op(Op::FDiv, t, &[one, den])?;
        let coeffs = [
            1.061_405_429,
            -1.453_152_027,
            1.421_413_741,
            -0.284_496_736,
            0.254_829_592,
        ];
        let mut acc = self.c_f(32, coeffs[0]);
        for c in &coeffs[1..] {
            let cc = self.c_f(32, *c);
            let m = self.op(Op::FMul, t, &[acc, k])?;
            acc = self.op(Op::FAdd, t, &[m, cc])?;
        }
        let poly = self.op(Op::FMul, t, &[acc, k])?;
        let x2 = self.op(Op::FMul, t, &[ax, ax])?;
        let nx2 = self.op(Op::FNegate, t, &[x2])?;
        let e = self.glsl(GLOp::Exp, t, &[nx2])?;
        let pe = self.op(Op::FMul, t, &[poly, e])?;
        let r = self.op(Op::FSub, t, &[one, pe])?;
        self.copysign_f32(r, x)
    }

    // ---------------------------------------------------------------- atomics

    fn scope_id(&mut self, scope: Scope, shared: bool) -> Word {
        self.c_u32(if shared || scope == Scope::Block {
            spirv::Scope::Workgroup as u32
        } else {
            spirv::Scope::Device as u32
        })
    }

    /// The pointer an atomic operates on (`u32`/`u64`-typed), or `None` for a thread-private
    /// local (plain read-modify-write).
    fn atomic_ptr(&mut self, ptr: Value, int_ty: Word, bits: u32) -> Res<Option<(Word, bool)>> {
        match self.target(ptr)? {
            Target::Global(a) => {
                if bits == 64 {
                    self.cap(Capability::Int64Atomics);
                }
                Ok(Some((self.psb_ptr(a, int_ty, bits)?, false)))
            }
            Target::Words {
                var,
                class: StorageClass::Workgroup,
                offset,
            } => {
                if bits != 32 {
                    return self.unsupported("64-bit atomics on shared memory");
                }
                let u32t = self.t_u32();
                let two = self.c_u32(2);
                let idx = self.op(Op::ShiftRightLogical, u32t, &[offset, two])?;
                Ok(Some((
                    self.word_ptr(var, StorageClass::Workgroup, idx)?,
                    true,
                )))
            }
            _ => Ok(None),
        }
    }

    fn atomic_rmw(&mut self, op: AtomicOp, ptr: Value, value: Value, scope: Scope) -> Res<Word> {
        let vt = self.ty(value)?.clone();
        let bits = Self::mem_int_bits(&vt);
        let it = self.t_int(bits);
        let is_float = matches!(vt, Type::Float(_));
        let v = self.get(value)?;
        let vi = if is_float {
            self.op(Op::Bitcast, it, &[v])?
        } else {
            v
        };
        let Some((p, shared)) = self.atomic_ptr(ptr, it, bits)? else {
            // Thread-private memory: a plain read-modify-write.
            let old = self.inst_load_value(ptr, &vt)?;
            let new = self.rmw_value(op, old, v, &vt)?;
            self.inst_store_value(ptr, new, &vt)?;
            return Ok(old);
        };
        let sc = self.scope_id(scope, shared);
        let sem = self.c_u32(0);
        let direct = match op {
            AtomicOp::Add if !is_float => Some(Op::AtomicIAdd),
            AtomicOp::Sub => Some(Op::AtomicISub),
            AtomicOp::Exch => Some(Op::AtomicExchange),
            AtomicOp::SMin => Some(Op::AtomicSMin),
            AtomicOp::UMin => Some(Op::AtomicUMin),
            AtomicOp::SMax => Some(Op::AtomicSMax),
            AtomicOp::UMax => Some(Op::AtomicUMax),
            AtomicOp::And => Some(Op::AtomicAnd),
            AtomicOp::Or => Some(Op::AtomicOr),
            AtomicOp::Xor => Some(Op::AtomicXor),
            _ => None,
        };
        if let Some(o) = direct {
            let r = self.op(o, it, &[p, sc, sem, vi])?;
            return if is_float {
                let ft = self.spv_type(&vt)?;
                self.op(Op::Bitcast, ft, &[r])
            } else {
                Ok(r)
            };
        }
        if op == AtomicOp::Add && is_float && self.opts.atomic_float_add && !shared {
            self.cap(if bits == 64 {
                Capability::AtomicFloat64AddEXT
            } else {
                Capability::AtomicFloat32AddEXT
            });
            self.b.extension("SPV_EXT_shader_atomic_float_add");
            let ft = self.spv_type(&vt)?;
            let fp = self.psb_ptr(self.get(ptr)?, ft, bits)?;
            return self.op(Op::AtomicFAddEXT, ft, &[fp, sc, sem, v]);
        }
        // Compare-exchange loop.
        let boolt = self.t_bool();
        let init = self.op(Op::AtomicLoad, it, &[p, sc, sem])?;
        let pre = self.cur_label;
        let (header, body, cont, merge) = (self.b.id(), self.b.id(), self.b.id(), self.b.id());
        let old_id = self.b.id();
        self.branch(header)?;
        self.begin_block(header)?;
        let e = self.op_raw(
            Op::Phi,
            Some(it),
            vec![
                Operand::IdRef(init),
                Operand::IdRef(pre),
                Operand::IdRef(old_id),
                Operand::IdRef(cont),
            ],
        )?;
        self.b
            .loop_merge(merge, cont, spirv::LoopControl::NONE, [])
            .map_err(internal)?;
        self.branch(body)?;
        self.begin_block(body)?;
        let e_val = if is_float {
            let ft = self.spv_type(&vt)?;
            self.op(Op::Bitcast, ft, &[e])?
        } else {
            e
        };
        let new = self.rmw_value(op, e_val, v, &vt)?;
        let new_i = if is_float {
            self.op(Op::Bitcast, it, &[new])?
        } else {
            new
        };
        let inst = Instruction::new(
            Op::AtomicCompareExchange,
            Some(it),
            Some(old_id),
            vec![
                Operand::IdRef(p),
                Operand::IdRef(sc),
                Operand::IdRef(sem),
                Operand::IdRef(sem),
                Operand::IdRef(new_i),
                Operand::IdRef(e),
            ],
        );
        self.b
            .insert_into_block(InsertPoint::End, inst)
            .map_err(internal)?;
        let done = self.op(Op::IEqual, boolt, &[old_id, e])?;
        self.b
            .branch_conditional(done, merge, cont, [])
            .map_err(internal)?;
        self.begin_block(cont)?;
        self.branch(header)?;
        self.begin_block(merge)?;
        if is_float {
            let ft = self.spv_type(&vt)?;
            self.op(Op::Bitcast, ft, &[old_id])
        } else {
            Ok(old_id)
        }
    }

    /// The new value of an atomic read-modify-write from the old one.
    fn rmw_value(&mut self, op: AtomicOp, old: Word, v: Word, t: &Type) -> Res<Word> {
        let ty = self.spv_type(t)?;
        let boolt = self.t_bool();
        let bits = Self::mem_int_bits(t);
        Ok(match op {
            AtomicOp::Add if matches!(t, Type::Float(_)) => self.op(Op::FAdd, ty, &[old, v])?,
            AtomicOp::Add => self.op(Op::IAdd, ty, &[old, v])?,
            AtomicOp::Sub => self.op(Op::ISub, ty, &[old, v])?,
            AtomicOp::Exch => v,
            AtomicOp::And => self.op(Op::BitwiseAnd, ty, &[old, v])?,
            AtomicOp::Or => self.op(Op::BitwiseOr, ty, &[old, v])?,
            AtomicOp::Xor => self.op(Op::BitwiseXor, ty, &[old, v])?,
            AtomicOp::SMin | AtomicOp::SMax | AtomicOp::UMin | AtomicOp::UMax => {
                let c = match op {
                    AtomicOp::SMin => Op::SLessThan,
                    AtomicOp::SMax => Op::SGreaterThan,
                    AtomicOp::UMin => Op::ULessThan,
                    _ => Op::UGreaterThan,
                };
                let c = self.op(c, boolt, &[old, v])?;
                self.op(Op::Select, ty, &[c, old, v])?
            }
            AtomicOp::Inc => {
                // old >= v ? 0 : old + 1
                let ge = self.op(Op::UGreaterThanEqual, boolt, &[old, v])?;
                let one = self.constant(ty, 1, bits);
                let zero = self.constant(ty, 0, bits);
                let inc = self.op(Op::IAdd, ty, &[old, one])?;
                self.op(Op::Select, ty, &[ge, zero, inc])?
            }
            AtomicOp::Dec => {
                // (old == 0 || old > v) ? v : old - 1
                let zero = self.constant(ty, 0, bits);
                let one = self.constant(ty, 1, bits);
                let z = self.op(Op::IEqual, boolt, &[old, zero])?;
                let gt = self.op(Op::UGreaterThan, boolt, &[old, v])?;
                let c = self.op(Op::LogicalOr, boolt, &[z, gt])?;
                let dec = self.op(Op::ISub, ty, &[old, one])?;
                self.op(Op::Select, ty, &[c, v, dec])?
            }
        })
    }

    fn inst_load_value(&mut self, ptr: Value, t: &Type) -> Res<Word> {
        match self.target(ptr)? {
            Target::Global(a) => self.load_global(a, t, self.m.size_of_scalar(t)),
            Target::Typed(var) => {
                let ty = self.spv_type(t)?;
                self.op(Op::Load, ty, &[var])
            }
            Target::Words { var, class, offset } => self.load_words(var, class, offset, t),
        }
    }

    fn inst_store_value(&mut self, ptr: Value, v: Word, t: &Type) -> Res<()> {
        match self.target(ptr)? {
            Target::Global(a) => self.store_global(a, v, t, self.m.size_of_scalar(t)),
            Target::Typed(var) => self.b.store(var, v, None, []).map_err(internal),
            Target::Words { var, class, offset } => self.store_words(var, class, offset, v, t),
        }
    }

    fn atomic_cas(
        &mut self,
        ptr: Value,
        expected: Value,
        desired: Value,
        scope: Scope,
    ) -> Res<Word> {
        let vt = self.ty(desired)?.clone();
        let bits = Self::mem_int_bits(&vt);
        let it = self.t_int(bits);
        let (e, d) = (self.get(expected)?, self.get(desired)?);
        let Some((p, shared)) = self.atomic_ptr(ptr, it, bits)? else {
            let old = self.inst_load_value(ptr, &vt)?;
            let boolt = self.t_bool();
            let eq = self.op(Op::IEqual, boolt, &[old, e])?;
            let new = self.op(Op::Select, it, &[eq, d, old])?;
            self.inst_store_value(ptr, new, &vt)?;
            return Ok(old);
        };
        let sc = self.scope_id(scope, shared);
        let sem = self.c_u32(0);
        self.op(Op::AtomicCompareExchange, it, &[p, sc, sem, sem, d, e])
    }
}

fn dim_index(d: Dim) -> u32 {
    match d {
        Dim::X => 0,
        Dim::Y => 1,
        Dim::Z => 2,
    }
}

/// Size in bytes of a scalar type (used as its natural alignment).
trait ScalarSize {
    fn size_of_scalar(&self, t: &Type) -> u32;
}

impl ScalarSize for Module {
    fn size_of_scalar(&self, t: &Type) -> u32 {
        match t {
            Type::Bool => 1,
            Type::Int(w) => w.bits() / 8,
            Type::Float(FloatWidth::F32) => 4,
            Type::Float(FloatWidth::F64) | Type::Ptr(_) => 8,
            _ => 1,
        }
    }
}

// -------------------------------------------------------------------- warp collectives

/// Element `i` of the accumulators of [`Emitter::lane_loop`].
fn nth(values: &[Word], i: usize) -> Res<Word> {
    values
        .get(i)
        .copied()
        .ok_or_else(|| SpirvError::Invalid(format!("lane loop without accumulator {i}")))
}

impl Emitter<'_> {
    fn op_with_id(&mut self, op: Op, ty: Word, id: Word, operands: &[Word]) -> Res<()> {
        let inst = Instruction::new(
            op,
            Some(ty),
            Some(id),
            operands.iter().map(|w| Operand::IdRef(*w)).collect(),
        );
        self.b
            .insert_into_block(InsertPoint::End, inst)
            .map_err(internal)
    }

    /// A scalar as two `u32` words (the high word is 0 for 32-bit and smaller values).
    fn split_words(&mut self, v: Word, t: &Type) -> Res<(Word, Word)> {
        let u32t = self.t_u32();
        let zero = self.c_u32(0);
        Ok(match t {
            Type::Bool => {
                let one = self.c_u32(1);
                (self.op(Op::Select, u32t, &[v, one, zero])?, zero)
            }
            Type::Float(FloatWidth::F32) => (self.op(Op::Bitcast, u32t, &[v])?, zero),
            Type::Int(w) if w.bits() < 32 => (self.op(Op::UConvert, u32t, &[v])?, zero),
            Type::Int(w) if w.bits() == 32 => (v, zero),
            _ => {
                let u64t = self.t_u64();
                let bits = if matches!(t, Type::Float(_)) {
                    self.op(Op::Bitcast, u64t, &[v])?
                } else {
                    v
                };
                let lo = self.op(Op::UConvert, u32t, &[bits])?;
                let c32 = self.c_u64(32);
                let hi = self.op(Op::ShiftRightLogical, u64t, &[bits, c32])?;
                (lo, self.op(Op::UConvert, u32t, &[hi])?)
            }
        })
    }

    /// The inverse of [`Emitter::split_words`].
    fn join_words(&mut self, lo: Word, hi: Word, t: &Type) -> Res<Word> {
        let ty = self.spv_type(t)?;
        Ok(match t {
            Type::Bool => {
                let boolt = self.t_bool();
                let zero = self.c_u32(0);
                self.op(Op::INotEqual, boolt, &[lo, zero])?
            }
            Type::Float(FloatWidth::F32) => self.op(Op::Bitcast, ty, &[lo])?,
            Type::Int(w) if w.bits() < 32 => self.op(Op::UConvert, ty, &[lo])?,
            Type::Int(w) if w.bits() == 32 => lo,
            _ => {
                let u64t = self.t_u64();
                let lo = self.op(Op::UConvert, u64t, &[lo])?;
                let hi = self.op(Op::UConvert, u64t, &[hi])?;
                let c32 = self.c_u64(32);
                let hi = self.op(Op::ShiftLeftLogical, u64t, &[hi, c32])?;
                let bits = self.op(Op::BitwiseOr, u64t, &[lo, hi])?;
                if matches!(t, Type::Float(_)) {
                    self.op(Op::Bitcast, ty, &[bits])?
                } else {
                    bits
                }
            }
        })
    }

    /// A pointer to word `k` of thread `thread`'s slot in the warp-emulation array.
    fn slot_ptr(&mut self, thread: Word, k: u32) -> Res<Word> {
        let var = self.warp_slots.ok_or_else(|| {
            SpirvError::Invalid("warp collective without its emulation array".into())
        })?;
        let u32t = self.t_u32();
        let n = self.c_u32(WARP_SLOT_WORDS);
        let base = self.op(Op::IMul, u32t, &[thread, n])?;
        let k = self.c_u32(k);
        let idx = self.op(Op::IAdd, u32t, &[base, k])?;
        self.word_ptr(var, StorageClass::Workgroup, idx)
    }

    fn subgroup_ballot(&mut self, pred: Word) -> Res<Word> {
        self.cap(Capability::GroupNonUniformBallot);
        let u32t = self.t_u32();
        let uvec4 = self.b.type_vector(u32t, 4);
        let scope = self.c_u32(spirv::Scope::Subgroup as u32);
        let b = self.op(Op::GroupNonUniformBallot, uvec4, &[scope, pred])?;
        self.op_raw(
            Op::CompositeExtract,
            Some(u32t),
            vec![Operand::IdRef(b), Operand::LiteralBit32(0)],
        )
    }

    /// `(bits >> j) & 1 != 0` for `u32` values.
    fn bit_set(&mut self, bits: Word, j: Word) -> Res<Word> {
        let u32t = self.t_u32();
        let boolt = self.t_bool();
        let one = self.c_u32(1);
        let zero = self.c_u32(0);
        let s = self.op(Op::ShiftRightLogical, u32t, &[bits, j])?;
        let s = self.op(Op::BitwiseAnd, u32t, &[s, one])?;
        self.op(Op::INotEqual, boolt, &[s, zero])
    }

    /// Whether lane `j` (`u32`, below 32) of the caller's warp executes this collective.
    fn lane_active(&mut self, w: &WarpView, j: Word) -> Res<Word> {
        if w.subgroup {
            return self.bit_set(w.active, j);
        }
        let u32t = self.t_u32();
        let boolt = self.t_bool();
        let exists = self.op(Op::ULessThan, boolt, &[j, w.count])?;
        let t = self.op(Op::IAdd, u32t, &[w.base, j])?;
        let t = self.glsl(GLOp::UMin, u32t, &[t, w.last])?;
        let p = self.slot_ptr(t, 2)?;
        let flag = self.op(Op::Load, u32t, &[p])?;
        let zero = self.c_u32(0);
        let on = self.op(Op::INotEqual, boolt, &[flag, zero])?;
        self.op(Op::LogicalAnd, boolt, &[exists, on])
    }

    /// Whether lane `j` is in the caller's group (executes the collective, in the mask).
    fn in_group(&mut self, w: &WarpView, j: Word) -> Res<Word> {
        let boolt = self.t_bool();
        let a = self.lane_active(w, j)?;
        let m = self.bit_set(w.mask, j)?;
        self.op(Op::LogicalAnd, boolt, &[a, m])
    }

    /// Lane `j`'s operand words.
    fn lane_words(&mut self, w: &WarpView, j: Word) -> Res<(Word, Word)> {
        let u32t = self.t_u32();
        if w.subgroup {
            self.cap(Capability::GroupNonUniformShuffle);
            let scope = self.c_u32(spirv::Scope::Subgroup as u32);
            let lo = self.op(Op::GroupNonUniformShuffle, u32t, &[scope, w.lo, j])?;
            let hi = if w.wide {
                self.op(Op::GroupNonUniformShuffle, u32t, &[scope, w.hi, j])?
            } else {
                self.c_u32(0)
            };
            return Ok((lo, hi));
        }
        let t = self.op(Op::IAdd, u32t, &[w.base, j])?;
        let t = self.glsl(GLOp::UMin, u32t, &[t, w.last])?;
        let p = self.slot_ptr(t, 0)?;
        let lo = self.op(Op::Load, u32t, &[p])?;
        let hi = if w.wide {
            let p = self.slot_ptr(t, 1)?;
            self.op(Op::Load, u32t, &[p])?
        } else {
            self.c_u32(0)
        };
        Ok((lo, hi))
    }

    /// `for (j = 0; j < 32; j++) accs = body(j, accs)`; `body` must not open blocks.
    fn lane_loop(
        &mut self,
        inits: &[(Word, Word)],
        body: &mut LaneBody<'_, Self>,
    ) -> Res<Vec<Word>> {
        let u32t = self.t_u32();
        let boolt = self.t_bool();
        let pre = self.cur_label;
        let (header, body_l, cont, merge) = (self.b.id(), self.b.id(), self.b.id(), self.b.id());
        let j_next = self.b.id();
        let nexts: Vec<Word> = inits.iter().map(|_| self.b.id()).collect();
        let zero = self.c_u32(0);
        let one = self.c_u32(1);
        let k32 = self.c_u32(32);
        self.branch(header)?;
        self.begin_block(header)?;
        let phi = |e: &mut Self, ty: Word, init: Word, next: Word| {
            e.op_raw(
                Op::Phi,
                Some(ty),
                vec![
                    Operand::IdRef(init),
                    Operand::IdRef(pre),
                    Operand::IdRef(next),
                    Operand::IdRef(cont),
                ],
            )
        };
        let j = phi(self, u32t, zero, j_next)?;
        let mut accs = Vec::new();
        for ((ty, init), next) in inits.iter().zip(&nexts) {
            accs.push(phi(self, *ty, *init, *next)?);
        }
        let go = self.op(Op::ULessThan, boolt, &[j, k32])?;
        self.b
            .loop_merge(merge, cont, spirv::LoopControl::NONE, [])
            .map_err(internal)?;
        self.b
            .branch_conditional(go, body_l, merge, [])
            .map_err(internal)?;
        self.begin_block(body_l)?;
        let new = body(self, j, &accs)?;
        for (((ty, _), next), v) in inits.iter().zip(&nexts).zip(new) {
            self.op_with_id(Op::CopyObject, *ty, *next, &[v])?;
        }
        self.op_with_id(Op::IAdd, u32t, j_next, &[j, one])?;
        self.branch(cont)?;
        self.begin_block(cont)?;
        self.branch(header)?;
        self.begin_block(merge)?;
        Ok(accs)
    }

    /// A warp collective: `GroupNonUniform` operations when the subgroup is 32 wide, else the
    /// shared-memory emulation (every thread of the block executes it; see `predicate`).
    fn collective(&mut self, result: Option<Value>, inst: &Inst) -> Res<Option<Word>> {
        let subgroup = self.opts.subgroup_size == 32;
        let u32t = self.t_u32();
        let boolt = self.t_bool();
        if let Inst::SyncWarp { .. } = inst {
            if subgroup {
                self.uses_subgroups = true;
                let s = self.c_u32(spirv::Scope::Subgroup as u32);
                let sem = self.c_u32(
                    (spirv::MemorySemantics::ACQUIRE_RELEASE
                        | spirv::MemorySemantics::WORKGROUP_MEMORY
                        | spirv::MemorySemantics::UNIFORM_MEMORY)
                        .bits(),
                );
                self.b.control_barrier(s, s, sem).map_err(internal)?;
            } else {
                self.control_barrier()?;
            }
            return Ok(None);
        }
        let all = self.c_u32(u32::MAX);
        let t_true = self.c_bool(true);
        // The operand and mask.
        let (mask, operand, operand_ty) = match inst {
            Inst::Shuffle { mask, value, .. }
            | Inst::Match { mask, value, .. }
            | Inst::WarpReduce { mask, value, .. } => (
                self.get(*mask)?,
                self.get(*value)?,
                self.ty(*value)?.clone(),
            ),
            Inst::Vote { mask, pred, .. } => (self.get(*mask)?, self.get(*pred)?, Type::Bool),
            _ => (all, t_true, Type::Bool),
        };
        let (lo, hi) = self.split_words(operand, &operand_ty)?;
        let wide = Self::mem_int_bits(&operand_ty) == 64;
        let zero = self.c_u32(0);
        let one = self.c_u32(1);
        let mut w = WarpView {
            subgroup,
            lane: zero,
            mask,
            lo,
            hi,
            wide,
            base: zero,
            count: zero,
            last: zero,
            active: zero,
        };
        if subgroup {
            self.uses_subgroups = true;
            self.cap(Capability::GroupNonUniform);
            let var = self
                .subgroup_lane_var
                .ok_or_else(|| SpirvError::Invalid("no subgroup lane input".into()))?;
            w.lane = self.op(Op::Load, u32t, &[var])?;
            w.active = self.subgroup_ballot(t_true)?;
        } else {
            let t = self.linear_tid()?;
            let k31 = self.c_u32(31);
            w.lane = self.op(Op::BitwiseAnd, u32t, &[t, k31])?;
            let not31 = self.c_u32(!31);
            w.base = self.op(Op::BitwiseAnd, u32t, &[t, not31])?;
            let [bx, by, bz] = self.block_size;
            let xy = self.op(Op::IMul, u32t, &[bx, by])?;
            let n = self.op(Op::IMul, u32t, &[xy, bz])?;
            w.last = self.op(Op::ISub, u32t, &[n, one])?;
            let left = self.op(Op::ISub, u32t, &[n, w.base])?;
            let k32 = self.c_u32(32);
            w.count = self.glsl(GLOp::UMin, u32t, &[left, k32])?;
            let act = self.op(Op::INotEqual, boolt, &[mask, zero])?;
            let act = self.op(Op::Select, u32t, &[act, one, zero])?;
            let p = self.slot_ptr(t, 0)?;
            self.b.store(p, lo, None, []).map_err(internal)?;
            if wide {
                let p = self.slot_ptr(t, 1)?;
                self.b.store(p, hi, None, []).map_err(internal)?;
            }
            let p = self.slot_ptr(t, 2)?;
            self.b.store(p, act, None, []).map_err(internal)?;
            self.control_barrier()?;
        }
        let r = match inst {
            Inst::Shuffle {
                kind,
                lane_or_delta,
                width,
                ..
            } => {
                let b = self.get(*lane_or_delta)?;
                let width = self.get(*width)?;
                let k32 = self.c_u32(32);
                let k31 = self.c_u32(31);
                let lane = w.lane;
                let seg = self.op(Op::ISub, u32t, &[k32, width])?;
                let min_lane = self.op(Op::BitwiseAnd, u32t, &[lane, seg])?;
                let not_seg = self.op(Op::Not, u32t, &[seg])?;
                let in_seg = self.op(Op::BitwiseAnd, u32t, &[k31, not_seg])?;
                let max_lane = self.op(Op::BitwiseOr, u32t, &[min_lane, in_seg])?;
                let (j, valid) = match kind {
                    ShuffleKind::Idx => {
                        let off = self.op(Op::BitwiseAnd, u32t, &[b, in_seg])?;
                        (self.op(Op::BitwiseOr, u32t, &[min_lane, off])?, t_true)
                    }
                    ShuffleKind::Up => {
                        let j = self.op(Op::ISub, u32t, &[lane, b])?;
                        (j, self.op(Op::SGreaterThanEqual, boolt, &[j, min_lane])?)
                    }
                    ShuffleKind::Down => {
                        let j = self.op(Op::IAdd, u32t, &[lane, b])?;
                        (j, self.op(Op::SLessThanEqual, boolt, &[j, max_lane])?)
                    }
                    ShuffleKind::Xor => {
                        let j = self.op(Op::BitwiseXor, u32t, &[lane, b])?;
                        (j, self.op(Op::SLessThanEqual, boolt, &[j, max_lane])?)
                    }
                };
                let in_range = self.op(Op::ULessThan, boolt, &[j, k32])?;
                let valid = self.op(Op::LogicalAnd, boolt, &[valid, in_range])?;
                let src = self.op(Op::Select, u32t, &[valid, j, lane])?;
                let (slo, shi) = self.lane_words(&w, src)?;
                let ok = self.in_group(&w, src)?;
                let rlo = self.op(Op::Select, u32t, &[ok, slo, w.lo])?;
                let rhi = self.op(Op::Select, u32t, &[ok, shi, w.hi])?;
                self.join_words(rlo, rhi, &operand_ty)?
            }
            Inst::Vote { kind, .. } => {
                let (ballot, group) = if subgroup {
                    let g = self.op(Op::BitwiseAnd, u32t, &[mask, w.active])?;
                    let b = self.subgroup_ballot(operand)?;
                    (self.op(Op::BitwiseAnd, u32t, &[b, g])?, g)
                } else {
                    let accs =
                        self.lane_loop(&[(u32t, zero), (u32t, zero)], &mut |e, j, acc| {
                            let u32t = e.t_u32();
                            let boolt = e.t_bool();
                            let one = e.c_u32(1);
                            let zero = e.c_u32(0);
                            let bit = e.op(Op::ShiftLeftLogical, u32t, &[one, j])?;
                            let ing = e.in_group(&w, j)?;
                            let (p, _) = e.lane_words(&w, j)?;
                            let p = e.op(Op::INotEqual, boolt, &[p, zero])?;
                            let both = e.op(Op::LogicalAnd, boolt, &[ing, p])?;
                            let bset = e.op(Op::BitwiseOr, u32t, &[nth(acc, 0)?, bit])?;
                            let b = e.op(Op::Select, u32t, &[both, bset, nth(acc, 0)?])?;
                            let gset = e.op(Op::BitwiseOr, u32t, &[nth(acc, 1)?, bit])?;
                            let g = e.op(Op::Select, u32t, &[ing, gset, nth(acc, 1)?])?;
                            Ok(vec![b, g])
                        })?;
                    (nth(&accs, 0)?, nth(&accs, 1)?)
                };
                let as_bool = match kind {
                    VoteKind::Ballot => None,
                    VoteKind::Any => Some(self.op(Op::INotEqual, boolt, &[ballot, zero])?),
                    VoteKind::All => Some(self.op(Op::IEqual, boolt, &[ballot, group])?),
                };
                match as_bool {
                    None => ballot,
                    Some(c) => self.bool_result(result, c)?,
                }
            }
            Inst::ActiveMask => {
                if subgroup {
                    w.active
                } else {
                    let accs = self.lane_loop(&[(u32t, zero)], &mut |e, j, acc| {
                        let u32t = e.t_u32();
                        let one = e.c_u32(1);
                        let bit = e.op(Op::ShiftLeftLogical, u32t, &[one, j])?;
                        let a = e.lane_active(&w, j)?;
                        let set = e.op(Op::BitwiseOr, u32t, &[nth(acc, 0)?, bit])?;
                        Ok(vec![e.op(Op::Select, u32t, &[a, set, nth(acc, 0)?])?])
                    })?;
                    nth(&accs, 0)?
                }
            }
            Inst::Match { kind, .. } => {
                let accs = self.lane_loop(
                    &[(u32t, zero), (u32t, zero), (boolt, t_true)],
                    &mut |e, j, acc| {
                        let u32t = e.t_u32();
                        let boolt = e.t_bool();
                        let one = e.c_u32(1);
                        let bit = e.op(Op::ShiftLeftLogical, u32t, &[one, j])?;
                        let ing = e.in_group(&w, j)?;
                        let (lo, hi) = e.lane_words(&w, j)?;
                        let eq_lo = e.op(Op::IEqual, boolt, &[lo, w.lo])?;
                        let eq_hi = e.op(Op::IEqual, boolt, &[hi, w.hi])?;
                        let eq = e.op(Op::LogicalAnd, boolt, &[eq_lo, eq_hi])?;
                        let hit = e.op(Op::LogicalAnd, boolt, &[ing, eq])?;
                        let aset = e.op(Op::BitwiseOr, u32t, &[nth(acc, 0)?, bit])?;
                        let any = e.op(Op::Select, u32t, &[hit, aset, nth(acc, 0)?])?;
                        let gset = e.op(Op::BitwiseOr, u32t, &[nth(acc, 1)?, bit])?;
                        let g = e.op(Op::Select, u32t, &[ing, gset, nth(acc, 1)?])?;
                        let not_in = e.op(Op::LogicalNot, boolt, &[ing])?;
                        let fine = e.op(Op::LogicalOr, boolt, &[not_in, eq])?;
                        let all = e.op(Op::LogicalAnd, boolt, &[nth(acc, 2)?, fine])?;
                        Ok(vec![any, g, all])
                    },
                )?;
                match kind {
                    MatchKind::Any => nth(&accs, 0)?,
                    MatchKind::All => {
                        self.op(Op::Select, u32t, &[nth(&accs, 2)?, nth(&accs, 1)?, zero])?
                    }
                }
            }
            Inst::WarpReduce { op, .. } => {
                let identity = self.c_u32(match op {
                    ReduceOp::And | ReduceOp::UMin => u32::MAX,
                    ReduceOp::SMin => i32::MAX as u32,
                    ReduceOp::SMax => i32::MIN as u32,
                    _ => 0,
                });
                let op = *op;
                let accs = self.lane_loop(&[(u32t, identity)], &mut |e, j, acc| {
                    let u32t = e.t_u32();
                    let ing = e.in_group(&w, j)?;
                    let (v, _) = e.lane_words(&w, j)?;
                    let a = nth(acc, 0)?;
                    let r = match op {
                        ReduceOp::Add => e.op(Op::IAdd, u32t, &[a, v])?,
                        ReduceOp::And => e.op(Op::BitwiseAnd, u32t, &[a, v])?,
                        ReduceOp::Or => e.op(Op::BitwiseOr, u32t, &[a, v])?,
                        ReduceOp::Xor => e.op(Op::BitwiseXor, u32t, &[a, v])?,
                        ReduceOp::SMin => e.glsl(GLOp::SMin, u32t, &[a, v])?,
                        ReduceOp::SMax => e.glsl(GLOp::SMax, u32t, &[a, v])?,
                        ReduceOp::UMin => e.glsl(GLOp::UMin, u32t, &[a, v])?,
                        ReduceOp::UMax => e.glsl(GLOp::UMax, u32t, &[a, v])?,
                    };
                    Ok(vec![e.op(Op::Select, u32t, &[ing, r, a])?])
                })?;
                nth(&accs, 0)?
            }
            _ => return Err(SpirvError::Invalid("not a warp collective".into())),
        };
        if !subgroup {
            // Nobody may overwrite the slots before every lane has read them.
            self.control_barrier()?;
        }
        Ok(Some(r))
    }

    /// A vote result as the type of `result` (`i1`, or an integer 0 / 1).
    fn bool_result(&mut self, result: Option<Value>, c: Word) -> Res<Word> {
        let Some(r) = result else {
            return Ok(c);
        };
        match self.ty(r)?.clone() {
            Type::Bool => Ok(c),
            t => {
                let ty = self.spv_type(&t)?;
                let bits = Self::mem_int_bits(&t);
                let one = self.constant(ty, 1, bits);
                let zero = self.constant(ty, 0, bits);
                self.op(Op::Select, ty, &[c, one, zero])
            }
        }
    }
}
