//! The WebGPU backend: runs kernels compiled by `cwcc-wgsl` through wgpu (its Vulkan backend
//! here: a real GPU when there is one, else Mesa's lavapipe).
//!
//! Every buffer lives in **one heap** (a wgpu storage buffer) as the `cwcc_wgsl` ABI wants:
//! a [`WebGpuDevice::alloc`] is a 256-byte-aligned range of it (offset 0 is never given out,
//! so a null pointer stays null); the heap grows by copying into a larger buffer, up to the
//! smallest of the adapter's storage-binding and buffer-size limits and 1 GiB. The module's
//! `__device__` / `__constant__` variables get one heap area, written with their initial
//! bytes when the device is made for a module.
//!
//! A launch ([`WebGpuDevice::launch`]) compiles the kernel's WGSL once per kernel, makes a
//! pipeline per (kernel, block size, shared words) through override constants, splits the
//! grid into dispatches within `max_compute_workgroups_per_dimension` (each with its own
//! parameter buffer holding its block-index offset), waits, and reports the GPU time from
//! timestamp queries when the adapter has `TIMESTAMP_QUERY` (else the wall time of submit and
//! wait). wgpu's validation errors are caught with error scopes and returned as errors.
//!
//! Where the adapter has native 64-bit atomics (`SHADER_INT64` with
//! `SHADER_INT64_ATOMIC_ALL_OPS` or `_MIN_MAX`, from Vulkan's `VK_KHR_shader_atomic_int64`),
//! the device is opened with them, kernels are compiled for them
//! ([`WebGpuDevice::wgsl_options`]), and every bind group binds the heap buffer again as its
//! 64-bit views ([`cwcc_wgsl::BINDING_HEAP_U64`], [`cwcc_wgsl::BINDING_HEAP_I64`]): wgpu lets
//! one buffer be bound several times as read-write storage in one bind group.
//!
//! Where the adapter's subgroups are CUDA's warps (wgpu's `SUBGROUP` feature, subgroups of
//! exactly 32, and a probe kernel run once per adapter showing that the threads `32 * w ..
//! 32 * w + 31` of a workgroup form one subgroup in that order, for 1- and 3-D workgroups and
//! a partial last warp), the device is opened with `SUBGROUP` and warp collectives use
//! subgroup built-ins ([`cwcc_wgsl::WarpCollectives::Subgroups`]); elsewhere they are emulated
//! through workgroup memory (lavapipe's subgroups are 8 wide; asked to report 32 through
//! `LP_NATIVE_VECTOR_WIDTH=1024`, it still runs 16 threads a subgroup, which the probe sees).
//! `CWCC_WGPU_SUBGROUPS=0` turns the built-ins off, `=1` requires them (opening a device
//! without them is an error), and `CWCC_WGPU_SIMULATE_SUBGROUPS=1` runs the built-ins' code
//! with workgroup-memory stand-ins ([`cwcc_wgsl::WarpCollectives::SimulatedSubgroups`], for
//! testing it on lavapipe).

