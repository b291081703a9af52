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

use cwcc_simt::interp::{self, ArgValue, Memory};
use cwcc_simt::ir::{FloatWidth, IntWidth, Module, ParamKind, Type};
use std::fmt;
use std::time::{Duration, Instant};

/// The backends a [`Runtime`] can run kernels on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The SIMT reference executor (exact CUDA semantics, slow).
    Interp,
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
            RuntimeError::Buffer(m) | RuntimeError::Launch(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for RuntimeError {}

/// A loaded module with its device memory.
pub struct Runtime {
    module: Module,
    backend: Backend,
    memory: Memory,
    buffers: Vec<(u64, usize)>,
}

impl Runtime {
    /// A runtime running `module` (in the `simt` phase) on the reference executor.
    pub fn new(module: Module) -> Runtime {
        Runtime {
            module,
            backend: Backend::Interp,
            memory: Memory::new(),
            buffers: Vec::new(),
        }
    }

    /// The backend kernels run on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The names of the module's kernels, in source order.
    pub fn kernels(&self) -> Vec<String> {
        self.module.kernels.iter().map(|k| k.name.clone()).collect()
    }

    /// Allocates a buffer holding a copy of `bytes`.
    pub fn alloc_bytes(&mut self, bytes: &[u8]) -> Result<Buffer, RuntimeError> {
        let address = if bytes.is_empty() {
            self.memory
                .alloc(0)
                .map_err(|e| RuntimeError::Buffer(format!("cannot allocate a buffer: {e}")))?
        } else {
            self.memory.alloc_bytes(bytes)
        };
        self.buffers.push((address, bytes.len()));
        Ok(Buffer {
            index: self.buffers.len() - 1,
        })
    }

    /// Allocates `len` zero bytes.
    pub fn alloc_zeroed(&mut self, len: usize) -> Result<Buffer, RuntimeError> {
        let address = self.memory.alloc(len as u64).map_err(|e| {
            RuntimeError::Buffer(format!("cannot allocate a buffer of {len} bytes: {e}"))
        })?;
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
        self.memory
            .read(address, len)
            .map_err(|e| RuntimeError::Buffer(format!("cannot read a buffer: {e}")))
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
        self.memory
            .write(address, bytes)
            .map_err(|e| RuntimeError::Buffer(format!("cannot write a buffer: {e}")))
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
        let Some(info) = self.module.kernel(kernel) else {
            return Err(RuntimeError::NoSuchKernel {
                name: kernel.to_string(),
                available: self.kernels(),
            });
        };
        if info.params.len() != args.len() {
            return Err(RuntimeError::ArgumentCount {
                kernel: kernel.to_string(),
                expected: info.params.len(),
                given: args.len(),
            });
        }
        let mut values = Vec::with_capacity(args.len());
        for (index, (param, arg)) in info.params.iter().zip(args).enumerate() {
            let mismatch = |expected: String| RuntimeError::ArgumentType {
                kernel: kernel.to_string(),
                index,
                param: param.name.clone(),
                expected,
                given: arg.describe(),
            };
            let value = match &param.kind {
                ParamKind::Pointer(_) => match arg {
                    KernelArg::Buffer(b) => ArgValue::Ptr(self.buffer(*b)?.0),
                    _ => return Err(mismatch("a buffer (the parameter is a pointer)".into())),
                },
                ParamKind::ByValue(ty) => {
                    let size = self.module.size_of(*ty).unwrap_or(0);
                    match arg {
                        KernelArg::Bytes(b) if b.len() as u64 == size => ArgValue::Bytes(b.clone()),
                        _ => {
                            return Err(mismatch(format!(
                                "a struct of {size} bytes passed by value"
                            )))
                        }
                    }
                }
                ParamKind::Scalar(ty) => {
                    let ty = self.module.type_of(*ty).cloned();
                    match (ty, arg) {
                        (Some(Type::Int(IntWidth::W32)), KernelArg::I32(v)) => ArgValue::I32(*v),
                        (Some(Type::Int(IntWidth::W32)), KernelArg::U32(v)) => ArgValue::U32(*v),
                        (Some(Type::Int(IntWidth::W64)), KernelArg::I64(v)) => ArgValue::I64(*v),
                        (Some(Type::Int(IntWidth::W64)), KernelArg::U64(v)) => ArgValue::U64(*v),
                        (
                            Some(Type::Int(IntWidth::W8 | IntWidth::W16) | Type::Bool),
                            KernelArg::I32(v),
                        ) => ArgValue::I32(*v),
                        (
                            Some(Type::Int(IntWidth::W8 | IntWidth::W16) | Type::Bool),
                            KernelArg::U32(v),
                        ) => ArgValue::I32(*v as i32),
                        (Some(Type::Float(FloatWidth::F32)), KernelArg::F32(v)) => {
                            ArgValue::F32(*v)
                        }
                        (Some(Type::Float(FloatWidth::F64)), KernelArg::F64(v)) => {
                            ArgValue::F64(*v)
                        }
                        (ty, _) => {
                            let want = match ty {
                                Some(Type::Int(IntWidth::W32)) => "a 32-bit integer (i32 or u32)",
                                Some(Type::Int(IntWidth::W64)) => "a 64-bit integer (i64 or u64)",
                                Some(Type::Int(_)) | Some(Type::Bool) => "a small integer (i32)",
                                Some(Type::Float(FloatWidth::F32)) => "an f32",
                                Some(Type::Float(FloatWidth::F64)) => "an f64",
                                _ => "a value of an unsupported type",
                            };
                            return Err(mismatch(want.to_string()));
                        }
                    }
                }
            };
            values.push(value);
        }
        let start = Instant::now();
        let report = interp::launch(
            &self.module,
            kernel,
            grid,
            block,
            shared_bytes,
            &values,
            &mut self.memory,
        )
        .map_err(|e| RuntimeError::Launch(e.to_string()))?;
        Ok(LaunchStats {
            elapsed: start.elapsed(),
            stdout: report.stdout,
            warnings: report.warnings,
        })
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
