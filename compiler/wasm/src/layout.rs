//! Where things live in linear memory and in the launch record: static data (device and
//! constant variables, trap messages, printf formats), kernel parameters, and stack frames.

use crate::manifest::{record, ParamKind as ManifestKind, ParamManifest};
use crate::WasmError;
use cwcc_simt::ir::*;
use std::collections::HashMap;

/// Addresses below this are never used, so that a null pointer never aliases data.
pub const STATIC_BASE: u32 = 1024;

/// Rounds `value` up to a multiple of `align` (a power of two).
pub fn align_up(value: u64, align: u64) -> u64 {
    let align = align.max(1);
    value.div_ceil(align) * align
}

/// The static data of a module.
#[derive(Debug, Default)]
pub struct StaticData {
    /// The address of each device or constant variable (shared variables have none).
    pub global_address: HashMap<GlobalId, u32>,
    /// The bytes of `[STATIC_BASE, end)`.
    pub image: Vec<u8>,
    /// Interned strings (trap messages, printf formats): text to address.
    strings: HashMap<String, u32>,
}

impl StaticData {
    /// Lays out the module's device and constant variables.
    pub fn new(module: &Module) -> Result<StaticData, WasmError> {
        let mut data = StaticData::default();
        for (id, global) in module.globals.iter() {
            if global.space == AddrSpace::Shared {
                continue;
            }
            let size = module.size_of(global.ty).ok_or_else(|| {
                WasmError::Internal(format!("global `{}` has no size", global.name))
            })?;
            let align = u64::from(global.align.max(module.align_of(global.ty).unwrap_or(1)));
            let offset = align_up(data.image.len() as u64, align);
            let end = offset + size;
            let address = u64::from(STATIC_BASE) + offset;
            if address + size > u64::from(u32::MAX / 2) {
                return Err(WasmError::Unsupported {
                    what: format!(
                        "device variable `{}` of {size} bytes: static data beyond 2 GiB",
                        global.name
                    ),
                    loc: None,
                });
            }
            data.image.resize(end as usize, 0);
            if let Some(init) = &global.init {
                if init.len() as u64 == size {
                    data.image[offset as usize..end as usize].copy_from_slice(init);
                }
            }
            data.global_address.insert(id, address as u32);
        }
        Ok(data)
    }

    /// The address of a NUL-terminated copy of `text` in static data.
    pub fn string(&mut self, text: &str) -> u32 {
        if let Some(&address) = self.strings.get(text) {
            return address;
        }
        let address = STATIC_BASE + self.image.len() as u32;
        self.image.extend_from_slice(text.as_bytes());
        self.image.push(0);
        self.strings.insert(text.to_string(), address);
        address
    }

    /// Adds raw bytes with an alignment and returns their address.
    pub fn bytes(&mut self, bytes: &[u8], align: u64) -> u32 {
        let offset = align_up(self.image.len() as u64, align) as usize;
        self.image.resize(offset, 0);
        self.image.extend_from_slice(bytes);
        STATIC_BASE + offset as u32
    }

    /// The first address after the static data, aligned for buffers.
    pub fn end(&self) -> u32 {
        align_up(u64::from(STATIC_BASE) + self.image.len() as u64, 256) as u32
    }
}

/// The scalar type names of the manifest.
pub fn scalar_name(module: &Module, ty: TypeId) -> Option<&'static str> {
    Some(match module.type_of(ty)? {
        Type::Bool => "i1",
        Type::Int(IntWidth::W8) => "i8",
        Type::Int(IntWidth::W16) => "i16",
        Type::Int(IntWidth::W32) => "i32",
        Type::Int(IntWidth::W64) => "i64",
        Type::Float(FloatWidth::F32) => "f32",
        Type::Float(FloatWidth::F64) => "f64",
        Type::Ptr(_) => "ptr",
        _ => return None,
    })
}

/// Places a kernel's parameters in its launch record; returns them and the record size.
pub fn param_layout(
    module: &Module,
    kernel: &KernelInfo,
) -> Result<(Vec<ParamManifest>, u32), WasmError> {
    let mut offset = u64::from(record::PARAMS);
    let mut params = Vec::new();
    for param in &kernel.params {
        let (kind, ty, size, align) = match &param.kind {
            ParamKind::Scalar(ty) => {
                let name = scalar_name(module, *ty).ok_or_else(|| {
                    WasmError::Internal(format!("parameter `{}` is not a scalar", param.name))
                })?;
                let size = module.size_of(*ty).unwrap_or(1);
                (ManifestKind::Scalar, name.to_string(), size, size)
            }
            ParamKind::Pointer(_) => (ManifestKind::Pointer, "ptr".to_string(), 8, 8),
            ParamKind::ByValue(ty) => {
                let size = module.size_of(*ty).unwrap_or(0);
                let align = u64::from(module.align_of(*ty).unwrap_or(1));
                (ManifestKind::ByValue, "bytes".to_string(), size, align)
            }
        };
        offset = align_up(offset, align);
        params.push(ParamManifest {
            name: param.name.clone(),
            kind,
            ty,
            offset: offset as u32,
            size: size as u32,
            align: align as u32,
        });
        offset += size;
        if offset > 64 * 1024 {
            return Err(WasmError::Unsupported {
                what: format!("kernel `{}`: more than 64 KiB of parameters", kernel.name),
                loc: None,
            });
        }
    }
    Ok((params, align_up(offset, 16) as u32))
}

/// The stack frame of a function: offsets of its memory locals.
#[derive(Debug, Default)]
pub struct Frame {
    /// Offset of each local from the frame base (`None` for locals kept in registers).
    pub offsets: Vec<Option<u64>>,
    /// Offset of the printf argument area.
    pub printf_area: u64,
    /// Frame size, a multiple of 16.
    pub size: u64,
}

impl Frame {
    /// Lays out the locals of `func` that are not `promoted`, then a printf area of
    /// `printf_bytes`.
    pub fn new(
        module: &Module,
        func: &Function,
        promoted: &dyn Fn(LocalId) -> bool,
        printf_bytes: u64,
    ) -> Result<Frame, WasmError> {
        let mut frame = Frame::default();
        let mut offset = 0u64;
        for (index, local) in func.locals.iter().enumerate() {
            if promoted(LocalId::from_index(index)) {
                frame.offsets.push(None);
                continue;
            }
            let size = module.size_of(local.ty).ok_or_else(|| {
                WasmError::Internal(format!("local `{}` has no size", local.name))
            })?;
            let align = u64::from(local.align.max(module.align_of(local.ty).unwrap_or(1)));
            offset = align_up(offset, align);
            frame.offsets.push(Some(offset));
            offset = offset
                .checked_add(size)
                .ok_or_else(|| WasmError::Unsupported {
                    what: format!("local `{}` is too large", local.name),
                    loc: None,
                })?;
        }
        frame.printf_area = align_up(offset, 8);
        frame.size = align_up(frame.printf_area + printf_bytes, 16);
        if frame.size > u64::from(u32::MAX / 4) {
            return Err(WasmError::Unsupported {
                what: format!(
                    "function `{}` needs a {} byte stack frame (per-thread copies of its locals)",
                    func.name, frame.size
                ),
                loc: None,
            });
        }
        Ok(frame)
    }
}
