//! The `wasm` backend: runs cwcc's WebAssembly artifacts on wasmtime, spreading a launch's
//! blocks over all cores (docs/wasm-abi.md is the contract with the artifact).
//!
//! Device memory is one WebAssembly shared memory. Each launch starts one worker per core;
//! each worker has its own wasmtime `Store` and instance (so its own stack pointer and block
//! globals) over the shared memory, a scratch area for the block's shared memory and stack,
//! and takes chunks of blocks from a common counter.

use crate::RuntimeError;
use cwcc_wasm::manifest::{record, KernelManifest, Manifest};
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use wasmtime::{Config, Engine, Linker, MemoryType, Module, SharedMemory, Store};

/// Stack per worker when the artifact cannot bound it (recursion), and extra room always.
const DEFAULT_STACK: u64 = 1 << 20;

/// A loaded artifact with its device memory.
pub struct WasmDevice {
    engine: Engine,
    module: Module,
    manifest: Manifest,
    memory: SharedMemory,
    /// The next free byte of device memory (a bump allocator).
    heap_top: u64,
    workers: usize,
    /// Time zero of the kernels' `clock()` (the `cwcc.clock` import).
    epoch: std::time::Instant,
}

/// An error raised by the `cwcc.trap` import: the kernel's own message.
#[derive(Debug)]
struct KernelTrap(String);

impl fmt::Display for KernelTrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KernelTrap {}

fn load_error(message: impl fmt::Display) -> RuntimeError {
    RuntimeError::Load(format!("cannot load the WebAssembly module: {message}"))
}

impl WasmDevice {
    /// Compiles a `.wasm` artifact made by cwcc and initializes its device memory.
    pub fn load(bytes: &[u8]) -> Result<WasmDevice, RuntimeError> {
        let manifest = Manifest::from_wasm(bytes).map_err(load_error)?;
        let mut config = Config::new();
        config.wasm_threads(true).shared_memory(true);
        let engine = Engine::new(&config).map_err(load_error)?;
        let module = Module::new(&engine, bytes).map_err(load_error)?;
        let memory = SharedMemory::new(
            &engine,
            MemoryType::shared(manifest.min_pages, cwcc_wasm::MAX_PAGES as u32),
        )
        .map_err(load_error)?;
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let device = WasmDevice {
            heap_top: u64::from(manifest.data_end),
            engine,
            module,
            manifest,
            memory,
            workers,
            epoch: std::time::Instant::now(),
        };
        // Write the static data once.
        let stdout = Arc::new(Mutex::new(String::new()));
        let (mut store, instance) = device.instantiate(&stdout)?;
        let init = instance
            .get_typed_func::<(), ()>(&mut store, "cwcc_init")
            .map_err(load_error)?;
        init.call(&mut store, ()).map_err(load_error)?;
        Ok(device)
    }

    /// The artifact's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Uses at most `workers` threads per launch (at least one).
    pub fn set_workers(&mut self, workers: usize) {
        self.workers = workers.max(1);
    }

