//! Warp collectives, through workgroup memory or subgroups.
//!
//! WebGPU's subgroups are optional and their size is the device's (lavapipe's are 8 wide),
//! while CUDA's warps are 32 consecutive threads of the block (linear thread id
//! `local_invocation_index`). Where the runtime has checked that the device's subgroups are
//! exactly that ([`WarpCollectives::Subgroups`], NVIDIA's), the helpers are
//! [`SUBGROUP_HELPERS`] over subgroup built-ins (a ballot for the group, a shuffle per value,
//! the built-in reductions for whole warps); CI runs the same helpers with workgroup-memory
//! stand-ins for the built-ins ([`WarpCollectives::SimulatedSubgroups`]). Everywhere else (the
//! default, portable WGSL) every collective goes through `warp_slots`, a workgroup
//! array of [`SLOT_WORDS`] words per thread (value low word, high word, whether the thread
//! takes part): each thread writes its slot, waits at a workgroup barrier, reads the slots of
//! its warp's lanes and computes its result, and waits at a second barrier (so that nobody
//! overwrites a slot that a slower thread still reads). The helpers are WGSL text
//! ([`WARP_PRELUDE`]) with the same semantics as the reference executor and the SPIR-V
//! backend's emulation: a collective's group is its mask restricted to the lanes that execute
//! it; a shuffle from a lane outside the group gives the caller's own value.
//!
//! Every thread of the block must reach those barriers: [`cwcc_simt::predicate`] first
//! rewrites the kernel so that collectives never sit under thread-dependent control flow
//! (threads that CUDA would not run there take part with mask 0), and `__activemask()` becomes
//! a ballot of the threads that reach it. `__syncwarp` is a block barrier (as `__syncthreads`,
//! with `storageBarrier()` where the heap needs ordering), which waits for a superset of the
//! warp. The collectives' own barriers only exchange through workgroup memory (CUDA's
//! shuffles and votes do not order memory).
//!
//! The barriers are in uniform control flow as far as the predication's uniformity analysis
//! can tell (values computed from kernel parameters, block indices and sizes, and locals
//! assigned only such values); naga's validator does not check barrier uniformity, and Tint's
//! stricter analysis may reject a kernel whose uniform loop bound it cannot prove uniform
//! (the same holds for `__syncthreads` in such loops).

use super::{Emitter, Kind, Res, H};
use crate::{WarpCollectives, WgslError};
use cwcc_simt::ir::{Inst, MatchKind, ReduceOp, ShuffleKind, Value, VoteKind};
use naga::{BinaryOperator as BO, Block, Expression as E, ScalarKind, Span, Statement as S};

/// Words per thread in `warp_slots`: value low word, high word, participation.
pub const SLOT_WORDS: u32 = 3;

/// Name of the override constant of the length of `warp_slots` (it has a default computed
/// from the block size, so a runtime never sets it).
pub const OVERRIDE_WARP_WORDS: &str = "warp_words";

/// The declaration of `warp_words` as naga sees it: naga 30's WGSL writer cannot write an
/// override initializer that is not a literal (it panics), so the module is built with this
/// placeholder and [`fix_warp_decls`] writes [`WARP_WORDS_DECL`] in its place.
const WARP_WORDS_PLACEHOLDER: &str = "override warp_words: u32 = 3u;";

/// The declaration of `warp_words` in the written WGSL: three words per thread of the block.
const WARP_WORDS_DECL: &str = "override warp_words: u32 = 3u * block_x * block_y * block_z;";

/// Helpers of both kinds of warp collectives: the lane a shuffle reads (its own lane where
/// the source is outside its segment of `width` lanes) and one step of a warp reduction.
const WARP_COMMON: &str = "
fn warp_source(kind: u32, t: u32, b: i32, width: i32) -> u32 {
    let lane = i32(t & 31u);
    let seg = 32i - width;
    let min_lane = lane & seg;
    let max_lane = min_lane | (31i & ~seg);
    var j = min_lane | (b & 31i & ~seg);
    var valid = true;
    if kind == 1u {
        j = lane - b;
        valid = j >= min_lane;
    } else if kind == 2u {
        j = lane + b;
        valid = j <= max_lane;
    } else if kind == 3u {
        j = lane ^ b;
        valid = j <= max_lane;
    }
    valid = valid && j >= 0i && j < 32i;
    return u32(select(lane, j, valid));
}
fn warp_reduce_step(op: u32, a: u32, b: u32) -> u32 {
    switch op {
        case 0u: { return a + b; }
        case 1u: { return bitcast<u32>(min(bitcast<i32>(a), bitcast<i32>(b))); }
        case 2u: { return bitcast<u32>(max(bitcast<i32>(a), bitcast<i32>(b))); }
        case 3u: { return min(a, b); }
        case 4u: { return max(a, b); }
        case 5u: { return a & b; }
        case 6u: { return a | b; }
        default: { return a ^ b; }
    }
}
";