use cwcc_wgsl::{
    Atomics64, WarpCollectives, WgslKernel, WgslOptions, BINDING_HEAP_I64, BINDING_HEAP_U64,
    ENTRY_POINT, MAX_HEAP_BYTES, OVERRIDE_BLOCK_SIZE, OVERRIDE_SHARED_WORDS,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use wgpu::util::DeviceExt;

/// Alignment of heap allocations.
const HEAP_ALIGN: u64 = 256;
/// First heap size.
const INITIAL_HEAP: u64 = 1 << 20;

/// One WebGPU device with its heap and pipeline cache.
pub struct WebGpuDevice {
    device: wgpu::Device,
    queue: wgpu::Queue,
    name: String,
    /// Whether the adapter is a GPU (discrete, integrated or virtual).
    is_gpu: bool,
    limits: wgpu::Limits,
    heap: wgpu::Buffer,
    heap_capacity: u64,
    heap_used: u64,
    max_heap: u64,
    layout: wgpu::BindGroupLayout,
    pipeline_layout: wgpu::PipelineLayout,
    modules: HashMap<String, wgpu::ShaderModule>,
    pipelines: HashMap<(String, [u32; 3], u32), wgpu::ComputePipeline>,
    timestamps: Option<(wgpu::QuerySet, wgpu::Buffer, wgpu::Buffer, f32)>,
    /// The native 64-bit atomics the device was opened with.
    atomics64: Atomics64,
    /// Whether the adapter flushes `f32` subnormals (or `CWCC_WGPU_SOFT_DENORMALS=1` says to
    /// act as if), so that kernels need the emulation ([`soft_denormals_needed`]).
    emulate_denormals: bool,
    /// Whether kernels compiled from now on get the emulation (off when flushing is allowed,
    /// [`WebGpuDevice::set_flush_denormals`]).
    soft_denormals_f32: bool,
    /// How kernels compute warp collectives (see the module doc).
    warps: WarpCollectives,
}

/// An error with its chain of causes (wgpu's top-level messages are terse).
fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn adapter_rank(info: &wgpu::AdapterInfo) -> u32 {
    match info.device_type {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 3,
        wgpu::DeviceType::Cpu => 4,
    }
}

impl WebGpuDevice {
    /// Opens the best adapter of this machine (discrete > integrated > virtual > CPU).
    pub fn new() -> Result<WebGpuDevice, String> {
        // Vulkan, Metal, DX12 (and the browser's WebGPU), or what `WGPU_BACKEND` names. wgpu's
        // OpenGL backend is left out unless asked for: it cannot run storage-buffer compute
        // everywhere, and on a headless machine its EGL set-up prints errors.
        let backends = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::PRIMARY);
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends,
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapters = pollster::block_on(instance.enumerate_adapters(backends));
        let adapter = adapters
            .into_iter()
            .min_by_key(|a| adapter_rank(&a.get_info()))
            .ok_or_else(|| "wgpu found no adapter (no Vulkan driver?)".to_string())?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let timestamp = adapter.features().contains(wgpu::Features::TIMESTAMP_QUERY);
        let required_features = if timestamp {
            wgpu::Features::TIMESTAMP_QUERY
        } else {
            wgpu::Features::empty()
        };
        let atomics64 = atomics64_of(adapter.features());
        let required_features = required_features | atomics64_features(atomics64);
        // Subgroups are asked for only where they may be CUDA's warps; the probe decides.
        let subgroups_env = std::env::var("CWCC_WGPU_SUBGROUPS").ok();
        let subgroup_candidate = subgroups_env.as_deref() != Some("0")
            && adapter.features().contains(wgpu::Features::SUBGROUP)
            && info.subgroup_min_size == 32
            && info.subgroup_max_size == 32;
        let required_features = if subgroup_candidate {
            required_features | wgpu::Features::SUBGROUP
        } else {
            required_features
        };
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("cwcc"),
            required_features,
            required_limits: limits.clone(),
            ..Default::default()
        }))
        .map_err(|e| format!("wgpu: cannot open `{}`: {e}", info.name))?;
        device.on_uncaptured_error(std::sync::Arc::new(|e| {
            eprintln!("wgpu error outside an error scope: {e}");
        }));
        let emulate_denormals = soft_denormals_needed(
            std::env::var("CWCC_WGPU_SOFT_DENORMALS").ok().as_deref(),
            || cached_probe(&FLUSH_ANSWERS, &info, || flush_probe(&device, &queue)),
        );
        let probe = if subgroup_candidate {
            cached_probe(&SUBGROUP_ANSWERS, &info, || subgroup_probe(&device, &queue))
        } else {
            Ok(false)
        };
        let subgroups32 = probe == Ok(true);
        if subgroups_env.as_deref() == Some("1") && !subgroups32 {
            return Err(format!(
                "CWCC_WGPU_SUBGROUPS=1 asks for warp collectives through subgroups, but those of \
                 `{}` are not CUDA's warps (subgroup sizes {}..={}, SUBGROUP feature: {}, probe: \
                 {})",
                info.name,
                info.subgroup_min_size,
                info.subgroup_max_size,
                adapter.features().contains(wgpu::Features::SUBGROUP),
                match probe {
                    Ok(true) => "passed".to_string(),
                    Ok(false) if subgroup_candidate => "threads not in warp order".to_string(),
                    Ok(false) => "not run".to_string(),
                    Err(e) => e,
                }
            ));
        }
        let warps = if std::env::var("CWCC_WGPU_SIMULATE_SUBGROUPS").as_deref() == Ok("1") {
            WarpCollectives::SimulatedSubgroups
        } else if subgroups32 {
            WarpCollectives::Subgroups
        } else {
            WarpCollectives::Workgroup
        };
        let max_heap = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size)
            .min(MAX_HEAP_BYTES)
            / 4
            * 4;
        let heap_capacity = INITIAL_HEAP.min(max_heap);
        let heap = Self::make_heap(&device, heap_capacity);
        let storage = |binding: u32, read_only: bool| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        // The parameters are a uniform buffer: NVIDIA reads those from a constant bank,
        // where a storage buffer cost a dependent load at every kernel's start.
        let uniform = wgpu::BindGroupLayoutEntry {
            binding: 1,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let mut entries = vec![storage(0, false), uniform];
        if atomics64 != Atomics64::None {
            entries.push(storage(BINDING_HEAP_U64, false));
            entries.push(storage(BINDING_HEAP_I64, false));
        }
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("cwcc heap and parameters"),
            entries: &entries,
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("cwcc kernels"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let timestamps = timestamp.then(|| {
            let set = device.create_query_set(&wgpu::QuerySetDescriptor {
                label: Some("cwcc timestamps"),
                ty: wgpu::QueryType::Timestamp,
                count: 2,
            });
            let resolve = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("cwcc timestamp resolve"),
                size: 16,
                usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            });
            let readback = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("cwcc timestamp readback"),
                size: 16,
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            (set, resolve, readback, queue.get_timestamp_period())
        });
        Ok(WebGpuDevice {
            device,
            queue,
            name: format!("{} ({:?}, {})", info.name, info.backend, info.driver_info),
            is_gpu: adapter_rank(&info) <= 2,
            limits,
            heap,
            heap_capacity,
            heap_used: HEAP_ALIGN,
            max_heap,
            layout,
            pipeline_layout,
            modules: HashMap::new(),
            pipelines: HashMap::new(),
            timestamps,
            atomics64,
            emulate_denormals,
            soft_denormals_f32: emulate_denormals,
            warps,
        })
    }

    /// Allows (`true`) or forbids flushing `f32` subnormals to zero for kernels compiled
    /// from now on: with `true` an adapter that flushes them runs kernels without the
    /// emulation (nvcc's `-ftz=true`).
    pub fn set_flush_denormals(&mut self, flush: bool) {
        self.soft_denormals_f32 = self.emulate_denormals && !flush;
    }

    /// Whether kernels compiled now get the `f32` subnormal emulation.
    pub fn soft_denormals(&self) -> bool {
        self.soft_denormals_f32
    }

    /// How kernels compute warp collectives (see the module doc).
    pub fn warp_collectives(&self) -> WarpCollectives {
        self.warps
    }

    fn make_heap(device: &wgpu::Device, size: u64) -> wgpu::Buffer {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("cwcc heap"),
            size,
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// The adapter's name, backend and driver.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the adapter is a GPU (discrete, integrated or virtual) rather than a CPU
    /// driver or an adapter of unknown kind.
    pub fn is_gpu(&self) -> bool {
        self.is_gpu
    }

    /// How to compile kernels for this device (its native 64-bit atomics).
    pub fn wgsl_options(&self) -> WgslOptions {
        WgslOptions {
            atomics64: self.atomics64,
            soft_denormals_f32: self.soft_denormals_f32,
            warps: self.warps,
            ..WgslOptions::default()
        }
    }

    /// Whether kernel times come from GPU timestamps (else wall time).
    pub fn has_timestamps(&self) -> bool {
        self.timestamps.is_some()
    }

    fn wait(&self) -> Result<(), String> {
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: None,
                timeout: None,
            })
            .map(|_| ())
            .map_err(|e| format!("wgpu: waiting for the device failed: {e}"))
    }

    /// Allocates `len` zeroed bytes of the heap; returns their heap offset.
    pub fn alloc(&mut self, len: usize) -> Result<u64, String> {
        let size = (len as u64).max(4).div_ceil(HEAP_ALIGN) * HEAP_ALIGN;
        let start = self.heap_used;
        let end = start
            .checked_add(size)
            .filter(|end| *end <= self.max_heap)
            .ok_or_else(|| {
                format!(
                    "cannot allocate {len} bytes: the WebGPU heap is limited to {} bytes on this adapter",
                    self.max_heap
                )
            })?;
        if end > self.heap_capacity {
            let mut capacity = self.heap_capacity.max(INITIAL_HEAP);
            while capacity < end {
                capacity = capacity.saturating_mul(2);
            }
            let capacity = capacity.min(self.max_heap);
            let heap = Self::make_heap(&self.device, capacity);
            let mut encoder = self
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
            encoder.copy_buffer_to_buffer(&self.heap, 0, &heap, 0, self.heap_used);
            self.queue.submit([encoder.finish()]);
            self.wait()?;
            self.heap = heap;
            self.heap_capacity = capacity;
        }
        self.heap_used = end;
        // New buffers start zeroed (the heap may hold old data after a grow).
        self.queue
            .write_buffer(&self.heap, start, &vec![0u8; size as usize]);
        Ok(start)
    }

    /// Writes `bytes` at heap offset `offset`.
    pub fn write(&mut self, offset: u64, bytes: &[u8]) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        // wgpu copies whole words: complete the last one with the bytes already there.
        let mut data = bytes.to_vec();
        if !data.len().is_multiple_of(4) {
            let tail_start = offset + (data.len() as u64 / 4) * 4;
            let tail = self.read(tail_start, 4)?;
            let keep = data.len() % 4;
            data.extend_from_slice(tail.get(keep..4).unwrap_or(&[]));
        }
        if !offset.is_multiple_of(4) || offset + data.len() as u64 > self.heap_capacity {
            return Err(format!(
                "cannot write {} bytes at heap offset {offset}",
                bytes.len()
            ));
        }
        self.queue.write_buffer(&self.heap, offset, &data);
        Ok(())
    }

    /// Reads `len` bytes at heap offset `offset`.
    pub fn read(&self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        if len == 0 {
            return Ok(Vec::new());
        }
        let size = (len as u64).div_ceil(4) * 4;
        if !offset.is_multiple_of(4) || offset + size > self.heap_capacity {
            return Err(format!("cannot read {len} bytes at heap offset {offset}"));
        }
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("cwcc readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
        encoder.copy_buffer_to_buffer(&self.heap, offset, &staging, 0, size);
        self.queue.submit([encoder.finish()]);
        let bytes = self.map_read(&staging)?;
        Ok(bytes.get(..len).unwrap_or(&bytes).to_vec())
    }

    fn map_read(&self, buffer: &wgpu::Buffer) -> Result<Vec<u8>, String> {
        let slice = buffer.slice(..);
        let (sender, receiver) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |result| {
            let _ = sender.send(result);
        });
        self.wait()?;
        receiver
            .recv()
            .map_err(|e| format!("wgpu: mapping a buffer did not finish: {e}"))?
            .map_err(|e| format!("wgpu: cannot map a buffer: {e}"))?;
        let bytes = slice
            .get_mapped_range()
            .map_err(|e| format!("wgpu: cannot read a mapped buffer: {e}"))?
            .to_vec();
        buffer.unmap();
        Ok(bytes)
    }

    fn pipeline(
        &mut self,
        kernel: &WgslKernel,
        block: [u32; 3],
        shared_words: u32,
    ) -> Result<wgpu::ComputePipeline, String> {
        let key = (kernel.build_key(), block, shared_words);
        if let Some(p) = self.pipelines.get(&key) {
            return Ok(p.clone());
        }
        if kernel.atomics64 > self.atomics64 {
            return Err(format!(
                "kernel `{}` uses native 64-bit atomics that `{}` lacks (it needs wgpu's {})",
                kernel.name,
                self.name,
                kernel.atomics64.wgpu_features()
            ));
        }
        if !self.modules.contains_key(&kernel.build_key()) {
            let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
            let desc = wgpu::ShaderModuleDescriptor {
                label: Some(&kernel.name),
                source: wgpu::ShaderSource::Wgsl(kernel.source.as_str().into()),
            };
            let module = match shader_runtime_checks() {
                None => self.device.create_shader_module(desc),
                // SAFETY: cwcc's WGSL has no ray queries or mesh shaders; loops without
                // wgpu's iteration bound may be assumed to terminate, as C++ assumes of a
                // CUDA kernel's loops; without wgpu's own bounds checks the driver's robust
                // buffer access (which wgpu enables where the device has it) still keeps
                // accesses inside the bound buffers.
                Some(checks) => unsafe { self.device.create_shader_module_trusted(desc, checks) },
            };
            if let Some(err) = pollster::block_on(scope.pop()) {
                return Err(format!(
                    "wgpu refused the WGSL of `{}`: {}",
                    kernel.name,
                    describe(&err)
                ));
            }
            self.modules.insert(kernel.build_key(), module);
        }
        let module = self
            .modules
            .get(&kernel.build_key())
            .ok_or_else(|| format!("no shader module for `{}`", kernel.name))?;
        let mut constants = vec![
            (OVERRIDE_BLOCK_SIZE[0], f64::from(block[0])),
            (OVERRIDE_BLOCK_SIZE[1], f64::from(block[1])),
            (OVERRIDE_BLOCK_SIZE[2], f64::from(block[2])),
        ];
        if kernel.has_shared_words_override {
            constants.push((OVERRIDE_SHARED_WORDS, f64::from(shared_words)));
        }
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let pipeline = self
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(&kernel.name),
                layout: Some(&self.pipeline_layout),
                module,
                entry_point: Some(ENTRY_POINT),
                compilation_options: wgpu::PipelineCompilationOptions {
                    constants: &constants,
                    zero_initialize_workgroup_memory: false,
                },
                cache: None,
            });
        if let Some(err) = pollster::block_on(scope.pop()) {
            return Err(format!(
                "wgpu cannot make the pipeline of `{}` for block {block:?}: {}",
                kernel.name,
                describe(&err)
            ));
        }
        self.pipelines.insert(key, pipeline.clone());
        Ok(pipeline)
    }

    /// Launches `kernel` over `grid` blocks of `block` threads with `shared_bytes` of dynamic
    /// shared memory; `args` are the parameters' bytes and `globals_base` the heap offset of
    /// the module-globals area. Returns the kernel time.
    pub fn launch(
        &mut self,
        kernel: &WgslKernel,
        grid: [u32; 3],
        block: [u32; 3],
        shared_bytes: u64,
        args: &[Vec<u8>],
        globals_base: u64,
    ) -> Result<Duration, String> {
        let l = &self.limits;
        let threads = u64::from(block[0]) * u64::from(block[1]) * u64::from(block[2]);
        if threads == 0 || grid.contains(&0) {
            return Err(format!("empty launch (grid {grid:?}, block {block:?})"));
        }
        let max_dims = [
            l.max_compute_workgroup_size_x,
            l.max_compute_workgroup_size_y,
            l.max_compute_workgroup_size_z,
        ];
        if threads > u64::from(l.max_compute_invocations_per_workgroup)
            || block.iter().zip(max_dims).any(|(b, m)| *b > m)
        {
            return Err(format!(
                "block {block:?} is larger than this adapter allows ({} threads, {max_dims:?} per dimension)",
                l.max_compute_invocations_per_workgroup
            ));
        }
        let shared_words = u64::from(kernel.static_shared_words.max(1)) + shared_bytes.div_ceil(4);
        // The warp emulation's slots grow with the block; 4 bytes for the barrier counter.
        let warp_bytes = u64::from(kernel.warp_bytes_per_thread) * threads;
        let workgroup_bytes = shared_words * 4 + warp_bytes + 4;
        if workgroup_bytes > u64::from(l.max_compute_workgroup_storage_size) {
            let warp = if warp_bytes > 0 {
                format!(
                    " plus {warp_bytes} bytes for the warp collectives of {threads} threads ({} per thread)",
                    kernel.warp_bytes_per_thread
                )
            } else {
                String::new()
            };
            return Err(format!(
                "{} bytes of shared memory{warp} exceed this adapter's {} bytes per workgroup",
                shared_words * 4,
                l.max_compute_workgroup_storage_size
            ));
        }
        let globals_base = u32::try_from(globals_base)
            .map_err(|_| "the globals area lies beyond 4 GiB".to_string())?;
        let pipeline = self.pipeline(kernel, block, shared_words as u32)?;
        let max_groups = self.limits.max_compute_workgroups_per_dimension.max(1);

        // One parameter buffer and bind group per dispatch.
        let mut dispatches = Vec::new();
        for oz in (0..grid[2]).step_by(max_groups as usize) {
            for oy in (0..grid[1]).step_by(max_groups as usize) {
                for ox in (0..grid[0]).step_by(max_groups as usize) {
                    let offset = [ox, oy, oz];
                    let count = [
                        (grid[0] - ox).min(max_groups),
                        (grid[1] - oy).min(max_groups),
                        (grid[2] - oz).min(max_groups),
                    ];
                    let bytes = kernel.param_buffer(offset, grid, globals_base, args)?;
                    let params =
                        self.device
                            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                                label: Some("cwcc parameters"),
                                contents: &bytes,
                                usage: wgpu::BufferUsages::UNIFORM,
                            });
                    let mut entries = vec![
                        wgpu::BindGroupEntry {
                            binding: 0,
                            resource: self.heap.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 1,
                            resource: params.as_entire_binding(),
                        },
                    ];
                    if self.atomics64 != Atomics64::None {
                        // The same heap again, as the 64-bit views of native 64-bit atomics.
                        for binding in [BINDING_HEAP_U64, BINDING_HEAP_I64] {
                            entries.push(wgpu::BindGroupEntry {
                                binding,
                                resource: self.heap.as_entire_binding(),
                            });
                        }
                    }
                    let bind = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
                        label: None,
                        layout: &self.layout,
                        entries: &entries,
                    });
                    dispatches.push((bind, count, params));
                }
            }
        }
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
        {
            let timestamp_writes =
                self.timestamps
                    .as_ref()
                    .map(|(set, ..)| wgpu::ComputePassTimestampWrites {
                        query_set: set,
                        beginning_of_pass_write_index: Some(0),
                        end_of_pass_write_index: Some(1),
                    });
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(&kernel.name),
                timestamp_writes,
            });
            pass.set_pipeline(&pipeline);
            for (bind, count, _) in &dispatches {
                pass.set_bind_group(0, bind, &[]);
                pass.dispatch_workgroups(count[0], count[1], count[2]);
            }
        }
        if let Some((set, resolve, readback, _)) = &self.timestamps {
            encoder.resolve_query_set(set, 0..2, resolve, 0);
            encoder.copy_buffer_to_buffer(resolve, 0, readback, 0, 16);
        }
        let start = Instant::now();
        self.queue.submit([encoder.finish()]);
        self.wait()?;
        let wall = start.elapsed();
        if let Some(err) = pollster::block_on(scope.pop()) {
            return Err(format!(
                "wgpu refused the launch of `{}`: {}",
                kernel.name,
                describe(&err)
            ));
        }
        if let Some((_, _, readback, period)) = &self.timestamps {
            let bytes = self.map_read(readback)?;
            let word = |i: usize| {
                bytes
                    .get(i * 8..i * 8 + 8)
                    .and_then(|b| <[u8; 8]>::try_from(b).ok())
                    .map(u64::from_le_bytes)
                    .unwrap_or(0)
            };
            let ticks = word(1).saturating_sub(word(0));
            let nanos = ticks as f64 * f64::from(*period);
            if nanos > 0.0 {
                return Ok(Duration::from_nanos(nanos as u64));
            }
        }
        Ok(wall)
    }
}