    fn instantiate(
        &self,
        stdout: &Arc<Mutex<String>>,
    ) -> Result<(Store<()>, wasmtime::Instance), RuntimeError> {
        let mut store = Store::new(&self.engine, ());
        let mut linker: Linker<()> = Linker::new(&self.engine);
        let link = |e: wasmtime::Error| RuntimeError::Load(format!("cannot link the module: {e}"));
        linker
            .define(&store, "env", "memory", self.memory.clone())
            .map_err(link)?;
        let memory = self.memory.clone();
        linker
            .func_wrap(
                "cwcc",
                "trap",
                move |ptr: i32, len: i32| -> wasmtime::Result<()> {
                    let text = read_shared(&memory, ptr as u32 as u64, len as u32 as usize);
                    Err(wasmtime::Error::new(KernelTrap(
                        String::from_utf8_lossy(&text).into_owned(),
                    )))
                },
            )
            .map_err(link)?;
        linker
            .func_wrap("cwcc", "fmod", |a: f64, b: f64| -> f64 { a % b })
            .map_err(link)?;
        let epoch = self.epoch;
        linker
            .func_wrap("cwcc", "clock", move || -> i64 {
                i64::try_from(epoch.elapsed().as_nanos()).unwrap_or(i64::MAX)
            })
            .map_err(link)?;
        let memory = self.memory.clone();
        let out = stdout.clone();
        linker
            .func_wrap(
                "cwcc",
                "printf",
                move |fmt: i32, fmt_len: i32, types: i32, args: i32, count: i32| -> i32 {
                    let format = read_shared(&memory, fmt as u32 as u64, fmt_len as u32 as usize);
                    let format = String::from_utf8_lossy(&format).into_owned();
                    let kinds = read_shared(&memory, types as u32 as u64, count as u32 as usize);
                    let slots = read_shared(&memory, args as u32 as u64, 8 * kinds.len());
                    let text = format_printf(&memory, &format, &kinds, &slots);
                    let len = text.len() as i32;
                    if let Ok(mut out) = out.lock() {
                        out.push_str(&text);
                    }
                    len
                },
            )
            .map_err(link)?;
        let instance = linker
            .instantiate(&mut store, &self.module)
            .map_err(|e| RuntimeError::Load(format!("cannot instantiate the module: {e}")))?;
        Ok((store, instance))
    }

    /// Allocates `len` bytes of device memory (256-byte aligned), growing the memory.
    pub fn alloc(&mut self, len: u64) -> Result<u64, RuntimeError> {
        let address = self.heap_top.div_ceil(256) * 256;
        let end = address
            .checked_add(len.max(1))
            .filter(|&end| end <= cwcc_wasm::MAX_PAGES * 65536)
            .ok_or_else(|| {
                RuntimeError::Buffer(format!(
                    "cannot allocate {len} bytes: WebAssembly memory is limited to 4 GiB"
                ))
            })?;
        let pages = end.div_ceil(65536);
        let current = self.memory.size();
        if pages > current {
            self.memory
                .grow(pages - current)
                .map_err(|e| RuntimeError::Buffer(format!("cannot allocate {len} bytes: {e}")))?;
        }
        self.heap_top = end;
        Ok(address)
    }

    /// Copies bytes into device memory.
    pub fn write(&self, address: u64, bytes: &[u8]) -> Result<(), RuntimeError> {
        let data = self.memory.data();
        let start = address as usize;
        let Some(cells) = data.get(start..start + bytes.len()) else {
            return Err(RuntimeError::Buffer(
                "write outside device memory".to_string(),
            ));
        };
        for (cell, &byte) in cells.iter().zip(bytes) {
            // SAFETY: no kernel runs while the host writes (launches are synchronous), and
            // the cell is inside the memory's current size.
            unsafe { *cell.get() = byte };
        }
        Ok(())
    }

    /// Copies bytes out of device memory.
    pub fn read(&self, address: u64, len: usize) -> Vec<u8> {
        read_shared(&self.memory, address, len)
    }

