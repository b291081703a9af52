//! The WASM backend of cwcc: turns a per-block SIMT module (after `warp-to-loop` and
//! `shared-to-buffer`) into one WebAssembly module with a kernel manifest.
//!
//! The ABI — imports, exports, memory layout, the launch record, how a host runs blocks on
//! several threads — is specified in `docs/wasm-abi.md`; [`manifest`] is its machine-readable
//! part, stored in the `cwcc.manifest` custom section. In short:
//! - the module imports a shared linear memory `env.memory` and three host functions
//!   (`cwcc.trap`, `cwcc.fmod`, `cwcc.printf`, `cwcc.clock`);
//! - `cwcc_init()` writes the static data (device and constant variables) once;
//! - each kernel is an export `(launch, first_block, end_block, scratch, scratch_size)` that
//!   runs blocks `first_block..end_block` using the per-thread scratch area for the block's
//!   shared memory and stack.
//!
//! ```
//! let module = cwcc_simt::parse_module(
//!     "module phase perblock
//! fn fn0 \"one\"(%v0: ptr<global>) {
//!   %v1: i32 = const 1
//!   store %v0, %v1 align 4
//!   return
//! }
//! kernel \"one\" = fn0(\"out\": ptr<global>) static_shared 0
//! ").unwrap();
//! let bytes = cwcc_wasm::compile(&module).unwrap();
//! let manifest = cwcc_wasm::Manifest::from_wasm(&bytes).unwrap();
//! assert_eq!(manifest.kernels[0].name, "one");
//! ```

mod func;
pub mod layout;
pub mod manifest;

use cwcc_simt::ir::*;
use cwcc_simt::passes::warp_to_loop::max_block_threads;
use func::{emit_function, repr_of, ModuleContext};
use layout::{align_up, param_layout, StaticData, STATIC_BASE};
use manifest::{record, ABI_VERSION, SECTION_NAME};
pub use manifest::{KernelManifest, Manifest, ParamManifest};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, CustomSection, DataCountSection, DataSection, EntityType,
    ExportKind, ExportSection, Function as WasmFunction, FunctionSection, GlobalSection,
    GlobalType, ImportSection, IndirectNameMap, Instruction as I, MemArg, MemoryType, NameMap,
    NameSection, TypeSection, ValType,
};

/// Why a module could not be compiled.
#[derive(Clone, Debug, PartialEq)]
pub enum WasmError {
    /// The module uses something this backend cannot express yet.
    Unsupported {
        /// What, in CUDA terms.
        what: String,
        /// Where (`file:line:col`), if known.
        loc: Option<String>,
    },
    /// The input broke an invariant the passes guarantee: always a compiler bug.
    Internal(String),
}

impl fmt::Display for WasmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WasmError::Unsupported {
                what,
                loc: Some(loc),
            } => {
                write!(f, "{loc}: not supported yet on the wasm backend: {what}")
            }
            WasmError::Unsupported { what, loc: None } => {
                write!(f, "not supported yet on the wasm backend: {what}")
            }
            WasmError::Internal(message) => {
                write!(f, "internal compiler error in the wasm backend: {message}")
            }
        }
    }
}

impl std::error::Error for WasmError {}

/// The module's mutable globals (one copy per instance, so per host thread).
pub(crate) struct Globals {
    pub stack_pointer: u32,
    pub stack_limit: u32,
    pub shared_base: u32,
    pub block_id: [u32; 3],
    pub block_dim: [u32; 3],
    pub grid_dim: [u32; 3],
}

/// Function indices of the host imports.
pub(crate) struct Imports {
    pub trap: u32,
    pub fmod: u32,
    pub printf: u32,
    pub clock: u32,
}

const IMPORTED_FUNCTIONS: u32 = 4;

/// The largest memory a module may grow to, in 64 KiB pages (4 GiB).
pub const MAX_PAGES: u64 = 65536;

/// Interns function types.
#[derive(Default)]
struct Types {
    section: TypeSection,
    index: HashMap<(Vec<ValType>, Vec<ValType>), u32>,
}

impl Types {
    fn get(&mut self, params: Vec<ValType>, results: Vec<ValType>) -> u32 {
        let next = self.index.len() as u32;
        *self
            .index
            .entry((params.clone(), results.clone()))
            .or_insert_with(|| {
                self.section.ty().function(params, results);
                next
            })
    }
}

