//! SIMT IR to a naga module, one kernel at a time (the ABI is in the crate docs).

mod warp;

use crate::prelude::{prelude, PreludeConfig};
use crate::{
    module_globals, Atomics64, ParamSlot, WgslError, WgslKernel, WgslOptions, ENTRY_POINT,
    PARAM_HEADER_BYTES,
};
use cwcc_simt::inline_all::inline_calls;
use cwcc_simt::ir::{
    AddrSpace, AtomicOp, BarrierKind, BinaryOp, CmpOp, ConvOp, Dim, FloatWidth, Function, GlobalId,
    Handle as _, Inst, IntWidth, Loc, LocalId, Module, ParamKind, Region, StmtKind, Type, UnaryOp,
    Value,
};
use cwcc_simt::predicate::predicate_collectives;
use naga::{
    BinaryOperator as BO, Block, Expression as E, Literal, MathFunction as MF, ScalarKind, Span,
    Statement as S,
};
use std::collections::{HashMap, HashSet};

mod atomic64;
mod denormals;
mod float;
mod low;
mod speculate;
mod tags;

use atomic64::cuda_atomic_name;

type Res<T> = Result<T, WgslError>;
type H = naga::Handle<naga::Expression>;

const TAG_SHARED: u32 = 0x4000_0000;
const TAG_LOCAL: u32 = 0x8000_0000;
const TAG_PARAM: u32 = 0xC000_0000;
const OFFSET_MASK: u32 = 0x3FFF_FFFF;

fn align_up(x: u64, a: u64) -> u64 {
    let a = a.max(1);
    x.div_ceil(a) * a
}

/// How a SIMT value is represented in WGSL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `i1`: `bool`.
    Bool,
    /// An integer of this many bits (8, 16, 32) in an `i32`, kept sign-extended.
    Int(u32),
    /// `i64` as `vec2<u32>` (low, high).
    I64,
    /// `f32`.
    F32,
    /// A tagged `u32` byte address in this space.
    Ptr(AddrSpace),
}

/// Where memory accesses through a pointer go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Mem {
    Heap,
    Shared,
    Local,
    Param,
    Generic,
}

impl Mem {
    fn of(space: AddrSpace) -> Mem {
        match space {
            AddrSpace::Global | AddrSpace::Constant => Mem::Heap,
            AddrSpace::Shared => Mem::Shared,
            AddrSpace::Local => Mem::Local,
            AddrSpace::Param => Mem::Param,
            AddrSpace::Generic => Mem::Generic,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Mem::Heap => "heap",
            Mem::Shared => "shared",
            Mem::Local => "local",
            Mem::Param => "param",
            Mem::Generic => "generic",
        }
    }
}

/// How a local variable is represented.
#[derive(Clone, Copy, Debug)]
enum LocalRepr {
    /// A WGSL function variable of the local's scalar type.
    Typed(naga::Handle<naga::LocalVariable>),
    /// Bytes at this offset of `local_mem`.
    Words(u32),
}

/// Walks every statement of a region (nested regions included).
fn walk(region: &Region, f: &mut impl FnMut(&StmtKind)) {
    region.walk(&mut |stmt| f(&stmt.kind));
}

/// Locals that are only loaded and stored through directly as their own scalar type.
fn typed_locals(m: &Module, f: &Function) -> HashSet<LocalId> {
    let mut addr_of: HashMap<Value, LocalId> = HashMap::new();
    walk(&f.body, &mut |kind| {
        if let StmtKind::Inst {
            result: Some(r),
            inst: Inst::LocalAddr(l),
        } = kind
        {
            addr_of.insert(*r, *l);
        }
    });
    let mut escaped: HashSet<LocalId> = HashSet::new();
    let local_ty = |l: LocalId| f.locals.get(l.index()).map(|v| v.ty);
    walk(&f.body, &mut |kind| match kind {
        StmtKind::Inst { result, inst } => match inst {
            Inst::Load { ptr, .. } => {
                if let Some(l) = addr_of.get(ptr) {
                    if result.and_then(|r| f.value_type(r)) != local_ty(*l) {
                        escaped.insert(*l);
                    }
                }
            }
            Inst::Store { ptr, value, .. } => {
                if let Some(l) = addr_of.get(value) {
                    escaped.insert(*l);
                }
                if let Some(l) = addr_of.get(ptr) {
                    if f.value_type(*value) != local_ty(*l) {
                        escaped.insert(*l);
                    }
                }
            }
            other => other.for_each_operand(|v| {
                if let Some(l) = addr_of.get(&v) {
                    escaped.insert(*l);
                }
            }),
        },
        StmtKind::If { cond, .. } => {
            if let Some(l) = addr_of.get(cond) {
                escaped.insert(*l);
            }
        }
        StmtKind::Return(Some(v)) => {
            if let Some(l) = addr_of.get(v) {
                escaped.insert(*l);
            }
        }
        _ => {}
    });
    (0..f.locals.len())
        .map(LocalId::from_index)
        .filter(|l| {
            !escaped.contains(l) && f.locals.get(l.index()).is_some_and(|v| m.is_scalar(v.ty))
        })
        .collect()
}

/// A fact about where pointer values point, computed by [`pointer_flow`]: a lattice with
/// a bottom (nothing known yet: null, or not reached) and a top (anything).
trait PointerFact: Copy + Eq {
    /// Nothing known yet.
    const BOTTOM: Self;
    /// Anything: different facts on different paths, or a pointer loaded from memory.
    const TOP: Self;
    /// The least fact that holds where either holds.
    fn join(self, other: Self) -> Self {
        if self == Self::BOTTOM {
            other
        } else if other == Self::BOTTOM || self == other {
            self
        } else {
            Self::TOP
        }
    }
}

/// Where a generic pointer value points, as far as a flow analysis can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prov {
    /// Nothing known yet (null, or not reached).
    Bottom,
    /// Always this memory.
    Known(Mem),
    /// Different memories on different paths, or a pointer loaded from memory.
    Top,
}

impl PointerFact for Prov {
    const BOTTOM: Prov = Prov::Bottom;
    const TOP: Prov = Prov::Top;
}

/// Which kernel pointer parameter a heap pointer is derived from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Root {
    /// Nothing known yet (null, or not reached).
    Bottom,
    /// Always this parameter (its index among the kernel's parameters).
    Param(usize),
    /// Different parameters on different paths, a module global, or a loaded pointer.
    Top,
}

impl PointerFact for Root {
    const BOTTOM: Root = Root::Bottom;
    const TOP: Root = Root::Top;
}

/// Where a pointer `ptr` of `space` points, with what the flow analysis `prov` knows.
fn mem_of(space: AddrSpace, prov: &[Prov], ptr: Value) -> Mem {
    match (Mem::of(space), prov.get(ptr.index())) {
        (Mem::Generic, Some(Prov::Known(mem))) => *mem,
        (mem, _) => mem,
    }
}

/// The address values of typed local variables (see `typed_locals`), by the local.
fn typed_slot_addresses(f: &Function, typed: &HashSet<LocalId>) -> HashMap<Value, LocalId> {
    let mut addr_of = HashMap::new();
    walk(&f.body, &mut |kind| {
        if let StmtKind::Inst {
            result: Some(r),
            inst: Inst::LocalAddr(l),
        } = kind
        {
            if typed.contains(l) {
                addr_of.insert(*r, *l);
            }
        }
    });
    addr_of
}

/// A forward flow analysis of pointer values: kernel pointer parameters start with
/// `param(index)`, the addresses of variables with `address(inst)`, `ptradd`,
/// `addrspacecast`, `select` and typed local variables carry facts along, constants are
/// the bottom, and everything else is the top.
fn pointer_flow<T: PointerFact>(
    f: &Function,
    params: &[cwcc_simt::ir::KernelParam],
    typed: &HashSet<LocalId>,
    param: impl Fn(usize) -> T,
    address: impl Fn(&Inst) -> Option<T>,
) -> Vec<T> {
    let mut fact = vec![T::BOTTOM; f.value_types.len()];
    let mut slot = vec![T::BOTTOM; f.locals.len()];
    for (i, (v, p)) in f.params.iter().zip(params).enumerate() {
        if let (ParamKind::Pointer(_), Some(x)) = (&p.kind, fact.get_mut(v.index())) {
            *x = param(i);
        }
    }
    let addr_of = typed_slot_addresses(f, typed);
    let get = |fact: &[T], v: &Value| fact.get(v.index()).copied().unwrap_or(T::TOP);
    for _ in 0..16 {
        let mut changed = false;
        walk(&f.body, &mut |kind| {
            let StmtKind::Inst { result, inst } = kind else {
                return;
            };
            if let Inst::Store { ptr, value, .. } = inst {
                if let Some(l) = addr_of.get(ptr) {
                    let new = get(&fact, value);
                    if let Some(s) = slot.get_mut(l.index()) {
                        let joined = s.join(new);
                        changed |= joined != *s;
                        *s = joined;
                    }
                }
                return;
            }
            let Some(r) = result else {
                return;
            };
            let p = match inst {
                Inst::PtrAdd { ptr, .. } => get(&fact, ptr),
                Inst::Convert {
                    op: ConvOp::AddrSpaceCast,
                    arg,
                } => get(&fact, arg),
                Inst::Select {
                    if_true, if_false, ..
                } => get(&fact, if_true).join(get(&fact, if_false)),
                Inst::Load { ptr, .. } => match addr_of.get(ptr) {
                    Some(l) => slot.get(l.index()).copied().unwrap_or(T::TOP),
                    None => T::TOP,
                },
                Inst::Const { .. } => T::BOTTOM,
                other => address(other).unwrap_or(T::TOP),
            };
            if let Some(x) = fact.get_mut(r.index()) {
                let joined = x.join(p);
                changed |= joined != *x;
                *x = joined;
            }
        });
        if !changed {
            break;
        }
    }
    fact
}

/// The provenance of every value: kernel pointer parameters point to global memory (the
/// host passes device buffers), addresses of variables to their memory. Accesses through a
/// generic pointer of known provenance skip the run-time switch on the tag.
fn provenance(
    m: &Module,
    f: &Function,
    params: &[cwcc_simt::ir::KernelParam],
    typed: &HashSet<LocalId>,
) -> Vec<Prov> {
    pointer_flow(
        f,
        params,
        typed,
        |_| Prov::Known(Mem::Heap),
        |inst| match inst {
            Inst::GlobalAddr(g) => Some(match m.globals.get(*g).map(|g| g.space) {
                Some(AddrSpace::Shared) => Prov::Known(Mem::Shared),
                _ => Prov::Known(Mem::Heap),
            }),
            Inst::LocalAddr(_) => Some(Prov::Known(Mem::Local)),
            Inst::DynSharedAddr => Some(Prov::Known(Mem::Shared)),
            _ => None,
        },
    )
}

/// The pointer parameter every value derives from, where one does (see
/// [`WgslOptions::distinct_pointer_params`]).
fn roots(
    f: &Function,
    params: &[cwcc_simt::ir::KernelParam],
    typed: &HashSet<LocalId>,
) -> Vec<Root> {
    pointer_flow(f, params, typed, Root::Param, |_| None)
}