/// The declarations and helper functions of the emulation (appended to the prelude; what a
/// kernel does not use is removed with the other unused helpers).
pub const WARP_PRELUDE: &str = "
override warp_words: u32 = 3u;
var<workgroup> warp_slots: array<u32, warp_words>;

fn warp_publish(t: u32, v: vec2<u32>, mask: u32) {
    warp_slots[t * 3u] = v.x;
    warp_slots[t * 3u + 1u] = v.y;
    warp_slots[t * 3u + 2u] = select(0u, 1u, mask != 0u);
    workgroupBarrier();
}
fn warp_in_group(t: u32, mask: u32, j: u32) -> bool {
    let i = (t & ~31u) + j;
    return j < 32u && i < block_x * block_y * block_z && ((mask >> j) & 1u) != 0u
        && warp_slots[i * 3u + 2u] != 0u;
}
fn warp_value(t: u32, j: u32) -> vec2<u32> {
    let i = min((t & ~31u) + min(j, 31u), block_x * block_y * block_z - 1u);
    return vec2<u32>(warp_slots[i * 3u], warp_slots[i * 3u + 1u]);
}
fn warp_shfl(kind: u32, t: u32, v: vec2<u32>, mask: u32, b: i32, width: i32) -> vec2<u32> {
    warp_publish(t, v, mask);
    let src = warp_source(kind, t, b, width);
    let r = select(v, warp_value(t, src), warp_in_group(t, mask, src));
    workgroupBarrier();
    return r;
}
fn warp_vote(kind: u32, t: u32, pred: bool, mask: u32) -> u32 {
    warp_publish(t, vec2<u32>(select(0u, 1u, pred), 0u), mask);
    var ballot = 0u;
    var group = 0u;
    for (var j = 0u; j < 32u; j++) {
        let bit = 1u << j;
        let in_group = warp_in_group(t, mask, j);
        group = select(group, group | bit, in_group);
        ballot = select(ballot, ballot | bit, in_group && warp_value(t, j).x != 0u);
    }
    workgroupBarrier();
    if kind == 0u { return select(0u, 1u, ballot != 0u); }
    if kind == 1u { return select(0u, 1u, ballot == group); }
    return ballot;
}
fn warp_match(kind: u32, t: u32, v: vec2<u32>, mask: u32) -> u32 {
    warp_publish(t, v, mask);
    var same = 0u;
    var group = 0u;
    var all_same = true;
    for (var j = 0u; j < 32u; j++) {
        let bit = 1u << j;
        let in_group = warp_in_group(t, mask, j);
        let w = warp_value(t, j);
        let eq = w.x == v.x && w.y == v.y;
        group = select(group, group | bit, in_group);
        same = select(same, same | bit, in_group && eq);
        all_same = all_same && (!in_group || eq);
    }
    workgroupBarrier();
    if kind == 0u { return same; }
    return select(0u, group, all_same);
}
fn warp_reduce(op: u32, identity: u32, t: u32, v: u32, mask: u32) -> u32 {
    warp_publish(t, vec2<u32>(v, 0u), mask);
    var acc = identity;
    for (var j = 0u; j < 32u; j++) {
        let r = warp_reduce_step(op, acc, warp_value(t, j).x);
        acc = select(acc, r, warp_in_group(t, mask, j));
    }
    workgroupBarrier();
    return acc;
}
";