/// The native 64-bit atomics of an adapter with `features` (each level needs `SHADER_INT64`
/// too: the kernel converts its `vec2<u32>` values to `u64` at the atomic).
fn atomics64_of(features: wgpu::Features) -> Atomics64 {
    use wgpu::Features as F;
    if !features.contains(F::SHADER_INT64) {
        Atomics64::None
    } else if features.contains(F::SHADER_INT64_ATOMIC_ALL_OPS) {
        Atomics64::AllOps
    } else if features.contains(F::SHADER_INT64_ATOMIC_MIN_MAX) {
        Atomics64::MinMax
    } else {
        Atomics64::None
    }
}

/// The wgpu features a device must be opened with for `level`.
fn atomics64_features(level: Atomics64) -> wgpu::Features {
    use wgpu::Features as F;
    match level {
        Atomics64::None => F::empty(),
        Atomics64::MinMax => F::SHADER_INT64 | F::SHADER_INT64_ATOMIC_MIN_MAX,
        Atomics64::AllOps => {
            F::SHADER_INT64 | F::SHADER_INT64_ATOMIC_MIN_MAX | F::SHADER_INT64_ATOMIC_ALL_OPS
        }
    }
}

/// Whether kernels need the `f32` subnormal emulation: `CWCC_WGPU_SOFT_DENORMALS` (`env`)
/// says so with `1` or `0`; otherwise the adapter is asked through `flushes` (the probe). An
/// adapter whose probe fails gets the emulation, which is correct everywhere.
pub fn soft_denormals_needed(
    env: Option<&str>,
    flushes: impl FnOnce() -> Result<bool, String>,
) -> bool {
    match env.map(str::trim) {
        Some("1") => true,
        Some("0") => false,
        _ => flushes().unwrap_or(true),
    }
}