struct Emitter<'m> {
    m: &'m Module,
    f: &'m Function,
    nm: naga::Module,
    func: naga::Function,
    values: Vec<Option<H>>,
    prov: Vec<Prov>,
    /// The spaces whose addresses are plain offsets, without their tag ([`tags`]).
    untagged: tags::Untagged,
    /// `i64` values held as the `u32` of their low word ([`crate::narrow`]).
    low: Vec<bool>,
    /// The value each typed local holds, where known at this point ([`float`]).
    local_values: HashMap<naga::Handle<naga::LocalVariable>, H>,
    /// `0.0` read from the launch header: a zero the WGSL implementation cannot see.
    opaque_zero: Option<H>,
    /// Whether `f32` subnormals are emulated ([`denormals`]).
    soft_denormals: bool,
    /// Whether warp collectives use the subgroup helpers ([`crate::WarpCollectives`]).
    subgroups32: bool,
    /// `0x80000000` and `0x7fffffff` computed from the launch header's zero word, for
    /// negation and `fabsf` as bit operations the driver cannot turn back into float ones.
    opaque_sign_masks: Option<(H, H)>,
    /// The products checked by the sum that uses them
    /// ([`cwcc_simt::speculate::fusable_products`]).
    fused_products: HashSet<Value>,
    /// The operands of each such product, for its exact recomputation.
    product_operands: HashMap<H, (H, H)>,
    /// Set while a speculated loop is emitted optimistically: the pointer to its `ok` flag
    /// ([`speculate`]).
    spec_flag: Option<H>,
    /// Set while a speculated loop's exact redo is emitted.
    exact_redo: bool,
    /// The address values of typed locals, by the local (for [`speculate`]).
    typed_addr: HashMap<Value, LocalId>,
    locals: Vec<LocalRepr>,
    local_addr: HashMap<Value, LocalId>,
    shared_offsets: HashMap<GlobalId, u64>,
    global_offsets: HashMap<GlobalId, u64>,
    dyn_shared_offset: u64,
    heap_atomic: bool,
    shared_atomic: bool,
    /// The native 64-bit atomics the options allow.
    atomics64: Atomics64,
    /// The native 64-bit atomics emitted so far (the capabilities the module needs).
    atomics64_used: Atomics64,
    ty_u32: naga::Handle<naga::Type>,
    ty_i32: naga::Handle<naga::Type>,
    ty_f32: naga::Handle<naga::Type>,
    ty_bool: naga::Handle<naga::Type>,
    ty_u64: naga::Handle<naga::Type>,
    block_id: [Option<H>; 3],
    grid_dim: [Option<H>; 3],
    globals_base: Option<H>,
    loc: Option<Loc>,
    kernel: String,
    /// Per barrier statement (in walk order): whether it orders the heap too
    /// ([`crate::barriers`]).
    storage_barriers: Vec<bool>,
    /// How many barrier statements have been emitted.
    barriers_emitted: usize,
}

fn find_global(nm: &naga::Module, name: &str) -> Res<naga::Handle<naga::GlobalVariable>> {
    nm.global_variables
        .iter()
        .find(|(_, g)| g.name.as_deref() == Some(name))
        .map(|(h, _)| h)
        .ok_or_else(|| WgslError::Naga(format!("prelude lacks `{name}`")))
}

fn find_override(nm: &naga::Module, name: &str) -> Res<naga::Handle<naga::Override>> {
    nm.overrides
        .iter()
        .find(|(_, o)| o.name.as_deref() == Some(name))
        .map(|(h, _)| h)
        .ok_or_else(|| WgslError::Naga(format!("prelude lacks override `{name}`")))
}

pub fn compile_kernel(module: &Module, kernel: &str, opts: &WgslOptions) -> Res<WgslKernel> {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let info = module
        .kernels
        .iter()
        .find(|k| k.name == kernel || squash(&k.name) == squash(kernel))
        .ok_or_else(|| WgslError::NoSuchKernel(kernel.to_string()))?
        .clone();
    let mut work = module.clone();
    let mut function = inline_calls(&mut work, info.function)?;
    // Collectives are emulated through workgroup barriers: every thread must reach them.
    predicate_collectives(&mut work, &mut function)?;

    // Parameter buffer layout (after the header).
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
        offset = align_up(offset, align.max(1));
        params.push(ParamSlot {
            offset: offset as u32,
            size: size as u32,
            kind: p.kind.clone(),
        });
        offset += size;
    }
    let param_buffer_size = align_up(u64::from(PARAM_HEADER_BYTES) + offset, 16) as u32;

    // Shared layout: every shared variable of the module, then the dynamic area.
    let mut shared_offsets = HashMap::new();
    let mut shared_size = 0u64;
    for (id, g) in work.globals.iter() {
        if g.space == AddrSpace::Shared {
            shared_size = align_up(shared_size, u64::from(g.align.max(4)));
            shared_offsets.insert(id, shared_size);
            shared_size += work.size_of(g.ty).unwrap_or(0);
        }
    }
    let dyn_shared_offset = align_up(shared_size, 16);
    let static_shared_words = (dyn_shared_offset / 4).max(1) as u32;

    // Module globals.
    let layout = module_globals(&work);
    let mut global_offsets = HashMap::new();
    let mut slots = layout.slots.iter();
    for (id, g) in work.globals.iter() {
        if g.space != AddrSpace::Shared {
            if let Some(slot) = slots.next() {
                global_offsets.insert(id, slot.offset);
            }
        }
    }

    // Locals: typed or bytes in `local_mem`.
    let typed = typed_locals(&work, &function);
    let mut local_offsets = Vec::new();
    let mut local_size = 0u64;
    for (i, l) in function.locals.iter().enumerate() {
        if typed.contains(&LocalId::from_index(i)) {
            local_offsets.push(None);
        } else {
            local_size = align_up(local_size, u64::from(l.align.max(4)));
            local_offsets.push(Some(local_size as u32));
            local_size += work.size_of(l.ty).unwrap_or(0);
        }
    }
    if local_size >= u64::from(OFFSET_MASK) {
        return Err(WgslError::Unsupported {
            what: format!("{local_size} bytes of local memory per thread"),
            loc: None,
        });
    }

    // Which arrays need atomics.
    let (heap_atomic, shared_atomic) = atomic_needs(&work, &function);
    let prov = provenance(&work, &function, &info.params, &typed);
    let untagged = tags::untagged_spaces(&function, &prov, &typed);
    let native64 = atomic64::natives(&work, &function, &prov, opts.atomics64);

    let mut text = prelude(&PreludeConfig {
        heap_atomic,
        shared_atomic,
        heap_atomic64: native64.any,
        heap_cas64: native64.cas,
        shared_words: static_shared_words,
        local_words: (align_up(local_size, 4) / 4).max(1) as u32,
        param_bytes: param_buffer_size,
    });
    text.push_str(&warp::prelude(opts.warps));
    let mut nm = naga::front::wgsl::parse_str(&text)
        .map_err(|e| WgslError::Naga(format!("prelude: {}", e.emit_to_string(&text))))?;
    let ep_index = nm
        .entry_points
        .iter()
        .position(|ep| ep.name == ENTRY_POINT)
        .ok_or_else(|| WgslError::Naga("prelude lacks the entry point".into()))?;
    let func = std::mem::take(&mut nm.entry_points[ep_index].function);
    let mut ty = |inner: naga::TypeInner| {
        nm.types
            .insert(naga::Type { name: None, inner }, Span::UNDEFINED)
    };
    let ty_u32 = ty(naga::TypeInner::Scalar(naga::Scalar::U32));
    let ty_i32 = ty(naga::TypeInner::Scalar(naga::Scalar::I32));
    let ty_f32 = ty(naga::TypeInner::Scalar(naga::Scalar::F32));
    let ty_bool = ty(naga::TypeInner::Scalar(naga::Scalar::BOOL));
    let ty_u64 = ty(naga::TypeInner::Vector {
        size: naga::VectorSize::Bi,
        scalar: naga::Scalar::U32,
    });

    let mut e = Emitter {
        m: &work,
        f: &function,
        nm,
        func,
        values: vec![None; function.value_types.len()],
        prov,
        untagged,
        low: crate::narrow::low_only_values(&work, &function),
        local_values: HashMap::new(),
        opaque_zero: None,
        soft_denormals: opts.soft_denormals_f32,
        subgroups32: opts.warps != crate::WarpCollectives::Workgroup,
        opaque_sign_masks: None,
        fused_products: if opts.soft_denormals_f32 {
            cwcc_simt::speculate::fusable_products(&function, &work)
        } else {
            HashSet::new()
        },
        product_operands: HashMap::new(),
        spec_flag: None,
        exact_redo: false,
        typed_addr: typed_slot_addresses(&function, &typed),
        locals: Vec::new(),
        local_addr: HashMap::new(),
        shared_offsets,
        global_offsets,
        dyn_shared_offset,
        heap_atomic,
        shared_atomic,
        atomics64: opts.atomics64,
        atomics64_used: Atomics64::None,
        ty_u32,
        ty_i32,
        ty_f32,
        ty_bool,
        ty_u64,
        block_id: [None; 3],
        grid_dim: [None; 3],
        globals_base: None,
        loc: None,
        kernel: info.name.clone(),
        storage_barriers: Vec::new(),
        barriers_emitted: 0,
    };
    // Accesses through pointers that may point into the heap.
    // The parts of the heap they may touch: their pointer parameter's buffer where the
    // launch passes distinct buffers and the pointer derives from one parameter.
    let roots = if opts.distinct_pointer_params {
        roots(&function, &info.params, &typed)
    } else {
        Vec::new()
    };
    let heap = |v: Value| {
        if matches!(e.ptr_mem(v), Ok(Mem::Shared | Mem::Local | Mem::Param)) {
            return 0;
        }
        match roots.get(v.index()) {
            Some(Root::Param(i)) if *i < 63 => 1 << i,
            _ => crate::barriers::ANYWHERE,
        }
    };
    e.storage_barriers = crate::barriers::storage_barriers(&function.body, &heap);
    // Locals (errors about them point at the kernel's first statement).
    e.loc = first_loc(&function.body);
    for (i, l) in function.locals.iter().enumerate() {
        let repr = match local_offsets.get(i).copied().flatten() {
            Some(offset) => LocalRepr::Words(offset),
            None => {
                let k = e.kind_of_type(l.ty)?;
                let ty = e.naga_type(k);
                let name = if l.name.is_empty() {
                    format!("l{i}")
                } else {
                    format!("l{i}_{}", sanitize(&l.name))
                };
                LocalRepr::Typed(e.func.local_variables.append(
                    naga::LocalVariable {
                        name: Some(name),
                        ty,
                        init: None,
                    },
                    Span::UNDEFINED,
                ))
            }
        };
        e.locals.push(repr);
    }
    e.loc = first_loc(&function.body);
    let mut body = Block::new();
    e.entry(&mut body, &params, &info.params)?;
    let rest = e.region(&function.body)?;
    body.append(&mut rest.clone());
    e.func.body = body;
    let atomics64 = e.atomics64_used;
    let mut nm = e.nm;
    nm.entry_points[ep_index].function = e.func;

    naga::compact::compact(&mut nm, naga::compact::KeepUnused::No);
    let has_shared_words_override = nm
        .overrides
        .iter()
        .any(|(_, o)| o.name.as_deref() == Some(crate::OVERRIDE_SHARED_WORDS));
    // Validated with the capabilities of what the kernel uses, not of what the options
    // allow: this checks `WgslKernel::atomics64`, which a runtime compares with its device.
    let module_info = validator(atomics64, opts.warps == crate::WarpCollectives::Subgroups)
        .validate(&nm)
        .map_err(|err| {
            WgslError::Naga(format!(
                "kernel `{}`: the generated module does not validate: {}",
                info.name,
                err.emit_to_string("")
            ))
        })?;
    let source =
        naga::back::wgsl::write_string(&nm, &module_info, naga::back::wgsl::WriterFlags::empty())
            .map_err(|err| WgslError::Naga(format!("writing WGSL: {err}")))?;
    // naga 30's writer prints only the literal workgroup size, never the override
    // expressions: put the block-size overrides back.
    let literal = "@workgroup_size(1, 1, 1)";
    if source.matches(literal).count() != 1 {
        return Err(WgslError::Naga(
            "the written WGSL lacks the entry point's workgroup size".into(),
        ));
    }
    let source = source.replace(
        literal,
        &format!(
            "@workgroup_size({}, {}, {})",
            crate::OVERRIDE_BLOCK_SIZE[0],
            crate::OVERRIDE_BLOCK_SIZE[1],
            crate::OVERRIDE_BLOCK_SIZE[2]
        ),
    );
    // naga 30's writer drops the element type of an override-sized array
    // (`array<shared_words>`): put it back.
    let elem = if heap_atomic_of(&nm) {
        "atomic<u32>"
    } else {
        "u32"
    };
    let broken = format!("array<{}>", crate::OVERRIDE_SHARED_WORDS);
    let source = source.replace(
        &broken,
        &format!("array<{elem}, {}>", crate::OVERRIDE_SHARED_WORDS),
    );
    let source = warp::fix_warp_decls(&source)?;
    Ok(WgslKernel {
        name: info.name.clone(),
        source,
        params,
        param_buffer_size,
        static_shared_words,
        dynamic_shared_offset: dyn_shared_offset,
        uses_dynamic_shared: info.uses_dynamic_shared,
        has_shared_words_override,
        warp_bytes_per_thread: warp::bytes_per_thread(&nm),
        atomics64,
        distinct_pointer_params: opts.distinct_pointer_params,
    })
}

