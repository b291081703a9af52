//! Device memory of the reference executor: a 64-bit address space of separate allocations
//! with unmapped gaps between them, so that running off the end of a buffer is caught.
//!
//! Address map (all spaces share one flat space, so generic pointers need no translation):
//! - `0x1_0000_0000 ..`: global allocations (`alloc`, `__device__` and `__constant__` variables);
//! - [`SHARED_BASE`]: the shared memory of the block being run;
//! - [`PARAM_BASE`]: by-value kernel parameters;
//! - [`LOCAL_BASE`] `+ (thread << 32)`: the local memory of each thread of the block.

use std::collections::{BTreeMap, HashMap};

/// First address of global allocations.
pub const GLOBAL_BASE: u64 = 0x1_0000_0000;
/// Address of the current block's shared memory.
pub const SHARED_BASE: u64 = 0x4000_0000_0000_0000;
/// Address of the by-value kernel parameters.
pub const PARAM_BASE: u64 = 0x5000_0000_0000_0000;
/// Base of the per-thread local memory windows (4 GiB apart).
pub const LOCAL_BASE: u64 = 0x6000_0000_0000_0000;

const ALLOC_ALIGN: u64 = 256;
const GUARD_GAP: u64 = 4096;

/// One device allocation.
#[derive(Clone, Debug)]
struct Allocation {
    bytes: Vec<u8>,
    read_only: bool,
}

/// Why a host access failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryError {
    /// What went wrong, for a person.
    pub message: String,
}

impl std::fmt::Display for MemoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MemoryError {}

/// Device (global and constant) memory, shared by all launches on it.
#[derive(Clone, Debug)]
pub struct Memory {
    allocations: BTreeMap<u64, Allocation>,
    next_address: u64,
    symbols: HashMap<String, u64>,
}

impl Default for Memory {
    fn default() -> Self {
        Memory::new()
    }
}

impl Memory {
    /// Empty device memory.
    pub fn new() -> Self {
        Memory {
            allocations: BTreeMap::new(),
            next_address: GLOBAL_BASE,
            symbols: HashMap::new(),
        }
    }

    /// Allocates `size` zeroed bytes (like `cudaMalloc` + `cudaMemset(0)`); returns the
    /// device address, aligned to 256 bytes. Fails if the host cannot provide the memory.
    pub fn alloc(&mut self, size: u64) -> Result<u64, MemoryError> {
        let mut bytes = Vec::new();
        usize::try_from(size)
            .ok()
            .and_then(|n| bytes.try_reserve_exact(n).ok().map(|_| n))
            .map(|n| bytes.resize(n, 0))
            .ok_or_else(|| MemoryError {
                message: format!("cannot allocate {size} bytes of device memory"),
            })?;
        Ok(self.alloc_inner(bytes, false))
    }

    /// Allocates a buffer holding a copy of `bytes`.
    pub fn alloc_bytes(&mut self, bytes: &[u8]) -> u64 {
        self.alloc_inner(bytes.to_vec(), false)
    }

    fn alloc_inner(&mut self, bytes: Vec<u8>, read_only: bool) -> u64 {
        let address = self.next_address;
        let size = bytes.len() as u64;
        let end = address + size.max(1) + GUARD_GAP;
        self.next_address = end.div_ceil(ALLOC_ALIGN) * ALLOC_ALIGN;
        self.allocations
            .insert(address, Allocation { bytes, read_only });
        address
    }

    /// Frees an allocation made by [`Memory::alloc`].
    pub fn free(&mut self, address: u64) -> Result<(), MemoryError> {
        match self.allocations.remove(&address) {
            Some(_) => Ok(()),
            None => Err(MemoryError {
                message: format!("0x{address:x} is not the start of an allocation"),
            }),
        }
    }

    /// The address of a module variable (`__device__` / `__constant__`) allocated by a launch
    /// or by [`Memory::define_symbol`].
    pub fn symbol_address(&self, name: &str) -> Option<u64> {
        self.symbols.get(name).copied()
    }

