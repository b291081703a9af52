//! Interned types and CUDA's data layout (LP64: `long` and pointers are 8 bytes).
//!
//! Every [`Type`] is stored once in a [`TypeTable`]; equal types get the same [`TypeId`], so
//! type equality is handle equality. Records and enums live beside the interner because their
//! layout and enumerators are needed to answer `sizeof` and conversions.

use std::collections::HashMap;
use std::fmt;

/// Handle of an interned type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(u32);

impl TypeId {
    /// The index of the type in its table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Handle of a struct/class/union definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub u32);

/// Handle of an enum definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnumId(pub u32);

/// The fundamental arithmetic types of C++ that CUDA device code uses. `long` and `long long`
/// are distinct types of the same size (overload resolution tells them apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Scalar {
    Bool,
    Char,
    SChar,
    UChar,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    LongLong,
    ULongLong,
    Float,
    Double,
}

impl Scalar {
    /// Whether it is an integer type (including `bool` and the character types).
    pub fn is_integral(self) -> bool {
        !self.is_floating()
    }

    /// Whether it is `float` or `double`.
    pub fn is_floating(self) -> bool {
        matches!(self, Scalar::Float | Scalar::Double)
    }

    /// Whether values of the type are signed (`char` is signed, as on x86-64 and in CUDA).
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            Scalar::Char
                | Scalar::SChar
                | Scalar::Short
                | Scalar::Int
                | Scalar::Long
                | Scalar::LongLong
                | Scalar::Float
                | Scalar::Double
        )
    }

    /// Size in bytes.
    pub fn size(self) -> u64 {
        match self {
            Scalar::Bool | Scalar::Char | Scalar::SChar | Scalar::UChar => 1,
            Scalar::Short | Scalar::UShort => 2,
            Scalar::Int | Scalar::UInt | Scalar::Float => 4,
            Scalar::Long
            | Scalar::ULong
            | Scalar::LongLong
            | Scalar::ULongLong
            | Scalar::Double => 8,
        }
    }

    /// The integer conversion rank of C++ (\[conv.rank\]); 0 for `bool`, floats get 10/11.
    pub fn rank(self) -> u8 {
        match self {
            Scalar::Bool => 0,
            Scalar::Char | Scalar::SChar | Scalar::UChar => 1,
            Scalar::Short | Scalar::UShort => 2,
            Scalar::Int | Scalar::UInt => 3,
            Scalar::Long | Scalar::ULong => 4,
            Scalar::LongLong | Scalar::ULongLong => 5,
            Scalar::Float => 10,
            Scalar::Double => 11,
        }
    }

    /// The unsigned type of the same rank (identity for unsigned and floating types).
    pub fn to_unsigned(self) -> Scalar {
        match self {
            Scalar::Char | Scalar::SChar => Scalar::UChar,
            Scalar::Short => Scalar::UShort,
            Scalar::Int => Scalar::UInt,
            Scalar::Long => Scalar::ULong,
            Scalar::LongLong => Scalar::ULongLong,
            other => other,
        }
    }

    /// The integer promotion of the type (\[conv.prom\]): small integers become `int`.
    pub fn promoted(self) -> Scalar {
        match self {
            Scalar::Bool
            | Scalar::Char
            | Scalar::SChar
            | Scalar::UChar
            | Scalar::Short
            | Scalar::UShort => Scalar::Int,
            other => other,
        }
    }

    /// The name used in the HIR text form (`i32`, `u8`, `f32`, ...).
    pub fn short_name(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::Char | Scalar::SChar => "i8",
            Scalar::UChar => "u8",
            Scalar::Short => "i16",
            Scalar::UShort => "u16",
            Scalar::Int => "i32",
            Scalar::UInt => "u32",
            Scalar::Long | Scalar::LongLong => "i64",
            Scalar::ULong | Scalar::ULongLong => "u64",
            Scalar::Float => "f32",
            Scalar::Double => "f64",
        }
    }

    /// The C++ spelling (for diagnostics).
    pub fn cpp_name(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::Char => "char",
            Scalar::SChar => "signed char",
            Scalar::UChar => "unsigned char",
            Scalar::Short => "short",
            Scalar::UShort => "unsigned short",
            Scalar::Int => "int",
            Scalar::UInt => "unsigned int",
            Scalar::Long => "long",
            Scalar::ULong => "unsigned long",
            Scalar::LongLong => "long long",
            Scalar::ULongLong => "unsigned long long",
            Scalar::Float => "float",
            Scalar::Double => "double",
        }
    }

    /// Whether every value of `self` can be represented in `other` (both integral).
    pub fn fits_in(self, other: Scalar) -> bool {
        if self.is_signed() == other.is_signed() {
            self.size() <= other.size()
        } else if other.is_signed() {
            self.size() < other.size()
        } else {
            false
        }
    }
}