/// The same helpers as [`WARP_PRELUDE`] for devices whose subgroups are CUDA's warps
/// ([`WarpCollectives::Subgroups`]): no workgroup memory and no barriers. They are written
/// over five primitives (`sg_*`, [`NATIVE_SUBGROUP_PRIMITIVES`] or, for testing on other
/// devices, [`SIMULATED_SUBGROUP_PRIMITIVES`]). Every thread of the block still calls them
/// (the predication is the same), so all lanes of a subgroup are active at each primitive; a
/// thread that CUDA would not run there passes mask 0, and the group of a caller is its mask
/// restricted to the lanes with a mask (one ballot). Lanes past the end of a partial last warp
/// are inactive and never in a group, so what a shuffle reads from them is discarded.
const SUBGROUP_HELPERS: &str = "
fn warp_group(t: u32, mask: u32) -> u32 {
    return mask & sg_ballot(t, mask != 0u);
}
fn warp_shfl(kind: u32, t: u32, v: vec2<u32>, mask: u32, b: i32, width: i32) -> vec2<u32> {
    let group = warp_group(t, mask);
    let src = warp_source(kind, t, b, width);
    let w = sg_shuffle2(t, v, src);
    return select(v, w, ((group >> src) & 1u) != 0u);
}
fn warp_shfl_word(kind: u32, t: u32, v: u32, mask: u32, b: i32, width: i32) -> u32 {
    let group = warp_group(t, mask);
    let src = warp_source(kind, t, b, width);
    let w = sg_shuffle(t, v, src);
    return select(v, w, ((group >> src) & 1u) != 0u);
}
fn warp_vote(kind: u32, t: u32, pred: bool, mask: u32) -> u32 {
    let group = warp_group(t, mask);
    let ballot = sg_ballot(t, pred && mask != 0u) & group;
    if kind == 0u { return select(0u, 1u, ballot != 0u); }
    if kind == 1u { return select(0u, 1u, ballot == group); }
    return ballot;
}
fn warp_match(kind: u32, t: u32, v: vec2<u32>, mask: u32) -> u32 {
    let group = warp_group(t, mask);
    var same = 0u;
    var all_same = true;
    for (var j = 0u; j < 32u; j++) {
        let in_group = ((group >> j) & 1u) != 0u;
        let w = sg_shuffle2(t, v, j);
        let eq = w.x == v.x && w.y == v.y;
        same = select(same, same | (1u << j), in_group && eq);
        all_same = all_same && (!in_group || eq);
    }
    if kind == 0u { return same; }
    return select(0u, group, all_same);
}
fn warp_reduce(op: u32, identity: u32, t: u32, v: u32, mask: u32) -> u32 {
    let group = warp_group(t, mask);
    if sg_all(t, group == 0xffffffffu) {
        return sg_reduce(t, op, v);
    }
    var acc = identity;
    for (var j = 0u; j < 32u; j++) {
        let r = warp_reduce_step(op, acc, sg_shuffle(t, v, j));
        acc = select(acc, r, ((group >> j) & 1u) != 0u);
    }
    return acc;
}
";

/// The subgroup primitives of [`SUBGROUP_HELPERS`] as WGSL's built-ins (`t`, the caller's
/// linear thread index, is unused). `sg_reduce` is only called where every lane of the warp
/// is in the group.
pub const NATIVE_SUBGROUP_PRIMITIVES: &str = "
fn sg_ballot(t: u32, p: bool) -> u32 { return subgroupBallot(p).x; }
fn sg_shuffle(t: u32, v: u32, j: u32) -> u32 { return subgroupShuffle(v, j); }
fn sg_shuffle2(t: u32, v: vec2<u32>, j: u32) -> vec2<u32> { return subgroupShuffle(v, j); }
fn sg_all(t: u32, p: bool) -> bool { return subgroupAll(p); }
fn sg_reduce(t: u32, op: u32, v: u32) -> u32 {
    switch op {
        case 0u: { return subgroupAdd(v); }
        case 1u: { return bitcast<u32>(subgroupMin(bitcast<i32>(v))); }
        case 2u: { return bitcast<u32>(subgroupMax(bitcast<i32>(v))); }
        case 3u: { return subgroupMin(v); }
        case 4u: { return subgroupMax(v); }
        case 5u: { return subgroupAnd(v); }
        case 6u: { return subgroupOr(v); }
        default: { return subgroupXor(v); }
    }
}
";

/// Stand-ins for [`NATIVE_SUBGROUP_PRIMITIVES`] through `warp_slots` and workgroup barriers,
/// behaving as 32-wide subgroups of consecutive threads do ([`WarpCollectives::SimulatedSubgroups`]).
/// Every thread of the block calls them the same number of times, in the same order (as
/// the predication guarantees for the helpers); `sg_all` answers for the whole block, which
/// keeps the barriers behind it uniform and still lets only whole warps take `sg_reduce`.
pub const SIMULATED_SUBGROUP_PRIMITIVES: &str = "
override warp_words: u32 = 3u;
var<workgroup> warp_slots: array<u32, warp_words>;
var<workgroup> sim_all_flag: atomic<u32>;

