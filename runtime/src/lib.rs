//! The cwcc runtime: device buffers, kernel launches with typed, checked arguments, and
//! NumPy `.npy` I/O ([`npy`]), over a backend-neutral API.
//!
//! One backend exists so far: [`Backend::Interp`], the SIMT reference executor of
//! `cwcc-simt`. Every failure is a [`RuntimeError`] with a message a user understands.
//!
//! ```
//! use cwcc_runtime::{KernelArg, Runtime};
//! let module = cwcc_simt::parse_module(
//!     "module phase simt
//! fn fn0 \"fill\"(%v0: ptr<global>) {
//!   %v1: i32 = thread_id.x
//!   %v2: i64 = zext %v1
//!   %v3: i64 = const 4
//!   %v4: i64 = mul %v2, %v3
//!   %v5: ptr<global> = ptradd %v0, %v4
//!   store %v5, %v1 align 4
//!   return
//! }
//! kernel \"fill\" = fn0(\"out\": ptr<global>) static_shared 0
//! ").unwrap();
//! let mut rt = Runtime::new(module);
//! let buf = rt.alloc_zeroed(16).unwrap();
//! rt.launch("fill", [1, 1, 1], [4, 1, 1], 0, &[KernelArg::Buffer(buf)]).unwrap();
//! assert_eq!(rt.read(buf).unwrap()[4..8], 1u32.to_le_bytes());
//! ```

pub mod npy;
pub mod vulkan;
pub mod wasm;
pub mod webgpu;

use cwcc_simt::interp::{self, ArgValue, Memory};
use cwcc_simt::ir::{FloatWidth, Module, ParamKind, Type};
use std::fmt;
use std::time::{Duration, Instant};

/// The backends a [`Runtime`] can run kernels on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The SIMT reference executor (exact CUDA semantics, slow).
    Interp,
    /// WebAssembly artifacts on wasmtime, blocks spread over all cores.
    Wasm,
    /// SPIR-V on a Vulkan device (a GPU, or Mesa's lavapipe on the CPU).
    Vulkan,
    /// WGSL on a WebGPU adapter through wgpu.
    WebGpu,
}

/// A device buffer allocated by a [`Runtime`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Buffer {
    index: usize,
}

/// A kernel argument.
#[derive(Clone, Debug, PartialEq)]
pub enum KernelArg {
    /// `int`
    I32(i32),
    /// `unsigned int`
    U32(u32),
    /// `long long`
    I64(i64),
    /// `unsigned long long`, `size_t`
    U64(u64),
    /// `float`
    F32(f32),
    /// `double`
    F64(f64),
    /// A device buffer for a pointer parameter (any element type).
    Buffer(Buffer),
    /// The bytes of a struct passed by value.
    Bytes(Vec<u8>),
}

impl KernelArg {
    fn describe(&self) -> String {
        match self {
            KernelArg::I32(v) => format!("i32 {v}"),
            KernelArg::U32(v) => format!("u32 {v}"),
            KernelArg::I64(v) => format!("i64 {v}"),
            KernelArg::U64(v) => format!("u64 {v}"),
            KernelArg::F32(v) => format!("f32 {v}"),
            KernelArg::F64(v) => format!("f64 {v}"),
            KernelArg::Buffer(_) => "a buffer".to_string(),
            KernelArg::Bytes(b) => format!("{} bytes", b.len()),
        }
    }
}

/// What a launch reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaunchStats {
    /// Wall time of the kernel.
    pub elapsed: Duration,
    /// What the kernel printed with `printf`.
    pub stdout: String,
    /// Warnings about undefined behaviour that did not stop the kernel.
    pub warnings: Vec<String>,
}

/// The largest grid CUDA launches (blocks in x, y, z); larger grids are refused for every
/// backend (the SPIR-V backend relies on `gridDim.x < 2^31`).
pub const MAX_GRID: [u32; 3] = [(1 << 31) - 1, 65535, 65535];