/// Code generation choices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WasmOptions {
    /// Run thread loops four threads at a time with SIMD128 where their body allows it
    /// (`func/simd.rs`). Off by default: on the benchmark kernels (docs/benchmarks.md) the
    /// vector loops are still 10–20% slower than the scalar ones on x86-64 wasmtime.
    pub simd: bool,
}

/// Compiles a per-block module to a WebAssembly binary with the default options.
pub fn compile(module: &Module) -> Result<Vec<u8>, WasmError> {
    compile_with(module, &WasmOptions::default())
}

/// Compiles a per-block module to a WebAssembly binary, validated before it is returned.
pub fn compile_with(module: &Module, options: &WasmOptions) -> Result<Vec<u8>, WasmError> {
    if module.phase != Phase::PerBlock {
        return Err(WasmError::Internal(
            "the module is per-thread: run warp-to-loop before the wasm backend".to_string(),
        ));
    }
    if let Err(errors) = cwcc_simt::verify(module) {
        let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        return Err(WasmError::Internal(format!(
            "the module does not verify: {}",
            list.join("; ")
        )));
    }
    let mut data = StaticData::new(module)?;
    let mut types = Types::default();

    // Imports.
    let mut imports = ImportSection::new();
    let trap_ty = types.get(vec![ValType::I32, ValType::I32], vec![]);
    let fmod_ty = types.get(vec![ValType::F64, ValType::F64], vec![ValType::F64]);
    let printf_ty = types.get(vec![ValType::I32; 5], vec![ValType::I32]);
    let clock_ty = types.get(vec![], vec![ValType::I64]);
    imports.import("cwcc", "trap", EntityType::Function(trap_ty));
    imports.import("cwcc", "fmod", EntityType::Function(fmod_ty));
    imports.import("cwcc", "printf", EntityType::Function(printf_ty));
    imports.import("cwcc", "clock", EntityType::Function(clock_ty));
    let import_indices = Imports {
        trap: 0,
        fmod: 1,
        printf: 2,
        clock: 3,
    };

    // Globals: stack pointer and limit, shared base, block id, block and grid dims.
    let mut global_section = GlobalSection::new();
    let mut next_global = 0u32;
    let mut new_global = || {
        global_section.global(
            GlobalType {
                val_type: ValType::I32,
                mutable: true,
                shared: false,
            },
            &ConstExpr::i32_const(0),
        );
        next_global += 1;
        next_global - 1
    };
    let globals = Globals {
        stack_pointer: new_global(),
        stack_limit: new_global(),
        shared_base: new_global(),
        block_id: [new_global(), new_global(), new_global()],
        block_dim: [new_global(), new_global(), new_global()],
        grid_dim: [new_global(), new_global(), new_global()],
    };

    // SIMT functions.
    let function_count = module.functions.len() as u32;
    let func_index = |f: FuncId| IMPORTED_FUNCTIONS + f.0;
    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut frame_sizes = Vec::new();
    let mut names = NameMap::new();
    for (id, func) in module.functions.iter() {
        let mut params = Vec::new();
        for &p in &func.params {
            let repr = func
                .value_type(p)
                .and_then(|t| repr_of(module, t))
                .ok_or_else(|| {
                    WasmError::Internal(format!("parameter {p} of `{}` is not a scalar", func.name))
                })?;
            params.push(repr.val_type());
        }
        let results = match func.ret {
            Some(t) => vec![repr_of(module, t)
                .ok_or_else(|| {
                    WasmError::Internal(format!("`{}` returns an aggregate", func.name))
                })?
                .val_type()],
            None => vec![],
        };
        functions.function(types.get(params, results));
        let mut cx = ModuleContext {
            module,
            data: &mut data,
            globals: &globals,
            imports: &import_indices,
            func_index: &func_index,
            simd: options.simd,
        };
        let emitted = emit_function(&mut cx, func)?;
        code.function(&emitted.function);
        frame_sizes.push(emitted.frame_size);
        names.append(func_index(id), &func.name);
    }

    // Kernel entry points.
    let entry_ty = types.get(vec![ValType::I32; 5], vec![]);
    let mut exports = ExportSection::new();
    let mut kernels = Vec::new();
    for (k, kernel) in module.kernels.iter().enumerate() {
        let (params, record_bytes) = param_layout(module, kernel)?;
        let export = format!("kernel{k}");
        let index = IMPORTED_FUNCTIONS + function_count + k as u32;
        let entry = kernel_entry(
            module,
            kernel,
            &params,
            &globals,
            &import_indices,
            &mut data,
            func_index(kernel.function),
        )?;
        functions.function(entry_ty);
        code.function(&entry);
        exports.export(&export, ExportKind::Func, index);
        names.append(index, &format!("{export} ({})", kernel.name));
        let dynamic_shared_offset = kernel.dynamic_shared_offset;
        kernels.push(KernelManifest {
            name: kernel.name.clone(),
            export,
            params,
            launch_record_bytes: record_bytes,
            static_shared_bytes: kernel.static_shared_bytes,
            uses_dynamic_shared: kernel.uses_dynamic_shared,
            dynamic_shared_offset,
            stack_bytes: stack_bound(module, kernel.function, &frame_sizes),
            max_block_threads: max_block_threads(kernel) as u32,
        });
    }

    // `cwcc_init`: copies the static data image into memory.
    let init_index = IMPORTED_FUNCTIONS + function_count + module.kernels.len() as u32;
    let image = std::mem::take(&mut data.image);
    let mut init = WasmFunction::new([]);
    init.instruction(&I::I32Const(STATIC_BASE as i32))
        .instruction(&I::I32Const(0))
        .instruction(&I::I32Const(image.len() as i32))
        .instruction(&I::MemoryInit {
            mem: 0,
            data_index: 0,
        })
        .instruction(&I::End);
    functions.function(types.get(vec![], vec![]));
    code.function(&init);
    exports.export("cwcc_init", ExportKind::Func, init_index);
    names.append(init_index, "cwcc_init");

    let data_end = align_up(u64::from(STATIC_BASE) + image.len() as u64, 256);
    let min_pages = data_end.div_ceil(65536).max(1);
    imports.import(
        "env",
        "memory",
        EntityType::Memory(MemoryType {
            minimum: min_pages,
            maximum: Some(MAX_PAGES),
            memory64: false,
            shared: true,
            page_size_log2: None,
        }),
    );
    let manifest = Manifest {
        abi: ABI_VERSION.to_string(),
        static_base: STATIC_BASE,
        data_end: data_end as u32,
        min_pages: min_pages as u32,
        kernels,
    };
    let mut data_section = DataSection::new();
    data_section.passive(image);

    let mut wasm = wasm_encoder::Module::new();
    wasm.section(&types.section);
    wasm.section(&imports);
    wasm.section(&functions);
    wasm.section(&global_section);
    wasm.section(&exports);
    wasm.section(&DataCountSection { count: 1 });
    wasm.section(&code);
    wasm.section(&data_section);
    let mut name_section = NameSection::new();
    name_section.functions(&names);
    name_section.locals(&IndirectNameMap::new());
    wasm.section(&name_section);
    let json = manifest.to_json();
    wasm.section(&CustomSection {
        name: Cow::Borrowed(SECTION_NAME),
        data: Cow::Borrowed(json.as_bytes()),
    });
    let bytes = wasm.finish();
    validate(&bytes)?;
    Ok(bytes)
}