/// The answers of one probe kernel, per adapter.
type ProbeAnswers = std::sync::OnceLock<std::sync::Mutex<HashMap<String, bool>>>;

/// The answers of [`flush_probe`].
static FLUSH_ANSWERS: ProbeAnswers = std::sync::OnceLock::new();
/// The answers of [`subgroup_probe`].
static SUBGROUP_ANSWERS: ProbeAnswers = std::sync::OnceLock::new();

/// A probe's answer for this adapter, run once per adapter and process (devices are made per
/// runtime); a probe that fails is asked again next time.
fn cached_probe(
    answers: &ProbeAnswers,
    info: &wgpu::AdapterInfo,
    probe: impl FnOnce() -> Result<bool, String>,
) -> Result<bool, String> {
    let key = format!(
        "{:?} {} {:x}:{:x} {}",
        info.backend, info.name, info.vendor, info.device, info.driver_info
    );
    let answers = answers.get_or_init(|| std::sync::Mutex::new(HashMap::new()));
    if let Some(answer) = answers.lock().ok().and_then(|a| a.get(&key).copied()) {
        return Ok(answer);
    }
    let answer = probe()?;
    if let Ok(mut a) = answers.lock() {
        a.insert(key, answer);
    }
    Ok(answer)
}

/// The subgroup probe's shader: each thread writes 1 where its subgroup is 32 wide, holds the
/// threads of its warp (its first lane is the thread at the start of the warp, its ballot
/// counts the warp's threads) and numbers them in order (a shuffle from lane `j` reads the
/// warp's thread `j`), for workgroups of 96 threads as 96 and 8x4x3, and of 80 as 40x2 (a
/// partial last warp). Words of a workgroup's 96 that no thread writes stay 0. (naga allows
/// `subgroup_invocation_id` only in one-dimensional workgroups; the kernels never use it.)
const SUBGROUP_PROBE_WGSL: &str = "
@group(0) @binding(0) var<storage, read_write> data: array<u32>;
fn check(t: u32, g: u32, size: u32, threads: u32) {
    let warp = t & ~31u;
    let n = min(32u, threads - warp);
    let j = ((t & 31u) + 1u) % n;
    let first = subgroupBroadcastFirst(t);
    let count = countOneBits(subgroupBallot(true).x);
    let next = subgroupShuffle(t, j);
    let ok = size == 32u && first == warp && count == n && next == warp + j;
    data[g * 96u + t] = select(0u, 1u, ok);
}
@compute @workgroup_size(96)
fn flat(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) g: vec3<u32>,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
    check(t, g.x, select(0u, size, lane == (t & 31u)), 96u);
}
@compute @workgroup_size(8, 4, 3)
fn cube(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) g: vec3<u32>,
        @builtin(subgroup_size) size: u32) {
    check(t, g.x, size, 96u);
}
@compute @workgroup_size(40, 2)
fn partial(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) g: vec3<u32>,
           @builtin(subgroup_size) size: u32) {
    check(t, g.x, size, 80u);
}
";

