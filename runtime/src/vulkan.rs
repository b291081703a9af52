//! The Vulkan backend: runs kernels compiled by `cwcc-spirv` through ash.
//!
//! The Vulkan loader is opened at run time ([`ash::Entry::load`]), never linked, so a machine
//! without Vulkan gets a clear error from [`VulkanDevice::new`] instead of failing to start.
//! The device chosen is the first discrete GPU, else integrated, else virtual, else CPU
//! (lavapipe) that supports Vulkan 1.2 with `bufferDeviceAddress`.
//!
//! Buffers live in host-visible, host-coherent memory (simple first: no staging copies) with
//! the `SHADER_DEVICE_ADDRESS` usage; kernels reach them through 64-bit device addresses.
//! A launch ([`VulkanDevice::launch`]) follows the ABI documented in `cwcc_spirv`: it writes
//! the parameter buffer and a fresh globals buffer (so `__device__` variables start from
//! their initializers at every launch), takes a pipeline from a cache keyed by
//! (module, block size, dynamic shared words), splits the grid into dispatches no larger
//! than `maxComputeWorkGroupCount`, waits, and reports the GPU time from timestamp queries
//! when the queue supports them (else the wall time).
//!
//! With `CWCC_VULKAN_VALIDATION=1` (or [`VulkanDevice::with_validation`]) and
//! `VK_LAYER_KHRONOS_validation` installed, the layer checks every call; its error messages
//! are collected through a `VK_EXT_debug_utils` messenger and a launch that caused any fails
//! with them.

use ash::vk;
use cwcc_spirv::{SpirvKernel, PUSH_CONSTANT_BYTES, SPEC_BLOCK_SIZE, SPEC_DYNAMIC_SHARED_WORDS};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A buffer allocated on a [`VulkanDevice`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VulkanBuffer(usize);

struct Allocation {
    buffer: vk::Buffer,
    memory: vk::DeviceMemory,
    /// The usable length (what the caller asked for).
    len: usize,
    address: u64,
    /// The host mapping, or null for device-only memory (reached through staging copies).
    mapped: *mut u8,
}

struct PipelineEntry {
    module: vk::ShaderModule,
    layout: vk::PipelineLayout,
    pipeline: vk::Pipeline,
}

/// The messages the validation layer reported (errors only), filled by [`debug_callback`].
type MessageLog = std::sync::Mutex<Vec<String>>;

/// The Khronos validation layer's messenger and where it writes.
struct Validation {
    loader: ash::ext::debug_utils::Instance,
    messenger: vk::DebugUtilsMessengerEXT,
    /// Boxed so the address handed to the layer stays fixed.
    log: Box<MessageLog>,
}

/// Collects validation errors into the [`MessageLog`] that `user_data` points to.
unsafe extern "system" fn debug_callback(
    severity: vk::DebugUtilsMessageSeverityFlagsEXT,
    _types: vk::DebugUtilsMessageTypeFlagsEXT,
    data: *const vk::DebugUtilsMessengerCallbackDataEXT<'_>,
    user_data: *mut std::ffi::c_void,
) -> vk::Bool32 {
    if severity.contains(vk::DebugUtilsMessageSeverityFlagsEXT::ERROR)
        && !data.is_null()
        && !user_data.is_null()
    {
        // SAFETY: the layer passes valid callback data for the duration of the call, and
        // `user_data` is the `MessageLog` that outlives the messenger.
        let (message, log) = unsafe {
            (
                (*data)
                    .message_as_c_str()
                    .map(|m| m.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "(no message)".to_string()),
                &*(user_data as *const MessageLog),
            )
        };
        if let Ok(mut log) = log.lock() {
            log.push(message);
        }
    }
    vk::FALSE
}

/// The subgroup probe: thread `t` (linear index) stores `__shfl_sync(~0, t, lane ^ 1)` and
/// `__ballot_sync(~0, 1)` at words `2t` and `2t + 1`; where subgroups are warps that is
/// `t ^ 1` and the bits of the warp's threads.
const SUBGROUP_PROBE_SIMT: &str = "module phase simt
fn fn0 \"probe\"(%v0: ptr<global>) {
  %v1: i32 = thread_id.x
  %v2: i32 = thread_id.y
  %v3: i32 = thread_id.z
  %v4: i32 = block_dim.x
  %v5: i32 = block_dim.y
  %v6: i32 = mul %v3, %v5
  %v7: i32 = add %v6, %v2
  %v8: i32 = mul %v7, %v4
  %v9: i32 = add %v8, %v1
  %v10: i32 = lane_id
  %v11: i32 = const 1
  %v12: i32 = xor %v10, %v11
  %v13: i32 = const -1
  %v14: i32 = const 32
  %v15: i32 = shfl.idx %v13, %v9, %v12, %v14
  %v16: i1 = const 1
  %v17: i32 = vote.ballot %v13, %v16
  %v18: i64 = zext %v9
  %v19: i64 = const 8
  %v20: i64 = mul %v18, %v19
  %v21: ptr<global> = ptradd %v0, %v20
  store %v21, %v15 align 4
  %v22: i64 = const 4
  %v23: ptr<global> = ptradd %v21, %v22
  store %v23, %v17 align 4
  return
}
kernel \"probe\" = fn0(\"out\": ptr<global>) static_shared 0
";

/// One Vulkan device with its queue, buffers and pipeline cache.
pub struct VulkanDevice {
    validation: Option<Validation>,
    _entry: ash::Entry,
    instance: ash::Instance,
    device: ash::Device,
    queue: vk::Queue,
    command_pool: vk::CommandPool,
    memory_type: u32,
    /// Where `write` and `read` stage their copies when buffers live in memory the host
    /// cannot map (discrete GPUs); `None` when buffers are mapped directly.
    staging_type: Option<u32>,
    name: String,
    /// Whether the device is a GPU (discrete, integrated or virtual), not a CPU driver.
    is_gpu: bool,
    subgroup_size: u32,
    /// Pipelines can require subgroups of 32 (`VK_EXT_subgroup_size_control` / Vulkan 1.3).
    subgroup_32: bool,
    /// Pipelines can require full subgroups (`computeFullSubgroups`).
    full_subgroups: bool,
    /// `VK_KHR_shader_clock` with `shaderSubgroupClock` is enabled.
    shader_clock: bool,
    /// `CWCC_VK_PIPELINE_STATS=1` and the device has `VK_KHR_pipeline_executable_properties`:
    /// each new pipeline's statistics (registers, shared memory, ...) go to stderr.
    pipeline_stats: Option<ash::khr::pipeline_executable_properties::Device>,
    /// How to compile kernels for this device.
    spirv_options: cwcc_spirv::SpirvOptions,
    /// The device flushes f32 subnormals, so kernels get the emulation unless the user
    /// allows flushing ([`VulkanDevice::set_flush_denormals`]).
    emulate_denormals: bool,
    limits: vk::PhysicalDeviceLimits,
    timestamps: bool,
    buffers: Vec<Option<Allocation>>,
    pipelines: HashMap<(u64, [u32; 3], u32), PipelineEntry>,
}

fn vk_err(what: &str) -> impl Fn(vk::Result) -> String + '_ {
    move |e| format!("Vulkan: {what} failed: {e}")
}

/// Writes a pipeline's executable statistics (as the driver names them: registers, shared
/// memory, instruction counts, ...) to stderr, one line per executable: the Vulkan
/// counterpart of `nvcc --resource-usage`.
fn report_pipeline_statistics(
    stats: &ash::khr::pipeline_executable_properties::Device,
    pipeline: vk::Pipeline,
    kernel: &str,
    block: [u32; 3],
) {
    let info = vk::PipelineInfoKHR::default().pipeline(pipeline);
    // SAFETY: the pipeline was created with CAPTURE_STATISTICS on a device with the feature.
    let Ok(executables) = (unsafe { stats.get_pipeline_executable_properties(&info) }) else {
        eprintln!("cwcc: {kernel}: the driver gave no pipeline executables");
        return;
    };
    for (index, executable) in executables.iter().enumerate() {
        let name = executable
            .name_as_c_str()
            .map(|n| n.to_string_lossy().into_owned());
        let exec_info = vk::PipelineExecutableInfoKHR::default()
            .pipeline(pipeline)
            .executable_index(index as u32);
        // SAFETY: as above; `index` is below the count the driver returned.
        let values =
            unsafe { stats.get_pipeline_executable_statistics(&exec_info) }.unwrap_or_default();
        let fields: Vec<String> = values
            .iter()
            .map(|v| {
                let name = v
                    .name_as_c_str()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                // SAFETY: `format` says which member of the union the driver wrote.
                let value = unsafe {
                    match v.format {
                        vk::PipelineExecutableStatisticFormatKHR::BOOL32 => {
                            (v.value.b32 != 0).to_string()
                        }
                        vk::PipelineExecutableStatisticFormatKHR::INT64 => v.value.i64.to_string(),
                        vk::PipelineExecutableStatisticFormatKHR::UINT64 => v.value.u64.to_string(),
                        vk::PipelineExecutableStatisticFormatKHR::FLOAT64 => {
                            v.value.f64.to_string()
                        }
                        _ => "?".to_string(),
                    }
                };
                format!("{name}={value}")
            })
            .collect();
        eprintln!(
            "cwcc: pipeline stats: {kernel} block {}x{}x{} [{}]: {}",
            block[0],
            block[1],
            block[2],
            name.unwrap_or_default(),
            fields.join(", ")
        );
    }
}