    /// Allocates a module variable once (later calls return the existing address).
    pub fn define_symbol(&mut self, name: &str, bytes: &[u8], read_only: bool) -> u64 {
        if let Some(&address) = self.symbols.get(name) {
            return address;
        }
        let address = self.alloc_inner(bytes.to_vec(), read_only);
        self.symbols.insert(name.to_string(), address);
        address
    }

    /// Copies bytes out of device memory (host side; any allocation).
    pub fn read(&self, address: u64, len: usize) -> Result<Vec<u8>, MemoryError> {
        let (base, allocation) = self
            .find(address, len as u64)
            .map_err(|message| MemoryError { message })?;
        let start = (address - base) as usize;
        Ok(allocation.bytes[start..start + len].to_vec())
    }

    /// Copies bytes into device memory (host side; constant memory may be written too).
    pub fn write(&mut self, address: u64, data: &[u8]) -> Result<(), MemoryError> {
        let slice = self
            .device_slice(address, data.len() as u64, false)
            .map_err(|message| MemoryError { message })?;
        slice.copy_from_slice(data);
        Ok(())
    }

    fn find(&self, address: u64, len: u64) -> Result<(u64, &Allocation), String> {
        if let Some((&base, allocation)) = self.allocations.range(..=address).next_back() {
            let size = allocation.bytes.len() as u64;
            if address
                .checked_add(len)
                .is_some_and(|end| end <= base + size)
            {
                return Ok((base, allocation));
            }
            if address < base + size + GUARD_GAP {
                return Err(format!(
                    "{len} bytes at 0x{address:x} are outside the allocation of {size} bytes at 0x{base:x} (offset {})",
                    address - base
                ));
            }
        }
        Err(format!("0x{address:x} is not in any device allocation"))
    }

    /// A mutable view of `len` bytes of an allocation, for the executor; `device_store`
    /// refuses read-only (constant) memory.
    pub(crate) fn device_slice(
        &mut self,
        address: u64,
        len: u64,
        device_store: bool,
    ) -> Result<&mut [u8], String> {
        let (base, read_only) = {
            let (base, allocation) = self.find(address, len)?;
            (base, allocation.read_only)
        };
        if device_store && read_only {
            return Err(format!("store to constant memory at 0x{address:x}"));
        }
        let allocation = self
            .allocations
            .get_mut(&base)
            .ok_or_else(|| format!("0x{address:x} is not in any device allocation"))?;
        let start = (address - base) as usize;
        allocation
            .bytes
            .get_mut(start..start + len as usize)
            .ok_or_else(|| format!("0x{address:x} is not in any device allocation"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_are_separated_and_checked() {
        let mut memory = Memory::new();
        let a = memory.alloc(16).unwrap();
        let b = memory.alloc_bytes(&[1, 2, 3, 4]);
        assert!(b >= a + 16 + GUARD_GAP);
        assert_eq!(a % 256, 0);
        memory.write(a + 12, &[9, 9, 9, 9]).unwrap();
        assert_eq!(memory.read(a + 12, 4).unwrap(), vec![9, 9, 9, 9]);
        let err = memory.write(a + 14, &[0; 4]).unwrap_err();
        assert!(
            err.message.contains("outside the allocation of 16 bytes"),
            "{err}"
        );
        assert!(memory.read(0, 4).is_err());
        assert_eq!(memory.read(b, 4).unwrap(), vec![1, 2, 3, 4]);
        memory.free(b).unwrap();
        assert!(memory.read(b, 4).is_err());
    }

    #[test]
    fn constant_symbols_refuse_device_stores() {
        let mut memory = Memory::new();
        let c = memory.define_symbol("table", &[1, 0, 0, 0], true);
        assert_eq!(memory.define_symbol("table", &[], true), c);
        assert!(memory.device_slice(c, 4, true).is_err());
        assert!(memory.device_slice(c, 4, false).is_ok());
        assert_eq!(memory.symbol_address("table"), Some(c));
    }
}