    /// Runs `kernel` over the grid. `record` is the launch record (header and parameters).
    pub fn launch(
        &mut self,
        kernel: &KernelManifest,
        grid: [u32; 3],
        block: [u32; 3],
        shared_bytes: u64,
        record: &[u8],
    ) -> Result<String, RuntimeError> {
        let blocks = u64::from(grid[0]) * u64::from(grid[1]) * u64::from(grid[2]);
        let blocks = u32::try_from(blocks).map_err(|_| {
            RuntimeError::Launch(format!(
                "a grid of {blocks} blocks is more than the wasm backend runs in one launch (2^32 - 1)"
            ))
        })?;
        if blocks == 0 {
            return Ok(String::new());
        }
        let threads = u64::from(block[0]) * u64::from(block[1]) * u64::from(block[2]);
        if threads == 0 || threads > u64::from(kernel.max_block_threads) {
            return Err(RuntimeError::Launch(format!(
                "kernel `{}` runs blocks of 1 to {} threads, not {}x{}x{}",
                kernel.name, kernel.max_block_threads, block[0], block[1], block[2]
            )));
        }
        let shared = if kernel.uses_dynamic_shared {
            kernel.dynamic_shared_offset + shared_bytes
        } else {
            kernel.static_shared_bytes
        };
        let stack = kernel.stack_bytes.unwrap_or(DEFAULT_STACK) + DEFAULT_STACK / 4;
        let scratch_size = (shared.div_ceil(16) * 16 + stack).div_ceil(256) * 256;
        let scratch_size_u32 = u32::try_from(scratch_size).map_err(|_| {
            RuntimeError::Launch(format!(
                "kernel `{}` needs {scratch_size} bytes of shared memory and stack per block",
                kernel.name
            ))
        })?;
        let workers = self.workers.min(blocks as usize).max(1);
        let record_address = self.alloc(record.len() as u64)?;
        self.write(record_address, record)?;
        let mut scratch = Vec::with_capacity(workers);
        for _ in 0..workers {
            scratch.push(self.alloc(scratch_size)?);
        }
        // Chunks small enough to balance the load, large enough to amortize the counter.
        let chunk = (blocks / (workers as u32 * 8)).clamp(1, 1024);
        let next = AtomicU32::new(0);
        let stdout = Arc::new(Mutex::new(String::new()));
        let failure: Mutex<Option<RuntimeError>> = Mutex::new(None);
        let export = kernel.export.as_str();
        let name = kernel.name.as_str();
        std::thread::scope(|scope| {
            for &area in &scratch {
                let (next, stdout, failure) = (&next, &stdout, &failure);
                let this = &*self;
                scope.spawn(move || {
                    let result = this.run_worker(
                        export,
                        name,
                        record_address,
                        area,
                        scratch_size_u32,
                        blocks,
                        chunk,
                        next,
                        stdout,
                    );
                    if let Err(e) = result {
                        // Stop the other workers at their next chunk.
                        next.store(blocks, Ordering::SeqCst);
                        if let Ok(mut slot) = failure.lock() {
                            slot.get_or_insert(e);
                        }
                    }
                });
            }
        });
        // The record and scratch areas are reused by the next launch.
        self.heap_top = record_address;
        if let Some(error) = failure.into_inner().ok().flatten() {
            return Err(error);
        }
        let text = stdout.lock().map(|s| s.clone()).unwrap_or_default();
        Ok(text)
    }

    #[allow(clippy::too_many_arguments)]
    fn run_worker(
        &self,
        export: &str,
        kernel: &str,
        record: u64,
        scratch: u64,
        scratch_size: u32,
        blocks: u32,
        chunk: u32,
        next: &AtomicU32,
        stdout: &Arc<Mutex<String>>,
    ) -> Result<(), RuntimeError> {
        let (mut store, instance) = self.instantiate(stdout)?;
        let entry = instance
            .get_typed_func::<(i32, i32, i32, i32, i32), ()>(&mut store, export)
            .map_err(|e| RuntimeError::Load(format!("kernel `{kernel}`: {e}")))?;
        loop {
            let first = next.fetch_add(chunk, Ordering::SeqCst);
            if first >= blocks {
                return Ok(());
            }
            let end = first.saturating_add(chunk).min(blocks);
            entry
                .call(
                    &mut store,
                    (
                        record as i32,
                        first as i32,
                        end as i32,
                        scratch as i32,
                        scratch_size as i32,
                    ),
                )
                .map_err(|e| describe_trap(kernel, first, end, &e))?;
        }
    }
}

