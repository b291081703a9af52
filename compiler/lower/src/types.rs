//! HIR types to SIMT types, scalar classification, and constant initializers as bytes.

use crate::{ht, Lowerer};
use cwcc_frontend::diag::Diagnostic;
use cwcc_frontend::source::Span;
use cwcc_hir::ir as h;
use cwcc_simt::ir as s;

/// What a HIR scalar type is, as far as code generation cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// `bool`.
    Bool,
    /// An integer of a width and signedness.
    Int(s::IntWidth, bool),
    /// A float.
    Float(s::FloatWidth),
    /// A pointer (or reference) into a space.
    Ptr(s::AddrSpace),
}

/// The SIMT address space of a HIR one.
pub(crate) fn space(space: ht::AddrSpace) -> s::AddrSpace {
    match space {
        ht::AddrSpace::Generic => s::AddrSpace::Generic,
        ht::AddrSpace::Global => s::AddrSpace::Global,
        ht::AddrSpace::Shared => s::AddrSpace::Shared,
        ht::AddrSpace::Constant => s::AddrSpace::Constant,
        ht::AddrSpace::Local => s::AddrSpace::Local,
    }
}

fn int_width(bytes: u64) -> s::IntWidth {
    match bytes {
        1 => s::IntWidth::W8,
        2 => s::IntWidth::W16,
        4 => s::IntWidth::W32,
        _ => s::IntWidth::W64,
    }
}

impl Lowerer<'_> {
    /// Classifies a HIR type as a scalar, `None` for void, records, arrays and errors.
    pub(crate) fn scalar(&self, ty: ht::TypeId) -> Option<Scalar> {
        Some(match self.hir.types.get(ty) {
            ht::Type::Scalar(ht::Scalar::Bool) => Scalar::Bool,
            ht::Type::Scalar(ht::Scalar::Float) => Scalar::Float(s::FloatWidth::F32),
            ht::Type::Scalar(ht::Scalar::Double) => Scalar::Float(s::FloatWidth::F64),
            ht::Type::Scalar(sc) => Scalar::Int(int_width(sc.size()), sc.is_signed()),
            ht::Type::Enum(e) => {
                let u = self.hir.types.enum_def(e)?.underlying;
                if u == ht::Scalar::Bool {
                    Scalar::Bool
                } else {
                    Scalar::Int(int_width(u.size()), u.is_signed())
                }
            }
            ht::Type::Pointer { space: sp, .. } => Scalar::Ptr(space(sp)),
            ht::Type::Reference { .. } | ht::Type::Nullptr => Scalar::Ptr(s::AddrSpace::Generic),
            _ => return None,
        })
    }

    /// Whether a HIR type lives only in memory (records and arrays).
    pub(crate) fn is_aggregate(&self, ty: ht::TypeId) -> bool {
        matches!(
            self.hir.types.get(ty),
            ht::Type::Record(_) | ht::Type::Array { .. }
        )
    }

    /// The SIMT type of a scalar classification.
    pub(crate) fn scalar_type(&mut self, sc: Scalar) -> s::TypeId {
        self.out.ty(match sc {
            Scalar::Bool => s::Type::Bool,
            Scalar::Int(w, _) => s::Type::Int(w),
            Scalar::Float(w) => s::Type::Float(w),
            Scalar::Ptr(sp) => s::Type::Ptr(sp),
        })
    }

    /// The SIMT type of a scalar HIR type (what an SSA value of it has).
    pub(crate) fn value_type(
        &mut self,
        ty: ht::TypeId,
        span: Span,
    ) -> Result<s::TypeId, Box<Diagnostic>> {
        match self.scalar(ty) {
            Some(sc) => Ok(self.scalar_type(sc)),
            None => Err(Box::new(Diagnostic::error(
                format!(
                    "not supported yet: a value of type `{}` here",
                    self.hir.types.cpp_name(ty)
                ),
                span,
            ))),
        }
    }

    /// The SIMT type of the storage of a HIR type (scalars, arrays, structs).
    pub(crate) fn mem_type(
        &mut self,
        ty: ht::TypeId,
        span: Span,
    ) -> Result<s::TypeId, Box<Diagnostic>> {
        if let Some(&t) = self.type_cache.get(&ty) {
            return Ok(t);
        }
        let result = match self.hir.types.get(ty) {
            ht::Type::Array {
                elem,
                len: Some(len),
            } => {
                let elem = self.mem_type(elem, span)?;
                self.out.ty(s::Type::Array { elem, len })
            }
            ht::Type::Array { len: None, .. } => {
                return Err(Box::new(Diagnostic::error(
                    "not supported yet: an array of unknown size outside `extern __shared__`",
                    span,
                )))
            }
            ht::Type::Record(rid) => {
                let Some(rec) = self.hir.types.record(rid).cloned() else {
                    return Err(Box::new(Diagnostic::error(
                        "internal: unknown record type",
                        span,
                    )));
                };
                if !rec.complete {
                    return Err(Box::new(Diagnostic::error(
                        format!("the struct `{}` is incomplete here", rec.name),
                        span,
                    )));
                }
                let mut fields = Vec::new();
                for f in &rec.fields {
                    let fty = self.mem_type(f.ty, span)?;
                    fields.push(s::StructField {
                        ty: fty,
                        offset: f.offset,
                    });
                }
                let align = u32::try_from(rec.align.max(1)).unwrap_or(1);
                self.out.ty(s::Type::Struct(s::StructType {
                    fields,
                    size: rec.size,
                    align: if align.is_power_of_two() { align } else { 1 },
                }))
            }
            _ => self.value_type(ty, span)?,
        };
        self.type_cache.insert(ty, result);
        Ok(result)
    }

    /// Size in bytes of a HIR type (1 for `void`, as GNU pointer arithmetic does).
    pub(crate) fn size_of(&self, ty: ht::TypeId) -> u64 {
        if self.hir.types.get(ty) == ht::Type::Void {
            return 1;
        }
        self.hir.types.size_of(ty).unwrap_or(1)
    }

    /// Alignment in bytes of a HIR type (a power of two, at least 1).
    pub(crate) fn align_of(&self, ty: ht::TypeId) -> u32 {
        let a = self.hir.types.align_of(ty).unwrap_or(1).max(1);
        let a = u32::try_from(a).unwrap_or(1);
        if a.is_power_of_two() {
            a
        } else {
            1
        }
    }
}

