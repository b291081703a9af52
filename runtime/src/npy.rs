//! Reading and writing NumPy `.npy` files (format versions 1, 2 and 3; little-endian
//! numeric dtypes; C order). Anything else is a clear [`NpyError`].

use std::fmt;

/// The element types `.npy` files may hold here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    /// `<i1`
    I8,
    /// `|u1`
    U8,
    /// `<i2`
    I16,
    /// `<u2`
    U16,
    /// `<f2` (IEEE binary16: CUDA's `__half`; carried as raw bits, never converted)
    F16,
    /// `<i4`
    I32,
    /// `<u4`
    U32,
    /// `<i8`
    I64,
    /// `<u8`
    U64,
    /// `<f4`
    F32,
    /// `<f8`
    F64,
}

impl DType {
    /// Every dtype.
    pub const ALL: [DType; 11] = [
        DType::I8,
        DType::U8,
        DType::I16,
        DType::U16,
        DType::F16,
        DType::I32,
        DType::U32,
        DType::I64,
        DType::U64,
        DType::F32,
        DType::F64,
    ];

    /// The short name (`i32`, `f64`, …) used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            DType::I8 => "i8",
            DType::U8 => "u8",
            DType::I16 => "i16",
            DType::U16 => "u16",
            DType::F16 => "f16",
            DType::I32 => "i32",
            DType::U32 => "u32",
            DType::I64 => "i64",
            DType::U64 => "u64",
            DType::F32 => "f32",
            DType::F64 => "f64",
        }
    }

    /// The dtype with a short name.
    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 | DType::F16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 => 8,
        }
    }

    /// The NumPy `descr` string.
    pub fn descr(self) -> &'static str {
        match self {
            DType::I8 => "|i1",
            DType::U8 => "|u1",
            DType::I16 => "<i2",
            DType::U16 => "<u2",
            DType::F16 => "<f2",
            DType::I32 => "<i4",
            DType::U32 => "<u4",
            DType::I64 => "<i8",
            DType::U64 => "<u8",
            DType::F32 => "<f4",
            DType::F64 => "<f8",
        }
    }

    fn from_descr(descr: &str) -> Option<DType> {
        let d = match descr {
            "<i1" | "i1" => "|i1",
            "<u1" | "u1" | "|b1" => "|u1",
            other => other,
        };
        DType::ALL.into_iter().find(|t| t.descr() == d)
    }
}

/// An array read from or written to a `.npy` file: its dtype, shape and raw little-endian
/// bytes in C order.
#[derive(Clone, Debug, PartialEq)]
pub struct NpyArray {
    /// The element type.
    pub dtype: DType,
    /// The shape (empty for a scalar).
    pub shape: Vec<usize>,
    /// `product(shape) * dtype.size()` bytes.
    pub data: Vec<u8>,
}