fn describe_trap(kernel: &str, first: u32, end: u32, error: &wasmtime::Error) -> RuntimeError {
    let what = if let Some(trap) = error.downcast_ref::<KernelTrap>() {
        trap.0.clone()
    } else if let Some(trap) = error.downcast_ref::<wasmtime::Trap>() {
        match trap {
            wasmtime::Trap::MemoryOutOfBounds => {
                "out-of-bounds memory access (outside the WebAssembly memory)".to_string()
            }
            wasmtime::Trap::IntegerDivisionByZero => "integer division by zero".to_string(),
            wasmtime::Trap::HeapMisaligned => "misaligned atomic access".to_string(),
            wasmtime::Trap::StackOverflow => "call stack overflow (deep recursion)".to_string(),
            other => other.to_string(),
        }
    } else {
        error.to_string()
    };
    let blocks = if end == first + 1 {
        format!("block {first}")
    } else {
        format!("one of blocks {first}..{end}")
    };
    RuntimeError::Launch(format!("kernel `{kernel}` failed in {blocks}: {what}"))
}

fn read_shared(memory: &SharedMemory, address: u64, len: usize) -> Vec<u8> {
    let data = memory.data();
    let start = address as usize;
    match data.get(start..start.saturating_add(len)) {
        // SAFETY: reads of plain bytes; concurrent writers can only make the bytes stale.
        Some(cells) => cells.iter().map(|c| unsafe { *c.get() }).collect(),
        None => Vec::new(),
    }
}

/// Formats a device `printf` from the artifact's 8-byte argument slots and type codes
/// (1: i32, 2: i64, 3: f64, 4: pointer, 5: f32), with the reference executor's formatter.
fn format_printf(memory: &SharedMemory, format: &str, kinds: &[u8], slots: &[u8]) -> String {
    use cwcc_simt::ir::{AddrSpace, FloatWidth, IntWidth, Type};
    let mut args = Vec::new();
    for (index, &kind) in kinds.iter().enumerate() {
        let mut slot = [0u8; 8];
        if let Some(bytes) = slots.get(8 * index..8 * index + 8) {
            slot.copy_from_slice(bytes);
        }
        let bits = u64::from_le_bytes(slot);
        args.push(match kind {
            1 => (Type::Int(IntWidth::W32), bits & 0xffff_ffff),
            2 => (Type::Int(IntWidth::W64), bits),
            3 => (Type::Float(FloatWidth::F64), bits),
            5 => (
                Type::Float(FloatWidth::F64),
                f64::from(f32::from_bits(bits as u32)).to_bits(),
            ),
            _ => (Type::Ptr(AddrSpace::Generic), bits),
        });
    }
    let mut read_byte = |address: u64| -> Result<u8, String> {
        read_shared(memory, address, 1)
            .first()
            .copied()
            .ok_or_else(|| format!("printf: address {address:#x} is outside device memory"))
    };
    cwcc_simt::interp::printf::format_printf(format, &args, &mut read_byte)
        .unwrap_or_else(|e| format!("<printf error: {e}>"))
}