/// Whether the device's subgroups are CUDA's warps (see the module doc): runs each entry
/// point of [`SUBGROUP_PROBE_WGSL`] over 4 workgroups and checks what every thread wrote.
fn subgroup_probe(device: &wgpu::Device, queue: &wgpu::Queue) -> Result<bool, String> {
    const GROUPS: u32 = 4;
    for (entry, threads) in [("flat", 96), ("cube", 96), ("partial", 80)] {
        let zeros = vec![0u32; 96 * GROUPS as usize];
        let out = run_wgsl_once(device, queue, SUBGROUP_PROBE_WGSL, entry, &zeros, GROUPS)
            .map_err(|e| format!("the subgroup probe failed: {e}"))?;
        if !subgroup_probe_passed(&out, threads) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether every group of 96 words of the subgroup probe's output has 1 in its first
/// `threads` words (one per thread) and 0 after them.
fn subgroup_probe_passed(out: &[u32], threads: usize) -> bool {
    !out.is_empty()
        && out.chunks(96).all(|group| {
            group
                .iter()
                .enumerate()
                .all(|(i, &w)| w == u32::from(i < threads))
        })
}

/// The probe's shader: a subnormal (read from memory, so nothing folds it) times 1, plus 0,
/// and compared with another subnormal.
const PROBE_WGSL: &str = "
@group(0) @binding(0) var<storage, read_write> data: array<u32, 4>;
@compute @workgroup_size(1)
fn main() {
    let x = bitcast<f32>(data[0]);
    let one = bitcast<f32>(data[1]);
    let zero = bitcast<f32>(data[2]);
    let y = bitcast<f32>(data[3]);
    data[0] = bitcast<u32>(x * one);
    data[1] = bitcast<u32>(x + zero);
    data[2] = select(0u, 1u, x < y);
}
";

/// Whether the WebGPU device flushes `f32` subnormals to zero (wgpu does not say): runs
/// [`PROBE_WGSL`] once and compares the bits.
fn flush_probe(device: &wgpu::Device, queue: &wgpu::Queue) -> Result<bool, String> {
    // 2^-135 and 2^-134: subnormals.
    let x = f32::from_bits(1 << 14);
    let y = f32::from_bits(1 << 15);
    let input = [x.to_bits(), 1f32.to_bits(), 0f32.to_bits(), y.to_bits()];
    let out = run_wgsl_once(device, queue, PROBE_WGSL, "main", &input, 1)
        .map_err(|e| format!("the subnormal probe failed: {e}"))?;
    Ok(probe_says_flush(&out, x))
}

/// Runs the entry point `entry` of `source` (one read-write storage buffer `array<u32>` at
/// binding 0 of group 0, holding `data`) over `groups` workgroups and returns the buffer's
/// words afterwards.
fn run_wgsl_once(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    source: &str,
    entry: &str,
    data: &[u32],
    groups: u32,
) -> Result<Vec<u32>, String> {
    let bytes: Vec<u8> = data.iter().flat_map(|w| w.to_le_bytes()).collect();
    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(entry),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(entry),
        layout: None,
        module: &module,
        entry_point: Some(entry),
        compilation_options: Default::default(),
        cache: None,
    });
    let buffer = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(entry),
        contents: &bytes,
        usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
    });
    let readback = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("cwcc readback"),
        size: bytes.len() as u64,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    let bind = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &[wgpu::BindGroupEntry {
            binding: 0,
            resource: buffer.as_entire_binding(),
        }],
    });
    let mut encoder =
        device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: None });
    {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: None,
            timestamp_writes: None,
        });
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &bind, &[]);
        pass.dispatch_workgroups(groups, 1, 1);
    }
    encoder.copy_buffer_to_buffer(&buffer, 0, &readback, 0, bytes.len() as u64);
    queue.submit([encoder.finish()]);
    if let Some(err) = pollster::block_on(scope.pop()) {
        return Err(describe(&err));
    }
    let slice = readback.slice(..);
    let (sender, receiver) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |result| {
        let _ = sender.send(result);
    });
    device
        .poll(wgpu::PollType::Wait {
            submission_index: None,
            timeout: None,
        })
        .map_err(|e| format!("wgpu: waiting for the device failed: {e}"))?;
    receiver
        .recv()
        .map_err(|e| format!("wgpu: mapping a buffer did not finish: {e}"))?
        .map_err(|e| format!("wgpu: cannot map a buffer: {e}"))?;
    let out: Vec<u32> = slice
        .get_mapped_range()
        .map_err(|e| format!("wgpu: cannot read a mapped buffer: {e}"))?
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect();
    readback.unmap();
    Ok(out)
}