fn hash_words(words: &[u32]) -> u64 {
    // FNV-1a over the words.
    words.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, w| {
        (h ^ u64::from(*w)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl VulkanDevice {
    /// Allows (`true`) or forbids flushing `f32` subnormals to zero for kernels compiled
    /// from now on: with `true` a device that flushes them runs kernels without the
    /// emulation (nvcc's `-ftz=true`).
    pub fn set_flush_denormals(&mut self, flush: bool) {
        self.spirv_options.soft_denormals_f32 = self.emulate_denormals && !flush;
    }

    /// Opens the best Vulkan 1.2 device of this machine (see the module docs). Enables the
    /// Khronos validation layer when `CWCC_VULKAN_VALIDATION=1` is set and the layer exists.
    pub fn new() -> Result<VulkanDevice, String> {
        let validation = std::env::var("CWCC_VULKAN_VALIDATION").is_ok_and(|v| v == "1");
        VulkanDevice::with_validation(validation)
    }

    /// As [`VulkanDevice::new`], enabling `VK_LAYER_KHRONOS_validation` when `validation` is
    /// true and the layer is installed.
    pub fn with_validation(validation: bool) -> Result<VulkanDevice, String> {
        // SAFETY: loading the Vulkan loader library runs its initialisers; this is the
        // documented way to use a loader that may be absent.
        let entry = unsafe { ash::Entry::load() }
            .map_err(|e| format!("Vulkan is not available (cannot load the Vulkan loader: {e})"))?;
        let app_name = c"cwcc";
        let app = vk::ApplicationInfo::default()
            .application_name(app_name)
            .api_version(vk::API_VERSION_1_2);
        let layer_name = c"VK_LAYER_KHRONOS_validation";
        // SAFETY: plain query on a loaded entry.
        let layers = unsafe { entry.enumerate_instance_layer_properties() }
            .map_err(vk_err("vkEnumerateInstanceLayerProperties"))?;
        let have_validation = layers.iter().any(|l| {
            l.layer_name_as_c_str()
                .map(|n| n == layer_name)
                .unwrap_or(false)
        });
        let validate = validation && have_validation;
        let (enabled_layers, enabled_exts): (Vec<*const std::ffi::c_char>, Vec<_>) = if validate {
            (
                vec![layer_name.as_ptr()],
                vec![vk::EXT_DEBUG_UTILS_NAME.as_ptr()],
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let create = vk::InstanceCreateInfo::default()
            .application_info(&app)
            .enabled_layer_names(&enabled_layers)
            .enabled_extension_names(&enabled_exts);
        // SAFETY: the create info points to live data for the duration of the call.
        let instance = unsafe { entry.create_instance(&create, None) }.map_err(vk_err(
            "vkCreateInstance (is a Vulkan 1.2 driver installed?)",
        ))?;
        let validation = if validate {
            let loader = ash::ext::debug_utils::Instance::new(&entry, &instance);
            let log: Box<MessageLog> = Box::default();
            let info = vk::DebugUtilsMessengerCreateInfoEXT::default()
                .message_severity(vk::DebugUtilsMessageSeverityFlagsEXT::ERROR)
                .message_type(
                    vk::DebugUtilsMessageTypeFlagsEXT::GENERAL
                        | vk::DebugUtilsMessageTypeFlagsEXT::VALIDATION
                        | vk::DebugUtilsMessageTypeFlagsEXT::PERFORMANCE,
                )
                .pfn_user_callback(Some(debug_callback))
                .user_data(&*log as *const MessageLog as *mut std::ffi::c_void);
            // SAFETY: valid instance with VK_EXT_debug_utils enabled; `log` outlives the
            // messenger (both live in the device, destroyed messenger first).
            match unsafe { loader.create_debug_utils_messenger(&info, None) } {
                Ok(messenger) => Some(Validation {
                    loader,
                    messenger,
                    log,
                }),
                Err(e) => {
                    // SAFETY: nothing created from the instance is alive.
                    unsafe { instance.destroy_instance(None) };
                    return Err(vk_err("vkCreateDebugUtilsMessengerEXT")(e));
                }
            }
        } else {
            None
        };
        match Self::open(entry, instance.clone()) {
            Ok(mut d) => {
                d.validation = validation;
                Ok(d)
            }
            Err(e) => {
                // SAFETY: nothing created from the instance is alive but the messenger.
                unsafe {
                    if let Some(v) = &validation {
                        v.loader.destroy_debug_utils_messenger(v.messenger, None);
                    }
                    instance.destroy_instance(None)
                };
                Err(e)
            }
        }
    }

    /// Whether the Khronos validation layer is on for this device.
    pub fn validation_enabled(&self) -> bool {
        self.validation.is_some()
    }

    /// Takes the validation errors reported since the last call (empty without validation).
    pub fn take_validation_errors(&mut self) -> Vec<String> {
        match &self.validation {
            Some(v) => v
                .log
                .lock()
                .map(|mut l| std::mem::take(&mut *l))
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// An error listing the validation errors reported since the last check, if any.
    fn check_validation(&mut self, what: &str) -> Result<(), String> {
        let errors = self.take_validation_errors();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "Vulkan validation layer reported {} error(s) during {what}:\n{}",
                errors.len(),
                errors.join("\n")
            ))
        }
    }

    fn open(entry: ash::Entry, instance: ash::Instance) -> Result<VulkanDevice, String> {
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => return Err(e),
                }
            };
        }
        // SAFETY: queries on a valid instance.
        let physicals = tri!(unsafe { instance.enumerate_physical_devices() }
            .map_err(vk_err("vkEnumeratePhysicalDevices")));
        let rank = |t: vk::PhysicalDeviceType| match t {
            vk::PhysicalDeviceType::DISCRETE_GPU => 0,
            vk::PhysicalDeviceType::INTEGRATED_GPU => 1,
            vk::PhysicalDeviceType::VIRTUAL_GPU => 2,
            vk::PhysicalDeviceType::CPU => 3,
            _ => 4,
        };
        let mut candidates = Vec::new();
        let mut rejected = Vec::new();
        for pd in physicals {
            // SAFETY: `pd` comes from this instance.
            let props = unsafe { instance.get_physical_device_properties(pd) };
            let name = props
                .device_name_as_c_str()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "unnamed device".to_string());
            if props.api_version < vk::API_VERSION_1_2 {
                rejected.push(format!("{name}: Vulkan 1.1 or older"));
                continue;
            }
            let mut v12 = vk::PhysicalDeviceVulkan12Features::default();
            let mut f2 = vk::PhysicalDeviceFeatures2::default().push_next(&mut v12);
            // SAFETY: `pd` comes from this instance; the chain lives for the call.
            unsafe { instance.get_physical_device_features2(pd, &mut f2) };
            if v12.buffer_device_address == 0 {
                rejected.push(format!("{name}: no bufferDeviceAddress"));
                continue;
            }
            // SAFETY: as above.
            let families = unsafe { instance.get_physical_device_queue_family_properties(pd) };
            let Some(family) = families
                .iter()
                .position(|f| f.queue_flags.contains(vk::QueueFlags::COMPUTE))
            else {
                rejected.push(format!("{name}: no compute queue"));
                continue;
            };
            let ts = families
                .get(family)
                .map(|f| f.timestamp_valid_bits > 0)
                .unwrap_or(false)
                && props.limits.timestamp_compute_and_graphics != 0;
            candidates.push((rank(props.device_type), pd, family as u32, name, props, ts));
        }
        candidates.sort_by_key(|c| c.0);
        let Some((device_rank, pd, family, name, props, timestamps)) =
            candidates.into_iter().next()
        else {
            return Err(if rejected.is_empty() {
                "Vulkan: no device found".to_string()
            } else {
                format!("Vulkan: no usable device ({})", rejected.join("; "))
            });
        };

        // Enable what the device has of what kernels may need.
        let mut have12 = vk::PhysicalDeviceVulkan12Features::default();
        let mut have11 = vk::PhysicalDeviceVulkan11Features::default();
        let mut have = vk::PhysicalDeviceFeatures2::default()
            .push_next(&mut have12)
            .push_next(&mut have11);
        // SAFETY: as above.
        unsafe { instance.get_physical_device_features2(pd, &mut have) };
        let core = have.features;
        let core = vk::PhysicalDeviceFeatures::default()
            .shader_int64(core.shader_int64 != 0)
            .shader_int16(core.shader_int16 != 0)
            .shader_float64(core.shader_float64 != 0);
        let mut want12 = vk::PhysicalDeviceVulkan12Features::default()
            .buffer_device_address(true)
            .shader_int8(have12.shader_int8 != 0)
            .storage_buffer8_bit_access(have12.storage_buffer8_bit_access != 0)
            .shader_buffer_int64_atomics(have12.shader_buffer_int64_atomics != 0)
            .shader_shared_int64_atomics(have12.shader_shared_int64_atomics != 0);
        // `vulkanMemoryModel` stays off: modules use the GLSL450 memory model, and with it on
        // but `vulkanMemoryModelDeviceScope` off, Device-scope atomics are invalid.
        let mut want11 = vk::PhysicalDeviceVulkan11Features::default()
            .storage_buffer16_bit_access(have11.storage_buffer16_bit_access != 0);

        // Subgroup size control (ask for 32-wide subgroups where the device can) and the
        // shader clock, when the device has the extensions.
        // SAFETY: query on a valid physical device.
        let extensions =
            unsafe { instance.enumerate_device_extension_properties(pd) }.unwrap_or_default();
        let has_ext = |name: &std::ffi::CStr| {
            extensions
                .iter()
                .any(|e| e.extension_name_as_c_str().is_ok_and(|n| n == name))
        };
        let size_control_ext = vk::EXT_SUBGROUP_SIZE_CONTROL_NAME;
        let clock_ext = vk::KHR_SHADER_CLOCK_NAME;
        let stats_ext = vk::KHR_PIPELINE_EXECUTABLE_PROPERTIES_NAME;
        let want_stats = std::env::var("CWCC_VK_PIPELINE_STATS").is_ok_and(|v| v == "1");
        let mut size_props = vk::PhysicalDeviceSubgroupSizeControlProperties::default();
        let mut subgroup = vk::PhysicalDeviceSubgroupProperties::default();
        let mut float_controls = vk::PhysicalDeviceFloatControlsProperties::default();
        let mut props2 = vk::PhysicalDeviceProperties2::default()
            .push_next(&mut subgroup)
            .push_next(&mut size_props)
            .push_next(&mut float_controls);
        // SAFETY: query; the extension struct is ignored by drivers that lack it.
        unsafe { instance.get_physical_device_properties2(pd, &mut props2) };
        let subgroup_size = subgroup.subgroup_size;
        let mut have_size = vk::PhysicalDeviceSubgroupSizeControlFeatures::default();
        let mut have_clock = vk::PhysicalDeviceShaderClockFeaturesKHR::default();
        let mut have_stats = vk::PhysicalDevicePipelineExecutablePropertiesFeaturesKHR::default();
        let has_size_ext = has_ext(size_control_ext);
        let has_clock_ext = has_ext(clock_ext);
        let has_stats_ext = want_stats && has_ext(stats_ext);
        {
            let mut f2 = vk::PhysicalDeviceFeatures2::default();
            if has_size_ext {
                f2 = f2.push_next(&mut have_size);
            }
            if has_clock_ext {
                f2 = f2.push_next(&mut have_clock);
            }
            if has_stats_ext {
                f2 = f2.push_next(&mut have_stats);
            }
            // SAFETY: as above.
            unsafe { instance.get_physical_device_features2(pd, &mut f2) };
        }
        let subgroup_32 = has_size_ext
            && have_size.subgroup_size_control != 0
            && (size_props.min_subgroup_size..=size_props.max_subgroup_size).contains(&32)
            && size_props
                .required_subgroup_size_stages
                .contains(vk::ShaderStageFlags::COMPUTE);
        let full_subgroups = subgroup_32 && have_size.compute_full_subgroups != 0;
        let shader_clock = has_clock_ext && have_clock.shader_subgroup_clock != 0;
        let pipeline_stats = has_stats_ext && have_stats.pipeline_executable_info != 0;
        if want_stats && !pipeline_stats {
            eprintln!("cwcc: CWCC_VK_PIPELINE_STATS: the device has no pipeline statistics (VK_KHR_pipeline_executable_properties)");
        }
        // A GPU that can neither preserve f32 subnormals nor be told to (NVIDIA's driver
        // flushes them) gets them emulated; CPU drivers (lavapipe) keep them natively.
        // `CWCC_VK_SOFT_DENORMALS=0|1` overrides the choice (tests force it on lavapipe).
        let soft_denormals_f32 = match std::env::var("CWCC_VK_SOFT_DENORMALS").as_deref() {
            Ok("1") => true,
            Ok("0") => false,
            _ => float_controls.shader_denorm_preserve_float32 == 0 && device_rank <= 2,
        } && core.shader_float64 != 0;
        let spirv_options = cwcc_spirv::SpirvOptions {
            subgroup_size: if subgroup_32 { 32 } else { subgroup_size },
            float64: core.shader_float64 != 0,
            denorm_preserve_f32: float_controls.shader_denorm_preserve_float32 != 0,
            denorm_preserve_f64: float_controls.shader_denorm_preserve_float64 != 0,
            soft_denormals_f32,
            // For tests: behave like a flushing GPU (see `SpirvOptions::simulate_flush_f32`).
            simulate_flush_f32: std::env::var("CWCC_VK_SIMULATE_FTZ").as_deref() == Ok("1"),
            // An experiment to measure (see `SpirvOptions::exact_by_select`).
            exact_by_select: std::env::var("CWCC_VK_EXACT_SELECT").as_deref() == Ok("1"),
            preserve_inf_nan: u8::from(
                float_controls.shader_signed_zero_inf_nan_preserve_float32 != 0,
            ) | (u8::from(
                float_controls.shader_signed_zero_inf_nan_preserve_float64 != 0,
            ) << 1),
            ..cwcc_spirv::SpirvOptions::default()
        };
        let mut enabled_exts: Vec<*const std::ffi::c_char> = Vec::new();
        let mut want_size = vk::PhysicalDeviceSubgroupSizeControlFeatures::default()
            .subgroup_size_control(true)
            .compute_full_subgroups(full_subgroups);
        let mut want_clock =
            vk::PhysicalDeviceShaderClockFeaturesKHR::default().shader_subgroup_clock(true);
        let mut want_stats = vk::PhysicalDevicePipelineExecutablePropertiesFeaturesKHR::default()
            .pipeline_executable_info(true);
        let priorities = [1.0f32];
        let queue_info = [vk::DeviceQueueCreateInfo::default()
            .queue_family_index(family)
            .queue_priorities(&priorities)];
        let mut device_info = vk::DeviceCreateInfo::default()
            .queue_create_infos(&queue_info)
            .enabled_features(&core)
            .push_next(&mut want12)
            .push_next(&mut want11);
        if subgroup_32 {
            enabled_exts.push(size_control_ext.as_ptr());
            device_info = device_info.push_next(&mut want_size);
        }
        if shader_clock {
            enabled_exts.push(clock_ext.as_ptr());
            device_info = device_info.push_next(&mut want_clock);
        }
        if pipeline_stats {
            enabled_exts.push(stats_ext.as_ptr());
            device_info = device_info.push_next(&mut want_stats);
        }
        let device_info = device_info.enabled_extension_names(&enabled_exts);
        // SAFETY: the create info and its chain live for the call.
        let device = tri!(unsafe { instance.create_device(pd, &device_info, None) }
            .map_err(vk_err("vkCreateDevice")));
        // SAFETY: family/index 0 were requested above.
        let queue = unsafe { device.get_device_queue(family, 0) };
        let pool_info = vk::CommandPoolCreateInfo::default()
            .queue_family_index(family)
            .flags(vk::CommandPoolCreateFlags::RESET_COMMAND_BUFFER);
        // SAFETY: valid device.
        let command_pool = match unsafe { device.create_command_pool(&pool_info, None) } {
            Ok(p) => p,
            Err(e) => {
                // SAFETY: nothing else was created from the device.
                unsafe { device.destroy_device(None) };
                return Err(vk_err("vkCreateCommandPool")(e));
            }
        };
        // SAFETY: queries.
        let mem = unsafe { instance.get_physical_device_memory_properties(pd) };
        // Buffers live in device memory the host cannot map, with staging copies, when the
        // device has such memory (a discrete GPU): on an H100 a kernel streaming over 384 MB
        // of mappable (resizable-BAR) memory ran at 2.7x the time of the same kernel over
        // unmappable memory. Otherwise (integrated GPUs, lavapipe) buffers are mapped
        // directly. `CWCC_VK_MEMORY=device|mapped` overrides the choice.
        let device_only = match std::env::var("CWCC_VK_MEMORY").as_deref() {
            Ok("device") => true,
            Ok("mapped") | Ok("bar") => false,
            _ => has_unmappable_device_memory(&mem),
        };
        let (memory_type, staging_type) = match (device_only, pick_device_only_types(&mem)) {
            (true, Some((device, staging))) => (Some(device), Some(staging as u32)),
            _ => (pick_memory_type(&mem), None),
        };
        let Some(memory_type) = memory_type else {
            // SAFETY: destroy what was created, in reverse order.
            unsafe {
                device.destroy_command_pool(command_pool, None);
                device.destroy_device(None);
            }
            return Err("Vulkan: no host-visible coherent memory type".to_string());
        };
        let pipeline_stats = pipeline_stats
            .then(|| ash::khr::pipeline_executable_properties::Device::new(&instance, &device));
        let mut vulkan = VulkanDevice {
            validation: None,
            _entry: entry,
            instance,
            device,
            queue,
            command_pool,
            memory_type: memory_type as u32,
            staging_type,
            name,
            is_gpu: device_rank <= 2,
            subgroup_size,
            subgroup_32,
            full_subgroups,
            shader_clock,
            pipeline_stats,
            spirv_options,
            emulate_denormals: soft_denormals_f32,
            limits: props.limits,
            timestamps,
            buffers: Vec::new(),
            pipelines: HashMap::new(),
        };
        vulkan.check_subgroups_are_warps();
        Ok(vulkan)
    }

    /// Where kernels would use 32-wide subgroups as warps, runs [`SUBGROUP_PROBE_SIMT`] for
    /// blocks of 96 threads (as 96 and 8x4x3) and of 80 (as 40x2, a partial last warp) and
    /// falls back to the workgroup-memory emulation of warps unless every thread saw its
    /// warp: a device may report 32-wide subgroups and run fewer threads a subgroup (lavapipe
    /// with `LP_NATIVE_VECTOR_WIDTH=1024` reports 32 and runs 16). The reason goes to stderr
    /// with `CWCC_VK_VERBOSE=1`.
    fn check_subgroups_are_warps(&mut self) {
        if self.spirv_options.subgroup_size != 32 {
            return;
        }
        if let Err(why) = self.subgroup_probe() {
            if std::env::var("CWCC_VK_VERBOSE").as_deref() == Ok("1") {
                eprintln!("cwcc: warps emulated on `{}`: {why}", self.name);
            }
            self.subgroup_32 = false;
            // Any width but 32 compiles warp collectives as the emulation.
            if self.subgroup_size == 32 {
                self.subgroup_size = 16;
            }
            self.spirv_options.subgroup_size = self.subgroup_size;
        }
    }

    /// Runs [`SUBGROUP_PROBE_SIMT`]; `Err` says what went wrong or which thread saw what.
    fn subgroup_probe(&mut self) -> Result<(), String> {
        let module = cwcc_simt::parse_module(SUBGROUP_PROBE_SIMT)
            .map_err(|e| format!("the probe does not parse: {e:?}"))?;
        let kernel = cwcc_spirv::compile(&module, "probe", &self.spirv_options)
            .map_err(|e| format!("the probe does not compile: {e}"))?;
        let buffer = self.alloc(96 * 8)?;
        let result = self.run_subgroup_probe(&kernel, buffer);
        self.free(buffer);
        result
    }

    /// The launches and checks of [`VulkanDevice::subgroup_probe`] with its output buffer.
    fn run_subgroup_probe(
        &mut self,
        kernel: &SpirvKernel,
        buffer: VulkanBuffer,
    ) -> Result<(), String> {
        let address = self.device_address(buffer)?;
        let params = kernel.param_buffer(&[address.to_le_bytes().to_vec()])?;
        for block in [[96, 1, 1], [8, 4, 3], [40, 2, 1]] {
            let threads = block[0] * block[1] * block[2];
            self.write(buffer, &[0u8; 96 * 8])?;
            self.launch(kernel, [1, 1, 1], block, 0, &params)?;
            let out = self.read(buffer)?;
            let word = |i: u32| {
                let at = i as usize * 4;
                out.get(at..at + 4)
                    .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            };
            for t in 0..threads {
                let warp_threads = (threads - (t & !31)).min(32);
                let want_ballot = if warp_threads == 32 {
                    u32::MAX
                } else {
                    (1 << warp_threads) - 1
                };
                let (shuffled, ballot) = (word(2 * t), word(2 * t + 1));
                if shuffled != Some(t ^ 1) || ballot != Some(want_ballot) {
                    return Err(format!(
                        "in a {}x{}x{} block thread {t} got {shuffled:?} from lane {} and \
                         ballot {ballot:x?}",
                        block[0],
                        block[1],
                        block[2],
                        (t & 31) ^ 1
                    ));
                }
            }
        }
        Ok(())
    }

    /// The device's name (`llvmpipe (LLVM …)` for lavapipe).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the device is a GPU (discrete, integrated or virtual) rather than a CPU
    /// implementation of Vulkan such as lavapipe.
    pub fn is_gpu(&self) -> bool {
        self.is_gpu
    }

    /// The subgroup size kernels are compiled for: 32 when the device runs 32-wide
    /// subgroups or pipelines can require them (`VK_EXT_subgroup_size_control`), else its
    /// default subgroup size (8 on lavapipe here), for which warp collectives are emulated.
    pub fn subgroup_size(&self) -> u32 {
        if self.subgroup_32 {
            32
        } else {
            self.subgroup_size
        }
    }

    /// The options kernels for this device are compiled with: its subgroup size (see
    /// [`VulkanDevice::subgroup_size`]), `Float64` for correctly rounded `f32` division,
    /// square root and `fma`, and `DenormPreserve` where the device supports it.
    pub fn spirv_options(&self) -> cwcc_spirv::SpirvOptions {
        self.spirv_options.clone()
    }

    /// Whether kernels may read the clock (`VK_KHR_shader_clock` is enabled).
    pub fn has_shader_clock(&self) -> bool {
        self.shader_clock
    }

    /// Allocates a zero-filled buffer of `len` bytes.
    pub fn alloc(&mut self, len: usize) -> Result<VulkanBuffer, String> {
        let size = (len.max(16) as u64).div_ceil(16) * 16;
        let info = vk::BufferCreateInfo::default()
            .size(size)
            .usage(
                vk::BufferUsageFlags::STORAGE_BUFFER
                    | vk::BufferUsageFlags::SHADER_DEVICE_ADDRESS
                    | vk::BufferUsageFlags::TRANSFER_SRC
                    | vk::BufferUsageFlags::TRANSFER_DST,
            )
            .sharing_mode(vk::SharingMode::EXCLUSIVE);
        // SAFETY: valid device and create info.
        let buffer =
            unsafe { self.device.create_buffer(&info, None) }.map_err(vk_err("vkCreateBuffer"))?;
        let mut dedicated_req = vk::MemoryDedicatedRequirements::default();
        let mut req2 = vk::MemoryRequirements2::default().push_next(&mut dedicated_req);
        let query = vk::BufferMemoryRequirementsInfo2::default().buffer(buffer);
        // SAFETY: `buffer` is from this device; the chain lives for the call.
        unsafe {
            self.device
                .get_buffer_memory_requirements2(&query, &mut req2)
        };
        let req = req2.memory_requirements;
        // Each buffer has its own allocation anyway; telling the driver so (a dedicated
        // allocation) lets it choose the page size for the whole buffer. The driver's
        // preference decides, `CWCC_VK_DEDICATED=0|1` overrides it (for measurements).
        let dedicated = match std::env::var("CWCC_VK_DEDICATED").as_deref() {
            Ok("0") => dedicated_req.requires_dedicated_allocation != 0,
            Ok("1") => true,
            _ => {
                dedicated_req.prefers_dedicated_allocation != 0
                    || dedicated_req.requires_dedicated_allocation != 0
            }
        };
        if req.memory_type_bits & (1 << self.memory_type) == 0 {
            // SAFETY: unused buffer.
            unsafe { self.device.destroy_buffer(buffer, None) };
            return Err("Vulkan: buffers cannot live in host-visible memory on this device".into());
        }
        let mut flags =
            vk::MemoryAllocateFlagsInfo::default().flags(vk::MemoryAllocateFlags::DEVICE_ADDRESS);
        let mut dedicated_info = vk::MemoryDedicatedAllocateInfo::default().buffer(buffer);
        let mut alloc = vk::MemoryAllocateInfo::default()
            .allocation_size(req.size)
            .memory_type_index(self.memory_type)
            .push_next(&mut flags);
        if dedicated {
            alloc = alloc.push_next(&mut dedicated_info);
        }
        // SAFETY: valid allocate info.
        let memory = match unsafe { self.device.allocate_memory(&alloc, None) } {
            Ok(m) => m,
            Err(e) => {
                // SAFETY: unused buffer.
                unsafe { self.device.destroy_buffer(buffer, None) };
                return Err(format!(
                    "Vulkan: cannot allocate a buffer of {len} bytes: {e}"
                ));
            }
        };
        let release = |dev: &ash::Device| {
            // SAFETY: both objects are unused.
            unsafe {
                dev.destroy_buffer(buffer, None);
                dev.free_memory(memory, None);
            }
        };
        // SAFETY: memory and buffer are from this device; offset 0 meets the requirements.
        if let Err(e) = unsafe { self.device.bind_buffer_memory(buffer, memory, 0) } {
            release(&self.device);
            return Err(vk_err("vkBindBufferMemory")(e));
        }
        let mapped = if self.staging_type.is_some() {
            let zero = |d: &ash::Device, cmd: vk::CommandBuffer| {
                // SAFETY: `buffer` has TRANSFER_DST usage and bound memory.
                unsafe { d.cmd_fill_buffer(cmd, buffer, 0, vk::WHOLE_SIZE, 0) }
            };
            if let Err(e) = self.one_shot(zero) {
                release(&self.device);
                return Err(e);
            }
            std::ptr::null_mut()
        } else {
            // SAFETY: host-visible memory, mapped whole, once.
            let mapped = match unsafe {
                self.device
                    .map_memory(memory, 0, vk::WHOLE_SIZE, vk::MemoryMapFlags::empty())
            } {
                Ok(p) => p.cast::<u8>(),
                Err(e) => {
                    release(&self.device);
                    return Err(vk_err("vkMapMemory")(e));
                }
            };
            // SAFETY: the mapping covers `req.size >= size` bytes.
            unsafe { std::ptr::write_bytes(mapped, 0, size as usize) };
            mapped
        };
        let addr_info = vk::BufferDeviceAddressInfo::default().buffer(buffer);
        // SAFETY: the buffer has the SHADER_DEVICE_ADDRESS usage and bound memory.
        let address = unsafe { self.device.get_buffer_device_address(&addr_info) };
        self.buffers.push(Some(Allocation {
            buffer,
            memory,
            len,
            address,
            mapped,
        }));
        Ok(VulkanBuffer(self.buffers.len() - 1))
    }

    fn allocation(&self, buf: VulkanBuffer) -> Result<&Allocation, String> {
        self.buffers
            .get(buf.0)
            .and_then(|a| a.as_ref())
            .ok_or_else(|| "unknown or freed Vulkan buffer".to_string())
    }

    /// Frees a buffer (its handle becomes invalid).
    pub fn free(&mut self, buf: VulkanBuffer) {
        if let Some(a) = self.buffers.get_mut(buf.0).and_then(|a| a.take()) {
            // SAFETY: no command using the buffer is pending (launches wait to completion).
            unsafe {
                if !a.mapped.is_null() {
                    self.device.unmap_memory(a.memory);
                }
                self.device.destroy_buffer(a.buffer, None);
                self.device.free_memory(a.memory, None);
            }
        }
    }

    /// Copies `bytes` to the start of a buffer.
    pub fn write(&mut self, buf: VulkanBuffer, bytes: &[u8]) -> Result<(), String> {
        let a = self.allocation(buf)?;
        if bytes.len() > a.len {
            return Err(format!(
                "cannot write {} bytes into a buffer of {} bytes",
                bytes.len(),
                a.len
            ));
        }
        if bytes.is_empty() {
            return Ok(());
        }
        if a.mapped.is_null() {
            let target = a.buffer;
            return self
                .staged(bytes.len(), Some(bytes), |d, cmd, stage_buf| {
                    let region = [vk::BufferCopy::default().size(bytes.len() as u64)];
                    // SAFETY: both buffers have the transfer usages and at least this size.
                    unsafe { d.cmd_copy_buffer(cmd, stage_buf, target, &region) }
                })
                .map(|_| ());
        }
        // SAFETY: the mapping holds at least `a.len` bytes; no kernel runs concurrently.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), a.mapped, bytes.len()) };
        Ok(())
    }

    /// Copies a buffer's contents to the host.
    pub fn read(&self, buf: VulkanBuffer) -> Result<Vec<u8>, String> {
        let a = self.allocation(buf)?;
        if a.len == 0 {
            return Ok(Vec::new());
        }
        if a.mapped.is_null() {
            let (source, len) = (a.buffer, a.len);
            let copy = |d: &ash::Device, cmd: vk::CommandBuffer, stage_buf: vk::Buffer| {
                let region = [vk::BufferCopy::default().size(len as u64)];
                // SAFETY: both buffers have the transfer usages and at least this size.
                unsafe { d.cmd_copy_buffer(cmd, source, stage_buf, &region) }
            };
            return self.staged(len, None, copy);
        }
        let mut out = vec![0u8; a.len];
        // SAFETY: as in `write`.
        unsafe { std::ptr::copy_nonoverlapping(a.mapped, out.as_mut_ptr(), a.len) };
        Ok(out)
    }

    /// The 64-bit device address of a buffer (what a pointer parameter receives).
    pub fn device_address(&self, buf: VulkanBuffer) -> Result<u64, String> {
        Ok(self.allocation(buf)?.address)
    }

    /// Records one command buffer with `record`, submits it and waits for it.
    fn one_shot(&self, record: impl FnOnce(&ash::Device, vk::CommandBuffer)) -> Result<(), String> {
        let d = &self.device;
        let alloc = vk::CommandBufferAllocateInfo::default()
            .command_pool(self.command_pool)
            .level(vk::CommandBufferLevel::PRIMARY)
            .command_buffer_count(1);
        // SAFETY: valid pool.
        let cmds = unsafe { d.allocate_command_buffers(&alloc) }
            .map_err(vk_err("vkAllocateCommandBuffers"))?;
        let Some(&cmd) = cmds.first() else {
            return Err("Vulkan: no command buffer allocated".into());
        };
        let begin = vk::CommandBufferBeginInfo::default()
            .flags(vk::CommandBufferUsageFlags::ONE_TIME_SUBMIT);
        // SAFETY: every handle belongs to this device; the queue is idle between calls.
        let result = unsafe {
            d.begin_command_buffer(cmd, &begin)
                .map_err(vk_err("vkBeginCommandBuffer"))
                .and_then(|_| {
                    record(d, cmd);
                    d.end_command_buffer(cmd)
                        .map_err(vk_err("vkEndCommandBuffer"))
                })
                .and_then(|_| {
                    let submit = [vk::SubmitInfo::default().command_buffers(&cmds)];
                    d.queue_submit(self.queue, &submit, vk::Fence::null())
                        .map_err(vk_err("vkQueueSubmit"))
                })
                .and_then(|_| {
                    d.queue_wait_idle(self.queue)
                        .map_err(vk_err("vkQueueWaitIdle"))
                })
        };
        // SAFETY: the queue is idle (or nothing was submitted).
        unsafe { d.free_command_buffers(self.command_pool, &cmds) };
        result
    }

    /// A copy through a temporary host-visible staging buffer of `len` bytes: `upload`
    /// (writes) fills the staging memory before `copy` runs on the device; without it
    /// (reads), the staging bytes are returned after the copy.
    fn staged(
        &self,
        len: usize,
        upload: Option<&[u8]>,
        copy: impl FnOnce(&ash::Device, vk::CommandBuffer, vk::Buffer),
    ) -> Result<Vec<u8>, String> {
        let d = &self.device;
        let Some(staging_type) = self.staging_type else {
            return Err("Vulkan: no staging memory type".into());
        };
        let info = vk::BufferCreateInfo::default()
            .size(len.max(16) as u64)
            .usage(vk::BufferUsageFlags::TRANSFER_SRC | vk::BufferUsageFlags::TRANSFER_DST)
            .sharing_mode(vk::SharingMode::EXCLUSIVE);
        // SAFETY: valid device and create info.
        let buffer = unsafe { d.create_buffer(&info, None) }.map_err(vk_err("vkCreateBuffer"))?;
        // SAFETY: `buffer` is from this device.
        let req = unsafe { d.get_buffer_memory_requirements(buffer) };
        let alloc = vk::MemoryAllocateInfo::default()
            .allocation_size(req.size)
            .memory_type_index(staging_type);
        // SAFETY: valid allocate info.
        let memory = match unsafe { d.allocate_memory(&alloc, None) } {
            Ok(m) => m,
            Err(e) => {
                // SAFETY: unused buffer.
                unsafe { d.destroy_buffer(buffer, None) };
                return Err(vk_err("vkAllocateMemory (staging)")(e));
            }
        };
        // SAFETY: fresh memory bound at offset 0 and mapped whole; freed below.
        let result = unsafe {
            d.bind_buffer_memory(buffer, memory, 0)
                .map_err(vk_err("vkBindBufferMemory"))
                .and_then(|_| {
                    d.map_memory(memory, 0, vk::WHOLE_SIZE, vk::MemoryMapFlags::empty())
                        .map_err(vk_err("vkMapMemory"))
                })
                .and_then(|p| {
                    let p = p.cast::<u8>();
                    if let Some(bytes) = upload {
                        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len().min(len));
                    }
                    self.one_shot(|d, cmd| copy(d, cmd, buffer))?;
                    let mut out = Vec::new();
                    if upload.is_none() {
                        out = vec![0u8; len];
                        std::ptr::copy_nonoverlapping(p, out.as_mut_ptr(), len);
                    }
                    d.unmap_memory(memory);
                    Ok(out)
                })
        };
        // SAFETY: the copy finished (one_shot waits) or never ran.
        unsafe {
            d.destroy_buffer(buffer, None);
            d.free_memory(memory, None);
        }
        result
    }

    fn pipeline(
        &mut self,
        kernel: &SpirvKernel,
        block: [u32; 3],
        dyn_words: u32,
    ) -> Result<(vk::Pipeline, vk::PipelineLayout), String> {
        let key = (hash_words(&kernel.words), block, dyn_words);
        if let Some(p) = self.pipelines.get(&key) {
            return Ok((p.pipeline, p.layout));
        }
        let info = vk::ShaderModuleCreateInfo::default().code(&kernel.words);
        // SAFETY: valid SPIR-V words (validated by the compiler's tests).
        let module = unsafe { self.device.create_shader_module(&info, None) }
            .map_err(vk_err("vkCreateShaderModule"))?;
        let ranges = [vk::PushConstantRange::default()
            .stage_flags(vk::ShaderStageFlags::COMPUTE)
            .offset(0)
            .size(kernel.push_constant_size())];
        let layout_info = vk::PipelineLayoutCreateInfo::default().push_constant_ranges(&ranges);
        // SAFETY: valid create info.
        let layout = match unsafe { self.device.create_pipeline_layout(&layout_info, None) } {
            Ok(l) => l,
            Err(e) => {
                // SAFETY: unused module.
                unsafe { self.device.destroy_shader_module(module, None) };
                return Err(vk_err("vkCreatePipelineLayout")(e));
            }
        };
        let data: Vec<u8> = [block[0], block[1], block[2], dyn_words]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let ids = [
            SPEC_BLOCK_SIZE[0],
            SPEC_BLOCK_SIZE[1],
            SPEC_BLOCK_SIZE[2],
            SPEC_DYNAMIC_SHARED_WORDS,
        ];
        let entries: Vec<vk::SpecializationMapEntry> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                vk::SpecializationMapEntry::default()
                    .constant_id(*id)
                    .offset(i as u32 * 4)
                    .size(4)
            })
            .collect();
        let spec = vk::SpecializationInfo::default()
            .map_entries(&entries)
            .data(&data);
        let mut required_size = vk::PipelineShaderStageRequiredSubgroupSizeCreateInfo::default()
            .required_subgroup_size(32);
        let mut stage = vk::PipelineShaderStageCreateInfo::default()
            .stage(vk::ShaderStageFlags::COMPUTE)
            .module(module)
            .name(c"main")
            .specialization_info(&spec);
        if kernel.uses_subgroups && self.subgroup_32 {
            // CUDA lanes are linear thread ids modulo 32: ask for 32-wide subgroups, full
            // ones when the block's x size allows it.
            stage = stage.push_next(&mut required_size);
            if self.full_subgroups && block[0].is_multiple_of(32) {
                stage = stage.flags(vk::PipelineShaderStageCreateFlags::REQUIRE_FULL_SUBGROUPS);
            }
        }
        let mut create_flags = vk::PipelineCreateFlags::empty();
        if self.pipeline_stats.is_some() {
            create_flags |= vk::PipelineCreateFlags::CAPTURE_STATISTICS_KHR;
        }
        let create = [vk::ComputePipelineCreateInfo::default()
            .flags(create_flags)
            .stage(stage)
            .layout(layout)];
        // SAFETY: valid create info.
        let result = unsafe {
            self.device
                .create_compute_pipelines(vk::PipelineCache::null(), &create, None)
        };
        let pipeline = match result {
            Ok(p) => p.into_iter().next(),
            Err((_, e)) => {
                // SAFETY: unused objects.
                unsafe {
                    self.device.destroy_pipeline_layout(layout, None);
                    self.device.destroy_shader_module(module, None);
                }
                return Err(format!(
                    "Vulkan: cannot create the pipeline of kernel `{}`: {e}",
                    kernel.name
                ));
            }
        };
        let Some(pipeline) = pipeline else {
            return Err("Vulkan: vkCreateComputePipelines returned no pipeline".into());
        };
        if let Some(stats) = &self.pipeline_stats {
            report_pipeline_statistics(stats, pipeline, &kernel.name, block);
        }
        self.pipelines.insert(
            key,
            PipelineEntry {
                module,
                layout,
                pipeline,
            },
        );
        Ok((pipeline, layout))
    }

    /// Runs `kernel` over `grid` blocks of `block` threads with `dynamic_shared_bytes` of
    /// dynamic shared memory; `params` is the parameter buffer
    /// ([`SpirvKernel::param_buffer`], pointers as [`VulkanDevice::device_address`]).
    /// Waits for completion and returns the kernel time (GPU timestamps when available).
    pub fn launch(
        &mut self,
        kernel: &SpirvKernel,
        grid: [u32; 3],
        block: [u32; 3],
        dynamic_shared_bytes: u64,
        params: &[u8],
    ) -> Result<Duration, String> {
        let l = self.limits;
        let threads = u64::from(block[0]) * u64::from(block[1]) * u64::from(block[2]);
        if block
            .iter()
            .zip(l.max_compute_work_group_size)
            .any(|(b, m)| *b > m || *b == 0)
            || threads > u64::from(l.max_compute_work_group_invocations)
        {
            return Err(format!(
                "block {}x{}x{} is larger than this device allows ({}x{}x{}, {} threads)",
                block[0],
                block[1],
                block[2],
                l.max_compute_work_group_size[0],
                l.max_compute_work_group_size[1],
                l.max_compute_work_group_size[2],
                l.max_compute_work_group_invocations
            ));
        }
        if grid.contains(&0) {
            return Err("the grid has a zero dimension".into());
        }
        if kernel.uses_subgroups && !self.subgroup_32 && self.subgroup_size != 32 {
            return Err(format!(
                "kernel `{}` was compiled for 32-wide subgroups; this device's subgroups are {} wide and it cannot require 32 (compile it with subgroup size {} to emulate warps)",
                kernel.name, self.subgroup_size, self.subgroup_size
            ));
        }
        if kernel.uses_clock && !self.shader_clock {
            return Err(format!(
                "kernel `{}` reads the clock (`clock()` / `clock64()`), but this device lacks VK_KHR_shader_clock with shaderSubgroupClock",
                kernel.name
            ));
        }
        let dyn_words = u32::try_from(dynamic_shared_bytes.div_ceil(4))
            .map_err(|_| "too much dynamic shared memory".to_string())?;
        let shared_total = kernel.dynamic_shared_offset + dynamic_shared_bytes + 4;
        if (kernel.static_shared_bytes > 0 || kernel.uses_dynamic_shared)
            && shared_total > u64::from(l.max_compute_shared_memory_size)
        {
            return Err(format!(
                "kernel `{}` needs {shared_total} bytes of shared memory; this device has {}",
                kernel.name, l.max_compute_shared_memory_size
            ));
        }
        let (pipeline, layout) = self.pipeline(kernel, block, dyn_words)?;
        // Parameters travel in the push constants or in a buffer; module globals in a buffer
        // only when the module has some (a zero address otherwise, as the ABI allows).
        let (inline, buffered): (&[u8], &[u8]) = if kernel.params_in_push_constants {
            let bytes = params
                .get(..kernel.param_buffer_size as usize)
                .unwrap_or(params);
            (bytes, &[])
        } else if kernel.param_buffer_size > 0 {
            (&[], params)
        } else {
            (&[], &[])
        };
        let mut temporaries = Vec::new();
        let mut result = Ok(());
        let mut addresses = [0u64; 2];
        for (slot, bytes) in [buffered, &kernel.globals_init[..]].into_iter().enumerate() {
            if bytes.is_empty() || result.is_err() {
                continue;
            }
            result = self.alloc(bytes.len()).and_then(|buf| {
                temporaries.push(buf);
                self.write(buf, bytes)?;
                addresses[slot] = self.device_address(buf)?;
                Ok(())
            });
        }
        let result = result
            .and_then(|_| self.submit(pipeline, layout, grid, addresses[0], addresses[1], inline));
        for buf in temporaries {
            self.free(buf);
        }
        let elapsed = result?;
        self.check_validation(&format!("the launch of kernel `{}`", kernel.name))?;
        Ok(elapsed)
    }

    fn submit(
        &mut self,
        pipeline: vk::Pipeline,
        layout: vk::PipelineLayout,
        grid: [u32; 3],
        param_addr: u64,
        globals_addr: u64,
        inline_params: &[u8],
    ) -> Result<Duration, String> {
        let alloc = vk::CommandBufferAllocateInfo::default()
            .command_pool(self.command_pool)
            .level(vk::CommandBufferLevel::PRIMARY)
            .command_buffer_count(1);
        // SAFETY: valid pool.
        let cmd = unsafe { self.device.allocate_command_buffers(&alloc) }
            .map_err(vk_err("vkAllocateCommandBuffers"))?;
        let Some(&cmd_buf) = cmd.first() else {
            return Err("Vulkan: no command buffer allocated".into());
        };
        let query_pool = if self.timestamps {
            let info = vk::QueryPoolCreateInfo::default()
                .query_type(vk::QueryType::TIMESTAMP)
                .query_count(2);
            // SAFETY: valid create info.
            unsafe { self.device.create_query_pool(&info, None) }.ok()
        } else {
            None
        };
        let result = self.record_and_run(
            cmd_buf,
            pipeline,
            layout,
            grid,
            param_addr,
            globals_addr,
            inline_params,
            query_pool,
        );
        // SAFETY: the queue is idle again (record_and_run waits on its fence or failed
        // before submitting).
        unsafe {
            self.device.free_command_buffers(self.command_pool, &cmd);
            if let Some(q) = query_pool {
                self.device.destroy_query_pool(q, None);
            }
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn record_and_run(
        &self,
        cmd: vk::CommandBuffer,
        pipeline: vk::Pipeline,
        layout: vk::PipelineLayout,
        grid: [u32; 3],
        param_addr: u64,
        globals_addr: u64,
        inline_params: &[u8],
        query_pool: Option<vk::QueryPool>,
    ) -> Result<Duration, String> {
        let d = &self.device;
        let begin = vk::CommandBufferBeginInfo::default()
            .flags(vk::CommandBufferUsageFlags::ONE_TIME_SUBMIT);
        // SAFETY: every handle below belongs to this device; recording is single-threaded.
        unsafe {
            d.begin_command_buffer(cmd, &begin)
                .map_err(vk_err("vkBeginCommandBuffer"))?;
            d.cmd_bind_pipeline(cmd, vk::PipelineBindPoint::COMPUTE, pipeline);
            if let Some(q) = query_pool {
                d.cmd_reset_query_pool(cmd, q, 0, 2);
                d.cmd_write_timestamp(cmd, vk::PipelineStageFlags::TOP_OF_PIPE, q, 0);
            }
        }
        let max = self.limits.max_compute_work_group_count;
        let mut z = 0;
        while z < grid[2] {
            let cz = (grid[2] - z).min(max[2]);
            let mut y = 0;
            while y < grid[1] {
                let cy = (grid[1] - y).min(max[1]);
                let mut x = 0;
                while x < grid[0] {
                    let cx = (grid[0] - x).min(max[0]);
                    let mut push = Vec::with_capacity(PUSH_CONSTANT_BYTES as usize);
                    push.extend_from_slice(&param_addr.to_le_bytes());
                    push.extend_from_slice(&globals_addr.to_le_bytes());
                    for v in [x, y, z, grid[0], grid[1], grid[2]] {
                        push.extend_from_slice(&v.to_le_bytes());
                    }
                    push.extend_from_slice(inline_params);
                    // SAFETY: as above; `push` matches the layout's range.
                    unsafe {
                        d.cmd_push_constants(cmd, layout, vk::ShaderStageFlags::COMPUTE, 0, &push);
                        d.cmd_dispatch(cmd, cx, cy, cz);
                    }
                    x += cx;
                }
                y += cy;
            }
            z += cz;
        }
        // SAFETY: as above.
        unsafe {
            if let Some(q) = query_pool {
                d.cmd_write_timestamp(cmd, vk::PipelineStageFlags::BOTTOM_OF_PIPE, q, 1);
            }
            d.end_command_buffer(cmd)
                .map_err(vk_err("vkEndCommandBuffer"))?;
        }
        let fence_info = vk::FenceCreateInfo::default();
        // SAFETY: valid create info.
        let fence =
            unsafe { d.create_fence(&fence_info, None) }.map_err(vk_err("vkCreateFence"))?;
        let cmds = [cmd];
        let submit = [vk::SubmitInfo::default().command_buffers(&cmds)];
        let start = Instant::now();
        // SAFETY: the command buffer is fully recorded; the fence is unsignalled.
        let waited = unsafe {
            d.queue_submit(self.queue, &submit, fence)
                .map_err(vk_err("vkQueueSubmit"))
                .and_then(|_| {
                    d.wait_for_fences(&[fence], true, 600_000_000_000)
                        .map_err(vk_err(
                        "vkWaitForFences (the kernel ran for 10 minutes or the device was lost)",
                    ))
                })
        };
        let wall = start.elapsed();
        if waited.is_err() {
            // SAFETY: make sure nothing is pending before the fence and command buffer go.
            unsafe {
                let _ = d.queue_wait_idle(self.queue);
            }
        }
        // SAFETY: the fence is no longer in use.
        unsafe { d.destroy_fence(fence, None) };
        waited?;
        if let Some(q) = query_pool {
            let mut stamps = [0u64; 2];
            // SAFETY: both queries were written by the finished command buffer.
            let ok = unsafe {
                d.get_query_pool_results(q, 0, &mut stamps, vk::QueryResultFlags::TYPE_64)
            };
            if ok.is_ok() && stamps[1] >= stamps[0] {
                let ns = (stamps[1] - stamps[0]) as f64 * f64::from(self.limits.timestamp_period);
                return Ok(Duration::from_nanos(ns as u64));
            }
        }
        Ok(wall)
    }
}

impl Drop for VulkanDevice {
    fn drop(&mut self) {
        // SAFETY: objects are destroyed children first; the device is idle after the wait.
        unsafe {
            let _ = self.device.device_wait_idle();
            for (_, p) in self.pipelines.drain() {
                self.device.destroy_pipeline(p.pipeline, None);
                self.device.destroy_pipeline_layout(p.layout, None);
                self.device.destroy_shader_module(p.module, None);
            }
            for a in self.buffers.drain(..).flatten() {
                if !a.mapped.is_null() {
                    self.device.unmap_memory(a.memory);
                }
                self.device.destroy_buffer(a.buffer, None);
                self.device.free_memory(a.memory, None);
            }
            self.device.destroy_command_pool(self.command_pool, None);
            self.device.destroy_device(None);
            if let Some(v) = self.validation.take() {
                v.loader.destroy_debug_utils_messenger(v.messenger, None);
            }
            self.instance.destroy_instance(None);
        }
    }
}

/// The memory type for buffers: host-visible and coherent (the runtime maps buffers to copy
/// data in and out), preferably also device-local when its heap is large (GPU memory the CPU
/// can map, e.g. resizable BAR: kernels then read GPU memory, not system memory over PCIe);
/// `None` when the device has no host-visible coherent memory.
/// Whether the device has device-local memory that the host cannot map (a discrete GPU).
fn has_unmappable_device_memory(mem: &vk::PhysicalDeviceMemoryProperties) -> bool {
    mem.memory_types_as_slice().iter().any(|t| {
        t.property_flags
            .contains(vk::MemoryPropertyFlags::DEVICE_LOCAL)
            && !t
                .property_flags
                .contains(vk::MemoryPropertyFlags::HOST_VISIBLE)
    })
}

/// For device-only buffers: the device-local memory type of the largest heap that the
/// host cannot map (else any device-local one), and a host-visible coherent type for staging
/// copies (host-cached preferred, for reads).
fn pick_device_only_types(mem: &vk::PhysicalDeviceMemoryProperties) -> Option<(usize, usize)> {
    let types = mem.memory_types_as_slice();
    let heap_size = |t: &vk::MemoryType| {
        mem.memory_heaps_as_slice()
            .get(t.heap_index as usize)
            .map_or(0, |h| h.size)
    };
    let local = vk::MemoryPropertyFlags::DEVICE_LOCAL;
    let host = vk::MemoryPropertyFlags::HOST_VISIBLE | vk::MemoryPropertyFlags::HOST_COHERENT;
    let device = types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.property_flags.contains(local))
        .max_by_key(|(_, t)| {
            (
                !t.property_flags
                    .contains(vk::MemoryPropertyFlags::HOST_VISIBLE),
                heap_size(t),
            )
        })
        .map(|(i, _)| i)?;
    let staging = types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.property_flags.contains(host))
        .max_by_key(|(_, t)| {
            (
                !t.property_flags.contains(local),
                t.property_flags
                    .contains(vk::MemoryPropertyFlags::HOST_CACHED),
            )
        })
        .map(|(i, _)| i)?;
    Some((device, staging))
}