/// Writes the launch record: the header of grid, block and shared size, then the parameter
/// bytes at the offsets of the manifest.
pub fn launch_record(
    kernel: &KernelManifest,
    grid: [u32; 3],
    block: [u32; 3],
    shared_bytes: u64,
    params: &[Vec<u8>],
) -> Vec<u8> {
    // A hand-made manifest may claim a record shorter than its fixed header.
    let len = (kernel.launch_record_bytes as usize).max(record::PARAMS as usize);
    let mut bytes = vec![0u8; len];
    for d in 0..3 {
        let g = (record::GRID as usize) + 4 * d;
        bytes[g..g + 4].copy_from_slice(&grid[d].to_le_bytes());
        let b = (record::BLOCK as usize) + 4 * d;
        bytes[b..b + 4].copy_from_slice(&block[d].to_le_bytes());
    }
    let s = record::DYNAMIC_SHARED as usize;
    bytes[s..s + 4].copy_from_slice(&(shared_bytes.min(u64::from(u32::MAX)) as u32).to_le_bytes());
    for (param, value) in kernel.params.iter().zip(params) {
        let start = param.offset as usize;
        let len = value.len().min(param.size as usize);
        if let (Some(slot), Some(value)) = (
            bytes.get_mut(start..start.saturating_add(len)),
            value.get(..len),
        ) {
            slot.copy_from_slice(value);
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwcc_wasm::manifest::{ParamKind, ParamManifest};

    #[test]
    fn launch_records_hold_the_header_and_parameters_even_for_odd_manifests() {
        let mut kernel = KernelManifest {
            name: "k".into(),
            export: "kernel0".into(),
            params: vec![ParamManifest {
                name: "n".into(),
                kind: ParamKind::Scalar,
                ty: "i32".into(),
                offset: 32,
                size: 4,
                align: 4,
            }],
            launch_record_bytes: 48,
            static_shared_bytes: 0,
            uses_dynamic_shared: false,
            dynamic_shared_offset: 0,
            stack_bytes: Some(0),
            max_block_threads: 1024,
        };
        let record = launch_record(
            &kernel,
            [2, 1, 1],
            [32, 1, 1],
            8,
            &[7i32.to_le_bytes().to_vec()],
        );
        assert_eq!(record.len(), 48);
        assert_eq!(record[0..4], 2u32.to_le_bytes());
        assert_eq!(record[12..16], 32u32.to_le_bytes());
        assert_eq!(record[24..28], 8u32.to_le_bytes());
        assert_eq!(record[32..36], 7i32.to_le_bytes());
        // A record length below the header and a parameter outside the record: no panic.
        kernel.launch_record_bytes = 4;
        kernel.params[0].offset = 1000;
        let record = launch_record(&kernel, [1, 1, 1], [1, 1, 1], 0, &[vec![1, 2, 3, 4]]);
        assert_eq!(record.len(), 32);
    }

    #[test]
    fn blocks_larger_than_the_per_thread_arrays_are_refused() {
        let module = cwcc_simt::parse_module(
            "module phase perblock
fn fn0 \"k\"() {
  return
}
kernel \"k\" = fn0() static_shared 0 launch_bounds 64
",
        )
        .unwrap();
        let bytes = cwcc_wasm::compile(&module).unwrap();
        let mut device = WasmDevice::load(&bytes).unwrap();
        let mut kernel = device.manifest().kernels[0].clone();
        assert_eq!(kernel.max_block_threads, 64);
        let record = launch_record(&kernel, [1, 1, 1], [128, 1, 1], 0, &[]);
        let err = device
            .launch(&kernel, [1, 1, 1], [128, 1, 1], 0, &record)
            .unwrap_err();
        assert!(
            err.to_string().contains("runs blocks of 1 to 64 threads"),
            "{err}"
        );
        // A host that skips the check (a JavaScript host, say) gets a trap, not corruption.
        kernel.max_block_threads = 4096;
        let err = device
            .launch(&kernel, [1, 1, 1], [128, 1, 1], 0, &record)
            .unwrap_err();
        assert!(
            err.to_string().contains("a block has more than 64 threads"),
            "{err}"
        );
        let record = launch_record(&kernel, [2, 1, 1], [64, 1, 1], 0, &[]);
        device
            .launch(&kernel, [2, 1, 1], [64, 1, 1], 0, &record)
            .unwrap();
    }

    #[test]
    fn loading_rejects_modules_not_made_by_cwcc() {
        let err = WasmDevice::load(b"\0asm\x01\0\0\0").err().unwrap();
        assert!(err.to_string().contains("not built by cwcc"), "{err}");
        let err = WasmDevice::load(b"garbage").err().unwrap();
        assert!(
            err.to_string().contains("not a valid WebAssembly module"),
            "{err}"
        );
    }
}