/// Where memory lives, in CUDA terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddrSpace {
    /// Any space (CUDA pointers are generic unless the compiler knows better).
    Generic,
    /// Device global memory (`__device__`, `__managed__` variables).
    Global,
    /// Per-block shared memory (`__shared__`).
    Shared,
    /// Read-only constant memory (`__constant__`).
    Constant,
    /// Per-thread local memory (locals and parameters).
    Local,
}

impl AddrSpace {
    /// Lower-case name used in the text form.
    pub fn name(self) -> &'static str {
        match self {
            AddrSpace::Generic => "generic",
            AddrSpace::Global => "global",
            AddrSpace::Shared => "shared",
            AddrSpace::Constant => "constant",
            AddrSpace::Local => "local",
        }
    }
}

/// A type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `void`.
    Void,
    /// An arithmetic type.
    Scalar(Scalar),
    /// A pointer.
    Pointer {
        /// The pointed-to type.
        pointee: TypeId,
        /// Which memory it points into.
        space: AddrSpace,
        /// Whether the pointee is `const`.
        pointee_const: bool,
    },
    /// An lvalue reference `T&` (`const T&` when `is_const`).
    Reference {
        /// The referenced type.
        pointee: TypeId,
        /// `const T&`.
        is_const: bool,
    },
    /// An array; `len` is `None` for `extern __shared__ T s[]`.
    Array {
        /// The element type.
        elem: TypeId,
        /// The number of elements.
        len: Option<u64>,
    },
    /// A struct, class or union.
    Record(RecordId),
    /// An enum.
    Enum(EnumId),
    /// The type of `nullptr`.
    Nullptr,
    /// The type of an expression that already produced an error (suppresses follow-up errors).
    Error,
}

/// A field of a record.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: TypeId,
    /// Byte offset in the record.
    pub offset: u64,
}

/// A struct, class or union.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordDef {
    /// Name as printed (`Vec<float, 4>` for a class template instance).
    pub name: String,
    /// Whether it is a union (all fields at offset 0).
    pub is_union: bool,
    /// Data members in declaration order (base class fields first, as a field named `base`).
    pub fields: Vec<Field>,
    /// Size in bytes (a multiple of `align`).
    pub size: u64,
    /// Alignment in bytes.
    pub align: u64,
    /// Whether the definition has been seen (an incomplete record has no layout).
    pub complete: bool,
}

/// An enum.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDef {
    /// Its name.
    pub name: String,
    /// The underlying integer type.
    pub underlying: Scalar,
    /// Whether it is `enum class`.
    pub scoped: bool,
    /// Enumerators with their values.
    pub enumerators: Vec<(String, i128)>,
}

/// The type interner with the record and enum definitions.
#[derive(Clone, Debug, Default)]
pub struct TypeTable {
    types: Vec<Type>,
    lookup: HashMap<Type, TypeId>,
    /// Records by [`RecordId`].
    pub records: Vec<RecordDef>,
    /// Enums by [`EnumId`].
    pub enums: Vec<EnumDef>,
}

impl TypeTable {
    /// An empty table.
    pub fn new() -> TypeTable {
        TypeTable::default()
    }

    /// The handle of `ty`, adding it if new.
    pub fn intern(&mut self, ty: Type) -> TypeId {
        if let Some(&id) = self.lookup.get(&ty) {
            return id;
        }
        let id = TypeId(self.types.len() as u32);
        self.types.push(ty);
        self.lookup.insert(ty, id);
        id
    }

    /// The type behind a handle (`Error` for a handle from another table).
    pub fn get(&self, id: TypeId) -> Type {
        self.types.get(id.index()).copied().unwrap_or(Type::Error)
    }