/// naga's validator with every flag and the capabilities of the given native 64-bit atomics
/// and, with `subgroups`, of subgroup operations in compute shaders.
pub(crate) fn validator(atomics64: Atomics64, subgroups: bool) -> naga::valid::Validator {
    use naga::valid::{Capabilities, ShaderStages, SubgroupOperationSet, ValidationFlags};
    let mut caps = atomics64.capabilities();
    if subgroups {
        caps |= Capabilities::SUBGROUP;
    }
    let mut v = naga::valid::Validator::new(ValidationFlags::all(), caps);
    if subgroups {
        v.subgroup_stages(ShaderStages::COMPUTE)
            .subgroup_operations(SubgroupOperationSet::all());
    }
    v
}

/// Whether the shared array of a built module holds atomics.
fn heap_atomic_of(nm: &naga::Module) -> bool {
    nm.global_variables
        .iter()
        .find(|(_, g)| g.name.as_deref() == Some("shared_mem"))
        .is_some_and(|(_, g)| match &nm.types[g.ty].inner {
            naga::TypeInner::Array { base, .. } => {
                matches!(nm.types[*base].inner, naga::TypeInner::Atomic(_))
            }
            _ => false,
        })
}

/// The first source location in a region (nested regions included).
fn first_loc(region: &Region) -> Option<Loc> {
    region.stmts.iter().find_map(|s| {
        s.loc.or(match &s.kind {
            StmtKind::If {
                then_region,
                else_region,
                ..
            } => first_loc(then_region).or_else(|| first_loc(else_region)),
            StmtKind::Loop { body, continuing } => {
                first_loc(body).or_else(|| first_loc(continuing))
            }
            _ => None,
        })
    })
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Whether the heap and the shared array must hold atomics: atomics into them, or 8/16-bit
/// (or unaligned) stores that must not race with neighbouring bytes.
fn atomic_needs(m: &Module, f: &Function) -> (bool, bool) {
    let mut heap = false;
    let mut shared = false;
    let space_of = |v: Value| match f.value_type(v).and_then(|t| m.type_of(t)) {
        Some(Type::Ptr(s)) => Some(*s),
        _ => None,
    };
    walk(&f.body, &mut |kind| {
        let StmtKind::Inst { inst, .. } = kind else {
            return;
        };
        let (ptr, is_atomic) = match inst {
            Inst::AtomicRmw { ptr, .. } | Inst::AtomicCas { ptr, .. } => (*ptr, true),
            Inst::Store {
                ptr, value, align, ..
            } => {
                let sub_word = match f.value_type(*value).and_then(|t| m.type_of(t)) {
                    Some(Type::Bool) => true,
                    Some(Type::Int(w)) => w.bits() < 32 || *align < 4,
                    _ => *align < 4,
                };
                if !sub_word {
                    return;
                }
                (*ptr, false)
            }
            _ => return,
        };
        match space_of(ptr) {
            Some(AddrSpace::Global | AddrSpace::Constant) => heap = true,
            Some(AddrSpace::Shared) => shared = true,
            Some(AddrSpace::Generic) => {
                heap = true;
                shared = true;
            }
            _ => {}
        }
        let _ = is_atomic;
    });
    (heap, shared)
}

impl Emitter<'_> {
    fn loc_string(&self) -> Option<String> {
        self.loc.map(|l| self.m.format_loc(l))
    }

    fn unsupported<T>(&self, what: impl Into<String>) -> Res<T> {
        Err(WgslError::Unsupported {
            what: format!("{} (in kernel `{}`)", what.into(), self.kernel),
            loc: self.loc_string(),
        })
    }

    fn kind_of_type(&self, t: cwcc_simt::ir::TypeId) -> Res<Kind> {
        match self.m.type_of(t) {
            Some(Type::Bool) => Ok(Kind::Bool),
            Some(Type::Int(IntWidth::W64)) => Ok(Kind::I64),
            Some(Type::Int(w)) => Ok(Kind::Int(w.bits())),
            Some(Type::Float(FloatWidth::F32)) => Ok(Kind::F32),
            Some(Type::Float(FloatWidth::F64)) => {
                self.unsupported("f64 (`double`) is not available in WGSL")
            }
            Some(Type::Ptr(s)) => Ok(Kind::Ptr(*s)),
            Some(other) => Err(WgslError::Invalid(format!(
                "a value of aggregate type {other:?}"
            ))),
            None => Err(WgslError::Invalid(format!("unknown type {t}"))),
        }
    }

    fn kind(&self, v: Value) -> Res<Kind> {
        let t = self
            .f
            .value_type(v)
            .ok_or_else(|| WgslError::Invalid(format!("value {v} has no type")))?;
        self.kind_of_type(t)
    }

    fn naga_type(&self, k: Kind) -> naga::Handle<naga::Type> {
        match k {
            Kind::Bool => self.ty_bool,
            Kind::Int(_) => self.ty_i32,
            Kind::I64 => self.ty_u64,
            Kind::F32 => self.ty_f32,
            Kind::Ptr(_) => self.ty_u32,
        }
    }

    fn val(&self, v: Value) -> Res<H> {
        self.values
            .get(v.index())
            .copied()
            .flatten()
            .ok_or_else(|| WgslError::Invalid(format!("value {v} used before its definition")))
    }

    // ---- expression building ----

    fn expr(&mut self, block: &mut Block, e: E) -> H {
        let pre = e.needs_pre_emit();
        let h = self.func.expressions.append(e, Span::UNDEFINED);
        if !pre {
            block.push(S::Emit(naga::Range::new_from_bounds(h, h)), Span::UNDEFINED);
        }
        h
    }
    fn u32c(&mut self, x: u32) -> H {
        self.func
            .expressions
            .append(E::Literal(Literal::U32(x)), Span::UNDEFINED)
    }
    fn i32c(&mut self, x: i32) -> H {
        self.func
            .expressions
            .append(E::Literal(Literal::I32(x)), Span::UNDEFINED)
    }
    fn boolc(&mut self, x: bool) -> H {
        self.func
            .expressions
            .append(E::Literal(Literal::Bool(x)), Span::UNDEFINED)
    }
    fn bin(&mut self, b: &mut Block, op: BO, left: H, right: H) -> H {
        self.expr(b, E::Binary { op, left, right })
    }
    fn cast(&mut self, b: &mut Block, expr: H, kind: ScalarKind, convert: Option<u8>) -> H {
        self.expr(
            b,
            E::As {
                expr,
                kind,
                convert,
            },
        )
    }
    fn as_u32(&mut self, b: &mut Block, x: H) -> H {
        self.cast(b, x, ScalarKind::Uint, None)
    }
    fn as_i32(&mut self, b: &mut Block, x: H) -> H {
        self.cast(b, x, ScalarKind::Sint, None)
    }
    fn math(&mut self, b: &mut Block, fun: MF, args: &[H]) -> H {
        self.expr(
            b,
            E::Math {
                fun,
                arg: args[0],
                arg1: args.get(1).copied(),
                arg2: args.get(2).copied(),
                arg3: None,
            },
        )
    }
    fn select(&mut self, b: &mut Block, condition: H, accept: H, reject: H) -> H {
        self.expr(
            b,
            E::Select {
                condition,
                accept,
                reject,
            },
        )
    }
    fn component(&mut self, b: &mut Block, v: H, index: u32) -> H {
        self.expr(b, E::AccessIndex { base: v, index })
    }
    fn compose_u64(&mut self, b: &mut Block, lo: H, hi: H) -> H {
        let ty = self.ty_u64;
        self.expr(
            b,
            E::Compose {
                ty,
                components: vec![lo, hi],
            },
        )
    }
    fn helper(&self, name: &str) -> Res<naga::Handle<naga::Function>> {
        self.nm
            .functions
            .iter()
            .find(|(_, f)| f.name.as_deref() == Some(name))
            .map(|(h, _)| h)
            .ok_or_else(|| WgslError::Naga(format!("prelude lacks helper `{name}`")))
    }
    fn call(&mut self, b: &mut Block, name: &str, arguments: Vec<H>) -> Res<H> {
        let function = self.helper(name)?;
        let result = self
            .func
            .expressions
            .append(E::CallResult(function), Span::UNDEFINED);
        b.push(
            S::Call {
                function,
                arguments,
                result: Some(result),
            },
            Span::UNDEFINED,
        );
        Ok(result)
    }
    fn call_void(&mut self, b: &mut Block, name: &str, arguments: Vec<H>) -> Res<()> {
        let function = self.helper(name)?;
        b.push(
            S::Call {
                function,
                arguments,
                result: None,
            },
            Span::UNDEFINED,
        );
        Ok(())
    }
    fn global(&mut self, name: &str) -> Res<H> {
        let g = find_global(&self.nm, name)?;
        Ok(self
            .func
            .expressions
            .append(E::GlobalVariable(g), Span::UNDEFINED))
    }
    fn override_expr(&mut self, name: &str) -> Res<H> {
        let o = find_override(&self.nm, name)?;
        Ok(self
            .func
            .expressions
            .append(E::Override(o), Span::UNDEFINED))
    }
    /// Sign-extends the low `bits` of an `i32`.
    fn norm(&mut self, b: &mut Block, x: H, bits: u32) -> H {
        if bits >= 32 {
            return x;
        }
        let s = self.u32c(32 - bits);
        let up = self.bin(b, BO::ShiftLeft, x, s);
        let s = self.u32c(32 - bits);
        self.bin(b, BO::ShiftRight, up, s)
    }
    /// The low `bits` of an `i32` as a zero-extended `u32`.
    fn zext_u32(&mut self, b: &mut Block, x: H, bits: u32) -> H {
        let u = self.as_u32(b, x);
        if bits >= 32 {
            return u;
        }
        let mask = self.u32c((1u32 << bits) - 1);
        self.bin(b, BO::And, u, mask)
    }
    fn params_word(&mut self, b: &mut Block, index: u32) -> Res<H> {
        let params = self.global("params")?;
        let v = self.expr(
            b,
            E::AccessIndex {
                base: params,
                index: index / 4,
            },
        );
        let p = self.expr(
            b,
            E::AccessIndex {
                base: v,
                index: index % 4,
            },
        );
        Ok(self.expr(b, E::Load { pointer: p }))
    }
    fn set(&mut self, v: Value, h: H) {
        if let Some(slot) = self.values.get_mut(v.index()) {
            *slot = Some(h);
        }
        let e = &self.func.expressions[h];
        if !e.needs_pre_emit() && !self.func.named_expressions.contains_key(&h) {
            self.func.named_expressions.insert(h, format!("v{}", v.0));
        }
    }

    // ---- kernel entry ----

    fn entry(
        &mut self,
        b: &mut Block,
        slots: &[ParamSlot],
        params: &[cwcc_simt::ir::KernelParam],
    ) -> Res<()> {
        let wid = self
            .func
            .expressions
            .append(E::FunctionArgument(1), Span::UNDEFINED);
        for d in 0..3u32 {
            let w = self.component(b, wid, d);
            let off = self.params_word(b, d)?;
            let sum = self.bin(b, BO::Add, w, off);
            let id = self.as_i32(b, sum);
            self.block_id[d as usize] = Some(id);
            let g = self.params_word(b, 3 + d)?;
            let g = self.as_i32(b, g);
            self.grid_dim[d as usize] = Some(g);
        }
        self.globals_base = Some(self.params_word(b, 6)?);
        let pad = self.params_word(b, 7)?;
        self.opaque_zero = Some(self.cast(b, pad, ScalarKind::Float, None));
        if self.soft_denormals {
            self.opaque_sign_masks = Some(self.sign_masks(b, pad));
        }
        for ((value, slot), param) in self.f.params.iter().zip(slots).zip(params) {
            let addr = TAG_PARAM | (PARAM_HEADER_BYTES + slot.offset);
            let h = match &param.kind {
                ParamKind::ByValue(_) => self.u32c(addr),
                ParamKind::Pointer(_) => self.params_word(b, (addr & OFFSET_MASK) / 4)?,
                ParamKind::Scalar(_) => {
                    let k = self.kind(*value)?;
                    let a = self.u32c(addr);
                    self.load_kind(b, Mem::Param, a, k, 4)?
                }
            };
            self.set(*value, h);
        }
        Ok(())
    }

    // ---- memory ----

    /// A pointer to the word holding byte address `addr` in a non-generic space.
    fn word_ptr(&mut self, b: &mut Block, mem: Mem, addr: H) -> Res<H> {
        let (array, masked) = match mem {
            Mem::Heap => ("heap", addr),
            Mem::Shared if self.untagged.shared => ("shared_mem", addr),
            Mem::Local if self.untagged.local => ("local_mem", addr),
            Mem::Shared | Mem::Local | Mem::Param => {
                let m = self.u32c(OFFSET_MASK);
                let masked = self.bin(b, BO::And, addr, m);
                let name = match mem {
                    Mem::Shared => "shared_mem",
                    Mem::Local => "local_mem",
                    _ => "params",
                };
                (name, masked)
            }
            Mem::Generic => return Err(WgslError::Naga("word_ptr of a generic pointer".into())),
        };
        let two = self.u32c(2);
        let index = self.bin(b, BO::ShiftRight, masked, two);
        let base = self.global(array)?;
        if mem == Mem::Param {
            return self.param_word_ptr(b, index);
        }
        Ok(self.expr(b, E::Access { base, index }))
    }

    /// A pointer to word `index` of the parameters: a uniform `array<vec4<u32>, N>`, so
    /// vector `index / 4`, component `index % 4` (a constant index is one constant-bank
    /// operand on NVIDIA, where a storage buffer needed a load at the kernel's start).
    fn param_word_ptr(&mut self, b: &mut Block, index: H) -> Res<H> {
        let params = self.global("params")?;
        let two = self.u32c(2);
        let three = self.u32c(3);
        let vector = self.bin(b, BO::ShiftRight, index, two);
        let component = self.bin(b, BO::And, index, three);
        let v = self.expr(
            b,
            E::Access {
                base: params,
                index: vector,
            },
        );
        Ok(self.expr(
            b,
            E::Access {
                base: v,
                index: component,
            },
        ))
    }

    fn load_word(&mut self, b: &mut Block, mem: Mem, addr: H) -> Res<H> {
        if mem == Mem::Generic {
            return self.call(b, "ld_word_generic", vec![addr]);
        }
        let p = self.word_ptr(b, mem, addr)?;
        Ok(self.expr(b, E::Load { pointer: p }))
    }

    fn store_word(&mut self, b: &mut Block, mem: Mem, addr: H, value: H) -> Res<()> {
        match mem {
            Mem::Generic => self.call_void(b, "st_word_generic", vec![addr, value]),
            Mem::Param => self.unsupported("a store into a kernel parameter"),
            _ => {
                let p = self.word_ptr(b, mem, addr)?;
                b.push(S::Store { pointer: p, value }, Span::UNDEFINED);
                Ok(())
            }
        }
    }

    fn add_const(&mut self, b: &mut Block, addr: H, k: u32) -> H {
        let c = self.u32c(k);
        self.bin(b, BO::Add, addr, c)
    }

    /// Loads a value of kind `k` from `addr`.
    fn load_kind(&mut self, b: &mut Block, mem: Mem, addr: H, k: Kind, align: u32) -> Res<H> {
        let space = mem.name();
        Ok(match k {
            Kind::Bool => {
                let one = self.u32c(1);
                let byte = self.call(b, &format!("ld_sub_{space}"), vec![addr, one])?;
                let zero = self.u32c(0);
                self.bin(b, BO::NotEqual, byte, zero)
            }
            Kind::Int(bits) if bits < 32 => {
                let n = self.u32c(bits / 8);
                let raw = self.call(b, &format!("ld_sub_{space}"), vec![addr, n])?;
                let i = self.as_i32(b, raw);
                self.norm(b, i, bits)
            }
            Kind::Int(_) | Kind::F32 | Kind::Ptr(_) => {
                let word = if align < 4 {
                    self.call(b, &format!("ld_unaligned_{space}"), vec![addr])?
                } else {
                    self.load_word(b, mem, addr)?
                };
                match k {
                    Kind::Int(_) => self.as_i32(b, word),
                    Kind::F32 => self.cast(b, word, ScalarKind::Float, None),
                    _ => word,
                }
            }
            Kind::I64 => {
                let (lo, hi) = if align < 4 {
                    let name = format!("ld_unaligned_{space}");
                    let lo = self.call(b, &name, vec![addr])?;
                    let a4 = self.add_const(b, addr, 4);
                    (lo, self.call(b, &name, vec![a4])?)
                } else {
                    let lo = self.load_word(b, mem, addr)?;
                    let a4 = self.add_const(b, addr, 4);
                    (lo, self.load_word(b, mem, a4)?)
                };
                self.compose_u64(b, lo, hi)
            }
        })
    }

    fn store_kind(
        &mut self,
        b: &mut Block,
        mem: Mem,
        addr: H,
        k: Kind,
        value: H,
        align: u32,
    ) -> Res<()> {
        if mem == Mem::Param {
            return self.unsupported("a store into a kernel parameter");
        }
        let space = mem.name();
        match k {
            Kind::Bool | Kind::Int(8) | Kind::Int(16) => {
                let (word, bytes) = match k {
                    Kind::Bool => {
                        let one = self.u32c(1);
                        let zero = self.u32c(0);
                        (self.select(b, value, one, zero), 1)
                    }
                    Kind::Int(bits) => (self.as_u32(b, value), bits / 8),
                    _ => unreachable_kind()?,
                };
                let n = self.u32c(bytes);
                self.call_void(b, &format!("st_sub_{space}"), vec![addr, word, n])
            }
            Kind::Int(_) | Kind::F32 | Kind::Ptr(_) => {
                let word = match k {
                    Kind::Ptr(_) => value,
                    _ => self.as_u32(b, value),
                };
                if align < 4 {
                    self.call_void(b, &format!("st_unaligned_{space}"), vec![addr, word])?;
                } else {
                    self.store_word(b, mem, addr, word)?;
                }
                if matches!(k, Kind::Ptr(_)) {
                    let a4 = self.add_const(b, addr, 4);
                    let zero = self.u32c(0);
                    if align < 4 {
                        self.call_void(b, &format!("st_unaligned_{space}"), vec![a4, zero])?;
                    } else {
                        self.store_word(b, mem, a4, zero)?;
                    }
                }
                Ok(())
            }
            Kind::I64 => {
                let lo = self.component(b, value, 0);
                let hi = self.component(b, value, 1);
                let a4 = self.add_const(b, addr, 4);
                if align < 4 {
                    let name = format!("st_unaligned_{space}");
                    self.call_void(b, &name, vec![addr, lo])?;
                    self.call_void(b, &name, vec![a4, hi])
                } else {
                    self.store_word(b, mem, addr, lo)?;
                    self.store_word(b, mem, a4, hi)
                }
            }
        }
    }

    fn ptr_mem(&self, ptr: Value) -> Res<Mem> {
        match self.kind(ptr)? {
            Kind::Ptr(space) => Ok(mem_of(space, &self.prov, ptr)),
            _ => Err(WgslError::Invalid(format!("{ptr} is not a pointer"))),
        }
    }

    // ---- statements ----

    /// A loop statement appended to `block`.
    fn loop_stmt(&mut self, block: &mut Block, body: &Region, continuing: &Region) -> Res<()> {
        self.local_values.clear();
        let body = self.region(body)?;
        self.local_values.clear();
        let continuing = self.region(continuing)?;
        self.local_values.clear();
        block.push(
            S::Loop {
                body,
                continuing,
                break_if: None,
            },
            Span::UNDEFINED,
        );
        Ok(())
    }

    fn region(&mut self, r: &Region) -> Res<Block> {
        let mut block = Block::new();
        for stmt in &r.stmts {
            if stmt.loc.is_some() {
                self.loc = stmt.loc;
            }
            match &stmt.kind {
                StmtKind::Inst { result, inst } => self.inst(&mut block, *result, inst)?,
                StmtKind::If {
                    cond,
                    then_region,
                    else_region,
                } => {
                    let condition = self.val(*cond)?;
                    let outer = self.local_values.clone();
                    let accept = self.region(then_region)?;
                    let after_then = std::mem::replace(&mut self.local_values, outer.clone());
                    let reject = self.region(else_region)?;
                    self.local_values = self.values_after_if(&outer, &after_then);
                    block.push(
                        S::If {
                            condition,
                            accept,
                            reject,
                        },
                        Span::UNDEFINED,
                    );
                }
                StmtKind::Loop { body, continuing } => {
                    match self.speculable_loop(body, continuing) {
                        Some(stored) => {
                            self.speculated_loop(&mut block, body, continuing, &stored)?
                        }
                        None => self.loop_stmt(&mut block, body, continuing)?,
                    }
                }
                StmtKind::Break => block.push(S::Break, Span::UNDEFINED),
                StmtKind::Continue => block.push(S::Continue, Span::UNDEFINED),
                StmtKind::Return(_) => block.push(S::Return { value: None }, Span::UNDEFINED),
            }
        }
        Ok(block)
    }

    fn result_kind(&self, result: Option<Value>) -> Res<(Value, Kind)> {
        let r =
            result.ok_or_else(|| WgslError::Invalid("an instruction lacks its result".into()))?;
        Ok((r, self.kind(r)?))
    }

    fn inst(&mut self, b: &mut Block, result: Option<Value>, inst: &Inst) -> Res<()> {
        if let Some(r) = result.filter(|r| self.is_low(*r)) {
            return self.low_inst(b, r, inst);
        }
        let h = match inst {
            Inst::Const { bits } => {
                let (_, k) = self.result_kind(result)?;
                self.constant(b, k, *bits)?
            }
            Inst::Unary { op, arg } => {
                let (_, k) = self.result_kind(result)?;
                let a = self.val(*arg)?;
                self.unary(b, *op, k, a)?
            }
            Inst::Binary { op, lhs, rhs } => {
                let (v, k) = self.result_kind(result)?;
                let l = self.val(*lhs)?;
                let r = self.val(*rhs)?;
                if *op == BinaryOp::FMul
                    && self.fused_products.contains(&v)
                    && !self.is_f32_zero(l)
                    && !self.is_f32_zero(r)
                {
                    self.fused_product(b, l, r)
                } else {
                    self.binary(b, *op, k, l, r)?
                }
            }
            Inst::Cmp { op, lhs, rhs } => {
                let k = self.kind(*lhs)?;
                let l = self.val(*lhs)?;
                let r = self.val(*rhs)?;
                self.compare(b, *op, k, l, r)?
            }
            Inst::Select {
                cond,
                if_true,
                if_false,
            } => {
                let c = self.val(*cond)?;
                let t = self.val(*if_true)?;
                let f = self.val(*if_false)?;
                self.select(b, c, t, f)
            }
            Inst::Convert { op, arg } => {
                let (_, to) = self.result_kind(result)?;
                let (from, a) = if self.is_low(*arg) {
                    // Only its low word is needed (a truncation or `inttoptr`).
                    let lo = self.low_word(b, *arg)?;
                    (Kind::Int(32), self.as_i32(b, lo))
                } else {
                    (self.kind(*arg)?, self.val(*arg)?)
                };
                self.convert(b, *op, from, to, a)?
            }
            Inst::PtrAdd { ptr, offset } => {
                let p = self.val(*ptr)?;
                let o = match self.kind(*offset)? {
                    Kind::I64 => self.low_word(b, *offset)?,
                    Kind::Int(_) => {
                        let o = self.val(*offset)?;
                        self.as_u32(b, o)
                    }
                    _ => return Err(WgslError::Invalid("ptradd of a non-integer".into())),
                };
                self.bin(b, BO::Add, p, o)
            }
            Inst::Load {
                ptr,
                align,
                volatile,
            } => {
                let (_, k) = self.result_kind(result)?;
                if let Some(LocalRepr::Typed(var)) = self
                    .local_addr
                    .get(ptr)
                    .and_then(|l| self.locals.get(l.index()))
                    .copied()
                {
                    self.typed_local_load(b, var, *volatile)
                } else {
                    let mem = self.ptr_mem(*ptr)?;
                    let a = self.val(*ptr)?;
                    self.load_kind(b, mem, a, k, *align)?
                }
            }
            Inst::Store {
                ptr, value, align, ..
            } => {
                let v = self.val(*value)?;
                if let Some(LocalRepr::Typed(var)) = self
                    .local_addr
                    .get(ptr)
                    .and_then(|l| self.locals.get(l.index()))
                    .copied()
                {
                    let p = self
                        .func
                        .expressions
                        .append(E::LocalVariable(var), Span::UNDEFINED);
                    b.push(
                        S::Store {
                            pointer: p,
                            value: v,
                        },
                        Span::UNDEFINED,
                    );
                    self.remember_local(var, v);
                } else {
                    let k = self.kind(*value)?;
                    let mem = self.ptr_mem(*ptr)?;
                    let a = self.val(*ptr)?;
                    self.store_kind(b, mem, a, k, v, *align)?;
                }
                return Ok(());
            }
            Inst::GlobalAddr(g) => {
                if let Some(off) = self.shared_offsets.get(g).copied() {
                    let tag = if self.untagged.shared { 0 } else { TAG_SHARED };
                    self.u32c(tag | off as u32)
                } else if let Some(off) = self.global_offsets.get(g).copied() {
                    let base = self
                        .globals_base
                        .ok_or_else(|| WgslError::Naga("globals base unset".into()))?;
                    self.add_const(b, base, off as u32)
                } else {
                    return Err(WgslError::Invalid(format!("unknown global {g}")));
                }
            }
            Inst::LocalAddr(l) => {
                let repr = self
                    .locals
                    .get(l.index())
                    .copied()
                    .ok_or_else(|| WgslError::Invalid(format!("unknown local {l}")))?;
                match repr {
                    LocalRepr::Typed(_) => {
                        if let Some(r) = result {
                            self.local_addr.insert(r, *l);
                        }
                        return Ok(());
                    }
                    LocalRepr::Words(off) => {
                        let tag = if self.untagged.local { 0 } else { TAG_LOCAL };
                        self.u32c(tag | off)
                    }
                }
            }
            Inst::DynSharedAddr => {
                let tag = if self.untagged.shared { 0 } else { TAG_SHARED };
                self.u32c(tag | self.dyn_shared_offset as u32)
            }
            Inst::SharedBuffer => {
                return Err(WgslError::Invalid(
                    "shared_buffer in a simt-phase module".into(),
                ))
            }
            Inst::Call { .. } => return Err(WgslError::Invalid("a call survived inlining".into())),
            Inst::Math { name, args } => {
                let mut a = Vec::new();
                for v in args {
                    if self.kind(*v)? != Kind::F32 {
                        return self
                            .unsupported(format!("math builtin `{name}` on a non-f32 argument"));
                    }
                    a.push(self.val(*v)?);
                }
                if let Some(r) = result {
                    self.kind(r)?;
                }
                self.math_builtin(b, name, &a)?
            }
            Inst::ThreadId(d) => {
                let tid = self
                    .func
                    .expressions
                    .append(E::FunctionArgument(0), Span::UNDEFINED);
                let c = self.component(b, tid, dim(*d));
                self.as_i32(b, c)
            }
            Inst::BlockId(d) => self.block_id[dim(*d) as usize]
                .ok_or_else(|| WgslError::Naga("block id unset".into()))?,
            Inst::GridDim(d) => self.grid_dim[dim(*d) as usize]
                .ok_or_else(|| WgslError::Naga("grid size unset".into()))?,
            Inst::BlockDim(d) => {
                let o = self.override_expr(crate::OVERRIDE_BLOCK_SIZE[dim(*d) as usize])?;
                self.as_i32(b, o)
            }
            Inst::LaneId => {
                let lidx = self
                    .func
                    .expressions
                    .append(E::FunctionArgument(2), Span::UNDEFINED);
                let m = self.u32c(31);
                let lane = self.bin(b, BO::And, lidx, m);
                self.as_i32(b, lane)
            }
            Inst::WarpSize => self.i32c(32),
            Inst::Barrier(kind) => {
                let barrier = self.next_barrier();
                let (code, pred) = match kind {
                    BarrierKind::Sync => {
                        b.push(S::ControlBarrier(barrier), Span::UNDEFINED);
                        return Ok(());
                    }
                    BarrierKind::Count(p) => (0, *p),
                    BarrierKind::And(p) => (1, *p),
                    BarrierKind::Or(p) => (2, *p),
                };
                let code = self.u32c(code);
                let p = self.val(pred)?;
                let lidx = self
                    .func
                    .expressions
                    .append(E::FunctionArgument(2), Span::UNDEFINED);
                self.call(b, "sync_reduce", vec![code, p, lidx])?
            }
            Inst::SyncWarp { .. }
            | Inst::Shuffle { .. }
            | Inst::Vote { .. }
            | Inst::Match { .. }
            | Inst::ActiveMask
            | Inst::WarpReduce { .. } => return self.collective(b, result, inst),
            Inst::Clock => return self.unsupported("clock() is not available in WGSL"),
            Inst::AtomicRmw { op, ptr, value, .. } => {
                let k = self.kind(*value)?;
                let code = match (op, k) {
                    (AtomicOp::Add, Kind::F32) => 12,
                    (AtomicOp::Exch, Kind::F32) => 2,
                    (_, Kind::F32) => return self.unsupported(format!("float atomic {op:?}")),
                    (_, Kind::Int(32)) => match op {
                        AtomicOp::Add => 0,
                        AtomicOp::Sub => 1,
                        AtomicOp::Exch => 2,
                        AtomicOp::UMin => 3,
                        AtomicOp::UMax => 4,
                        AtomicOp::And => 5,
                        AtomicOp::Or => 6,
                        AtomicOp::Xor => 7,
                        AtomicOp::SMin => 8,
                        AtomicOp::SMax => 9,
                        AtomicOp::Inc => 10,
                        AtomicOp::Dec => 11,
                    },
                    (_, Kind::I64) => return self.atomic64(b, result, *op, *ptr, *value),
                    _ => {
                        return self.unsupported(format!(
                            "{} on a {}-bit integer (WGSL atomics are 32-bit)",
                            cuda_atomic_name(*op),
                            match k {
                                Kind::Int(bits) => bits,
                                _ => 0,
                            }
                        ))
                    }
                };
                let mem = self.atomic_mem(*ptr)?;
                let a = self.val(*ptr)?;
                let v = self.val(*value)?;
                let bits = self.as_u32(b, v);
                let code = self.u32c(code);
                let old = self.call(b, &format!("atom_{}", mem.name()), vec![code, a, bits])?;
                let kind = if k == Kind::F32 {
                    ScalarKind::Float
                } else {
                    ScalarKind::Sint
                };
                self.cast(b, old, kind, None)
            }
            Inst::AtomicCas {
                ptr,
                expected,
                desired,
                ..
            } => {
                let k = self.kind(*expected)?;
                if k == Kind::I64 {
                    return self.cas64(b, result, *ptr, *expected, *desired);
                }
                if !matches!(k, Kind::Int(32) | Kind::F32) {
                    return self.unsupported("8/16-bit atomicCAS");
                }
                let mem = self.atomic_mem(*ptr)?;
                let a = self.val(*ptr)?;
                let e = self.val(*expected)?;
                let d = self.val(*desired)?;
                let e = self.as_u32(b, e);
                let d = self.as_u32(b, d);
                let old = self.call(b, &format!("cas_{}", mem.name()), vec![a, e, d])?;
                let kind = if k == Kind::F32 {
                    ScalarKind::Float
                } else {
                    ScalarKind::Sint
                };
                self.cast(b, old, kind, None)
            }
            // WGSL has no memory-only fence (see the crate docs): dropping it could change what
            // other blocks observe, so it is refused.
            Inst::Fence(_) => {
                return self.unsupported(
                    "__threadfence*() (WGSL has no memory fence outside workgroup barriers)",
                )
            }
            Inst::Trap { .. } => {
                return self.unsupported("__trap() / assert (WGSL cannot abort a dispatch)")
            }
            Inst::Printf { .. } => return self.unsupported("printf"),
        };
        if let Some(r) = result {
            self.set(r, h);
        }
        Ok(())
    }

    /// The flags of the next barrier statement: a workgroup barrier, and a storage barrier
    /// too where [`crate::barriers`] says the heap needs ordering.
    fn next_barrier(&mut self) -> naga::Barrier {
        let storage = self
            .storage_barriers
            .get(self.barriers_emitted)
            .copied()
            .unwrap_or(true);
        self.barriers_emitted += 1;
        if storage {
            naga::Barrier::STORAGE | naga::Barrier::WORK_GROUP
        } else {
            naga::Barrier::WORK_GROUP
        }
    }

    fn atomic_mem(&self, ptr: Value) -> Res<Mem> {
        let mem = self.ptr_mem(ptr)?;
        let ok = match mem {
            Mem::Heap => self.heap_atomic,
            Mem::Shared => self.shared_atomic,
            Mem::Generic => self.heap_atomic && self.shared_atomic,
            _ => false,
        };
        if !ok {
            return self.unsupported(format!("an atomic on {} memory", mem.name()));
        }
        Ok(mem)
    }

    fn constant(&mut self, b: &mut Block, k: Kind, bits: u64) -> Res<H> {
        Ok(match k {
            Kind::Bool => self.boolc(bits & 1 != 0),
            Kind::Int(w) => {
                let v = (bits as u32) << (32 - w);
                self.i32c((v as i32) >> (32 - w))
            }
            // Constants that are not literals are module-scope `const`s: a `let` bound to
            // a constant expression inside the function trips naga 30's override
            // processing (`ExpressionAlreadyInScope`) when wgpu makes the pipeline.
            Kind::I64 => {
                let lo = self.global_literal(Literal::U32(bits as u32));
                let hi = self.global_literal(Literal::U32((bits >> 32) as u32));
                let init = self.nm.global_expressions.append(
                    E::Compose {
                        ty: self.ty_u64,
                        components: vec![lo, hi],
                    },
                    Span::UNDEFINED,
                );
                self.module_const(format!("I64_{bits:016x}"), self.ty_u64, init)
            }
            Kind::F32 => {
                let f = f32::from_bits(bits as u32);
                if f.is_finite() {
                    self.func
                        .expressions
                        .append(E::Literal(Literal::F32(f)), Span::UNDEFINED)
                } else {
                    // WGSL constant expressions cannot be infinite or NaN: a call makes
                    // the value a run-time one.
                    let u = self.u32c(bits as u32);
                    self.call(b, "f32_from_bits", vec![u])?
                }
            }
            Kind::Ptr(_) => self.u32c(bits as u32),
        })
    }

    fn global_literal(&mut self, literal: Literal) -> H {
        self.nm
            .global_expressions
            .append(E::Literal(literal), Span::UNDEFINED)
    }

    /// A module-scope constant (one per name), used through `Expression::Constant`.
    fn module_const(&mut self, name: String, ty: naga::Handle<naga::Type>, init: H) -> H {
        let existing = self
            .nm
            .constants
            .iter()
            .find(|(_, c)| c.name.as_deref() == Some(name.as_str()))
            .map(|(h, _)| h);
        let handle = existing.unwrap_or_else(|| {
            self.nm.constants.append(
                naga::Constant {
                    name: Some(name),
                    ty,
                    init,
                },
                Span::UNDEFINED,
            )
        });
        self.func
            .expressions
            .append(E::Constant(handle), Span::UNDEFINED)
    }

    fn i64_helper(&mut self, b: &mut Block, name: &str, args: Vec<H>) -> Res<H> {
        self.call(b, name, args)
    }

    fn unary(&mut self, b: &mut Block, op: UnaryOp, k: Kind, a: H) -> Res<H> {
        use naga::UnaryOperator as U;
        Ok(match (op, k) {
            (UnaryOp::Neg, Kind::Int(bits)) => {
                let n = self.expr(
                    b,
                    E::Unary {
                        op: U::Negate,
                        expr: a,
                    },
                );
                self.norm(b, n, bits)
            }
            (UnaryOp::Neg, Kind::I64) => self.i64_helper(b, "i64_neg", vec![a])?,
            (UnaryOp::Not, Kind::Bool) => self.expr(
                b,
                E::Unary {
                    op: U::LogicalNot,
                    expr: a,
                },
            ),
            (UnaryOp::Not, Kind::Int(_) | Kind::I64) => self.expr(
                b,
                E::Unary {
                    op: U::BitwiseNot,
                    expr: a,
                },
            ),
            (UnaryOp::Clz, Kind::Int(bits)) => {
                let u = self.zext_u32(b, a, bits);
                let c = self.math(b, MF::CountLeadingZeros, &[u]);
                let c = if bits < 32 {
                    let d = self.u32c(32 - bits);
                    self.bin(b, BO::Subtract, c, d)
                } else {
                    c
                };
                self.as_i32(b, c)
            }
            (UnaryOp::Ctz, Kind::Int(bits)) => {
                let u = self.zext_u32(b, a, bits);
                let c = self.math(b, MF::CountTrailingZeros, &[u]);
                let c = if bits < 32 {
                    let w = self.u32c(bits);
                    self.math(b, MF::Min, &[c, w])
                } else {
                    c
                };
                self.as_i32(b, c)
            }
            (UnaryOp::Popcount, Kind::Int(bits)) => {
                let u = self.zext_u32(b, a, bits);
                let c = self.math(b, MF::CountOneBits, &[u]);
                self.as_i32(b, c)
            }
            (UnaryOp::BitReverse, Kind::Int(bits)) => {
                let u = self.as_u32(b, a);
                let r = self.math(b, MF::ReverseBits, &[u]);
                let r = if bits < 32 {
                    let s = self.u32c(32 - bits);
                    self.bin(b, BO::ShiftRight, r, s)
                } else {
                    r
                };
                let i = self.as_i32(b, r);
                self.norm(b, i, bits)
            }
            (UnaryOp::ByteSwap, Kind::Int(bits)) => {
                let u = self.as_u32(b, a);
                let s = self.call(b, "bswap32", vec![u])?;
                let s = if bits < 32 {
                    let sh = self.u32c(32 - bits);
                    self.bin(b, BO::ShiftRight, s, sh)
                } else {
                    s
                };
                let i = self.as_i32(b, s);
                self.norm(b, i, bits)
            }
            (UnaryOp::Clz, Kind::I64) => self.i64_helper(b, "i64_clz", vec![a])?,
            (UnaryOp::Ctz, Kind::I64) => self.i64_helper(b, "i64_ctz", vec![a])?,
            (UnaryOp::Popcount, Kind::I64) => self.i64_helper(b, "i64_popcount", vec![a])?,
            (UnaryOp::BitReverse, Kind::I64) => {
                let lo = self.component(b, a, 0);
                let hi = self.component(b, a, 1);
                let rl = self.math(b, MF::ReverseBits, &[hi]);
                let rh = self.math(b, MF::ReverseBits, &[lo]);
                self.compose_u64(b, rl, rh)
            }
            (UnaryOp::ByteSwap, Kind::I64) => {
                let lo = self.component(b, a, 0);
                let hi = self.component(b, a, 1);
                let rl = self.call(b, "bswap32", vec![hi])?;
                let rh = self.call(b, "bswap32", vec![lo])?;
                self.compose_u64(b, rl, rh)
            }
            (UnaryOp::FNeg, Kind::F32) if self.soft_denormals => self.soft_sign_op(b, true, a)?,
            (UnaryOp::FAbs, Kind::F32) if self.soft_denormals => self.soft_sign_op(b, false, a)?,
            (UnaryOp::Floor, Kind::F32) if self.soft_denormals => {
                self.call(b, "f32_floor_sd", vec![a])?
            }
            (UnaryOp::Ceil, Kind::F32) if self.soft_denormals => {
                self.call(b, "f32_ceil_sd", vec![a])?
            }
            (UnaryOp::Trunc, Kind::F32) if self.soft_denormals => {
                self.call(b, "f32_trunc_sd", vec![a])?
            }
            (UnaryOp::RoundEven, Kind::F32) if self.soft_denormals => {
                self.call(b, "f32_round_even_sd", vec![a])?
            }
            (UnaryOp::FNeg, Kind::F32) => self.expr(
                b,
                E::Unary {
                    op: U::Negate,
                    expr: a,
                },
            ),
            (UnaryOp::FAbs, Kind::F32) => self.math(b, MF::Abs, &[a]),
            (UnaryOp::Sqrt, Kind::F32) => self.call(b, "c_sqrt", vec![a])?,
            (UnaryOp::Floor, Kind::F32) => self.math(b, MF::Floor, &[a]),
            (UnaryOp::Ceil, Kind::F32) => self.math(b, MF::Ceil, &[a]),
            (UnaryOp::Trunc, Kind::F32) => self.math(b, MF::Trunc, &[a]),
            (UnaryOp::RoundEven, Kind::F32) => self.math(b, MF::Round, &[a]),
            (op, k) => return self.unsupported(format!("unary {op:?} on {k:?}")),
        })
    }

    fn binary(&mut self, b: &mut Block, op: BinaryOp, k: Kind, l: H, r: H) -> Res<H> {
        use BinaryOp as B;
        Ok(match k {
            Kind::Bool => match op {
                B::And => self.bin(b, BO::LogicalAnd, l, r),
                B::Or => self.bin(b, BO::LogicalOr, l, r),
                B::Xor => self.bin(b, BO::NotEqual, l, r),
                _ => return self.unsupported(format!("{op:?} on i1")),
            },
            Kind::Int(bits) => {
                let plain = |op: B| match op {
                    B::Add => Some(BO::Add),
                    B::Sub => Some(BO::Subtract),
                    B::Mul => Some(BO::Multiply),
                    B::SDiv => Some(BO::Divide),
                    B::SRem => Some(BO::Modulo),
                    B::And => Some(BO::And),
                    B::Or => Some(BO::InclusiveOr),
                    B::Xor => Some(BO::ExclusiveOr),
                    _ => None,
                };
                if let Some(o) = plain(op) {
                    let x = self.bin(b, o, l, r);
                    return Ok(self.norm(b, x, bits));
                }
                match op {
                    B::UDiv | B::URem => {
                        let lu = self.zext_u32(b, l, bits);
                        let ru = self.zext_u32(b, r, bits);
                        let o = if op == B::UDiv {
                            BO::Divide
                        } else {
                            BO::Modulo
                        };
                        let x = self.bin(b, o, lu, ru);
                        let i = self.as_i32(b, x);
                        self.norm(b, i, bits)
                    }
                    B::MulHiS if bits == 32 => self.call(b, "mulhi_s32", vec![l, r])?,
                    B::MulHiU if bits == 32 => self.call(b, "mulhi_u32", vec![l, r])?,
                    B::Shl | B::LShr | B::AShr => {
                        let amt = self.as_u32(b, r);
                        let m = self.u32c(bits - 1);
                        let amt = self.bin(b, BO::And, amt, m);
                        match op {
                            B::Shl => {
                                let x = self.bin(b, BO::ShiftLeft, l, amt);
                                self.norm(b, x, bits)
                            }
                            B::AShr => self.bin(b, BO::ShiftRight, l, amt),
                            _ => {
                                let lu = self.zext_u32(b, l, bits);
                                let x = self.bin(b, BO::ShiftRight, lu, amt);
                                let i = self.as_i32(b, x);
                                self.norm(b, i, bits)
                            }
                        }
                    }
                    B::SMin => self.math(b, MF::Min, &[l, r]),
                    B::SMax => self.math(b, MF::Max, &[l, r]),
                    B::UMin | B::UMax => {
                        let lu = self.zext_u32(b, l, bits);
                        let ru = self.zext_u32(b, r, bits);
                        let lt = self.bin(b, BO::Less, lu, ru);
                        if op == B::UMin {
                            self.select(b, lt, l, r)
                        } else {
                            self.select(b, lt, r, l)
                        }
                    }
                    _ => return self.unsupported(format!("{op:?} on i{bits}")),
                }
            }
            Kind::I64 => {
                let name = match op {
                    B::Add => "i64_add",
                    B::Sub => "i64_sub",
                    B::Mul => "i64_mul",
                    B::SDiv => "i64_sdiv",
                    B::UDiv => "i64_udiv",
                    B::SRem => "i64_srem",
                    B::URem => "i64_urem",
                    B::Shl => "i64_shl",
                    B::LShr => "i64_lshr",
                    B::AShr => "i64_ashr",
                    B::MulHiS => "i64_mulhi",
                    B::MulHiU => "u64_mulhi",
                    B::SMin => "i64_smin",
                    B::SMax => "i64_smax",
                    B::UMin => "i64_umin",
                    B::UMax => "i64_umax",
                    B::And => return Ok(self.bin(b, BO::And, l, r)),
                    B::Or => return Ok(self.bin(b, BO::InclusiveOr, l, r)),
                    B::Xor => return Ok(self.bin(b, BO::ExclusiveOr, l, r)),
                    _ => return self.unsupported(format!("{op:?} on i64")),
                };
                self.call(b, name, vec![l, r])?
            }
            Kind::F32 => match op {
                // An implementation may assume finite floats and fold these two to zero
                // (Mesa does): they are computed from the bits, NaN for inf or NaN.
                B::FSub if l == r => self.call(b, "f32_sub_self", vec![l])?,
                B::FMul if self.is_f32_zero(l) || self.is_f32_zero(r) => {
                    let (x, zero) = if self.is_f32_zero(r) { (l, r) } else { (r, l) };
                    self.call(b, "f32_mul_zero", vec![x, zero])?
                }
                B::FAdd if self.soft_denormals => self.soft_arith(b, BO::Add, l, r)?,
                B::FSub if self.soft_denormals => self.soft_arith(b, BO::Subtract, l, r)?,
                B::FMul if self.soft_denormals => self.soft_arith(b, BO::Multiply, l, r)?,
                B::FMin if self.soft_denormals => self.call(b, "c_fmin_sd", vec![l, r])?,
                B::FMax if self.soft_denormals => self.call(b, "c_fmax_sd", vec![l, r])?,
                B::FAdd => self.float_add_sub(b, BO::Add, l, r)?,
                B::FSub => self.float_add_sub(b, BO::Subtract, l, r)?,
                B::FMul => self.bin(b, BO::Multiply, l, r),
                // WGSL's `/` is only 2.5 ulp accurate; CUDA's is correctly rounded.
                B::FDiv => self.call(b, "c_div", vec![l, r])?,
                // WGSL's `%` is `l - r * trunc(l / r)`, C's `fmodf` is exact.
                B::FRem => self.call(b, "c_fmod", vec![l, r])?,
                B::FMin => self.call(b, "c_fmin", vec![l, r])?,
                B::FMax => self.call(b, "c_fmax", vec![l, r])?,
                B::CopySign => self.call(b, "c_copysign", vec![l, r])?,
                _ => return self.unsupported(format!("{op:?} on f32")),
            },
            Kind::Ptr(_) => return self.unsupported(format!("{op:?} on a pointer")),
        })
    }

    /// Whether `h` is the literal `0.0` or `-0.0`.
    fn is_f32_zero(&self, h: H) -> bool {
        matches!(self.func.expressions[h], E::Literal(Literal::F32(z)) if z == 0.0)
    }

    fn compare(&mut self, b: &mut Block, op: CmpOp, k: Kind, l: H, r: H) -> Res<H> {
        use CmpOp as C;
        if k == Kind::F32 && l == r && !matches!(op, C::FOrd | C::FUno) {
            // `x < x`, `x == x`, ...: false or "not NaN", tested on the bits (an implementation
            // that assumes no NaN folds them).
            let nan = self.call(b, "is_nan", vec![l])?;
            return Ok(match op {
                C::FNe => nan,
                C::FEq | C::FLe | C::FGe => self.expr(
                    b,
                    E::Unary {
                        op: naga::UnaryOperator::LogicalNot,
                        expr: nan,
                    },
                ),
                _ => self.boolc(false),
            });
        }
        if k == Kind::F32 && self.soft_denormals {
            let o = match op {
                C::FEq => Some(BO::Equal),
                C::FNe => Some(BO::NotEqual),
                C::FLt => Some(BO::Less),
                C::FLe => Some(BO::LessEqual),
                C::FGt => Some(BO::Greater),
                C::FGe => Some(BO::GreaterEqual),
                _ => None,
            };
            if let Some(o) = o {
                return self.soft_compare(b, o, l, r);
            }
        }
        match k {
            Kind::F32 => Ok(match op {
                C::FEq => self.bin(b, BO::Equal, l, r),
                C::FNe => {
                    // Unordered or not equal: naga's `!=` is ordered.
                    let ne = self.bin(b, BO::NotEqual, l, r);
                    let nl = self.call(b, "is_nan", vec![l])?;
                    let nr = self.call(b, "is_nan", vec![r])?;
                    let either = self.bin(b, BO::LogicalOr, nl, nr);
                    self.bin(b, BO::LogicalOr, ne, either)
                }
                C::FLt => self.bin(b, BO::Less, l, r),
                C::FLe => self.bin(b, BO::LessEqual, l, r),
                C::FGt => self.bin(b, BO::Greater, l, r),
                C::FGe => self.bin(b, BO::GreaterEqual, l, r),
                C::FOrd | C::FUno => {
                    let nl = self.call(b, "is_nan", vec![l])?;
                    let nr = self.call(b, "is_nan", vec![r])?;
                    let uno = self.bin(b, BO::LogicalOr, nl, nr);
                    if op == C::FOrd {
                        self.expr(
                            b,
                            E::Unary {
                                op: naga::UnaryOperator::LogicalNot,
                                expr: uno,
                            },
                        )
                    } else {
                        uno
                    }
                }
                _ => return self.unsupported(format!("{op:?} on f32")),
            }),
            Kind::I64 => {
                let (name, swap, negate) = match op {
                    C::Eq => ("i64_eq", false, false),
                    C::Ne => ("i64_eq", false, true),
                    C::SLt => ("i64_slt", false, false),
                    C::SGt => ("i64_slt", true, false),
                    C::SLe => ("i64_slt", true, true),
                    C::SGe => ("i64_slt", false, true),
                    C::ULt => ("i64_ult", false, false),
                    C::UGt => ("i64_ult", true, false),
                    C::ULe => ("i64_ult", true, true),
                    C::UGe => ("i64_ult", false, true),
                    _ => return self.unsupported(format!("{op:?} on i64")),
                };
                let args = if swap { vec![r, l] } else { vec![l, r] };
                let c = self.call(b, name, args)?;
                Ok(if negate {
                    self.expr(
                        b,
                        E::Unary {
                            op: naga::UnaryOperator::LogicalNot,
                            expr: c,
                        },
                    )
                } else {
                    c
                })
            }
            Kind::Bool | Kind::Int(_) | Kind::Ptr(_) => {
                let bits = match k {
                    Kind::Int(w) => w,
                    _ => 32,
                };
                let unsigned = matches!(op, C::ULt | C::ULe | C::UGt | C::UGe);
                let (l, r) = if unsigned && matches!(k, Kind::Int(_)) {
                    (self.zext_u32(b, l, bits), self.zext_u32(b, r, bits))
                } else {
                    (l, r)
                };
                let o = match op {
                    C::Eq => BO::Equal,
                    C::Ne => BO::NotEqual,
                    C::SLt | C::ULt => BO::Less,
                    C::SLe | C::ULe => BO::LessEqual,
                    C::SGt | C::UGt => BO::Greater,
                    C::SGe | C::UGe => BO::GreaterEqual,
                    _ => return self.unsupported(format!("{op:?} on an integer")),
                };
                if k == Kind::Bool && !matches!(op, C::Eq | C::Ne) {
                    return self.unsupported(format!("{op:?} on i1"));
                }
                Ok(self.bin(b, o, l, r))
            }
        }
    }

    fn convert(&mut self, b: &mut Block, op: ConvOp, from: Kind, to: Kind, a: H) -> Res<H> {
        use ConvOp as C;
        Ok(match (op, from, to) {
            (C::Trunc, Kind::I64, Kind::Int(bits)) => {
                let lo = self.component(b, a, 0);
                let i = self.as_i32(b, lo);
                self.norm(b, i, bits)
            }
            (C::Trunc, Kind::I64, Kind::Bool) => {
                let lo = self.component(b, a, 0);
                let one = self.u32c(1);
                let bit = self.bin(b, BO::And, lo, one);
                let zero = self.u32c(0);
                self.bin(b, BO::NotEqual, bit, zero)
            }
            (C::Trunc, Kind::Int(_), Kind::Int(bits)) => self.norm(b, a, bits),
            (C::Trunc, Kind::Int(_), Kind::Bool) => {
                let one = self.i32c(1);
                let bit = self.bin(b, BO::And, a, one);
                let zero = self.i32c(0);
                self.bin(b, BO::NotEqual, bit, zero)
            }
            (C::ZExt | C::SExt, Kind::Bool, Kind::Int(_)) => {
                let t = self.i32c(if op == C::ZExt { 1 } else { -1 });
                let f = self.i32c(0);
                self.select(b, a, t, f)
            }
            (C::ZExt | C::SExt, Kind::Bool, Kind::I64) => {
                let t = self.u32c(1);
                let f = self.u32c(0);
                let lo = self.select(b, a, t, f);
                let hi = if op == C::ZExt {
                    self.u32c(0)
                } else {
                    let t = self.u32c(u32::MAX);
                    let f = self.u32c(0);
                    self.select(b, a, t, f)
                };
                let lo = if op == C::ZExt { lo } else { hi };
                self.compose_u64(b, lo, hi)
            }
            (C::ZExt, Kind::Int(bits), Kind::Int(_)) => {
                let u = self.zext_u32(b, a, bits);
                self.as_i32(b, u)
            }
            (C::SExt, Kind::Int(_), Kind::Int(_)) => a,
            (C::ZExt, Kind::Int(bits), Kind::I64) => {
                let u = self.zext_u32(b, a, bits);
                let zero = self.u32c(0);
                self.compose_u64(b, u, zero)
            }
            (C::SExt, Kind::Int(_), Kind::I64) => self.call(b, "i64_from_i32", vec![a])?,
            (C::ZExt | C::SExt | C::Trunc, Kind::I64, Kind::I64) => a,
            (C::SIToFP, Kind::Int(_), Kind::F32) => self.cast(b, a, ScalarKind::Float, Some(4)),
            (C::UIToFP, Kind::Int(bits), Kind::F32) => {
                let u = self.zext_u32(b, a, bits);
                self.cast(b, u, ScalarKind::Float, Some(4))
            }
            (C::SIToFP, Kind::I64, Kind::F32) => self.call(b, "i64_to_f32", vec![a])?,
            (C::UIToFP, Kind::I64, Kind::F32) => self.call(b, "u64_to_f32", vec![a])?,
            (C::SIToFP | C::UIToFP, Kind::Bool, Kind::F32) => {
                let one = self.func.expressions.append(
                    E::Literal(Literal::F32(if op == C::SIToFP { -1.0 } else { 1.0 })),
                    Span::UNDEFINED,
                );
                let zero = self
                    .func
                    .expressions
                    .append(E::Literal(Literal::F32(0.0)), Span::UNDEFINED);
                self.select(b, a, one, zero)
            }
            (C::FPToSI, Kind::F32, Kind::Int(bits)) => {
                let i = self.call(b, "f32_to_i32", vec![a])?;
                if bits < 32 {
                    let lo = self.i32c(-(1 << (bits - 1)));
                    let hi = self.i32c((1 << (bits - 1)) - 1);
                    self.math(b, MF::Clamp, &[i, lo, hi])
                } else {
                    i
                }
            }
            (C::FPToUI, Kind::F32, Kind::Int(bits)) => {
                let u = self.call(b, "f32_to_u32", vec![a])?;
                let u = if bits < 32 {
                    let hi = self.u32c((1 << bits) - 1);
                    self.math(b, MF::Min, &[u, hi])
                } else {
                    u
                };
                let i = self.as_i32(b, u);
                self.norm(b, i, bits)
            }
            (C::FPToSI, Kind::F32, Kind::I64) => self.call(b, "f32_to_i64", vec![a])?,
            (C::FPToUI, Kind::F32, Kind::I64) => self.call(b, "f32_to_u64", vec![a])?,
            (C::FPToSI | C::FPToUI, Kind::F32, Kind::Bool) => {
                let zero = self
                    .func
                    .expressions
                    .append(E::Literal(Literal::F32(0.0)), Span::UNDEFINED);
                let t = self.math(b, MF::Trunc, &[a]);
                self.bin(b, BO::NotEqual, t, zero)
            }
            (C::Bitcast, Kind::Int(32), Kind::F32) => self.cast(b, a, ScalarKind::Float, None),
            (C::Bitcast, Kind::F32, Kind::Int(32)) => self.cast(b, a, ScalarKind::Sint, None),
            (C::Bitcast, x, y) if x == y => a,
            (C::PtrToInt, Kind::Ptr(_), Kind::I64) => {
                let zero = self.u32c(0);
                self.compose_u64(b, a, zero)
            }
            (C::PtrToInt, Kind::Ptr(_), Kind::Int(32)) => self.as_i32(b, a),
            (C::IntToPtr, Kind::I64, Kind::Ptr(_)) => self.component(b, a, 0),
            (C::IntToPtr, Kind::Int(_), Kind::Ptr(_)) => self.as_u32(b, a),
            (C::AddrSpaceCast, Kind::Ptr(_), Kind::Ptr(_)) => a,
            (op, from, to) => {
                return self.unsupported(format!("conversion {op:?} from {from:?} to {to:?}"))
            }
        })
    }

    fn math_builtin(&mut self, b: &mut Block, name: &str, a: &[H]) -> Res<H> {
        let arity = |n: usize| a.len() == n;
        Ok(match name {
            // WGSL's `sqrt` is not correctly rounded everywhere; CUDA's is.
            "sqrtf" | "__fsqrt_rn" if arity(1) => self.call(b, "c_sqrt", a.to_vec())?,
            "rsqrtf" if arity(1) && self.soft_denormals => {
                self.call(b, "f32_rsqrt_sd", a.to_vec())?
            }
            "rsqrtf" if arity(1) => self.math(b, MF::InverseSqrt, a),
            "__fdividef" if arity(2) => self.bin(b, BO::Divide, a[0], a[1]),
            "__frcp_rn" if arity(1) => {
                let one = self
                    .func
                    .expressions
                    .append(E::Literal(Literal::F32(1.0)), Span::UNDEFINED);
                self.call(b, "c_div", vec![one, a[0]])?
            }
            "__saturatef" if arity(1) && self.soft_denormals => {
                self.call(b, "c_saturate_sd", a.to_vec())?
            }
            "__saturatef" if arity(1) => self.call(b, "c_saturate", a.to_vec())?,
            // WGSL's `fma` may be computed unfused; CUDA's is correctly rounded.
            "fmaf" if arity(3) => self.call(b, "c_fma", a.to_vec())?,
            "fdimf" if arity(2) && self.soft_denormals => self.call(b, "c_fdim_sd", a.to_vec())?,
            "fdimf" if arity(2) => self.call(b, "c_fdim", a.to_vec())?,
            _ => {
                return self.unsupported(format!(
                    "math builtin `{name}` (link the device library first)"
                ))
            }
        })
    }
}