/// Writes the bytes of a constant initializer of HIR type `ty` at `offset` into `out`.
pub(crate) fn write_const(
    lw: &Lowerer<'_>,
    ty: ht::TypeId,
    init: &h::ConstInit,
    out: &mut [u8],
    offset: u64,
    span: Span,
) -> Result<(), Box<Diagnostic>> {
    let bad = |what: &str| {
        Box::new(Diagnostic::error(
            format!("not supported yet: {what} in a constant initializer"),
            span,
        ))
    };
    match init {
        h::ConstInit::Zero => Ok(()),
        h::ConstInit::Aggregate(items) => match lw.hir.types.get(ty) {
            ht::Type::Array { elem, .. } => {
                let size = lw.size_of(elem);
                for (i, item) in items.iter().enumerate() {
                    write_const(lw, elem, item, out, offset + size * i as u64, span)?;
                }
                Ok(())
            }
            ht::Type::Record(rid) => {
                let rec = lw.hir.types.record(rid).ok_or_else(|| bad("a record"))?;
                for (field, item) in rec.fields.iter().zip(items) {
                    write_const(lw, field.ty, item, out, offset + field.offset, span)?;
                    if rec.is_union {
                        break;
                    }
                }
                Ok(())
            }
            _ => match items.first() {
                Some(first) => write_const(lw, ty, first, out, offset, span),
                None => Ok(()),
            },
        },
        h::ConstInit::Int(v) => {
            let bytes: Vec<u8> = match lw.scalar(ty) {
                Some(Scalar::Bool) => vec![u8::from(*v != 0)],
                Some(Scalar::Int(w, _)) => (*v as u64).to_le_bytes()[..w.bytes() as usize].to_vec(),
                Some(Scalar::Float(s::FloatWidth::F32)) => (*v as f32).to_le_bytes().to_vec(),
                Some(Scalar::Float(s::FloatWidth::F64)) => (*v as f64).to_le_bytes().to_vec(),
                Some(Scalar::Ptr(_)) if *v == 0 => vec![0; 8],
                _ => return Err(bad("an address")),
            };
            put(out, offset, &bytes, span)
        }
        h::ConstInit::Float(v) => {
            let bytes: Vec<u8> = match lw.scalar(ty) {
                Some(Scalar::Float(s::FloatWidth::F32)) => (*v as f32).to_le_bytes().to_vec(),
                Some(Scalar::Float(s::FloatWidth::F64)) => v.to_le_bytes().to_vec(),
                Some(Scalar::Int(w, signed)) => {
                    let i = if signed { *v as i64 as u64 } else { *v as u64 };
                    i.to_le_bytes()[..w.bytes() as usize].to_vec()
                }
                Some(Scalar::Bool) => vec![u8::from(*v != 0.0)],
                _ => return Err(bad("a float for a pointer")),
            };
            put(out, offset, &bytes, span)
        }
    }
}

fn put(out: &mut [u8], offset: u64, bytes: &[u8], span: Span) -> Result<(), Box<Diagnostic>> {
    let start = offset as usize;
    match out.get_mut(start..start + bytes.len()) {
        Some(dst) => {
            dst.copy_from_slice(bytes);
            Ok(())
        }
        None => Err(Box::new(Diagnostic::error(
            "internal: a constant initializer does not fit its variable",
            span,
        ))),
    }
}