/// Why a runtime operation failed.
#[derive(Clone, Debug, PartialEq)]
pub enum RuntimeError {
    /// No kernel of that name; the names that exist.
    NoSuchKernel {
        /// The name asked for.
        name: String,
        /// The kernels of the module.
        available: Vec<String>,
    },
    /// The number of arguments does not match the kernel's parameters.
    ArgumentCount {
        /// The kernel.
        kernel: String,
        /// Its parameter count.
        expected: usize,
        /// The argument count.
        given: usize,
    },
    /// An argument does not fit its parameter.
    ArgumentType {
        /// The kernel.
        kernel: String,
        /// The argument's position (0-based).
        index: usize,
        /// The parameter's name.
        param: String,
        /// What the parameter takes.
        expected: String,
        /// What was given.
        given: String,
    },
    /// A buffer handle from another runtime, or an allocation failure.
    Buffer(String),
    /// The kernel failed while running (out-of-bounds access, barrier divergence, …): the
    /// message names kernel, block, thread and source location.
    Launch(String),
    /// An artifact could not be loaded (not made by cwcc, wrong ABI version, invalid).
    Load(String),
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuntimeError::NoSuchKernel { name, available } => {
                write!(f, "no kernel named `{name}`")?;
                if available.is_empty() {
                    write!(f, "; the module has no kernels")
                } else {
                    write!(f, "; kernels: {}", available.join(", "))
                }
            }
            RuntimeError::ArgumentCount {
                kernel,
                expected,
                given,
            } => write!(
                f,
                "kernel `{kernel}` takes {expected} argument{}, {given} given",
                if *expected == 1 { "" } else { "s" }
            ),
            RuntimeError::ArgumentType {
                kernel,
                index,
                param,
                expected,
                given,
            } => write!(
                f,
                "argument {index} (`{param}`) of kernel `{kernel}` must be {expected}, got {given}"
            ),
            RuntimeError::Buffer(m) | RuntimeError::Launch(m) | RuntimeError::Load(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for RuntimeError {}

/// A kernel parameter as the argument checks see it, whatever the backend.
struct ParamSpec {
    name: String,
    kind: SpecKind,
}

enum SpecKind {
    Pointer,
    ByValue(u64),
    /// An integer of this many bits (1, 8, 16, 32, 64).
    Int(u32),
    F32,
    F64,
    Unsupported,
}

/// What a backend holds.
enum Device {
    Interp(Box<(Module, Memory)>),
    Wasm(Box<wasm::WasmDevice>),
    Vulkan(Box<VulkanState>),
    WebGpu(Box<WebGpuState>),
}

/// The WebGPU backend's state: the device and its heap, the per-thread module kernels are
/// compiled from, the heap offset of the module-globals area and the kernels compiled so far.
struct WebGpuState {
    device: webgpu::WebGpuDevice,
    module: Module,
    globals_base: u64,
    /// By name and whether built for distinct pointer arguments.
    kernels: std::collections::HashMap<(String, bool), cwcc_wgsl::WgslKernel>,
}

/// The Vulkan backend's state: the device, the per-thread module it compiles kernels from,
/// the device buffer of each [`Buffer`] and the kernels compiled so far.
struct VulkanState {
    device: vulkan::VulkanDevice,
    module: Module,
    buffers: Vec<vulkan::VulkanBuffer>,
    kernels: std::collections::HashMap<String, cwcc_spirv::SpirvKernel>,
}

/// A loaded module with its device memory.
pub struct Runtime {
    device: Device,
    buffers: Vec<(u64, usize)>,
}

impl Runtime {
    /// A runtime running `module` (in the `simt` phase) on the reference executor.
    pub fn new(module: Module) -> Runtime {
        Runtime {
            device: Device::Interp(Box::new((module, Memory::new()))),
            buffers: Vec::new(),
        }
    }

    /// A runtime running a `.wasm` artifact made by cwcc on wasmtime, on all cores.
    pub fn from_wasm(bytes: &[u8]) -> Result<Runtime, RuntimeError> {
        Ok(Runtime {
            device: Device::Wasm(Box::new(wasm::WasmDevice::load(bytes)?)),
            buffers: Vec::new(),
        })
    }

    /// A runtime running `module` (in the `simt` phase, math builtins linked as wanted) on
    /// the best Vulkan device of the machine; kernels are compiled to SPIR-V at first launch.
    pub fn with_vulkan(module: Module) -> Result<Runtime, RuntimeError> {
        let device = vulkan::VulkanDevice::new()
            .map_err(|e| RuntimeError::Load(format!("no usable Vulkan device: {e}")))?;
        Ok(Runtime {
            device: Device::Vulkan(Box::new(VulkanState {
                device,
                module,
                buffers: Vec::new(),
                kernels: std::collections::HashMap::new(),
            })),
            buffers: Vec::new(),
        })
    }

    /// A runtime running `module` (in the `simt` phase, math builtins linked as wanted) on
    /// the best WebGPU adapter of the machine (through wgpu); kernels are compiled to WGSL at
    /// first launch. The module's `__device__` / `__constant__` variables are placed in the
    /// device heap with their initial bytes now.
    pub fn with_webgpu(module: Module) -> Result<Runtime, RuntimeError> {
        let mut device = webgpu::WebGpuDevice::new()
            .map_err(|e| RuntimeError::Load(format!("no usable WebGPU adapter: {e}")))?;
        let globals = cwcc_wgsl::module_globals(&module);
        let globals_base = device
            .alloc(globals.size as usize)
            .map_err(RuntimeError::Buffer)?;
        device
            .write(globals_base, &globals.init)
            .map_err(RuntimeError::Buffer)?;
        Ok(Runtime {
            device: Device::WebGpu(Box::new(WebGpuState {
                device,
                module,
                globals_base,
                kernels: std::collections::HashMap::new(),
            })),
            buffers: Vec::new(),
        })
    }

    /// The name of the device kernels run on (the Vulkan device's name; `interp`, `wasm`).
    pub fn device_name(&self) -> String {
        match &self.device {
            Device::Interp(_) => "interp (reference executor)".to_string(),
            Device::Wasm(_) => "wasm (wasmtime)".to_string(),
            Device::Vulkan(state) => format!(
                "{} (Vulkan, subgroup size {})",
                state.device.name(),
                state.device.subgroup_size()
            ),
            Device::WebGpu(state) => format!(
                "{} (WebGPU through wgpu, {} timing, warps {}{})",
                state.device.name(),
                if state.device.has_timestamps() {
                    "timestamp-query"
                } else {
                    "wall-clock"
                },
                match state.device.warp_collectives() {
                    cwcc_wgsl::WarpCollectives::Workgroup => "emulated",
                    cwcc_wgsl::WarpCollectives::Subgroups => "as subgroups",
                    cwcc_wgsl::WarpCollectives::SimulatedSubgroups => "as simulated subgroups",
                },
                if state.device.soft_denormals() {
                    ", f32 subnormals emulated"
                } else {
                    ""
                }
            ),
        }
    }

    /// Limits the number of CPU threads a launch uses (the `wasm` backend; at least one).
    pub fn set_threads(&mut self, threads: usize) {
        if let Device::Wasm(device) = &mut self.device {
            device.set_workers(threads);
        }
    }

    /// Lets kernels flush `f32` subnormals to zero, as nvcc's `-ftz=true` does: on a Vulkan
    /// device or WebGPU adapter that flushes them, kernels are then compiled without the
    /// subnormal emulation (faster). Affects kernels compiled after the call; other backends
    /// keep subnormals.
    pub fn set_flush_denormals(&mut self, flush: bool) {
        match &mut self.device {
            Device::Vulkan(state) => state.device.set_flush_denormals(flush),
            Device::WebGpu(state) => state.device.set_flush_denormals(flush),
            Device::Interp(_) | Device::Wasm(_) => {}
        }
    }

    /// Whether kernels run on a GPU: a Vulkan device or WebGPU adapter that is a discrete,
    /// integrated or virtual GPU (not a CPU driver such as lavapipe).
    pub fn is_gpu(&self) -> bool {
        match &self.device {
            Device::Vulkan(state) => state.device.is_gpu(),
            Device::WebGpu(state) => state.device.is_gpu(),
            Device::Interp(_) | Device::Wasm(_) => false,
        }
    }

    /// Checks that `kernel` exists and compiles for this runtime's device now, rather than
    /// at its first launch (the Vulkan and WebGPU backends compile kernels lazily), so that a
    /// caller choosing between backends learns early that one of them cannot run it.
    pub fn prepare(&mut self, kernel: &str) -> Result<(), RuntimeError> {
        let canonical = self.canonical_kernel_name(kernel);
        let kernel = canonical.as_str();
        if self.params(kernel).is_none() {
            return Err(RuntimeError::NoSuchKernel {
                name: kernel.to_string(),
                available: self.kernels(),
            });
        }
        match &mut self.device {
            Device::Vulkan(state) => compile_vulkan(state, kernel),
            Device::WebGpu(state) => compile_webgpu(state, kernel, false),
            Device::Interp(_) | Device::Wasm(_) => Ok(()),
        }
    }

    /// The backend kernels run on.
    pub fn backend(&self) -> Backend {
        match self.device {
            Device::Interp(_) => Backend::Interp,
            Device::Wasm(_) => Backend::Wasm,
            Device::Vulkan(_) => Backend::Vulkan,
            Device::WebGpu(_) => Backend::WebGpu,
        }
    }

    /// The names of the module's kernels, in source order.
    pub fn kernels(&self) -> Vec<String> {
        match &self.device {
            Device::Interp(device) => device.0.kernels.iter().map(|k| k.name.clone()).collect(),
            Device::Vulkan(state) => state
                .module
                .kernels
                .iter()
                .map(|k| k.name.clone())
                .collect(),
            Device::WebGpu(state) => state
                .module
                .kernels
                .iter()
                .map(|k| k.name.clone())
                .collect(),
            Device::Wasm(device) => device
                .manifest()
                .kernels
                .iter()
                .map(|k| k.name.clone())
                .collect(),
        }
    }

    /// Allocates a buffer holding a copy of `bytes`.
    pub fn alloc_bytes(&mut self, bytes: &[u8]) -> Result<Buffer, RuntimeError> {
        let buffer = self.alloc_zeroed(bytes.len())?;
        self.write(buffer, bytes)?;
        Ok(buffer)
    }

    /// Allocates `len` zero bytes.
    pub fn alloc_zeroed(&mut self, len: usize) -> Result<Buffer, RuntimeError> {
        let address = match &mut self.device {
            Device::Interp(device) => device.1.alloc(len as u64).map_err(|e| {
                RuntimeError::Buffer(format!("cannot allocate a buffer of {len} bytes: {e}"))
            })?,
            Device::Wasm(device) => {
                let address = device.alloc(len as u64)?;
                // Memory is reused between launches: clear it.
                device.write(address, &vec![0u8; len])?;
                address
            }
            Device::Vulkan(state) => {
                let buffer = state.device.alloc(len).map_err(RuntimeError::Buffer)?;
                state.buffers.push(buffer);
                state
                    .device
                    .device_address(buffer)
                    .map_err(RuntimeError::Buffer)?
            }
            Device::WebGpu(state) => state.device.alloc(len).map_err(RuntimeError::Buffer)?,
        };
        self.buffers.push((address, len));
        Ok(Buffer {
            index: self.buffers.len() - 1,
        })
    }

    fn buffer(&self, buffer: Buffer) -> Result<(u64, usize), RuntimeError> {
        self.buffers
            .get(buffer.index)
            .copied()
            .ok_or_else(|| RuntimeError::Buffer("unknown buffer handle".to_string()))
    }

    /// Copies a buffer's contents to the host.
    pub fn read(&self, buffer: Buffer) -> Result<Vec<u8>, RuntimeError> {
        let (address, len) = self.buffer(buffer)?;
        if len == 0 {
            return Ok(Vec::new());
        }
        match &self.device {
            Device::Interp(device) => device
                .1
                .read(address, len)
                .map_err(|e| RuntimeError::Buffer(format!("cannot read a buffer: {e}"))),
            Device::Wasm(device) => Ok(device.read(address, len)),
            Device::Vulkan(state) => {
                let handle = state
                    .buffers
                    .get(buffer.index)
                    .copied()
                    .ok_or_else(|| RuntimeError::Buffer("unknown buffer handle".to_string()))?;
                let mut bytes = state.device.read(handle).map_err(RuntimeError::Buffer)?;
                bytes.truncate(len);
                Ok(bytes)
            }
            Device::WebGpu(state) => state
                .device
                .read(address, len)
                .map_err(RuntimeError::Buffer),
        }
    }

    /// Copies host bytes into a buffer (at most its length).
    pub fn write(&mut self, buffer: Buffer, bytes: &[u8]) -> Result<(), RuntimeError> {
        let (address, len) = self.buffer(buffer)?;
        if bytes.len() > len {
            return Err(RuntimeError::Buffer(format!(
                "cannot write {} bytes into a buffer of {len} bytes",
                bytes.len()
            )));
        }
        if bytes.is_empty() {
            return Ok(());
        }
        match &mut self.device {
            Device::Interp(device) => device
                .1
                .write(address, bytes)
                .map_err(|e| RuntimeError::Buffer(format!("cannot write a buffer: {e}"))),
            Device::Wasm(device) => device.write(address, bytes),
            Device::Vulkan(state) => {
                let handle = state
                    .buffers
                    .get(buffer.index)
                    .copied()
                    .ok_or_else(|| RuntimeError::Buffer("unknown buffer handle".to_string()))?;
                state
                    .device
                    .write(handle, bytes)
                    .map_err(RuntimeError::Buffer)
            }
            Device::WebGpu(state) => state
                .device
                .write(address, bytes)
                .map_err(RuntimeError::Buffer),
        }
    }

    /// The module's spelling of a kernel name: template instances match whatever spaces the
    /// user wrote (`fill<int,4>` names `fill<int, 4>`).
    fn canonical_kernel_name(&self, kernel: &str) -> String {
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let wanted = squash(kernel);
        self.kernels()
            .into_iter()
            .find(|k| k == kernel || squash(k) == wanted)
            .unwrap_or_else(|| kernel.to_string())
    }

    /// The parameters of a kernel, if it exists.
    fn params(&self, kernel: &str) -> Option<Vec<ParamSpec>> {
        match &self.device {
            Device::Interp(_) | Device::Vulkan(_) | Device::WebGpu(_) => {
                let module = match &self.device {
                    Device::Vulkan(state) => &state.module,
                    Device::WebGpu(state) => &state.module,
                    Device::Interp(device) => &device.0,
                    Device::Wasm(_) => return None,
                };
                let info = module.kernel(kernel)?;
                Some(
                    info.params
                        .iter()
                        .map(|p| ParamSpec {
                            name: p.name.clone(),
                            kind: match &p.kind {
                                ParamKind::Pointer(_) => SpecKind::Pointer,
                                ParamKind::ByValue(ty) => {
                                    SpecKind::ByValue(module.size_of(*ty).unwrap_or(0))
                                }
                                ParamKind::Scalar(ty) => match module.type_of(*ty) {
                                    Some(Type::Bool) => SpecKind::Int(1),
                                    Some(Type::Int(w)) => SpecKind::Int(w.bits()),
                                    Some(Type::Float(FloatWidth::F32)) => SpecKind::F32,
                                    Some(Type::Float(FloatWidth::F64)) => SpecKind::F64,
                                    _ => SpecKind::Unsupported,
                                },
                            },
                        })
                        .collect(),
                )
            }
            Device::Wasm(device) => {
                let info = device.manifest().kernel(kernel)?;
                Some(
                    info.params
                        .iter()
                        .map(|p| ParamSpec {
                            name: p.name.clone(),
                            kind: match (p.kind, p.ty.as_str()) {
                                (cwcc_wasm::manifest::ParamKind::Pointer, _) => SpecKind::Pointer,
                                (cwcc_wasm::manifest::ParamKind::ByValue, _) => {
                                    SpecKind::ByValue(u64::from(p.size))
                                }
                                (_, "i1") => SpecKind::Int(1),
                                (_, "i8") => SpecKind::Int(8),
                                (_, "i16") => SpecKind::Int(16),
                                (_, "i32") => SpecKind::Int(32),
                                (_, "i64") => SpecKind::Int(64),
                                (_, "f32") => SpecKind::F32,
                                (_, "f64") => SpecKind::F64,
                                _ => SpecKind::Unsupported,
                            },
                        })
                        .collect(),
                )
            }
        }
    }

    /// Launches `kernel` over `grid` blocks of `block` threads with `shared_bytes` of
    /// dynamic shared memory, and waits for it to finish.
    pub fn launch(
        &mut self,
        kernel: &str,
        grid: [u32; 3],
        block: [u32; 3],
        shared_bytes: u64,
        args: &[KernelArg],
    ) -> Result<LaunchStats, RuntimeError> {
        let canonical = self.canonical_kernel_name(kernel);
        let kernel = canonical.as_str();
        let Some(params) = self.params(kernel) else {
            return Err(RuntimeError::NoSuchKernel {
                name: kernel.to_string(),
                available: self.kernels(),
            });
        };
        if params.len() != args.len() {
            return Err(RuntimeError::ArgumentCount {
                kernel: kernel.to_string(),
                expected: params.len(),
                given: args.len(),
            });
        }
        let mut values = Vec::with_capacity(args.len());
        for (index, (param, arg)) in params.iter().zip(args).enumerate() {
            let mismatch = |expected: &str| RuntimeError::ArgumentType {
                kernel: kernel.to_string(),
                index,
                param: param.name.clone(),
                expected: expected.to_string(),
                given: arg.describe(),
            };
            let value = match (&param.kind, arg) {
                (SpecKind::Pointer, KernelArg::Buffer(b)) => ArgValue::Ptr(self.buffer(*b)?.0),
                (SpecKind::Pointer, _) => {
                    return Err(mismatch("a buffer (the parameter is a pointer)"))
                }
                (SpecKind::ByValue(size), KernelArg::Bytes(b)) if b.len() as u64 == *size => {
                    ArgValue::Bytes(b.clone())
                }
                (SpecKind::ByValue(size), _) => {
                    return Err(mismatch(&format!(
                        "a struct of {size} bytes passed by value"
                    )))
                }
                (SpecKind::Int(32), KernelArg::I32(v)) => ArgValue::I32(*v),
                (SpecKind::Int(32), KernelArg::U32(v)) => ArgValue::U32(*v),
                (SpecKind::Int(64), KernelArg::I64(v)) => ArgValue::I64(*v),
                (SpecKind::Int(64), KernelArg::U64(v)) => ArgValue::U64(*v),
                (SpecKind::Int(1 | 8 | 16), KernelArg::I32(v)) => ArgValue::I32(*v),
                (SpecKind::Int(1 | 8 | 16), KernelArg::U32(v)) => ArgValue::I32(*v as i32),
                (SpecKind::F32, KernelArg::F32(v)) => ArgValue::F32(*v),
                (SpecKind::F64, KernelArg::F64(v)) => ArgValue::F64(*v),
                (SpecKind::Int(32), _) => return Err(mismatch("a 32-bit integer (i32 or u32)")),
                (SpecKind::Int(64), _) => return Err(mismatch("a 64-bit integer (i64 or u64)")),
                (SpecKind::Int(_), _) => return Err(mismatch("a small integer (i32)")),
                (SpecKind::F32, _) => return Err(mismatch("an f32")),
                (SpecKind::F64, _) => return Err(mismatch("an f64")),
                (SpecKind::Unsupported, _) => {
                    return Err(mismatch("a value of an unsupported type"))
                }
            };
            values.push(value);
        }
        if grid[0] > MAX_GRID[0] || grid[1] > MAX_GRID[1] || grid[2] > MAX_GRID[2] {
            return Err(RuntimeError::Launch(format!(
                "kernel `{kernel}`: grid {}x{}x{} is larger than CUDA allows ({}x{}x{})",
                grid[0], grid[1], grid[2], MAX_GRID[0], MAX_GRID[1], MAX_GRID[2]
            )));
        }
        let start = Instant::now();
        match &mut self.device {
            Device::Vulkan(state) => {
                let elapsed = launch_vulkan(state, kernel, grid, block, shared_bytes, &values)?;
                Ok(LaunchStats {
                    elapsed,
                    stdout: String::new(),
                    warnings: Vec::new(),
                })
            }
            Device::WebGpu(state) => {
                let elapsed = launch_webgpu(state, kernel, grid, block, shared_bytes, &values)?;
                Ok(LaunchStats {
                    elapsed,
                    stdout: String::new(),
                    warnings: Vec::new(),
                })
            }
            Device::Interp(device) => {
                let (module, memory) = &mut **device;
                let report =
                    interp::launch(module, kernel, grid, block, shared_bytes, &values, memory)
                        .map_err(|e| RuntimeError::Launch(e.to_string()))?;
                Ok(LaunchStats {
                    elapsed: start.elapsed(),
                    stdout: report.stdout,
                    warnings: report.warnings,
                })
            }
            Device::Wasm(device) => {
                let info = device.manifest().kernel(kernel).cloned().ok_or_else(|| {
                    RuntimeError::NoSuchKernel {
                        name: kernel.to_string(),
                        available: Vec::new(),
                    }
                })?;
                let bytes: Vec<Vec<u8>> = values.iter().map(arg_bytes).collect();
                let record = wasm::launch_record(&info, grid, block, shared_bytes, &bytes);
                let start = Instant::now();
                let stdout = device.launch(&info, grid, block, shared_bytes, &record)?;
                Ok(LaunchStats {
                    elapsed: start.elapsed(),
                    stdout,
                    warnings: Vec::new(),
                })
            }
        }
    }
}

/// Compiles `kernel` to SPIR-V for the Vulkan device, once (the module is cached).
fn compile_vulkan(state: &mut VulkanState, kernel: &str) -> Result<(), RuntimeError> {
    if !state.kernels.contains_key(kernel) {
        let options = state.device.spirv_options();
        let compiled = cwcc_spirv::compile(&state.module, kernel, &options)
            .map_err(|e| RuntimeError::Load(e.to_string()))?;
        state.kernels.insert(kernel.to_string(), compiled);
    }
    Ok(())
}

/// Compiles `kernel` to WGSL for the WebGPU device, once per value of
/// `distinct_pointer_params` (see [`cwcc_wgsl::WgslOptions::distinct_pointer_params`]).
fn compile_webgpu(
    state: &mut WebGpuState,
    kernel: &str,
    distinct_pointer_params: bool,
) -> Result<(), RuntimeError> {
    let key = (kernel.to_string(), distinct_pointer_params);
    if !state.kernels.contains_key(&key) {
        let options = cwcc_wgsl::WgslOptions {
            distinct_pointer_params,
            ..state.device.wgsl_options()
        };
        let compiled = cwcc_wgsl::compile(&state.module, kernel, &options)
            .map_err(|e| RuntimeError::Load(e.to_string()))?;
        state.kernels.insert(key, compiled);
    }
    Ok(())
}

/// Compiles (once) and launches a kernel on the Vulkan device.
fn launch_vulkan(
    state: &mut VulkanState,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    shared_bytes: u64,
    values: &[ArgValue],
) -> Result<Duration, RuntimeError> {
    compile_vulkan(state, kernel)?;
    let Some(compiled) = state.kernels.get(kernel) else {
        return Err(RuntimeError::Load(format!(
            "kernel `{kernel}` did not compile"
        )));
    };
    let bytes: Vec<Vec<u8>> = values
        .iter()
        .zip(&compiled.params)
        .map(|(value, slot)| {
            let mut b = arg_bytes(value);
            b.truncate(slot.size as usize);
            b
        })
        .collect();
    let params = compiled
        .param_buffer(&bytes)
        .map_err(RuntimeError::Launch)?;
    state
        .device
        .launch(compiled, grid, block, shared_bytes, &params)
        .map_err(|e| RuntimeError::Launch(format!("kernel `{kernel}`: {e}")))
}

/// Compiles (once) and launches a kernel on the WebGPU device.
fn launch_webgpu(
    state: &mut WebGpuState,
    kernel: &str,
    grid: [u32; 3],
    block: [u32; 3],
    shared_bytes: u64,
    values: &[ArgValue],
) -> Result<Duration, RuntimeError> {
    // Every pointer argument is a whole buffer: different addresses are different buffers.
    let mut pointers: Vec<u64> = values
        .iter()
        .filter_map(|v| match v {
            ArgValue::Ptr(address) => Some(*address),
            _ => None,
        })
        .collect();
    let count = pointers.len();
    pointers.sort_unstable();
    pointers.dedup();
    let distinct = pointers.len() == count;
    compile_webgpu(state, kernel, distinct)?;
    let Some(compiled) = state.kernels.get(&(kernel.to_string(), distinct)) else {
        return Err(RuntimeError::Load(format!(
            "kernel `{kernel}` did not compile"
        )));
    };
    let bytes: Vec<Vec<u8>> = values
        .iter()
        .zip(&compiled.params)
        .map(|(value, slot)| {
            let mut b = arg_bytes(value);
            b.resize(slot.size as usize, 0);
            b
        })
        .collect();
    state
        .device
        .launch(
            compiled,
            grid,
            block,
            shared_bytes,
            &bytes,
            state.globals_base,
        )
        .map_err(|e| RuntimeError::Launch(format!("kernel `{kernel}`: {e}")))
}

/// The little-endian bytes of an argument as the launch record holds it.
fn arg_bytes(value: &ArgValue) -> Vec<u8> {
    match value {
        ArgValue::I32(v) => v.to_le_bytes().to_vec(),
        ArgValue::U32(v) => v.to_le_bytes().to_vec(),
        ArgValue::I64(v) => v.to_le_bytes().to_vec(),
        ArgValue::U64(v) => v.to_le_bytes().to_vec(),
        ArgValue::F32(v) => v.to_le_bytes().to_vec(),
        ArgValue::F64(v) => v.to_le_bytes().to_vec(),
        ArgValue::Ptr(v) => v.to_le_bytes().to_vec(),
        ArgValue::Bytes(b) => b.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILL: &str = "module phase simt
fn fn0 \"fill\"(%v0: ptr<global>, %v6: i32) {
  %v1: i32 = thread_id.x
  %v2: i64 = zext %v1
  %v3: i64 = const 4
  %v4: i64 = mul %v2, %v3
  %v5: ptr<global> = ptradd %v0, %v4
  store %v5, %v6 align 4
  return
}
kernel \"fill\" = fn0(\"out\": ptr<global>, \"v\": i32) static_shared 0
";

    fn runtime() -> Runtime {
        Runtime::new(cwcc_simt::parse_module(FILL).unwrap())
    }

    #[test]
    fn launches_and_reads_back() {
        let mut rt = runtime();
        let b = rt.alloc_zeroed(16).unwrap();
        rt.launch(
            "fill",
            [1, 1, 1],
            [4, 1, 1],
            0,
            &[KernelArg::Buffer(b), KernelArg::I32(7)],
        )
        .unwrap();
        assert_eq!(rt.read(b).unwrap(), [7, 0, 0, 0].repeat(4));
    }

    #[test]
    fn grids_larger_than_cuda_allows_are_refused() {
        let mut rt = runtime();
        let b = rt.alloc_zeroed(16).unwrap();
        let args = [KernelArg::Buffer(b), KernelArg::I32(7)];
        for grid in [[1 << 31, 1, 1], [1, 65536, 1], [1, 1, 65536]] {
            let e = rt.launch("fill", grid, [1, 1, 1], 0, &args).unwrap_err();
            assert!(e.to_string().contains("larger than CUDA allows"), "{e}");
        }
        assert_eq!(rt.read(b).unwrap(), [0; 16], "nothing ran");
    }

    #[test]
    fn errors_are_clear() {
        let mut rt = runtime();
        let b = rt.alloc_zeroed(8).unwrap();
        let e = rt.launch("nope", [1, 1, 1], [1, 1, 1], 0, &[]).unwrap_err();
        assert_eq!(e.to_string(), "no kernel named `nope`; kernels: fill");
        let e = rt.launch("fill", [1, 1, 1], [1, 1, 1], 0, &[]).unwrap_err();
        assert_eq!(e.to_string(), "kernel `fill` takes 2 arguments, 0 given");
        let e = rt
            .launch(
                "fill",
                [1, 1, 1],
                [1, 1, 1],
                0,
                &[KernelArg::I32(1), KernelArg::I32(1)],
            )
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("argument 0 (`out`) of kernel `fill` must be a buffer"),
            "{e}"
        );
        let e = rt
            .launch(
                "fill",
                [1, 1, 1],
                [1, 1, 1],
                0,
                &[KernelArg::Buffer(b), KernelArg::F32(1.0)],
            )
            .unwrap_err();
        assert!(e.to_string().contains("must be a 32-bit integer"), "{e}");
        // 4 threads write 16 bytes into an 8-byte buffer.
        let e = rt
            .launch(
                "fill",
                [1, 1, 1],
                [4, 1, 1],
                0,
                &[KernelArg::Buffer(b), KernelArg::I32(1)],
            )
            .unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("kernel `fill`") && m.contains("thread (2,0,0)"),
            "{m}"
        );
    }
}