/// Validates a module with the features cwcc's modules use.
pub fn validate(bytes: &[u8]) -> Result<(), WasmError> {
    let features = wasmparser::WasmFeatures::default() | wasmparser::WasmFeatures::THREADS;
    wasmparser::Validator::new_with_features(features)
        .validate_all(bytes)
        .map(|_| ())
        .map_err(|e| WasmError::Internal(format!("the module does not validate: {e}")))
}

/// The stack one block of the kernel needs: its frame plus the deepest call chain, or `None`
/// with recursion.
fn stack_bound(module: &Module, kernel: FuncId, frames: &[u64]) -> Option<u64> {
    fn callees(region: &Region, out: &mut Vec<FuncId>) {
        for stmt in &region.stmts {
            match &stmt.kind {
                StmtKind::Inst {
                    inst: Inst::Call { func, .. },
                    ..
                } => out.push(*func),
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    callees(then_region, out);
                    callees(else_region, out);
                }
                StmtKind::Loop { body, continuing } => {
                    callees(body, out);
                    callees(continuing, out);
                }
                _ => {}
            }
        }
    }
    fn depth(
        module: &Module,
        f: FuncId,
        frames: &[u64],
        active: &mut Vec<FuncId>,
        memo: &mut HashMap<FuncId, u64>,
    ) -> Option<u64> {
        if let Some(&d) = memo.get(&f) {
            return Some(d);
        }
        if active.contains(&f) {
            return None;
        }
        active.push(f);
        let mut list = Vec::new();
        callees(&module.functions.get(f)?.body, &mut list);
        let mut deepest = 0u64;
        for callee in list {
            deepest = deepest.max(depth(module, callee, frames, active, memo)?);
        }
        active.pop();
        let total = frames.get(f.index()).copied().unwrap_or(0) + deepest;
        memo.insert(f, total);
        Some(total)
    }
    depth(module, kernel, frames, &mut Vec::new(), &mut HashMap::new())
}

