//! SIMT IR to SPIR-V words, one kernel at a time (the ABI is in the crate docs).

use crate::inline::inline_calls;
use crate::{
    GlobalSlot, ParamSlot, SpirvError, SpirvKernel, SpirvOptions, SPEC_BLOCK_SIZE,
    SPEC_DYNAMIC_SHARED_WORDS,
};
use cwcc_simt::ir::{
    AddrSpace, AtomicOp, BarrierKind, BinaryOp, CmpOp, ConvOp, Dim, FloatWidth, Function, GlobalId,
    Handle, Inst, IntWidth, Loc, LocalId, Module, ParamKind, Region, Scope, StmtKind, Type,
    UnaryOp, Value,
};
use rspirv::binary::Assemble;
use rspirv::dr::{Builder, InsertPoint, Instruction, Operand};
use rspirv::spirv::{
    self, AddressingModel, BuiltIn, Capability, Decoration, ExecutionMode, ExecutionModel,
    FunctionControl, GlslStd450Op as GLOp, MemoryAccess, MemoryModel, Op, StorageClass, Word,
};
use std::collections::HashMap;

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
    let function = inline_calls(&mut work, info.function)?;

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
    };
    e.analyze_provenance(&info.params)?;
    let words = e.emit(&params, shared_size > 0 || info.uses_dynamic_shared)?;
    Ok(SpirvKernel {
        name: info.name.clone(),
        words,
        params,
        param_buffer_size,
        globals,
        globals_size,
        globals_init: init,
        static_shared_bytes: shared_size,
        dynamic_shared_offset: dyn_shared_offset,
        uses_dynamic_shared: info.uses_dynamic_shared,
        uses_subgroups: e.uses_subgroups,
    })
}

/// Visits every statement of a region, depth first.
fn walk<'r>(region: &'r Region, f: &mut dyn FnMut(Option<Value>, &'r Inst)) {
    for s in &region.stmts {
        match &s.kind {
            StmtKind::Inst { result, inst } => f(*result, inst),
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => {
                walk(then_region, f);
                walk(else_region, f);
            }
            StmtKind::Loop { body, continuing } => {
                walk(body, f);
                walk(continuing, f);
            }
            _ => {}
        }
    }
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
                    Inst::Convert {
                        op: ConvOp::IntToPtr,
                        ..
                    } => Prov::Global,
                    Inst::Select {
                        if_true, if_false, ..
                    } => get(&prov, if_true).join(get(&prov, if_false)),
                    Inst::Load { ptr, .. } => match get(&prov, ptr) {
                        Prov::Local(l) => slots.get(l.index()).copied().unwrap_or(Prov::None),
                        _ => Prov::Global,
                    },
                    Inst::Store { ptr, value, .. } => {
                        if let Prov::Local(l) = get(&prov, ptr) {
                            let vp = get(&prov, value);
                            if let Some(s) = slots.get_mut(l.index()) {
                                let j = s.join(vp);
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
                        let j = p.join(new);
                        if j != *p {
                            *p = j;
                            changed = true;
                        }
                    }
                }
            });
            self.prov = prov;
            self.slot_prov = slots;
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
        let id = self.b.id();
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

    fn emit(&mut self, params: &[ParamSlot], has_shared: bool) -> Res<Vec<u32>> {
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

        // Push constants.
        let push_ty = self
            .b
            .type_struct([u64t, u64t, u32t, u32t, u32t, u32t, u32t, u32t]);
        self.b.decorate(push_ty, Decoration::Block, []);
        for (i, off) in [0u32, 8, 16, 20, 24, 28, 32, 36].iter().enumerate() {
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

        // The function.
        let fn_ty = self.b.type_function(void, []);
        let main = self
            .b
            .begin_function(void, None, FunctionControl::NONE, fn_ty)
            .map_err(internal)?;
        let entry = self.b.id();
        self.begin_block(entry)?;
        let simple = self.simple_locals();
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
                let size = self.m.size_of(local.ty).unwrap_or(0);
                let words = (size.div_ceil(4)).max(1);
                let n = self.c_u32(words as u32);
                let arr = self.b.type_array(u32t, n);
                let p = self.b.type_pointer(None, StorageClass::Function, arr);
                LocalRepr::Words {
                    var: self.b.variable(p, None, StorageClass::Function, None),
                }
            };
            if !local.name.is_empty() {
                let var = match repr {
                    LocalRepr::Typed { var } | LocalRepr::Words { var } => var,
                };
                self.b.name(var, local.name.clone());
            }
            self.locals.push(repr);
        }
        // Parameters from the parameter buffer.
        let param_base = self.push_u64(0)?;
        for (slot, v) in params.iter().zip(self.f.params.clone()) {
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
                    let (header, body_l, cont, merge) =
                        (self.b.id(), self.b.id(), self.b.id(), self.b.id());
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
                    self.begin_block(merge)?;
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
                let r = result.ok_or_else(|| SpirvError::Invalid("conversion without result".into()))?;
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
                    let off = self.global_offsets.get(g).copied().ok_or_else(|| {
                        SpirvError::Invalid(format!("unknown global {g}"))
                    })?;
                    let base = self.push_u64(1)?;
                    let off = self.c_u64(off);
                    let u64t = self.t_u64();
                    self.op(Op::IAdd, u64t, &[base, off])?
                }
            }
            Inst::LocalAddr(_) => self.c_u64(0),
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
            | Inst::WarpReduce { .. } => {
                return self.unsupported(format!(
                    "warp collective operations (subgroup size {}): neither GroupNonUniform lowering nor the shared-memory emulation is built yet",
                    self.opts.subgroup_size
                ))
            }
            Inst::Clock => return self.unsupported("`clock()` / `clock64()` on SPIR-V"),
            Inst::Trap { .. } => {
                return self.unsupported("`__trap()` / `assert` in device code (Vulkan cannot abort a dispatch)")
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
        Ok(match op {
            UnaryOp::Neg => self.op(Op::SNegate, t, &[a])?,
            UnaryOp::Not if bits == 1 => self.op(Op::LogicalNot, t, &[a])?,
            UnaryOp::Not => self.op(Op::Not, t, &[a])?,
            UnaryOp::FNeg => self.op(Op::FNegate, t, &[a])?,
            UnaryOp::FAbs => self.glsl(GLOp::FAbs, t, &[a])?,
            UnaryOp::Sqrt => self.glsl(GLOp::Sqrt, t, &[a])?,
            UnaryOp::Floor => self.glsl(GLOp::Floor, t, &[a])?,
            UnaryOp::Ceil => self.glsl(GLOp::Ceil, t, &[a])?,
            UnaryOp::Trunc => self.glsl(GLOp::Trunc, t, &[a])?,
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
            BinaryOp::SRem => simple(Op::SRem),
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
            BinaryOp::FDiv => simple(Op::FDiv),
            BinaryOp::FRem => simple(Op::FRem),
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
        // Functions exact enough in both widths.
        let exact = match base {
            "sqrt" | "fsqrt_rn" => Some(GLOp::Sqrt),
            "fma" => Some(GLOp::Fma),
            _ => None,
        };
        if let Some(g) = exact {
            return self.glsl(g, t, &a);
        }
        match base {
            "frcp_rn" => {
                let one = self.c_f(bits, 1.0);
                return self.op(Op::FDiv, t, &[one, x]);
            }
            "fdivide" => return self.op(Op::FDiv, t, &[x, y]),
            "ldexp" | "scalbn" => {
                let it = self.t_u32();
                let e = self.op(Op::ConvertFToS, it, &[y])?;
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