/// Whether `v` is an operand anywhere in `region`.
fn value_used(region: &Region, v: Value) -> bool {
    let mut used = false;
    walk(region, &mut |kind| match kind {
        StmtKind::Inst { inst, .. } => inst.for_each_operand(|x| used |= x == v),
        StmtKind::If { cond, .. } => used |= *cond == v,
        StmtKind::Return(Some(x)) => used |= *x == v,
        _ => {}
    });
    used
}

fn dim(d: Dim) -> u32 {
    match d {
        Dim::X => 0,
        Dim::Y => 1,
        Dim::Z => 2,
    }
}

fn unreachable_kind<T>() -> Res<T> {
    Err(WgslError::Naga("unexpected value kind".into()))
}

#[cfg(test)]
mod tests {
    use crate::{compile, WgslError, WgslOptions};

    const FILL: &str = "module phase simt
fn fn0 \"fill\"(%v0: ptr<global>, %v6: i32) {
  %v1: i32 = thread_id.x
  %v2: i64 = zext %v1
  %v3: i64 = const 4
  %v4: i64 = mul %v2, %v3
  %v5: ptr<global> = ptradd %v0, %v4
  %v7: i32 = add %v1, %v6
  store %v5, %v7 align 4
  return
}
kernel \"fill\" = fn0(\"out\": ptr<global>, \"k\": i32) static_shared 0
";

    fn reparses(source: &str) {
        let module = naga::front::wgsl::parse_str(source)
            .unwrap_or_else(|e| panic!("{}", e.emit_to_string(source)));
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&module)
        .unwrap_or_else(|e| panic!("{}", e.emit_to_string(source)));
    }

    #[test]
    fn a_small_kernel_gives_valid_wgsl_with_the_documented_abi() {
        let module = cwcc_simt::parse_module(FILL).unwrap();
        let k = compile(&module, "fill", &WgslOptions::default()).unwrap();
        reparses(&k.source);
        assert!(k
            .source
            .contains("@workgroup_size(block_x, block_y, block_z)"));
        assert!(k.source.contains("@group(0) @binding(0)"));
        assert!(k.source.contains("@group(0) @binding(1)"));
        // The i64 index math needs only its low word: plain u32 arithmetic, no 64-bit
        // helper; helpers nobody calls are gone.
        assert!(!k.source.contains("fn i64_mul("), "{}", k.source);
        assert!(!k.source.contains("vec2<u32>"), "{}", k.source);
        assert!(!k.source.contains("fn i64_sdiv("));
        assert_eq!(k.params.len(), 2);
        assert_eq!((k.params[0].offset, k.params[1].offset), (0, 8));
        let buf = k
            .param_buffer([1, 0, 0], [4, 1, 1], 256, &[vec![0; 8], vec![7, 0, 0, 0]])
            .unwrap();
        assert_eq!(buf[0..4], 1u32.to_le_bytes());
        assert_eq!(buf[24..28], 256u32.to_le_bytes());
        assert_eq!(buf[40..44], 7u32.to_le_bytes());
        assert!(k.param_buffer([0; 3], [1; 3], 0, &[vec![0; 8]]).is_err());
    }

    #[test]
    fn clock_and_unknown_kernels_are_refused_clearly() {
        let clock = FILL.replace(
            "%v1: i32 = thread_id.x",
            "%v9: i64 = clock\n  %v1: i32 = thread_id.x",
        );
        let module = cwcc_simt::parse_module(&clock).unwrap();
        let err = compile(&module, "fill", &WgslOptions::default()).unwrap_err();
        assert!(
            matches!(&err, WgslError::Unsupported { what, .. } if what.contains("clock() is not available in WGSL")),
            "{err}"
        );
        assert!(matches!(
            compile(&module, "nope", &WgslOptions::default()),
            Err(WgslError::NoSuchKernel(_))
        ));
    }

    #[test]
    fn fences_are_refused_not_dropped() {
        let fence = FILL.replace(
            "%v1: i32 = thread_id.x",
            "fence.device\n  %v1: i32 = thread_id.x",
        );
        let module = cwcc_simt::parse_module(&fence).unwrap();
        let err = compile(&module, "fill", &WgslOptions::default()).unwrap_err();
        assert!(err.to_string().contains("__threadfence"), "{err}");
    }
}