fn sim_put(t: u32, v: vec2<u32>) {
    workgroupBarrier();
    warp_slots[t * 3u] = v.x;
    warp_slots[t * 3u + 1u] = v.y;
    workgroupBarrier();
}
fn sim_get(t: u32, j: u32) -> vec2<u32> {
    let i = min((t & ~31u) + (j & 31u), block_x * block_y * block_z - 1u);
    return vec2<u32>(warp_slots[i * 3u], warp_slots[i * 3u + 1u]);
}
fn sg_ballot(t: u32, p: bool) -> u32 {
    sim_put(t, vec2<u32>(select(0u, 1u, p), 0u));
    var b = 0u;
    for (var j = 0u; j < 32u; j++) {
        let i = (t & ~31u) + j;
        let n = block_x * block_y * block_z;
        let on = i < n && warp_slots[min(i, n - 1u) * 3u] != 0u;
        b = select(b, b | (1u << j), on);
    }
    return b;
}
fn sg_shuffle2(t: u32, v: vec2<u32>, j: u32) -> vec2<u32> {
    sim_put(t, v);
    return sim_get(t, j);
}
fn sg_shuffle(t: u32, v: u32, j: u32) -> u32 {
    return sg_shuffle2(t, vec2<u32>(v, 0u), j).x;
}
fn sg_all(t: u32, p: bool) -> bool {
    workgroupBarrier();
    if t == 0u { atomicStore(&sim_all_flag, 1u); }
    workgroupBarrier();
    if !p { atomicStore(&sim_all_flag, 0u); }
    workgroupBarrier();
    let r = atomicLoad(&sim_all_flag);
    workgroupBarrier();
    return r != 0u;
}
fn sg_reduce(t: u32, op: u32, v: u32) -> u32 {
    sim_put(t, vec2<u32>(v, 0u));
    var acc = sim_get(t, 0u).x;
    for (var j = 1u; j < 32u; j++) {
        acc = warp_reduce_step(op, acc, sim_get(t, j).x);
    }
    return acc;
}
";

/// The warp helpers for `warps` (appended to the prelude; what a kernel does not use is
/// removed with the other unused helpers).
pub fn prelude(warps: WarpCollectives) -> String {
    match warps {
        WarpCollectives::Workgroup => format!("{WARP_COMMON}{WARP_PRELUDE}"),
        WarpCollectives::Subgroups => {
            format!("{WARP_COMMON}{SUBGROUP_HELPERS}{NATIVE_SUBGROUP_PRIMITIVES}")
        }
        WarpCollectives::SimulatedSubgroups => {
            format!("{WARP_COMMON}{SUBGROUP_HELPERS}{SIMULATED_SUBGROUP_PRIMITIVES}")
        }
    }
}

/// Repairs naga 30's output for the emulation's declarations: the size of `warp_slots`
/// computed from the block size (see [`WARP_WORDS_PLACEHOLDER`]) and the element type of the
/// override-sized array (which the writer drops).
pub fn fix_warp_decls(source: &str) -> Result<String, WgslError> {
    if !source.contains(OVERRIDE_WARP_WORDS) {
        return Ok(source.to_string());
    }
    if source.matches(WARP_WORDS_PLACEHOLDER).count() != 1 {
        return Err(WgslError::Naga(format!(
            "the written WGSL lacks `{WARP_WORDS_PLACEHOLDER}`"
        )));
    }
    Ok(source
        .replace(WARP_WORDS_PLACEHOLDER, WARP_WORDS_DECL)
        .replace(
            &format!("array<{OVERRIDE_WARP_WORDS}>"),
            &format!("array<u32, {OVERRIDE_WARP_WORDS}>"),
        ))
}

/// Bytes of `warp_slots` per thread in a built module (0 when it has no collective).
pub fn bytes_per_thread(nm: &naga::Module) -> u32 {
    let used = nm
        .global_variables
        .iter()
        .any(|(_, g)| g.name.as_deref() == Some("warp_slots"));
    if used {
        4 * SLOT_WORDS
    } else {
        0
    }
}