fn pick_memory_type(mem: &vk::PhysicalDeviceMemoryProperties) -> Option<usize> {
    let mappable = vk::MemoryPropertyFlags::HOST_VISIBLE | vk::MemoryPropertyFlags::HOST_COHERENT;
    let heap_size = |t: &vk::MemoryType| {
        mem.memory_heaps_as_slice()
            .get(t.heap_index as usize)
            .map_or(0, |h| h.size)
    };
    const LARGE_HEAP: u64 = 1 << 30;
    let types = mem.memory_types_as_slice();
    let device_local = types
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.property_flags
                .contains(mappable | vk::MemoryPropertyFlags::DEVICE_LOCAL)
                && heap_size(t) >= LARGE_HEAP
        })
        .max_by_key(|(_, t)| heap_size(t))
        .map(|(i, _)| i);
    device_local.or_else(|| {
        types
            .iter()
            .position(|t| t.property_flags.contains(mappable))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(
        types: &[(vk::MemoryPropertyFlags, u32)],
        heaps: &[u64],
    ) -> vk::PhysicalDeviceMemoryProperties {
        let mut mem = vk::PhysicalDeviceMemoryProperties {
            memory_type_count: types.len() as u32,
            memory_heap_count: heaps.len() as u32,
            ..Default::default()
        };
        for (i, &(flags, heap)) in types.iter().enumerate() {
            mem.memory_types[i] = vk::MemoryType {
                property_flags: flags,
                heap_index: heap,
            };
        }
        for (i, &size) in heaps.iter().enumerate() {
            mem.memory_heaps[i] = vk::MemoryHeap {
                size,
                ..Default::default()
            };
        }
        mem
    }

    #[test]
    fn buffers_go_to_large_mappable_gpu_memory_when_there_is_some() {
        use vk::MemoryPropertyFlags as F;
        let host = F::HOST_VISIBLE | F::HOST_COHERENT;
        let gpu = F::DEVICE_LOCAL;
        // A GPU with resizable BAR: all 80 GB mappable.
        let bar = memory(
            &[(host, 0), (gpu, 1), (gpu | host, 1)],
            &[64 << 30, 80 << 30],
        );
        assert_eq!(pick_memory_type(&bar), Some(2));
        // A 256 MiB BAR window is too small for buffers: system memory.
        let small = memory(
            &[(gpu, 0), (host, 1), (gpu | host, 2)],
            &[80 << 30, 64 << 30, 256 << 20],
        );
        assert_eq!(pick_memory_type(&small), Some(1));
        // No mappable memory at all.
        assert_eq!(pick_memory_type(&memory(&[(gpu, 0)], &[1 << 30])), None);
        // `CWCC_VK_MEMORY=device`: the GPU memory the host cannot map, staged through host
        // memory (cached preferred); none without host-visible memory.
        let cached = host | F::HOST_CACHED;
        let h100 = memory(
            &[
                (F::empty(), 1),
                (gpu, 0),
                (host, 1),
                (cached, 1),
                (gpu | host, 0),
            ],
            &[80 << 30, 96 << 30],
        );
        assert_eq!(pick_device_only_types(&h100), Some((1, 3)));
        assert!(has_unmappable_device_memory(&h100));
        let integrated = memory(&[(gpu | host, 0)], &[8 << 30]);
        assert!(!has_unmappable_device_memory(&integrated));
        assert_eq!(
            pick_device_only_types(&memory(&[(gpu, 0)], &[1 << 30])),
            None
        );
    }

    #[test]
    fn fnv_hash_differs_for_different_modules() {
        assert_ne!(hash_words(&[1, 2, 3]), hash_words(&[1, 2, 4]));
        assert_eq!(hash_words(&[7]), hash_words(&[7]));
    }

    /// Runs a tiny kernel end to end when a Vulkan device exists (else says why and passes).
    #[test]
    fn fills_a_buffer_on_the_device() {
        fill_and_check(false);
    }

    #[test]
    fn a_valid_launch_gives_no_validation_error() {
        fill_and_check(true);
    }

    #[test]
    fn validation_errors_fail_the_check() {
        let mut dev = match VulkanDevice::with_validation(true) {
            Ok(d) if d.validation_enabled() => d,
            Ok(_) => {
                eprintln!("skipped: VK_LAYER_KHRONOS_validation is not installed");
                return;
            }
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        if let Some(v) = &dev.validation {
            v.log.lock().unwrap().push("injected".to_string());
        }
        let err = dev.check_validation("a test").unwrap_err();
        assert!(err.contains("injected"), "{err}");
        assert!(dev.take_validation_errors().is_empty());
    }

    /// Runs a fill kernel; with `validation`, also checks the layer reported nothing.
    fn fill_and_check(validation: bool) {
        let mut dev = match VulkanDevice::with_validation(validation) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let module = cwcc_simt::parse_module(
            "module phase simt
fn fn0 \"fill\"(%v0: ptr<global>, %v6: i32) {
  %v1: i32 = thread_id.x
  %v7: i32 = block_id.x
  %v8: i32 = block_dim.x
  %v9: i32 = mul %v7, %v8
  %v10: i32 = add %v9, %v1
  %v2: i64 = zext %v10
  %v3: i64 = const 4
  %v4: i64 = mul %v2, %v3
  %v5: ptr<global> = ptradd %v0, %v4
  %v11: i32 = add %v10, %v6
  store %v5, %v11 align 4
  return
}
kernel \"fill\" = fn0(\"out\": ptr<global>, \"v\": i32) static_shared 0
",
        )
        .unwrap();
        let k = cwcc_spirv::compile(&module, "fill", &cwcc_spirv::SpirvOptions::default()).unwrap();
        let buf = dev.alloc(4 * 64).unwrap();
        let addr = dev.device_address(buf).unwrap();
        let params = k
            .param_buffer(&[addr.to_le_bytes().to_vec(), 100i32.to_le_bytes().to_vec()])
            .unwrap();
        dev.launch(&k, [4, 1, 1], [16, 1, 1], 0, &params).unwrap();
        let out = dev.read(buf).unwrap();
        for i in 0..64u32 {
            let v = i32::from_le_bytes(out[i as usize * 4..i as usize * 4 + 4].try_into().unwrap());
            assert_eq!(v, i as i32 + 100);
        }
        if validation {
            if !dev.validation_enabled() {
                eprintln!("VK_LAYER_KHRONOS_validation is not installed: not checked");
            }
            assert_eq!(dev.take_validation_errors(), Vec::<String>::new());
        }
    }
}