/// The exported entry of a kernel: sets up the block's shared memory and stack, reads the
/// launch record and calls the kernel function once per block of the range.
fn kernel_entry(
    module: &Module,
    kernel: &KernelInfo,
    params: &[ParamManifest],
    globals: &Globals,
    imports: &Imports,
    data: &mut StaticData,
    kernel_function: u32,
) -> Result<WasmFunction, WasmError> {
    const LAUNCH: u32 = 0;
    const FIRST: u32 = 1;
    const END: u32 = 2;
    const SCRATCH: u32 = 3;
    const SCRATCH_SIZE: u32 = 4;
    let func = module
        .functions
        .get(kernel.function)
        .ok_or_else(|| WasmError::Internal(format!("kernel `{}` has no function", kernel.name)))?;
    let mut locals = vec![ValType::I32; 3]; // block index, gridDim.x, gridDim.y
    let block = 5;
    let grid_x = 6;
    let grid_y = 7;
    let mut param_locals = Vec::new();
    for &p in &func.params {
        let repr = func
            .value_type(p)
            .and_then(|t| repr_of(module, t))
            .ok_or_else(|| WasmError::Internal("kernel parameter type".to_string()))?;
        param_locals.push(5 + locals.len() as u32);
        locals.push(repr.val_type());
    }
    let mut f = WasmFunction::new(locals.iter().map(|&t| (1, t)));
    let m = |offset: u32, align: u32| MemArg {
        offset: u64::from(offset),
        align,
        memory_index: 0,
    };
    // The shared buffer at the start of the scratch area, the stack after it.
    f.instruction(&I::LocalGet(SCRATCH))
        .instruction(&I::GlobalSet(globals.shared_base))
        .instruction(&I::LocalGet(SCRATCH));
    if kernel.uses_dynamic_shared {
        f.instruction(&I::I32Const(kernel.dynamic_shared_offset as i32))
            .instruction(&I::LocalGet(LAUNCH))
            .instruction(&I::I32Load(m(record::DYNAMIC_SHARED, 2)))
            .instruction(&I::I32Add);
    } else {
        f.instruction(&I::I32Const(kernel.static_shared_bytes as i32));
    }
    f.instruction(&I::I32Add)
        .instruction(&I::I32Const(15))
        .instruction(&I::I32Add)
        .instruction(&I::I32Const(-16))
        .instruction(&I::I32And)
        .instruction(&I::GlobalSet(globals.stack_pointer))
        .instruction(&I::LocalGet(SCRATCH))
        .instruction(&I::LocalGet(SCRATCH_SIZE))
        .instruction(&I::I32Add)
        .instruction(&I::GlobalSet(globals.stack_limit))
        .instruction(&I::GlobalGet(globals.stack_pointer))
        .instruction(&I::GlobalGet(globals.stack_limit))
        .instruction(&I::I32GtU)
        .instruction(&I::If(BlockType::Empty));
    let message = format!(
        "kernel `{}`: the scratch area is smaller than the block's shared memory",
        kernel.name
    );
    let address = data.string(&message);
    f.instruction(&I::I32Const(address as i32))
        .instruction(&I::I32Const(message.len() as i32))
        .instruction(&I::Call(imports.trap))
        .instruction(&I::Unreachable)
        .instruction(&I::End);
    // A block larger than the per-thread arrays would overwrite the stack: refuse it.
    let message = format!(
        "kernel `{}`: a block has more than {} threads",
        kernel.name,
        max_block_threads(kernel)
    );
    let address = data.string(&message);
    for d in 0..3u32 {
        f.instruction(&I::LocalGet(LAUNCH))
            .instruction(&I::I64Load32U(m(record::BLOCK + 4 * d, 2)));
        if d > 0 {
            f.instruction(&I::I64Mul);
        }
    }
    f.instruction(&I::I64Const(max_block_threads(kernel) as i64))
        .instruction(&I::I64GtU)
        .instruction(&I::If(BlockType::Empty))
        .instruction(&I::I32Const(address as i32))
        .instruction(&I::I32Const(message.len() as i32))
        .instruction(&I::Call(imports.trap))
        .instruction(&I::Unreachable)
        .instruction(&I::End);
    // Grid and block dimensions.
    for d in 0..3u32 {
        f.instruction(&I::LocalGet(LAUNCH))
            .instruction(&I::I32Load(m(record::GRID + 4 * d, 2)))
            .instruction(&I::GlobalSet(globals.grid_dim[d as usize]))
            .instruction(&I::LocalGet(LAUNCH))
            .instruction(&I::I32Load(m(record::BLOCK + 4 * d, 2)))
            .instruction(&I::GlobalSet(globals.block_dim[d as usize]));
    }
    // Parameters.
    for ((param, info), &local) in params.iter().zip(&kernel.params).zip(&param_locals) {
        f.instruction(&I::LocalGet(LAUNCH));
        match &info.kind {
            ParamKind::ByValue(_) => {
                f.instruction(&I::I32Const(param.offset as i32))
                    .instruction(&I::I32Add)
                    .instruction(&I::I64ExtendI32U);
            }
            ParamKind::Pointer(_) => {
                f.instruction(&I::I64Load(m(param.offset, 3)));
            }
            ParamKind::Scalar(_) => {
                let inst = match param.ty.as_str() {
                    "i1" | "i8" => I::I32Load8U(m(param.offset, 0)),
                    "i16" => I::I32Load16U(m(param.offset, 1)),
                    "i32" => I::I32Load(m(param.offset, 2)),
                    "i64" => I::I64Load(m(param.offset, 3)),
                    "f32" => I::F32Load(m(param.offset, 2)),
                    _ => I::F64Load(m(param.offset, 3)),
                };
                f.instruction(&inst);
            }
        }
        f.instruction(&I::LocalSet(local));
    }
    // for (b = first; b < end; b++) run block b.
    f.instruction(&I::GlobalGet(globals.grid_dim[0]))
        .instruction(&I::LocalSet(grid_x))
        .instruction(&I::GlobalGet(globals.grid_dim[1]))
        .instruction(&I::LocalSet(grid_y))
        .instruction(&I::LocalGet(FIRST))
        .instruction(&I::LocalSet(block))
        .instruction(&I::Block(BlockType::Empty))
        .instruction(&I::Loop(BlockType::Empty))
        .instruction(&I::LocalGet(block))
        .instruction(&I::LocalGet(END))
        .instruction(&I::I32GeU)
        .instruction(&I::BrIf(1))
        .instruction(&I::LocalGet(block))
        .instruction(&I::LocalGet(grid_x))
        .instruction(&I::I32RemU)
        .instruction(&I::GlobalSet(globals.block_id[0]))
        .instruction(&I::LocalGet(block))
        .instruction(&I::LocalGet(grid_x))
        .instruction(&I::I32DivU)
        .instruction(&I::LocalGet(grid_y))
        .instruction(&I::I32RemU)
        .instruction(&I::GlobalSet(globals.block_id[1]))
        .instruction(&I::LocalGet(block))
        .instruction(&I::LocalGet(grid_x))
        .instruction(&I::LocalGet(grid_y))
        .instruction(&I::I32Mul)
        .instruction(&I::I32DivU)
        .instruction(&I::GlobalSet(globals.block_id[2]));
    for &local in &param_locals {
        f.instruction(&I::LocalGet(local));
    }
    f.instruction(&I::Call(kernel_function))
        .instruction(&I::LocalGet(block))
        .instruction(&I::I32Const(1))
        .instruction(&I::I32Add)
        .instruction(&I::LocalSet(block))
        .instruction(&I::Br(0))
        .instruction(&I::End)
        .instruction(&I::End)
        .instruction(&I::End);
    Ok(f)
}

#[cfg(test)]
mod tests;