/// The code of a reduction in `warp_reduce_step` and its identity.
fn reduce_code(op: ReduceOp) -> (u32, u32) {
    match op {
        ReduceOp::Add => (0, 0),
        ReduceOp::SMin => (1, i32::MAX as u32),
        ReduceOp::SMax => (2, i32::MIN as u32),
        ReduceOp::UMin => (3, u32::MAX),
        ReduceOp::UMax => (4, 0),
        ReduceOp::And => (5, u32::MAX),
        ReduceOp::Or => (6, 0),
        ReduceOp::Xor => (7, 0),
    }
}

impl Emitter<'_> {
    /// The linear thread index in the block (`local_invocation_index`).
    fn linear_tid(&mut self) -> H {
        self.func
            .expressions
            .append(E::FunctionArgument(2), Span::UNDEFINED)
    }

    /// A value of kind `k` as two words (`vec2<u32>`; the high word is 0 below 64 bits).
    fn pack_words(&mut self, b: &mut Block, k: Kind, v: H) -> Res<H> {
        if k == Kind::I64 {
            return Ok(v);
        }
        let lo = self.pack_word(b, k, v);
        let zero = self.u32c(0);
        Ok(self.compose_u64(b, lo, zero))
    }

    /// A value of kind `k` below 64 bits as one `u32` word (its low word).
    fn pack_word(&mut self, b: &mut Block, k: Kind, v: H) -> H {
        match k {
            Kind::Bool => {
                let one = self.u32c(1);
                let zero = self.u32c(0);
                self.select(b, v, one, zero)
            }
            Kind::Int(_) | Kind::F32 => self.as_u32(b, v),
            Kind::Ptr(_) | Kind::I64 => v,
        }
    }

    /// The inverse of [`Emitter::pack_words`].
    fn unpack_words(&mut self, b: &mut Block, k: Kind, w: H) -> Res<H> {
        if k == Kind::I64 {
            return Ok(w);
        }
        let lo = self.component(b, w, 0);
        self.unpack_word(b, k, lo)
    }

    /// The inverse of [`Emitter::pack_word`].
    fn unpack_word(&mut self, b: &mut Block, k: Kind, lo: H) -> Res<H> {
        Ok(match k {
            Kind::Bool => {
                let zero = self.u32c(0);
                self.bin(b, BO::NotEqual, lo, zero)
            }
            // 8/16-bit values are kept sign-extended, so their words come back as they went.
            Kind::Int(_) => self.as_i32(b, lo),
            Kind::F32 => self.cast(b, lo, ScalarKind::Float, None),
            Kind::Ptr(_) | Kind::I64 => lo,
        })
    }

    /// A `u32` result (0 / 1 for `any` / `all`) as the kind of `result`.
    fn vote_result(&mut self, b: &mut Block, result: Option<Value>, r: H) -> Res<Option<H>> {
        let Some(v) = result else {
            return Ok(None);
        };
        Ok(Some(match self.kind(v)? {
            Kind::Bool => {
                let zero = self.u32c(0);
                self.bin(b, BO::NotEqual, r, zero)
            }
            Kind::Int(_) => self.as_i32(b, r),
            k => {
                return Err(WgslError::Invalid(format!(
                    "a warp vote whose result is {k:?}"
                )))
            }
        }))
    }

    /// A mask operand (`i32`) as `u32`.
    fn mask_u32(&mut self, b: &mut Block, mask: Value) -> Res<H> {
        let m = self.val(mask)?;
        Ok(self.as_u32(b, m))
    }

    /// Emits a warp collective (see the module docs); every thread of the block runs it.
    pub(super) fn collective(
        &mut self,
        b: &mut Block,
        result: Option<Value>,
        inst: &Inst,
    ) -> Res<()> {
        let t = self.linear_tid();
        let h = match inst {
            Inst::SyncWarp { .. } => {
                let barrier = self.next_barrier();
                b.push(S::ControlBarrier(barrier), Span::UNDEFINED);
                return Ok(());
            }
            Inst::Shuffle {
                kind,
                mask,
                value,
                lane_or_delta,
                width,
            } => {
                let k = self.kind(*value)?;
                let v = self.val(*value)?;
                let m = self.mask_u32(b, *mask)?;
                let code = self.u32c(match kind {
                    ShuffleKind::Idx => 0,
                    ShuffleKind::Up => 1,
                    ShuffleKind::Down => 2,
                    ShuffleKind::Xor => 3,
                });
                let lane = self.val(*lane_or_delta)?;
                let width = self.val(*width)?;
                if self.subgroups32 && k != Kind::I64 {
                    // One 32-bit shuffle where the value has no high word.
                    let word = self.pack_word(b, k, v);
                    let r = self.call(b, "warp_shfl_word", vec![code, t, word, m, lane, width])?;
                    Some(self.unpack_word(b, k, r)?)
                } else {
                    let words = self.pack_words(b, k, v)?;
                    let r = self.call(b, "warp_shfl", vec![code, t, words, m, lane, width])?;
                    Some(self.unpack_words(b, k, r)?)
                }
            }
            Inst::Vote { kind, mask, pred } => {
                let m = self.mask_u32(b, *mask)?;
                let p = self.val(*pred)?;
                let code = self.u32c(match kind {
                    VoteKind::Any => 0,
                    VoteKind::All => 1,
                    VoteKind::Ballot => 2,
                });
                let r = self.call(b, "warp_vote", vec![code, t, p, m])?;
                match kind {
                    VoteKind::Ballot => Some(self.as_i32(b, r)),
                    _ => self.vote_result(b, result, r)?,
                }
            }
            // The predication turns it into a ballot; kept for kernels that skip it.
            Inst::ActiveMask => {
                let code = self.u32c(2);
                let p = self.boolc(true);
                let m = self.u32c(u32::MAX);
                let r = self.call(b, "warp_vote", vec![code, t, p, m])?;
                Some(self.as_i32(b, r))
            }
            Inst::Match { kind, mask, value } => {
                let k = self.kind(*value)?;
                let v = self.val(*value)?;
                let words = self.pack_words(b, k, v)?;
                let m = self.mask_u32(b, *mask)?;
                let code = self.u32c(match kind {
                    MatchKind::Any => 0,
                    MatchKind::All => 1,
                });
                let r = self.call(b, "warp_match", vec![code, t, words, m])?;
                Some(self.as_i32(b, r))
            }
            Inst::WarpReduce { op, mask, value } => {
                if self.kind(*value)? != Kind::Int(32) {
                    return Err(WgslError::Invalid(
                        "__reduce_*_sync on a value that is not i32".into(),
                    ));
                }
                let v = self.val(*value)?;
                let v = self.as_u32(b, v);
                let m = self.mask_u32(b, *mask)?;
                let (code, identity) = reduce_code(*op);
                let code = self.u32c(code);
                let identity = self.u32c(identity);
                let r = self.call(b, "warp_reduce", vec![code, identity, t, v, m])?;
                Some(self.as_i32(b, r))
            }
            _ => return Err(WgslError::Invalid("not a warp collective".into())),
        };
        if let (Some(r), Some(h)) = (result, h) {
            self.set(r, h);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, WarpCollectives, WgslError, WgslOptions};

    /// Compiles kernel `k` of `text` and checks that the WGSL parses and validates again.
    fn compile_valid(text: &str) -> crate::WgslKernel {
        compile_valid_with(text, &WgslOptions::default())
    }

    /// [`compile_valid`] with `opts`; the WGSL is validated with subgroup operations where
    /// the options allow them.
    fn compile_valid_with(text: &str, opts: &WgslOptions) -> crate::WgslKernel {
        let module = cwcc_simt::parse_module(text).unwrap();
        let k = compile(&module, "k", opts).unwrap();
        let reparsed = naga::front::wgsl::parse_str(&k.source)
            .unwrap_or_else(|e| panic!("{}", e.emit_to_string(&k.source)));
        let subgroups = opts.warps == WarpCollectives::Subgroups;
        crate::emit::validator(crate::Atomics64::None, subgroups)
            .validate(&reparsed)
            .unwrap_or_else(|e| panic!("{}", e.emit_to_string(&k.source)));
        k
    }

    /// A kernel storing `INST` (which defines `%v9` from `%v1` = lane id, `%v2` = full mask,
    /// `%v3` = true, `%v4` = lane id as i64, `%v5` = lane id as f32, `%v6` = 32) through `%v0`.
    fn kernel(inst: &str, ty: &str) -> String {
        format!(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {{
  %v1: i32 = lane_id
  %v2: i32 = const -1
  %v3: i1 = const 1
  %v4: i64 = zext %v1
  %v5: f32 = sitofp %v1
  %v6: i32 = const 32
  %v9: {ty} = {inst}
  store %v0, %v9 align 8
  return
}}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
"
        )
    }

    #[test]
    fn every_collective_gives_valid_wgsl() {
        let cases = [
            ("shfl.idx %v2, %v1, %v1, %v6", "i32"),
            ("shfl.up %v2, %v5, %v1, %v6", "f32"),
            ("shfl.down %v2, %v4, %v1, %v6", "i64"),
            ("shfl.xor %v2, %v1, %v1, %v6", "i32"),
            ("vote.ballot %v2, %v3", "i32"),
            ("vote.any %v2, %v3", "i1"),
            ("vote.all %v2, %v3", "i1"),
            ("match.any %v2, %v4", "i32"),
            ("match.all %v2, %v1", "i32"),
            ("reduce.add %v2, %v1", "i32"),
            ("reduce.smin %v2, %v1", "i32"),
            ("reduce.umax %v2, %v1", "i32"),
            ("reduce.xor %v2, %v1", "i32"),
            ("active_mask", "i32"),
        ];
        for (inst, ty) in cases {
            let k = compile_valid(&kernel(inst, ty));
            assert!(
                k.source
                    .contains("var<workgroup> warp_slots: array<u32, warp_words>"),
                "{inst}:\n{}",
                k.source
            );
            assert!(k.source.contains(super::WARP_WORDS_DECL), "{}", k.source);
            assert_eq!(k.warp_bytes_per_thread, 12);
        }
        let k = compile_valid(&kernel("vote.ballot %v2, %v3", "i32"));
        assert!(k.source.contains("fn warp_vote("));
        assert!(
            !k.source.contains("fn warp_shfl("),
            "unused helpers are removed"
        );
    }

    #[test]
    fn with_subgroups_every_collective_uses_subgroup_built_ins_and_no_workgroup_memory() {
        let cases = [
            ("shfl.idx %v2, %v1, %v1, %v6", "i32", "warp_shfl_word("),
            ("shfl.up %v2, %v5, %v1, %v6", "f32", "warp_shfl_word("),
            ("shfl.down %v2, %v4, %v1, %v6", "i64", "warp_shfl("),
            ("shfl.xor %v2, %v1, %v1, %v6", "i32", "warp_shfl_word("),
            ("vote.ballot %v2, %v3", "i32", "warp_vote("),
            ("vote.any %v2, %v3", "i1", "warp_vote("),
            ("vote.all %v2, %v3", "i1", "warp_vote("),
            ("match.any %v2, %v4", "i32", "warp_match("),
            ("match.all %v2, %v1", "i32", "warp_match("),
            ("reduce.add %v2, %v1", "i32", "warp_reduce("),
            ("reduce.smin %v2, %v1", "i32", "warp_reduce("),
            ("reduce.umax %v2, %v1", "i32", "warp_reduce("),
            ("reduce.xor %v2, %v1", "i32", "warp_reduce("),
            ("active_mask", "i32", "warp_vote("),
        ];
        for (inst, ty, helper) in cases {
            let native = WgslOptions {
                warps: WarpCollectives::Subgroups,
                ..WgslOptions::default()
            };
            let k = compile_valid_with(&kernel(inst, ty), &native);
            assert!(k.source.contains(helper), "{inst}:\n{}", k.source);
            assert!(
                k.source.contains("subgroupBallot("),
                "{inst}:\n{}",
                k.source
            );
            assert!(!k.source.contains("warp_slots"), "{inst}:\n{}", k.source);
            assert!(
                !k.source.contains("workgroupBarrier"),
                "{inst}:\n{}",
                k.source
            );
            assert_eq!(k.warp_bytes_per_thread, 0);
            // The simulation runs the same helpers over workgroup memory.
            let simulated = WgslOptions {
                warps: WarpCollectives::SimulatedSubgroups,
                ..WgslOptions::default()
            };
            let k = compile_valid_with(&kernel(inst, ty), &simulated);
            assert!(k.source.contains(helper), "{inst}:\n{}", k.source);
            assert!(!k.source.contains("subgroup"), "{inst}:\n{}", k.source);
            assert!(k.source.contains(super::WARP_WORDS_DECL), "{}", k.source);
            assert_eq!(k.warp_bytes_per_thread, 12);
        }
        // A full warp's reduction is one subgroup built-in.
        let native = WgslOptions {
            warps: WarpCollectives::Subgroups,
            ..WgslOptions::default()
        };
        let k = compile_valid_with(&kernel("reduce.add %v2, %v1", "i32"), &native);
        assert!(k.source.contains("subgroupAdd("), "{}", k.source);
    }

    #[test]
    fn syncwarp_is_a_block_barrier_and_kernels_without_collectives_have_no_slots() {
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  store %v0, %v1 align 4
  %v2: i32 = const -1
  syncwarp %v2
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let k = compile_valid(text);
        assert!(k.source.contains("workgroupBarrier()"), "{}", k.source);
        assert_eq!(k.warp_bytes_per_thread, 0);
        assert!(!k.source.contains("warp_slots"));
    }

    #[test]
    fn a_collective_under_a_divergent_if_runs_in_every_thread() {
        // if (lane < 20) out = __ballot_sync(0xfffff, true);
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  %v2: i32 = const 20
  %v3: i1 = cmp.slt %v1, %v2
  if %v3 {
    %v4: i32 = const 1048575
    %v5: i1 = const 1
    %v6: i32 = vote.ballot %v4, %v5
    store %v0, %v6 align 4
  } else {
  }
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let k = compile_valid(text);
        // The helper (with its barriers) is called outside any `if`.
        assert!(
            top_level_calls(&k.source).contains(&"warp_vote".to_string()),
            "{}",
            k.source
        );
    }

    /// The functions the entry point calls at the top level of its body.
    fn top_level_calls(source: &str) -> Vec<String> {
        let module = naga::front::wgsl::parse_str(source).unwrap();
        let ep = &module.entry_points[0];
        ep.function
            .body
            .iter()
            .filter_map(|s| match s {
                naga::Statement::Call { function, .. } => module.functions[*function].name.clone(),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_collective_after_an_early_return_uses_an_alive_flag() {
        // if (lane >= 20) return; out = __shfl_down_sync(~0, lane, 1);
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  %v2: i32 = const 20
  %v3: i1 = cmp.sge %v1, %v2
  if %v3 {
    return
  } else {
  }
  %v4: i32 = const -1
  %v5: i32 = const 1
  %v6: i32 = const 32
  %v7: i32 = shfl.down %v4, %v1, %v5, %v6
  store %v0, %v7 align 4
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let k = compile_valid(text);
        assert!(
            top_level_calls(&k.source).contains(&"warp_shfl".to_string()),
            "{}",
            k.source
        );
        let main = k.source.split("fn main(").nth(1).unwrap_or_default();
        assert!(main.contains("alive"), "{main}");
    }

    #[test]
    fn a_collective_in_a_loop_with_a_per_thread_trip_count_is_refused() {
        let text = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {
  %v1: i32 = lane_id
  loop {
    %v2: i32 = const 3
    %v3: i1 = cmp.slt %v1, %v2
    if %v3 {
      break
    } else {
    }
    %v4: i32 = const -1
    %v5: i32 = shfl.down %v4, %v1, %v2, %v2
    store %v0, %v5 align 4
  } continuing {
  }
  return
}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
";
        let module = cwcc_simt::parse_module(text).unwrap();
        let err = compile(&module, "k", &WgslOptions::default()).unwrap_err();
        assert!(
            matches!(&err, WgslError::Unsupported { what, .. } if what.contains("trip count differs")),
            "{err}"
        );
    }

    fn atomic_kernel(use_result: bool) -> String {
        let store = if use_result {
            "store %v0, %v3 align 8\n"
        } else {
            ""
        };
        format!(
            "module phase simt
fn fn0 \"k\"(%v0: ptr<global>) {{
  %v1: i32 = lane_id
  %v2: i64 = zext %v1
  %v3: i64 = atomic.add.device %v0, %v2
  {store}  return
}}
kernel \"k\" = fn0(\"out\": ptr<global>) static_shared 0
"
        )
    }

    #[test]
    fn a_64_bit_atomic_add_is_refused_only_when_its_result_is_used() {
        let k = compile_valid(&atomic_kernel(false));
        assert!(k.source.contains("atom64_add_heap"), "{}", k.source);
        let module = cwcc_simt::parse_module(&atomic_kernel(true)).unwrap();
        let err = compile(&module, "k", &WgslOptions::default()).unwrap_err();
        assert!(
            matches!(&err, WgslError::Unsupported { what, .. } if what.contains("64-bit atomicAdd")),
            "{err}"
        );
    }
}