impl NpyArray {
    /// A one-dimensional array of raw bytes (the length is truncated to whole elements).
    pub fn from_bytes(dtype: DType, mut data: Vec<u8>) -> NpyArray {
        let len = data.len() / dtype.size();
        data.truncate(len * dtype.size());
        NpyArray {
            dtype,
            shape: vec![len],
            data,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.data.len() / self.dtype.size()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Why a `.npy` file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyError(pub String);

impl fmt::Display for NpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NpyError {}

const MAGIC: &[u8] = b"\x93NUMPY";

/// Parses the bytes of a `.npy` file.
pub fn read_npy(bytes: &[u8]) -> Result<NpyArray, NpyError> {
    let fail = |m: &str| Err(NpyError(m.to_string()));
    if bytes.len() < 10 || !bytes.starts_with(MAGIC) {
        return fail("not a NumPy .npy file (the magic string \\x93NUMPY is missing)");
    }
    let major = bytes[6];
    let (header_len, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => {
            if bytes.len() < 12 {
                return fail("truncated .npy header");
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        v => return Err(NpyError(format!("unsupported .npy format version {v}"))),
    };
    let Some(header) = bytes.get(start..start + header_len) else {
        return fail("truncated .npy header");
    };
    let header = String::from_utf8_lossy(header);
    let descr = dict_value(&header, "descr")
        .ok_or_else(|| NpyError("the .npy header has no 'descr'".into()))?;
    let descr = descr.trim().trim_matches(|c| c == '\'' || c == '"');
    let dtype = DType::from_descr(descr).ok_or_else(|| {
        NpyError(format!(
            "unsupported .npy dtype '{descr}': supported are little-endian i8 u8 i16 u16 f16 i32 u32 i64 u64 f32 f64"
        ))
    })?;
    let fortran = dict_value(&header, "fortran_order").unwrap_or_default();
    if fortran.trim() == "True" {
        return fail("Fortran-order .npy arrays are not supported; save the array in C order");
    }
    let shape_text = dict_value(&header, "shape")
        .ok_or_else(|| NpyError("the .npy header has no 'shape'".into()))?;
    let mut shape = Vec::new();
    for part in shape_text
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
    {
        let p = part.trim();
        if p.is_empty() {
            continue;
        }
        shape.push(
            p.parse::<usize>()
                .map_err(|_| NpyError(format!("bad dimension '{p}' in the .npy shape")))?,
        );
    }
    let count = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| NpyError("the .npy shape is too large".into()))?;
    let size = count
        .checked_mul(dtype.size())
        .ok_or_else(|| NpyError("the .npy shape is too large".into()))?;
    let data_start = start + header_len;
    let Some(data) = bytes.get(data_start..data_start + size) else {
        return Err(NpyError(format!(
            "the .npy file is truncated: its shape needs {size} bytes of data, it has {}",
            bytes.len().saturating_sub(data_start)
        )));
    };
    Ok(NpyArray {
        dtype,
        shape,
        data: data.to_vec(),
    })
}

/// The text of a key's value in the header dict (up to the next top-level comma).
fn dict_value(header: &str, key: &str) -> Option<String> {
    let quoted = [format!("'{key}'"), format!("\"{key}\"")];
    let pos = quoted
        .iter()
        .find_map(|k| header.find(k.as_str()).map(|p| p + k.len()))?;
    let rest = header.get(pos..)?.trim_start().strip_prefix(':')?;
    let mut depth = 0i32;
    let mut out = String::new();
    for c in rest.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' | '}' if depth <= 0 => break,
            _ => {}
        }
        out.push(c);
    }
    Some(out)
}

/// Serializes an array as a version 1.0 `.npy` file.
pub fn write_npy(array: &NpyArray) -> Vec<u8> {
    let shape = match array.shape.len() {
        0 => "()".to_string(),
        1 => format!("({},)", array.shape[0]),
        _ => format!(
            "({})",
            array
                .shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}",
        array.dtype.descr()
    );
    let unpadded = MAGIC.len() + 4 + header.len() + 1;
    let pad = (64 - unpadded % 64) % 64;
    header.push_str(&" ".repeat(pad));
    header.push('\n');
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + header.len() + array.data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&array.data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_dtype() {
        for dtype in DType::ALL {
            let a = NpyArray {
                dtype,
                shape: vec![2, 3],
                data: (0..6 * dtype.size() as u8).collect(),
            };
            let bytes = write_npy(&a);
            assert_eq!((bytes.len() - a.data.len()) % 64, 0);
            assert_eq!(read_npy(&bytes).unwrap(), a);
        }
    }

    #[test]
    fn reads_numpy_written_header() {
        // As numpy 1.26 writes np.arange(3, dtype=np.int32).
        let mut bytes = b"\x93NUMPY\x01\x00v\x00".to_vec();
        let mut header = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }".to_string();
        while !(10 + header.len() + 1).is_multiple_of(64) {
            header.push(' ');
        }
        header.push('\n');
        bytes[8] = header.len() as u8;
        bytes.extend_from_slice(header.as_bytes());
        for i in 0..3i32 {
            bytes.extend_from_slice(&i.to_le_bytes());
        }
        let a = read_npy(&bytes).unwrap();
        assert_eq!(a.dtype, DType::I32);
        assert_eq!(a.shape, vec![3]);
        assert_eq!(a.len(), 3);
    }

    #[test]
    fn reads_numpy_float16() {
        // As numpy writes np.array([1.0, -2.0], dtype=np.float16): raw binary16 bits.
        let mut bytes = b"\x93NUMPY\x01\x00v\x00".to_vec();
        let mut header = "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }".to_string();
        while !(10 + header.len() + 1).is_multiple_of(64) {
            header.push(' ');
        }
        header.push('\n');
        bytes[8] = header.len() as u8;
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(&[0x00, 0x3c, 0x00, 0xc0]);
        let a = read_npy(&bytes).unwrap();
        assert_eq!((a.dtype, a.len()), (DType::F16, 2));
        assert_eq!(a.data, vec![0x00, 0x3c, 0x00, 0xc0]);
        assert!(write_npy(&a).windows(3).any(|w| w == b"<f2"));
    }

    #[test]
    fn clear_errors() {
        assert!(read_npy(b"hello").unwrap_err().0.contains("magic"));
        let a = NpyArray::from_bytes(DType::F32, vec![0; 8]);
        let mut bytes = write_npy(&a);
        if let Some(p) = bytes.windows(3).position(|w| w == b"<f4") {
            bytes[p] = b'>';
        }
        assert!(read_npy(&bytes)
            .unwrap_err()
            .0
            .contains("unsupported .npy dtype '>f4'"));
        let mut short = write_npy(&a);
        short.truncate(short.len() - 1);
        assert!(read_npy(&short).unwrap_err().0.contains("truncated"));
    }
}