/// Whether the probe's output words (`x * 1`, `x + 0`, `x < y`) show a flush of `x`.
fn probe_says_flush(out: &[u32], x: f32) -> bool {
    out.first() != Some(&x.to_bits()) || out.get(1) != Some(&x.to_bits()) || out.get(2) != Some(&1)
}

/// Which of wgpu's shader runtime checks to add (`None`: all of them, wgpu's default).
///
/// By default only the integer division guard: wgpu's bounds checks and its bound on every
/// loop's iteration count cost 2.4x on the tiled matmul on an H100 (60.6 ms with them, 35.4 ms
/// with bounds checks alone, 25.6 ms without either), and CUDA checks neither.
/// `CWCC_WGPU_CHECKS=all|bounds|none` chooses (`bounds`: bounds checks, no loop bound).
fn shader_runtime_checks() -> Option<wgpu::ShaderRuntimeChecks> {
    // SAFETY (of `all(false)`): see the caller.
    let mut checks = unsafe { wgpu::ShaderRuntimeChecks::all(false) };
    checks.int_div_checks = true;
    match std::env::var("CWCC_WGPU_CHECKS").as_deref() {
        Ok("all") => None,
        Ok("bounds") => {
            checks.bounds_checks = true;
            Some(checks)
        }
        _ => Some(checks),
    }
}

#[cfg(test)]
mod tests {
    use crate::{KernelArg, Runtime};

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

    /// A runtime on this machine's WebGPU adapter, or `None` (with a note) without one.
    fn runtime() -> Option<Runtime> {
        let module = cwcc_simt::parse_module(FILL).unwrap();
        match Runtime::with_webgpu(module) {
            Ok(rt) => Some(rt),
            Err(e) => {
                eprintln!("skipped: {e}");
                None
            }
        }
    }

    #[test]
    fn buffers_round_trip_and_a_kernel_runs() {
        let Some(mut rt) = runtime() else { return };
        // Lengths that are not whole words keep the bytes after them.
        let a = rt.alloc_bytes(&[1, 2, 3, 4, 5, 6, 7]).unwrap();
        rt.write(a, &[9, 9, 9]).unwrap();
        assert_eq!(rt.read(a).unwrap(), vec![9, 9, 9, 4, 5, 6, 7]);
        let out = rt.alloc_zeroed(64 * 4).unwrap();
        // A grid of 3 blocks: every block writes the same 64 words.
        rt.launch(
            "fill",
            [3, 1, 1],
            [64, 1, 1],
            0,
            &[KernelArg::Buffer(out), KernelArg::I32(10)],
        )
        .unwrap();
        let bytes = rt.read(out).unwrap();
        for i in 0..64usize {
            let word = i32::from_le_bytes(bytes[i * 4..i * 4 + 4].try_into().unwrap());
            assert_eq!(word, i as i32 + 10);
        }
        // Growing the heap keeps what was there.
        let big = rt.alloc_zeroed(3 << 20).unwrap();
        assert_eq!(rt.read(a).unwrap(), vec![9, 9, 9, 4, 5, 6, 7]);
        assert_eq!(rt.read(big).unwrap().len(), 3 << 20);
    }

    #[test]
    fn bad_launches_are_errors() {
        let Some(mut rt) = runtime() else { return };
        let out = rt.alloc_zeroed(16).unwrap();
        let args = [KernelArg::Buffer(out), KernelArg::I32(0)];
        assert!(rt
            .launch("fill", [1, 1, 1], [4096, 1, 1], 0, &args)
            .is_err());
        assert!(rt
            .launch("fill", [1, 1, 1], [4, 1, 1], 1 << 30, &args)
            .is_err());
        assert!(rt.launch("nope", [1, 1, 1], [4, 1, 1], 0, &args).is_err());
    }

    /// Every thread: `old = atomicAdd(&p[0], x)` (64-bit, old value used), stored to
    /// `p[1 + tid]`, and `atomicMax(&p[9], old)` with the old value unused.
    const ADD64: &str = "module phase simt
fn fn0 \"add64\"(%v0: ptr<global>, %v1: i64) {
  %v2: i64 = atomic.add.device %v0, %v1
  %v3: i32 = thread_id.x
  %v4: i32 = const 1
  %v5: i32 = add %v3, %v4
  %v6: i64 = sext %v5
  %v7: i64 = const 8
  %v8: i64 = mul %v6, %v7
  %v9: ptr<global> = ptradd %v0, %v8
  store %v9, %v2 align 8
  %v10: i64 = const 72
  %v11: ptr<global> = ptradd %v0, %v10
  %v12: i64 = atomic.umax.device %v11, %v2
  return
}
kernel \"add64\" = fn0(\"p\": ptr<global>, \"x\": i64) static_shared 0
";

    #[test]
    fn native_64_bit_atomics_bind_the_heap_again() {
        let module = cwcc_simt::parse_module(ADD64).unwrap();
        let mut rt = match Runtime::with_webgpu(module) {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let crate::Device::WebGpu(state) = &rt.device else {
            panic!("not a WebGPU runtime")
        };
        let level = state.device.wgsl_options().atomics64;
        let start = 0xffff_fff0_ffff_fff0u64;
        let step = 0x1_8000_0001u64;
        let mut init = vec![0u8; 80];
        init[..8].copy_from_slice(&start.to_le_bytes());
        let p = rt.alloc_bytes(&init).unwrap();
        let result = rt.launch(
            "add64",
            [1, 1, 1],
            [8, 1, 1],
            0,
            &[KernelArg::Buffer(p), KernelArg::U64(step)],
        );
        if level < cwcc_wgsl::Atomics64::AllOps {
            // The compiler refuses the used old value, naming the feature.
            let err = result.unwrap_err().to_string();
            assert!(err.contains("SHADER_INT64_ATOMIC_ALL_OPS"), "{err}");
            return;
        }
        result.unwrap();
        let bytes = rt.read(p).unwrap();
        let words: Vec<u64> = bytes
            .chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(words[0], start.wrapping_add(8 * step));
        // The old values are the 8 distinct partial sums, in some order.
        let mut olds = words[1..9].to_vec();
        olds.sort_unstable();
        let mut expected: Vec<u64> = (0..8).map(|k| start.wrapping_add(k * step)).collect();
        expected.sort_unstable();
        assert_eq!(olds, expected);
        assert_eq!(words[9], *expected.last().unwrap());
    }

    /// A kernel with a warp ballot, which needs the warp emulation's slots.
    const BALLOT: &str = "module phase simt
fn fn0 \"ballot\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  %v2: i32 = const -1
  %v3: i1 = const 1
  %v4: i32 = vote.ballot %v2, %v3
  store %v0, %v4 align 4
  return
}
kernel \"ballot\" = fn0(\"out\": ptr<global>) static_shared 0
";

    #[test]
    fn warp_slots_count_against_workgroup_storage() {
        let module = cwcc_simt::parse_module(BALLOT).unwrap();
        let mut rt = match Runtime::with_webgpu(module) {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let out = rt.alloc_zeroed(4).unwrap();
        let args = [KernelArg::Buffer(out)];
        // A small block with no dynamic shared memory runs.
        rt.launch("ballot", [1, 1, 1], [32, 1, 1], 0, &args)
            .unwrap();
        assert_eq!(rt.read(out).unwrap(), vec![0xff; 4]);
        // Dynamic shared memory that fits alone, but not with the 12 bytes per thread of
        // warp slots, is a clear error rather than a wgpu validation error.
        let crate::Device::WebGpu(state) = &rt.device else {
            panic!("not a WebGPU runtime")
        };
        let limit = state.device.limits.max_compute_workgroup_storage_size;
        let threads = 256u64;
        let shared = u64::from(limit) - 64;
        let err = rt
            .launch("ballot", [1, 1, 1], [threads as u32, 1, 1], shared, &args)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("warp collectives") && err.contains(&format!("{}", 12 * threads)),
            "{err}"
        );
    }

    /// `t[tid] = in[tid]; sync; out[tid] = t[tid ^ 1]`: built without its storage barrier
    /// when `in` and `out` are different buffers, and with it when they are one buffer.
    const SWAP: &str = "module phase simt