    /// Number of interned types.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// Whether no type is interned.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// Shorthand for interning a scalar.
    pub fn scalar(&mut self, s: Scalar) -> TypeId {
        self.intern(Type::Scalar(s))
    }

    /// The scalar behind `id`, if it is one.
    pub fn as_scalar(&self, id: TypeId) -> Option<Scalar> {
        match self.get(id) {
            Type::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The record behind `id`, if it is one.
    pub fn as_record(&self, id: TypeId) -> Option<RecordId> {
        match self.get(id) {
            Type::Record(r) => Some(r),
            _ => None,
        }
    }

    /// The record definition for `id`.
    pub fn record(&self, id: RecordId) -> Option<&RecordDef> {
        self.records.get(id.0 as usize)
    }

    /// The enum definition for `id`.
    pub fn enum_def(&self, id: EnumId) -> Option<&EnumDef> {
        self.enums.get(id.0 as usize)
    }

    /// Whether `id` is the error type.
    pub fn is_error(&self, id: TypeId) -> bool {
        self.get(id) == Type::Error
    }

    /// Size in bytes with CUDA's layout; `None` for `void`, incomplete types and unsized arrays.
    pub fn size_of(&self, id: TypeId) -> Option<u64> {
        match self.get(id) {
            Type::Void | Type::Error => None,
            Type::Scalar(s) => Some(s.size()),
            Type::Pointer { .. } | Type::Reference { .. } | Type::Nullptr => Some(8),
            Type::Array { elem, len } => self.size_of(elem)?.checked_mul(len?),
            Type::Record(r) => self.record(r).filter(|r| r.complete).map(|r| r.size),
            Type::Enum(e) => self.enum_def(e).map(|e| e.underlying.size()),
        }
    }

    /// Alignment in bytes; `None` where the size is unknown.
    pub fn align_of(&self, id: TypeId) -> Option<u64> {
        match self.get(id) {
            Type::Void | Type::Error => None,
            Type::Scalar(s) => Some(s.size()),
            Type::Pointer { .. } | Type::Reference { .. } | Type::Nullptr => Some(8),
            Type::Array { elem, .. } => self.align_of(elem),
            Type::Record(r) => self.record(r).filter(|r| r.complete).map(|r| r.align),
            Type::Enum(e) => self.enum_def(e).map(|e| e.underlying.size()),
        }
    }

    /// Computes the layout of a record from its field types: C rules (each field at the next
    /// multiple of its alignment; size rounded up to the alignment), with `min_align` from
    /// `__align__(N)`. Fields whose size is unknown count as one byte and make it `Err` with
    /// the field's name.
    pub fn layout_record(&mut self, id: RecordId, min_align: u64) -> Result<(), String> {
        let Some(rec) = self.records.get(id.0 as usize) else {
            return Ok(());
        };
        let is_union = rec.is_union;
        let fields: Vec<(String, TypeId)> =
            rec.fields.iter().map(|f| (f.name.clone(), f.ty)).collect();
        let mut offset = 0u64;
        let mut align = min_align.max(1);
        let mut size = 0u64;
        let mut offsets = Vec::with_capacity(fields.len());
        let mut problem = Ok(());
        for (name, ty) in &fields {
            let (fs, fa) = match (self.size_of(*ty), self.align_of(*ty)) {
                (Some(s), Some(a)) => (s, a.max(1)),
                _ => {
                    problem = Err(name.clone());
                    (1, 1)
                }
            };
            align = align.max(fa);
            if is_union {
                offsets.push(0);
                size = size.max(fs);
            } else {
                offset = offset.div_ceil(fa) * fa;
                offsets.push(offset);
                offset += fs;
                size = offset;
            }
        }
        let size = size.div_ceil(align) * align;
        if let Some(rec) = self.records.get_mut(id.0 as usize) {
            for (f, off) in rec.fields.iter_mut().zip(offsets) {
                f.offset = off;
            }
            rec.size = size;
            rec.align = align;
            rec.complete = true;
        }
        problem
    }

    /// The type as C++ spells it (for diagnostics).
    pub fn cpp_name(&self, id: TypeId) -> String {
        match self.get(id) {
            Type::Void => "void".into(),
            Type::Scalar(s) => s.cpp_name().into(),
            Type::Pointer {
                pointee,
                pointee_const,
                ..
            } => {
                let inner = self.cpp_name(pointee);
                if pointee_const {
                    format!("const {inner} *")
                } else {
                    format!("{inner} *")
                }
            }
            Type::Reference { pointee, is_const } => {
                let inner = self.cpp_name(pointee);
                if is_const {
                    format!("const {inner} &")
                } else {
                    format!("{inner} &")
                }
            }
            Type::Array { elem, len } => match len {
                Some(n) => format!("{}[{n}]", self.cpp_name(elem)),
                None => format!("{}[]", self.cpp_name(elem)),
            },
            Type::Record(r) => self
                .record(r)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| "<record>".into()),
            Type::Enum(e) => self
                .enum_def(e)
                .map(|e| e.name.clone())
                .unwrap_or_else(|| "<enum>".into()),
            Type::Nullptr => "std::nullptr_t".into(),
            Type::Error => "<error>".into(),
        }
    }

    /// Wraps the text form of a type for `Display`.
    pub fn display(&self, id: TypeId) -> TypeDisplay<'_> {
        TypeDisplay { table: self, id }
    }
}