global @g0 \"t\": [64 x i32] shared align 4
fn fn0 \"swap\"(%v0: ptr<global>, %v1: ptr<global>) {
  %v2: ptr<shared> = global_addr @g0
  %v3: i32 = thread_id.x
  %v4: i64 = zext %v3
  %v5: i64 = const 4
  %v6: i64 = mul %v4, %v5
  %v7: ptr<global> = ptradd %v0, %v6
  %v8: i32 = load %v7 align 4
  %v9: ptr<shared> = ptradd %v2, %v6
  store %v9, %v8 align 4
  barrier
  %v10: i32 = const 1
  %v11: i32 = xor %v3, %v10
  %v12: i64 = zext %v11
  %v13: i64 = mul %v12, %v5
  %v14: ptr<shared> = ptradd %v2, %v13
  %v15: i32 = load %v14 align 4
  %v16: ptr<global> = ptradd %v1, %v6
  store %v16, %v15 align 4
  return
}
kernel \"swap\" = fn0(\"in\": ptr<global>, \"out\": ptr<global>) static_shared 256
";

    #[test]
    fn aliased_buffers_get_the_build_with_storage_barriers() {
        let module = cwcc_simt::parse_module(SWAP).unwrap();
        let mut rt = match Runtime::with_webgpu(module) {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let words: Vec<u8> = (0..8i32).flat_map(i32::to_le_bytes).collect();
        let a = rt.alloc_bytes(&words).unwrap();
        let b = rt.alloc_zeroed(32).unwrap();
        let swapped: Vec<u8> = [1, 0, 3, 2, 5, 4, 7, 6]
            .iter()
            .flat_map(|x: &i32| x.to_le_bytes())
            .collect();
        let block = [8, 1, 1];
        let args = [KernelArg::Buffer(a), KernelArg::Buffer(b)];
        rt.launch("swap", [1, 1, 1], block, 0, &args).unwrap();
        assert_eq!(rt.read(b).unwrap(), swapped);
        let in_place = [KernelArg::Buffer(a), KernelArg::Buffer(a)];
        rt.launch("swap", [1, 1, 1], block, 0, &in_place).unwrap();
        assert_eq!(rt.read(a).unwrap(), swapped);
        let crate::Device::WebGpu(state) = &rt.device else {
            panic!("not a WebGPU runtime")
        };
        let barriers = |distinct: bool| {
            let k = &state.kernels[&("swap".to_string(), distinct)];
            k.source.matches("storageBarrier()").count()
        };
        assert_eq!((barriers(true), barriers(false)), (0, 1));
    }

    /// Every warp collective, for [`wgpu_accepts_the_subgroup_warp_code`].
    const COLLECTIVES: &str = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  %v2: i32 = const -1
  %v3: i1 = const 1
  %v4: i64 = zext %v1
  %v6: i32 = const 32
  %v7: i32 = shfl.idx %v2, %v1, %v1, %v6
  %v8: i64 = shfl.down %v2, %v4, %v1, %v6
  %v9: i32 = vote.ballot %v2, %v3
  %v10: i1 = vote.all %v2, %v3
  %v11: i32 = match.any %v2, %v4
  %v12: i32 = reduce.add %v2, %v1
  %v13: i32 = reduce.smin %v2, %v1
  %v14: i32 = zext %v10
  %v15: i32 = add %v7, %v9
  %v16: i32 = add %v15, %v11
  %v17: i32 = add %v16, %v12
  %v18: i32 = add %v17, %v13
  %v19: i32 = add %v18, %v14
  %v20: i64 = zext %v19
  %v21: i64 = add %v20, %v8
  store %v0, %v21 align 8
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";

    /// The subgroup code that NVIDIA's adapter gets (built-ins, no workgroup memory) passes
    /// wgpu's own shader and pipeline validation on this machine's adapter when it has the
    /// `SUBGROUP` feature (lavapipe does, with 8-wide subgroups, so the code is not run).
    #[test]
    fn wgpu_accepts_the_subgroup_warp_code() {
        let module = cwcc_simt::parse_module(COLLECTIVES).unwrap();
        let opts = cwcc_wgsl::WgslOptions {
            warps: cwcc_wgsl::WarpCollectives::Subgroups,
            ..cwcc_wgsl::WgslOptions::default()
        };
        let kernel = cwcc_wgsl::compile(&module, "k", &opts).unwrap();
        assert!(
            kernel.source.contains("subgroupShuffle("),
            "{}",
            kernel.source
        );
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
            backends: wgpu::Backends::PRIMARY,
            ..wgpu::InstanceDescriptor::new_without_display_handle()
        });
        let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::PRIMARY));
        let Some(adapter) = adapters
            .into_iter()
            .find(|a| a.features().contains(wgpu::Features::SUBGROUP))
        else {
            eprintln!("skipped: no adapter with wgpu's SUBGROUP feature");
            return;
        };
        let (device, _queue) =
            pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
                label: None,
                required_features: wgpu::Features::SUBGROUP,
                ..Default::default()
            }))
            .unwrap();
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("k"),
            source: wgpu::ShaderSource::Wgsl(kernel.source.as_str().into()),
        });
        let constants = [
            (super::OVERRIDE_BLOCK_SIZE[0], 64.0),
            (super::OVERRIDE_BLOCK_SIZE[1], 1.0),
            (super::OVERRIDE_BLOCK_SIZE[2], 1.0),
        ];
        let _pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("k"),
            layout: None,
            module: &shader,
            entry_point: Some(super::ENTRY_POINT),
            compilation_options: wgpu::PipelineCompilationOptions {
                constants: &constants,
                zero_initialize_workgroup_memory: false,
            },
            cache: None,
        });
        if let Some(err) = pollster::block_on(scope.pop()) {
            panic!("{}\n{}", super::describe(&err), kernel.source);
        }
    }

    #[test]
    fn the_subgroup_probe_passes_only_warps_in_order() {
        use super::subgroup_probe_passed;
        let good: Vec<u32> = (0..192).map(|i| u32::from(i % 96 < 80)).collect();
        assert!(subgroup_probe_passed(&good, 80));
        assert!(!subgroup_probe_passed(&good, 96), "a thread wrote nothing");
        let mut bad = good.clone();
        bad[100] = 0;
        assert!(
            !subgroup_probe_passed(&bad, 80),
            "a thread saw another order"
        );
        assert!(!subgroup_probe_passed(&[], 80));
    }

    #[test]
    fn a_probe_that_sees_a_flush_turns_the_emulation_on() {
        use super::{probe_says_flush, soft_denormals_needed};
        assert!(soft_denormals_needed(None, || Ok(true)));
        assert!(!soft_denormals_needed(None, || Ok(false)));
        // A probe that cannot run: the emulation, correct everywhere.
        assert!(soft_denormals_needed(None, || Err("no probe".into())));
        // The environment overrides the probe.
        assert!(soft_denormals_needed(Some("1"), || Ok(false)));
        assert!(!soft_denormals_needed(Some("0"), || Ok(true)));
        assert!(soft_denormals_needed(Some("maybe"), || Ok(true)));
        let x = f32::from_bits(1 << 14);
        let kept = [x.to_bits(), x.to_bits(), 1, 0];
        assert!(!probe_says_flush(&kept, x));
        for flushed in [
            [0, x.to_bits(), 1, 0],
            [x.to_bits(), 0, 1, 0],
            [x.to_bits(), x.to_bits(), 0, 0],
        ] {
            assert!(probe_says_flush(&flushed, x), "{flushed:?}");
        }
    }

    #[test]
    fn the_probe_runs_and_flushing_can_be_allowed() {
        let mut device = match super::WebGpuDevice::new() {
            Ok(device) => device,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let flushes = super::flush_probe(&device.device, &device.queue).unwrap();
        // lavapipe keeps subnormals (NVIDIA's driver flushes them).
        if device.name().contains("llvmpipe") {
            assert!(!flushes, "{}", device.name());
        }
        if std::env::var("CWCC_WGPU_SOFT_DENORMALS").is_err() {
            assert_eq!(device.soft_denormals(), flushes);
        }
        device.set_flush_denormals(true);
        assert!(!device.soft_denormals());
        device.set_flush_denormals(false);
        assert_eq!(device.soft_denormals(), device.emulate_denormals);
    }

    /// The exact-path helpers of the subnormal emulation (`c_add`, `c_sub`, `c_mul`, see
    /// `cwcc_wgsl::softfloat`) give Rust's IEEE results bit for bit, for every kind of
    /// operand: they are run directly, since the emulation calls them only where a check
    /// fails (which on a device that keeps subnormals is only for tiny results).
    #[test]
    fn the_exact_add_sub_and_mul_helpers_round_as_ieee() {
        let device = match super::WebGpuDevice::new() {
            Ok(device) => device,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let prelude = cwcc_wgsl::prelude::prelude(&cwcc_wgsl::prelude::PreludeConfig {
            heap_atomic: false,
            shared_atomic: false,
            heap_atomic64: false,
            heap_cas64: false,
            shared_words: 1,
            local_words: 1,
            param_bytes: 16,
        });
        let source = format!(
            "{prelude}
@compute @workgroup_size(64)
fn exact_ops(@builtin(global_invocation_id) g: vec3<u32>) {{
    let i = 5u * g.x;
    let a = bitcast<f32>(heap[i]);
    let b = bitcast<f32>(heap[i + 1u]);
    heap[i + 2u] = bitcast<u32>(c_add(a, b));
    heap[i + 3u] = bitcast<u32>(c_sub(a, b));
    heap[i + 4u] = bitcast<u32>(c_mul(a, b));
}}
"
        );
        let specials = [
            0.0f32,
            -0.0,
            1.0,
            -1.0,
            1.5,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            f32::MAX,
            -f32::MAX,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            1.0e-45,
            -1.0e-45,
            1.5e-39,
            -3.0e-39,
            1.0e-20,
            1.0e20,
            3.0e19,
        ];
        let mut pairs: Vec<(f32, f32)> = Vec::new();
        for &a in &specials {
            for &b in &specials {
                pairs.push((a, b));
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 16) as u32
        };
        while pairs.len() < 64 * 1024 {
            let a = next();
            let b = match pairs.len() % 4 {
                // Near a: cancellation and exponent differences of a few bits.
                0 => a ^ (next() & 0x01ff_ffff),
                // Small exponents: subnormal operands and results.
                1 => (next() & 0x8fff_ffff) % 0x9000_0000,
                2 => (a & 0x807f_ffff) | ((253 - ((a >> 23) & 0xff).min(252)) << 23),
                _ => next(),
            };
            let a = if pairs.len() % 8 == 1 {
                a & 0x83ff_ffff
            } else {
                a
            };
            pairs.push((f32::from_bits(a), f32::from_bits(b)));
        }
        let data: Vec<u32> = pairs
            .iter()
            .flat_map(|(a, b)| [a.to_bits(), b.to_bits(), 0, 0, 0])
            .collect();
        let out = super::run_wgsl_once(
            &device.device,
            &device.queue,
            &source,
            "exact_ops",
            &data,
            (pairs.len() / 64) as u32,
        )
        .unwrap();
        let same = |got: u32, want: f32| {
            (f32::from_bits(got).is_nan() && want.is_nan()) || got == want.to_bits()
        };
        let mut bad = Vec::new();
        for (i, (a, b)) in pairs.iter().copied().enumerate() {
            for (k, what, want) in [(2, "+", a + b), (3, "-", a - b), (4, "*", a * b)] {
                let got = out[5 * i + k];
                if !same(got, want) {
                    bad.push(format!(
                        "{a:e} [{:08x}] {what} {b:e} [{:08x}] = {:e} [{got:08x}], want {want:e} [{:08x}]",
                        a.to_bits(),
                        b.to_bits(),
                        f32::from_bits(got),
                        want.to_bits()
                    ));
                }
            }
        }
        assert!(
            bad.is_empty(),
            "{} of {} differ:\n{}",
            bad.len(),
            pairs.len() * 3,
            bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}