/// Prints a type in the HIR text form (`i32`, `ptr<generic, f32>`, `[f32; 16]`, `float4`).
pub struct TypeDisplay<'a> {
    table: &'a TypeTable,
    id: TypeId,
}

impl fmt::Display for TypeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.table;
        match t.get(self.id) {
            Type::Void => write!(f, "void"),
            Type::Scalar(s) => write!(f, "{}", s.short_name()),
            Type::Pointer {
                pointee,
                space,
                pointee_const,
            } => write!(
                f,
                "ptr<{}, {}{}>",
                space.name(),
                if pointee_const { "const " } else { "" },
                t.display(pointee)
            ),
            Type::Reference { pointee, is_const } => write!(
                f,
                "ref<{}{}>",
                if is_const { "const " } else { "" },
                t.display(pointee)
            ),
            Type::Array { elem, len } => match len {
                Some(n) => write!(f, "[{}; {n}]", t.display(elem)),
                None => write!(f, "[{}]", t.display(elem)),
            },
            Type::Record(_) | Type::Enum(_) => write!(f, "{}", t.cpp_name(self.id)),
            Type::Nullptr => write!(f, "nullptr_t"),
            Type::Error => write!(f, "<error>"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_gives_equal_handles() {
        let mut t = TypeTable::new();
        let a = t.scalar(Scalar::Float);
        let b = t.scalar(Scalar::Float);
        assert_eq!(a, b);
        let p1 = t.intern(Type::Pointer {
            pointee: a,
            space: AddrSpace::Generic,
            pointee_const: false,
        });
        let p2 = t.intern(Type::Pointer {
            pointee: a,
            space: AddrSpace::Shared,
            pointee_const: false,
        });
        assert_ne!(p1, p2);
        assert_eq!(t.display(p2).to_string(), "ptr<shared, f32>");
    }

    #[test]
    fn record_layout_pads_and_aligns() {
        let mut t = TypeTable::new();
        let c = t.scalar(Scalar::Char);
        let d = t.scalar(Scalar::Double);
        let i = t.scalar(Scalar::Int);
        t.records.push(RecordDef {
            name: "S".into(),
            is_union: false,
            fields: vec![
                Field {
                    name: "a".into(),
                    ty: c,
                    offset: 0,
                },
                Field {
                    name: "b".into(),
                    ty: d,
                    offset: 0,
                },
                Field {
                    name: "c".into(),
                    ty: i,
                    offset: 0,
                },
            ],
            size: 0,
            align: 1,
            complete: false,
        });
        assert!(t.layout_record(RecordId(0), 1).is_ok());
        let r = t.record(RecordId(0)).unwrap();
        assert_eq!(r.size, 24);
        assert_eq!(r.align, 8);
        assert_eq!(r.fields[1].offset, 8);
        assert_eq!(r.fields[2].offset, 16);
    }

    #[test]
    fn fits_in_follows_lp64() {
        assert!(Scalar::UInt.fits_in(Scalar::Long));
        assert!(!Scalar::ULong.fits_in(Scalar::LongLong));
        assert!(!Scalar::Int.fits_in(Scalar::UInt));
        assert!(Scalar::UShort.fits_in(Scalar::Int));
    }
}
